"""Discovery through a CDX API, in its two dialects: the Wayback Machine's (JSON arrays with a
header row, regex filters, resume keys) and pywb's (CDXJ or JSON lines, exact-match filters,
pages for a paged index)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from enews_tui.text import one_line

#: The Wayback Machine, the default server.
WAYBACK = "https://web.archive.org"
#: Captures asked for per Wayback CDX request (its own default is 150,000; smaller pages keep
#: each request short and resumable).
PAGE_ROWS = 5000
_TS = re.compile(r"^\d{4,14}$")


class CdxError(Exception):
    """The CDX server's answer could not be read; the message is one line for the user."""


@dataclass(frozen=True)
class Server:
    """A server speaking the Wayback APIs: where its CDX API is and where it replays captures."""

    base: str
    dialect: str  # "wayback" or "pywb"

    @classmethod
    def parse(cls, text: str | None) -> Server:
        """`--from`: nothing or a bare host is the Wayback dialect (`/cdx/search/cdx`, `/web/`);
        a URL with a path names a pywb collection (`http://127.0.0.1:8080/my-coll`)."""
        if not text:
            return cls(WAYBACK, "wayback")
        url = text.strip().rstrip("/")
        if "://" not in url:
            url = f"http://{url}"
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"not an http(s) server address: {text!r}")
        path = parts.path.rstrip("/")
        if path in ("", "/web"):
            return cls(f"{parts.scheme}://{parts.netloc}", "wayback")
        return cls(f"{parts.scheme}://{parts.netloc}{path}", "pywb")

    @property
    def cdx_url(self) -> str:
        """The CDX endpoint."""
        return f"{self.base}/cdx/search/cdx" if self.dialect == "wayback" else f"{self.base}/cdx"

    @property
    def replay_base(self) -> str:
        """What a replay address starts with (before `<timestamp>/<url>`)."""
        return f"{self.base}/web" if self.dialect == "wayback" else self.base

    def raw_url(self, ts: str, url: str) -> str:
        """The `id_` replay: the capture's original bytes, no toolbar, links not rewritten."""
        return f"{self.replay_base}/{ts}id_/{url}"

    def replay_url(self, ts: str, url: str) -> str:
        """The address a person opens to see the capture."""
        return f"{self.replay_base}/{ts}/{url}"


@dataclass(frozen=True, order=True)
class Capture:
    """One capture a CDX server lists: its URL key (SURT), time and original URL."""

    urlkey: str
    ts: str
    url: str


def prefix_query(prefix: str) -> str:
    """`enews.tufts.edu/` from `http://enews.tufts.edu/` or `enews.tufts.edu`."""
    text = prefix.strip()
    text = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", text)
    if "/" not in text:
        text += "/"
    return text


def time_bound(text: str | None, *, end: bool) -> str | None:
    """`2008` or `2008-07` as a CDX `from`/`to` value (digits only)."""
    if text is None:
        return None
    digits = text.replace("-", "")
    if not _TS.match(digits) or len(digits) not in (4, 6, 8):
        raise ValueError(f"not a date (YYYY, YYYY-MM or YYYY-MM-DD): {text!r}")
    return digits


def wayback_params(prefix: str, since: str | None, until: str | None) -> dict[str, object]:
    """The Wayback CDX query: HTML captures with status 200 under `prefix` (regex filters)."""
    params: dict[str, object] = {
        "url": prefix_query(prefix),
        "matchType": "prefix",
        "output": "json",
        "fl": "urlkey,timestamp,original,mimetype,statuscode",
        "filter": ["statuscode:200", "mimetype:text/html"],
        "showResumeKey": "true",
        "limit": PAGE_ROWS,
    }
    if since:
        params["from"] = since
    if until:
        params["to"] = until
    return params


def pywb_params(prefix: str, since: str | None, until: str | None) -> dict[str, object]:
    """The pywb CDX query: the same captures, with pywb's exact-match filters (`=field:value`)."""
    params: dict[str, object] = {
        "url": prefix_query(prefix),
        "matchType": "prefix",
        "output": "json",
        "filter": ["=status:200", "=mime:text/html"],
    }
    if since:
        params["from"] = since
    if until:
        params["to"] = until
    return params


