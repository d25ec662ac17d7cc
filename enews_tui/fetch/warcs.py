"""The fetch's WARC files: what they already hold, and writing new records so that a kill at
any moment leaves nothing a reader trips on.

Records go, each as one complete gzip member in one write, to `NAME.warc.gz.part`, a name no
web-archive reader picks up; every `SEAL_RECORDS` records (and at the end) the part is flushed
to disk and renamed `NAME.warc.gz`. A kill leaves a part whose last member may be torn; the next
fetch keeps its complete members (`salvage`), so no page reported done is lost."""

from __future__ import annotations

import datetime as dt
import io
import os
import threading
import time
import uuid
import zlib
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from enews_tui import __version__
from enews_tui.archive import warc as archive_warc

PART = ".part"
SEAL_RECORDS = 500
SEAL_SECONDS = 60.0
#: HTTP headers that describe the transfer, not the page: the body is stored decoded and whole.
_HOP = frozenset(
    {"content-encoding", "transfer-encoding", "content-length", "connection", "keep-alive"}
)


def complete_length(path: Path) -> int:
    """How many leading bytes of a gzip file are complete members (a torn last one excluded).
    Parts hold at most `SEAL_RECORDS` records, so reading one whole is cheap."""
    data = memoryview(path.read_bytes())
    pos = 0
    while pos < len(data):
        d = zlib.decompressobj(wbits=31)
        try:
            d.decompress(data[pos:])
        except zlib.error:
            return pos
        if not d.eof:
            return pos
        pos = len(data) - len(d.unused_data)
    return pos


def salvage(folder: Path) -> list[str]:
    """Finish the parts a killed fetch left: keep their complete records, rename them into
    place; returns one line per part mended."""
    notes: list[str] = []
    for part in sorted(folder.glob(f"*.warc.gz{PART}")):
        size = part.stat().st_size
        keep = complete_length(part)
        if keep == 0:
            part.unlink(missing_ok=True)
            continue
        if keep < size:
            with open(part, "r+b") as fh:
                fh.truncate(keep)
                os.fsync(fh.fileno())
            notes.append(f"{part.name}: a torn last record ({size - keep} bytes) dropped")
        os.replace(part, part.with_name(part.name[: -len(PART)]))
    return notes


def holdings(folder: Path, cache: Path | None) -> tuple[set[tuple[str, str]], set[str]]:
    """What the folder's web-archive files hold: (URL without scheme, 14-digit time) of each
    page capture, and the replay addresses the fetch wrote them from."""
    captured: set[tuple[str, str]] = set()
    sources: set[str] = set()
    if not folder.is_dir():
        return captured, sources
    for path in sorted(folder.rglob("*")):
        if not archive_warc.is_web_archive(path.name) or not path.is_file():
            continue
        st = path.stat()
        scan = archive_warc.scan_file(str(path), st.st_size, st.st_mtime_ns, cache)
        for c in scan.captures:
            captured.add((archive_warc.url_id(c.url), c.ts))
            if c.source_url:
                sources.add(c.source_url)
    return captured, sources


def _warc_date(ts: str) -> str:
    when = archive_warc.parse_timestamp(ts)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class WarcSink:
    """Appends response records to the current part, sealing it into a WARC file now and then."""

    def __init__(self, folder: Path, prefix: str, seal_records: int = SEAL_RECORDS) -> None:
        self.folder = folder
        self.prefix = prefix
        self.seal_records = seal_records
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._path: Path | None = None
        self._count = 0
        self._opened = 0.0
        self._seq = 0
        self._stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
        self._run = uuid.uuid4().hex[:8]  # two runs in one second never share a name
        self.sealed: list[Path] = []

    def _open(self) -> int:
        if self._fd is None:
            self._seq += 1
            name = f"{self.prefix}-{self._stamp}-{self._run}-{self._seq:04d}.warc.gz"
            self._path = self.folder / f"{name}{PART}"
            self._fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            self._count = 0
            self._opened = time.monotonic()
            os.write(self._fd, self._warcinfo())
        return self._fd

    def _warcinfo(self) -> bytes:
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=True)
        info = {"software": f"enews-tui/{__version__}", "format": "WARC File Format 1.1"}
        name = self._path.name[: -len(PART)] if self._path else "enews-tui.warc.gz"
        writer.write_record(writer.create_warcinfo_record(name, info))
        return buf.getvalue()

    def write(
        self,
        url: str,
        ts: str,
        replay_url: str,
        status_line: str,
        headers: list[tuple[str, str]],
        body: bytes,
    ) -> None:
        """Append one response record (one gzip member, one write)."""
        kept = [(k, v) for k, v in headers if k.lower() not in _HOP]
        kept.append(("Content-Length", str(len(body))))
        http = StatusAndHeaders(status_line, kept, protocol="HTTP/1.1")
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=True)
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            http_headers=http,
            warc_headers_dict={
                "WARC-Date": _warc_date(ts),
                "WARC-Source-URI": replay_url,
                "WARC-Record-ID": f"<urn:uuid:{uuid.uuid4()}>",
            },
        )
        writer.write_record(record)
        data = buf.getvalue()
        with self._lock:
            fd = self._open()
            written = os.write(fd, data)
            while written < len(data):  # a short write: the rest, still one member
                written += os.write(fd, data[written:])
            self._count += 1
            if self._count >= self.seal_records or time.monotonic() - self._opened > SEAL_SECONDS:
                self._seal()

    def _seal(self) -> None:
        if self._fd is None or self._path is None:
            return
        os.fsync(self._fd)
        os.close(self._fd)
        final = self._path.with_name(self._path.name[: -len(PART)])
        os.replace(self._path, final)
        self.sealed.append(final)
        self._fd, self._path = None, None

    def close(self) -> None:
        """Seal the current part."""
        with self._lock:
            self._seal()
