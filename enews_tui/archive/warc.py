"""The archive layer's web-archive files: finding the pages in WARC, ARC and WACZ files, and
reading one page's bytes back (the only module of the archive layer that imports warcio)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import os
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import brotli
import warcio.archiveiterator
import warcio.bufferedreaders
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecordLoader

from enews_tui.model import Archived, PageError
from enews_tui.text import one_line

#: What a web-archive file's name ends with (checked lower-case).
WEB_ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz", ".wacz")
#: The media types of a page; a record of any other type is not a story.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: Bumped when what a scan records changes, so old cached scans are read again.
_CACHE_VERSION = 1
#: A record's payload larger than this is not read (no story page comes near it).
MAX_PAYLOAD = 8 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b\x08"


class _Quiet:
    """Where warcio's own warnings go: nowhere. It writes them to stderr, which is the CLI's and
    the terminal the app draws on; the damage they warn of is found and reported by the scan."""

    class stderr:  # noqa: N801 - stands in for the `sys` module's attribute
        """A stderr that drops what is written."""

        @staticmethod
        def write(text: str) -> int:
            """Drop `text`."""
            return len(text)


class _Brotli:
    """A brotli decompressor with the zlib-like interface warcio expects (its own `br` support
    was written for an older binding: brotli 1.2 has neither `decompress` nor `unused_data`)."""

    def __init__(self) -> None:
        self._d = brotli.Decompressor()
        self.unused_data = b""

    def decompress(self, data: bytes) -> bytes:
        """The next decoded bytes."""
        return bytes(self._d.process(data))

    def flush(self) -> bytes:
        """Nothing is held back."""
        return b""


warcio.bufferedreaders.BufferedReader.DECOMPRESSORS["br"] = _Brotli
warcio.archiveiterator.sys = _Quiet
warcio.bufferedreaders.sys = _Quiet
logging.getLogger("warcio").setLevel(logging.ERROR)


def is_web_archive(name: str) -> bool:
    """True for a `.warc`, `.warc.gz`, `.arc`, `.arc.gz` or `.wacz` file name."""
    return name.lower().endswith(WEB_ARCHIVE_SUFFIXES)


@dataclass(frozen=True)
class RecordRef:
    """Where one page of a web-archive file is, and its provenance.

    `member` names the WARC file inside a WACZ ("" for a plain file); `offset` and `length` are
    those of the record holding the payload (for a revisit: the response it refers to)."""

    member: str
    offset: int
    length: int
    url: str
    captured: str  # the capture's 14-digit timestamp
    replay_url: str
    problem: str | None = None  # set for an entry that only reports why something was skipped

    def archived(self) -> Archived:
        """The capture as the model knows it."""
        return Archived(captured=parse_timestamp(self.captured), replay_url=self.replay_url)


@dataclass
class Capture:
    """One response, resource or revisit record found by a scan (JSON-able for the cache)."""

    member: str
    offset: int
    length: int
    kind: str
    url: str
    ts: str
    status: int | None
    mime: str
    digest: str
    refers_url: str
    refers_ts: str
    source_url: str


@dataclass
class FileScan:
    """What one web-archive file holds: its captures, what was not a page, what was broken."""

    captures: list[Capture] = field(default_factory=list)
    others: Counter[str] = field(default_factory=Counter)
    problems: list[tuple[str, int, str]] = field(default_factory=list)  # member, offset, reason


def parse_timestamp(ts: str) -> dt.datetime:
    """`20080723120000` (shorter ones padded) as a UTC datetime."""
    ts = (ts + "00000101000000"[len(ts) :])[:14] if len(ts) < 14 else ts[:14]
    return dt.datetime.strptime(ts, "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)


def warc_date_to_ts(value: str) -> str:
    """A WARC-Date (`2008-07-23T12:00:00Z`, maybe with fractions) or ARC date as 14 digits."""
    digits = "".join(c for c in value if c.isdigit())[:14]
    return digits if len(digits) >= 8 else ""


def url_id(url: str) -> str:
    """The story id of a captured URL: the URL without its scheme."""
    for scheme in ("http://", "https://"):
        if url[: len(scheme)].lower() == scheme:
            return url[len(scheme) :]
    return url.split("://", 1)[-1]


def default_replay_url(ts: str, url: str) -> str:
    """Where a capture can be replayed when its record does not say: the Wayback Machine's
    address for that URL at that time (it shows the nearest capture it holds)."""
    return f"https://web.archive.org/web/{ts}/{url}"


def scan_file(path: str, size: int, mtime_ns: int, cache: Path | None) -> FileScan:
    """The captures of one web-archive file, from the cache when the file has not changed."""
    cache_file = None
    if cache is not None:
        digest = hashlib.sha1(os.fsencode(path)).hexdigest()[:20]
        cache_file = cache / f"{digest}.json"
        cached = _read_cache(cache_file, path, size, mtime_ns)
        if cached is not None:
            return cached
    scan = FileScan()
    try:
        if path.lower().endswith(".wacz"):
            _scan_wacz(path, scan)
        else:
            with open(path, "rb") as fh:
                _scan_stream(fh, "", os.fstat(fh.fileno()).st_size, scan)
    except OSError as exc:
        scan.problems.append(("", 0, f"cannot read: {exc.strerror or one_line(exc)}"))
        return scan  # not cached: it may be readable next time
    if cache_file is not None:
        _write_cache(cache_file, path, size, mtime_ns, scan)
    return scan


def _read_cache(cache_file: Path, path: str, size: int, mtime_ns: int) -> FileScan | None:
    try:
        data = json.loads(cache_file.read_text("utf-8"))
        if data["v"] != _CACHE_VERSION or (data["path"], data["size"], data["mtime_ns"]) != (
            path,
            size,
            mtime_ns,
        ):
            return None
        return FileScan(
            captures=[Capture(*c) for c in data["captures"]],
            others=Counter(data["others"]),
            problems=[(m, o, r) for m, o, r in data["problems"]],
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_cache(cache_file: Path, path: str, size: int, mtime_ns: int, scan: FileScan) -> None:
    data = {
        "v": _CACHE_VERSION,
        "path": path,
        "size": size,
        "mtime_ns": mtime_ns,
        "captures": [list(vars(c).values()) for c in scan.captures],
        "others": dict(scan.others),
        "problems": scan.problems,
    }
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), "utf-8")
        os.replace(tmp, cache_file)
    except OSError:
        pass  # a cache that cannot be written only costs a re-read next time


def _scan_wacz(path: str, scan: FileScan) -> None:
    """Each `archive/*.warc[.gz]` member of a WACZ (a zip file)."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = [
                i
                for i in zf.infolist()
                if not i.is_dir() and is_web_archive(i.filename) and ".wacz" not in i.filename
            ]
            if not members:
                scan.problems.append(("", 0, "WACZ file without WARC files in it"))
            for info in members:
                try:
                    with zf.open(info) as fh:
                        _scan_stream(fh, info.filename, info.file_size, scan)
                except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                    damaged = f"damaged in the WACZ: {one_line(exc)}"
                    scan.problems.append((info.filename, 0, damaged))
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        scan.problems.append(("", 0, f"not a readable WACZ (zip) file: {one_line(exc)}"))


