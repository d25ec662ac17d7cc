"""Web-archive fixtures the tests write themselves: E-News-style pages in WARC, ARC and WACZ."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import zipfile
from base64 import b32encode
from dataclasses import dataclass
from html import escape
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


def enews_page(title: str, date: dt.date, words: str, contact: str = "Kim Thurler") -> bytes:
    """A story page in the site's table layout, with a dateline, a byline and a contact block."""
    stamp = f"{date:%m.%d.%y}"
    return f"""<html><head><title>Tufts E-News -- {escape(title)}</title>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head>
<body><div class="banner">The E-News site has been inactive since February 2011.</div>
<table width="760"><tr><td><img src="/enews/logo.gif" alt="Tufts University e-news"></td></tr>
<tr><td valign="top"><span class="headline">{escape(title)}</span><br>
<span class="subhead">A teaser about {escape(title.lower())} for the readers of the week.</span>
<p><b>Medford/Somerville, Mass. [{stamp}]</b> {escape(words)} The work went on all year.</p>
<p>Researchers said the findings on {escape(words.split()[0])} would shape the next study.</p>
<p>Story by Pat Writer, Web Communications</p>
<p><b>For More Information</b></p>
<p>{escape(contact)}<br>T: 617.627.3175<br>F: 617.627.4907</p>
</td></tr></table></body></html>
""".encode("latin-1")


@dataclass(frozen=True)
class Rec:
    """One record to write: a response (HTML or not), a revisit, or a resource."""

    url: str
    ts: str  # 14 digits
    body: bytes = b""
    kind: str = "response"
    mime: str = "text/html; charset=iso-8859-1"
    status: int = 200
    refers: Rec | None = None  # for a revisit: the response it repeats
    target: bool = True  # False: no WARC-Target-URI header
    extra: tuple[tuple[str, str], ...] = ()  # more HTTP headers (then `body` is stored as is)


def warc_date(ts: str) -> str:
    """`20080723120000` as a WARC-Date."""
    when = dt.datetime.strptime(ts, "%Y%m%d%H%M%S")
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def digest(body: bytes) -> str:
    """A WARC payload digest (`sha1:` base32)."""
    return "sha1:" + b32encode(hashlib.sha1(body).digest()).decode()


def warc_bytes(records: list[Rec], *, gz: bool = True) -> bytes:
    """A WARC file holding `records` (a warcinfo record first)."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "tests"}))
    for r in records:
        headers = {"WARC-Date": warc_date(r.ts)}
        http = StatusAndHeaders(
            f"{r.status} {'OK' if r.status == 200 else 'Other'}",
            [("Content-Type", r.mime)],
            protocol="HTTP/1.1",
        )
        if r.kind == "revisit":
            assert r.refers is not None
            record = writer.create_revisit_record(
                r.url,
                digest(r.refers.body),
                r.refers.url,
                warc_date(r.refers.ts),
                http_headers=http,
                warc_headers_dict=headers,
            )
        elif r.kind == "resource":
            headers["Content-Type"] = r.mime
            record = writer.create_warc_record(
                r.url, "resource", payload=io.BytesIO(r.body), warc_headers_dict=headers
            )
        else:
            http.headers.extend(r.extra)
            if not any(k.lower() == "transfer-encoding" for k, _v in r.extra):
                http.headers.append(("Content-Length", str(len(r.body))))
            record = writer.create_warc_record(
                r.url,
                "response",
                payload=io.BytesIO(r.body),
                http_headers=http,
                warc_headers_dict=headers,
            )
        if not r.target:
            record.rec_headers.remove_header("WARC-Target-URI")
        writer.write_record(record)
    return buf.getvalue()


def arc_bytes(records: list[Rec]) -> bytes:
    """An ARC file (version 1, each record its own gzip member) holding responses."""
    out = io.BytesIO()
    desc = b"1 0 tests\nURL IP-address Archive-date Content-type Archive-length\n"
    head = b"filedesc://test.arc 0.0.0.0 20080101000000 text/plain %d\n" % len(desc)
    out.write(gzip.compress(head + desc + b"\n"))
    for r in records:
        http = (
            f"HTTP/1.0 {r.status} OK\r\nContent-Type: {r.mime}\r\n"
            f"Content-Length: {len(r.body)}\r\n\r\n"
        ).encode() + r.body
        line = f"{r.url} 10.0.0.1 {r.ts} {r.mime.split(';')[0]} {len(http)}\n".encode()
        out.write(gzip.compress(line + http + b"\n"))
    return out.getvalue()


def wacz_bytes(warc: bytes, pages: list[Rec]) -> bytes:
    """A WACZ: the WARC under archive/, a pages list, a datapackage."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.warc.gz", warc, compress_type=zipfile.ZIP_STORED)
        lines = [json.dumps({"format": "json-pages-1.0", "id": "pages"})]
        lines += [json.dumps({"url": p.url, "ts": warc_date(p.ts)}) for p in pages]
        zf.writestr("pages/pages.jsonl", "\n".join(lines) + "\n")
        zf.writestr("datapackage.json", json.dumps({"profile": "data-package"}))
    return buf.getvalue()


def write(path: Path, data: bytes) -> Path:
    """Write `data` to `path` (folders made) and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def story(n: int, year: int = 2008) -> tuple[str, bytes]:
    """The URL and page of story `n` of a small E-News-style site."""
    topics = ["vaccine", "rowing", "shelter", "telescope", "orchard", "library", "glacier"]
    topic = topics[n % len(topics)]
    title = f"The {topic.title()} Project Number {n}"
    page = enews_page(title, dt.date(year, 1 + n % 12, 1 + n % 27), f"{topic} study {n} began.")
    return f"http://enews.tufts.edu/stories/{year}/{n:04d}.html", page