def parse_wayback(body: str) -> tuple[list[Capture], str | None]:
    """Rows of a Wayback JSON answer (the first row names the fields) and its resume key."""
    text = body.strip()
    if not text:
        return [], None
    try:
        rows = json.loads(text)
    except ValueError:
        raise CdxError("the CDX server's answer is not JSON") from None
    if not isinstance(rows, list) or not rows:
        return [], None
    header = rows[0]
    if not isinstance(header, list):
        raise CdxError("the CDX server's answer has no header row")
    try:
        ik, it, iu = (header.index(f) for f in ("urlkey", "timestamp", "original"))
    except ValueError:
        lacks = f"the CDX header row lacks urlkey/timestamp/original: {header}"
        raise CdxError(one_line(lacks)) from None
    status = header.index("statuscode") if "statuscode" in header else None
    mime = header.index("mimetype") if "mimetype" in header else None
    captures: list[Capture] = []
    resume: str | None = None
    rest = rows[1:]
    for n, row in enumerate(rest):
        if row == []:  # an empty row, then the resume key on its own
            tail = rest[n + 1 : n + 2]
            if tail and isinstance(tail[0], list) and tail[0]:
                resume = str(tail[0][0])
            break
        if not isinstance(row, list) or len(row) < len(header):
            continue
        if status is not None and str(row[status]) != "200":
            continue  # a server that ignored the filter
        if mime is not None and not str(row[mime]).startswith("text/html"):
            continue
        if _TS.match(str(row[it])):
            captures.append(Capture(str(row[ik]), str(row[it]), str(row[iu])))
    return captures, resume


def parse_pywb(body: str) -> list[Capture]:
    """Lines of a pywb answer: JSON objects (`output=json`) or CDXJ (`urlkey ts {json}`)."""
    captures: list[Capture] = []
    for line in body.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            if line.startswith("{"):
                data = json.loads(line)
            else:
                urlkey, ts, rest = line.split(" ", 2)
                data = {"urlkey": urlkey, "timestamp": ts, **json.loads(rest)}
        except ValueError:
            raise CdxError("a line of the CDX server's answer is neither JSON nor CDXJ") from None
        if not isinstance(data, dict):
            continue
        ts, url = str(data.get("timestamp", "")), str(data.get("url", ""))
        if str(data.get("status", "200")) != "200":
            continue
        if not str(data.get("mime", "text/html")).startswith("text/html"):
            continue
        if _TS.match(ts) and url:
            captures.append(Capture(str(data.get("urlkey", url)), ts, url))
    return captures


def pages_of(body: str) -> int | None:
    """The page count a paged (zipnum) pywb index answers to `showNumPages`, else None."""
    text = body.strip()
    if not text.startswith("{") or "\n" in text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    pages = data.get("pages") if isinstance(data, dict) else None
    return pages if isinstance(pages, int) and "url" not in data else None


#: `get(url, params) -> body`: one polite CDX request (rate-limited, retried).
Get = Callable[[str, dict[str, object]], str]


def list_captures(
    get: Get, server: Server, prefix: str, since: str | None, until: str | None
) -> Iterator[Capture]:
    """Every HTML 200 capture under `prefix`, following resume keys or pages to the end."""
    if server.dialect == "wayback":
        params = wayback_params(prefix, since, until)
        seen_keys: set[str] = set()
        while True:
            captures, resume = parse_wayback(get(server.cdx_url, params))
            yield from captures
            if not resume or resume in seen_keys:
                return
            seen_keys.add(resume)
            params = {**params, "resumeKey": resume}
    params = pywb_params(prefix, since, until)
    first = get(server.cdx_url, {**params, "showNumPages": "true"})
    pages = pages_of(first)
    if pages is None:  # a plain index ignores showNumPages and answers the query itself
        yield from parse_pywb(first)
        return
    for page in range(pages):
        yield from parse_pywb(get(server.cdx_url, {**params, "page": page}))


def latest_per_url(captures: Iterator[Capture]) -> list[Capture]:
    """One capture per URL key: the latest (the server already applied --since/--until)."""
    best: dict[str, Capture] = {}
    for c in captures:
        old = best.get(c.urlkey)
        if old is None or c.ts > old.ts:
            best[c.urlkey] = c
    return sorted(best.values(), key=lambda c: c.url)