def _scan_stream(fh: IO[bytes], member: str, size: int, scan: FileScan) -> None:
    """Walk the records of one WARC/ARC stream; after a damaged record, carry on at the next
    gzip member or `WARC/` header that can be found."""
    head = fh.read(16)
    fh.seek(0)
    if size and not head.startswith((_GZIP_MAGIC[:2], b"WARC/", b"filedesc:")):
        scan.problems.append((member, 0, "not a WARC or ARC file (no WARC header, no gzip data)"))
        return
    start: int | None = 0
    while start is not None and start < size:
        end = _scan_from(fh, member, start, size, scan)
        if end is None:
            return
        start = _resync(fh, end, size)


class _Loader(ArcWarcRecordLoader):  # type: ignore[misc]
    """warcio's record loader, but a record without a target URI loads (warcio's fails on it)."""

    def load_http_headers(self, rec_type: str, uri: str | None, stream: Any, length: Any) -> Any:
        return None if uri is None else super().load_http_headers(rec_type, uri, stream, length)


def _iterator(fh: IO[bytes]) -> ArchiveIterator:
    it = ArchiveIterator(fh, arc2warc=True)
    it.loader = _Loader(arc2warc=True)
    return it


def _scan_from(fh: IO[bytes], member: str, start: int, size: int, scan: FileScan) -> int | None:
    """Records from `start` until the end (None) or a damaged one (its offset, after noting it)."""
    fh.seek(start)
    it = _iterator(fh)
    offset = start
    last = -1
    try:
        for record in it:
            offset = last = it.offset
            _note(record, it, member, offset, scan)
            offset = it.get_record_offset() + it.get_record_length()
    except Exception as exc:  # warcio raises assorted errors on damaged input (zlib, struct)
        scan.problems.append((member, offset, f"bad record at offset {offset}: {_why(exc)}"))
        return offset
    noted = bool(scan.problems) and scan.problems[-1][:2] == (member, last)
    if last >= 0 and offset >= size and not noted and _torn_member(fh, last, size):
        scan.problems.append((member, last, f"the last gzip member (offset {last}) is cut short"))
    # warcio ends quietly where a record's headers are cut off or unreadable: whatever is left
    # after the last whole record, but the blank lines between records, is damage.
    if offset < size and _leftover(fh, offset, size):
        later = _resync(fh, offset, size)
        what = "the file is cut short" if later is None else "an unreadable record"
        scan.problems.append((member, offset, f"{what} at offset {offset}"))
        return offset if later is not None else None
    return None


def _torn_member(fh: IO[bytes], start: int, size: int) -> bool:
    """True when the gzip member at `start`, the file's last, lacks its end (warcio reads such
    a member's data without a word); a member larger than 64 MiB is not checked."""
    fh.seek(start)
    if fh.read(2) != _GZIP_MAGIC[:2] or size - start > 64 * 1024 * 1024:
        return False
    fh.seek(start)
    d = zlib.decompressobj(wbits=31)
    try:
        d.decompress(fh.read(size - start))
    except zlib.error:
        return True
    return not d.eof


def _leftover(fh: IO[bytes], offset: int, size: int) -> bool:
    """True when bytes other than blank lines follow `offset`."""
    fh.seek(offset)
    rest = fh.read(min(size - offset, 64))
    return bool(rest.strip(b"\r\n \t\x00"))


def _why(exc: Exception) -> str:
    """What a damaged record's error means, in a few plain words."""
    if isinstance(exc, ArchiveLoadFailed):
        return "not a WARC or ARC record (damaged, or not a web archive)"
    if isinstance(exc, zlib.error):
        return "damaged gzip data"
    text = one_line(str(exc), 120)  # it may quote the record's own bytes
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _resync(fh: IO[bytes], after: int, size: int) -> int | None:
    """The offset of the next gzip member or WARC header after a damaged record, if any."""
    fh.seek(after + 1)
    pos = after + 1
    tail = b""
    while pos < size:
        chunk = fh.read(1 << 20)
        if not chunk:
            return None
        data = tail + chunk
        base = pos - len(tail)
        hits = [i for i in (data.find(_GZIP_MAGIC), data.find(b"\nWARC/1.")) if i >= 0]
        if hits:
            i = min(hits)
            return base + i + (1 if data[i : i + 1] == b"\n" else 0)
        tail = data[-8:]
        pos += len(chunk)
    return None


def _note(record: Any, it: ArchiveIterator, member: str, offset: int, scan: FileScan) -> None:
    """Classify one record: a capture to keep, something that is not a page, or a problem."""
    kind = record.rec_type
    cut = (
        record.format.startswith("warc") and record.rec_headers.get_header("Content-Length") is None
    )
    if kind not in ("response", "resource", "revisit") or cut:
        it.read_to_end()
        if cut or getattr(record.raw_stream, "limit", 0) > 0:  # a missing length: headers cut
            cut_short = f"{one_line(str(kind), 40)} record at offset {offset} is cut short"
            scan.problems.append((member, offset, cut_short))
        return
    headers = record.rec_headers
    url = (headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    block = record.raw_stream
    status: int | None = None
    mime = ""
    if record.http_headers is not None:
        code = (record.http_headers.get_statuscode() or "").strip()
        status = int(code) if code.isdigit() else None
        mime = record.http_headers.get_header("Content-Type") or ""
    elif kind == "resource":
        status, mime = 200, headers.get_header("Content-Type") or ""
    elif kind == "response" and headers.get_header("Content-Type", "").startswith("text/html"):
        status, mime = 200, "text/html"  # an ARC record whose HTTP headers are missing
    mime = mime.split(";")[0].strip().lower()
    head = block.read(1024)
    read = len(head)
    while chunk := block.read(1 << 16):
        read += len(chunk)
    it.read_to_end()
    if getattr(block, "limit", 0) > 0:  # the file ended before the record's Content-Length
        cut_short = f"record at offset {offset} is cut short ({one_line(url) or 'no URL'})"
        scan.problems.append((member, offset, cut_short))
        return
    if not url:
        scan.problems.append((member, offset, f"record at offset {offset} has no target URI"))
        return
    if not url.lower().startswith(("http://", "https://")):  # dns:, metadata://, urn:...
        scan.others[f"{url.split(':', 1)[0].lower()}: record"] += 1
        return
    if kind != "revisit":
        if status != 200:
            scan.others[f"status {status or 'unknown'}"] += 1
            return
        if mime not in HTML_TYPES and not (not mime and _looks_html(head)):
            scan.others[mime or "no media type"] += 1
            return
    ts = warc_date_to_ts(headers.get_header("WARC-Date") or "")
    if not ts:
        scan.problems.append((member, offset, f"record at offset {offset} has no valid date"))
        return
    scan.captures.append(
        Capture(
            member=member,
            offset=offset,
            length=it.get_record_length(),
            kind=kind,
            url=url,
            ts=ts,
            status=status,
            mime=mime,
            digest=headers.get_header("WARC-Payload-Digest") or "",
            refers_url=(headers.get_header("WARC-Refers-To-Target-URI") or "").strip("<> "),
            refers_ts=warc_date_to_ts(headers.get_header("WARC-Refers-To-Date") or ""),
            source_url=(headers.get_header("WARC-Source-URI") or "").strip("<> "),
        )
    )


def _looks_html(head: bytes) -> bool:
    start = head.lstrip()[:200].lower()
    return start.startswith((b"<!doctype html", b"<html")) or b"<html" in start


def pick_pages(
    scans: list[FileScan],
) -> tuple[dict[str, tuple[int, Capture, Capture]], list[tuple[int, Capture, str]]]:
    """Per story id, the latest capture and the record holding its payload (file index, capture,
    payload); and the revisits that could not be resolved, with why."""
    by_digest: dict[str, tuple[int, Capture]] = {}
    by_url_ts: dict[tuple[str, str], tuple[int, Capture]] = {}
    for n, scan in enumerate(scans):
        for c in scan.captures:
            if c.kind != "revisit":
                if c.digest:
                    by_digest.setdefault(c.digest, (n, c))
                by_url_ts[(c.url, c.ts)] = (n, c)
    best: dict[str, tuple[int, Capture, Capture]] = {}
    unresolved: list[tuple[int, Capture, str]] = []
    for n, scan in enumerate(scans):
        for c in scan.captures:
            if c.kind == "revisit":
                if c.status not in (None, 200, 304):
                    continue
                found = by_url_ts.get((c.refers_url, c.refers_ts)) if c.refers_url else None
                if found is None and c.digest:
                    found = by_digest.get(c.digest)
                if found is None:
                    unresolved.append((n, c, "revisit of a capture that is not in the archive"))
                    continue
                pn, payload = found
                if payload.status != 200:
                    continue
            else:
                pn, payload = n, c
            key = url_id(c.url)
            old = best.get(key)
            if old is None or c.ts >= old[1].ts:
                best[key] = (pn, c, payload)
    return best, unresolved


def ref_for(capture: Capture, payload: Capture) -> RecordRef:
    """The reference an archive file entry carries for one page."""
    return RecordRef(
        member=payload.member,
        offset=payload.offset,
        length=payload.length,
        url=capture.url,
        captured=capture.ts,
        replay_url=capture.source_url or default_replay_url(capture.ts, capture.url),
    )


def state_of(ref: RecordRef) -> int:
    """A number that changes when the page an entry shows changes (its 'mtime' for a refresh)."""
    key = f"{ref.member}\0{ref.offset}\0{ref.length}\0{ref.captured}\0{ref.replay_url}"
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=7).digest(), "big")


def others_reason(others: Counter[str]) -> str:
    """`12 records are not HTML pages with status 200 (8 image/jpeg, 3 text/css, 1 status 404)`."""
    total = sum(others.values())
    parts = ", ".join(f"{n} {one_line(what, 60)}" for what, n in others.most_common(6))
    more = ", ..." if len(others) > 6 else ""
    return f"{total} record{'s are' if total != 1 else ' is'} not an HTML page ({parts}{more})"


def read_payload(path: str, ref: RecordRef) -> bytes:
    """The HTTP payload of the record `ref` points at (chunking and compression undone)."""
    if ref.problem is not None:
        raise PageError(ref.problem)
    try:
        if ref.member:
            with zipfile.ZipFile(path) as zf, zf.open(ref.member) as fh:
                return _payload_at(fh, ref)
        with open(path, "rb") as fh:
            return _payload_at(fh, ref)
    except FileNotFoundError:
        raise PageError("web-archive file vanished before it could be read") from None
    except (OSError, zipfile.BadZipFile, KeyError) as exc:
        raise PageError(f"cannot read the web-archive file: {one_line(exc)}") from None


def _payload_at(fh: IO[bytes], ref: RecordRef) -> bytes:
    fh.seek(ref.offset)
    # Only this record's bytes: a damaged neighbour cannot disturb it.
    raw = fh.read(ref.length) if ref.length > 0 else fh.read(MAX_PAYLOAD * 2)
    try:
        record = next(iter(_iterator(io.BytesIO(raw))))
        try:
            body = record.content_stream().read(MAX_PAYLOAD + 1)
        except Exception:  # a mis-declared Content-Encoding: the bytes as stored
            body = _raw_body(raw)
    except StopIteration:
        raise PageError(f"no record at offset {ref.offset}") from None
    except Exception as exc:
        raise PageError(f"bad record at offset {ref.offset}: {one_line(exc)}") from None
    if len(body) > MAX_PAYLOAD:
        raise PageError(f"too large (over {MAX_PAYLOAD // (1024 * 1024)} MiB)")
    return bytes(body)


def _raw_body(raw: bytes) -> bytes:
    """The record's payload without any decoding (after its HTTP headers)."""
    record = next(iter(_iterator(io.BytesIO(raw))))
    return bytes(record.raw_stream.read(MAX_PAYLOAD + 1))
