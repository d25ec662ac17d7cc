"""Web-archive phases: reading a WARC file of the corpus's pages, and fetching from a local pywb.

Both run in a child process (`benchmarks.phases`). The WARC holds the same pages as the corpus
folder, one response record each, so its build rate compares with the folder's build."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.generate import story_id, story_path

REPO = Path(__file__).resolve().parent.parent
#: The most records the WARC gets: the read figures are per record, and 10k is the issue's size.
MAX_RECORDS = 10_000
PYWB_BIN = Path(os.environ.get("ENEWS_TUI_PYWB_BIN", REPO / ".ci" / "pywb-venv" / "bin"))


def page_url(index: int) -> str:
    """The address story `index` is captured at."""
    return f"http://enews.tufts.edu/stories/{story_id(index)}.html"


def write_warc(corpus: Path, count: int, path: Path) -> Path:
    """A WARC (gzip) of the first `count` corpus pages, written once and reused."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    if path.is_file():
        return path
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i in range(count):
            body = story_path(corpus, i).read_bytes()
            http = StatusAndHeaders(
                "200 OK",
                [
                    ("Content-Type", "text/html; charset=iso-8859-1"),
                    ("Content-Length", str(len(body))),
                ],
                protocol="HTTP/1.1",
            )
            ts = f"2008{1 + i % 12:02d}{1 + i % 28:02d}{i % 24:02d}0000"
            date = f"{ts[:4]}-{ts[4:6]}-{ts[6:8]}T{ts[8:10]}:00:00Z"
            record = writer.create_warc_record(
                page_url(i),
                "response",
                payload=io.BytesIO(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": date},
            )
            writer.write_record(record)
    os.replace(tmp, path)
    return path


def warc_read(args: dict[str, Any]) -> dict[str, Any]:
    """Scan the WARC (records found, every record read) and build its index from scratch."""
    from enews_tui.archive import Archive
    from enews_tui.index import open_index

    warc = Path(args["warc"])
    archive = Archive(warc)
    started = time.perf_counter()
    files = archive.scan()
    scanned = time.perf_counter() - started
    pages = [f for f in files if f.record is not None and f.record.problem is None]
    started = time.perf_counter()
    for f in pages:
        archive.read(f)
    read = time.perf_counter() - started
    with open_index(archive, cache_root=Path(args["cache"])) as ix:
        started = time.perf_counter()
        report = ix.refresh(rebuild=True)
        built = time.perf_counter() - started
        count = ix.count()
    return {
        "records": len(pages),
        "scan_seconds": scanned,
        "read_seconds": read,
        "build_seconds": built,
        "indexed": report.indexed,
        "count": count,
        "mb": warc.stat().st_size / 2**20,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch_pywb(args: dict[str, Any]) -> dict[str, Any]:
    """A pywb collection over the WARC; `fetch` from it with the rate limits lifted, beside
    plain threaded GETs of the same `id_` addresses (no CDX, no WARC writing)."""
    import httpx

    from enews_tui.fetch import FetchOptions, Politeness, Server, fetch

    if not (PYWB_BIN / "wayback").exists():
        return {"error": f"pywb is not installed at {PYWB_BIN} (.ci/run installs it)"}
    work = Path(tempfile.mkdtemp(prefix="enews-bench-pywb-"))
    env = {**os.environ, "PATH": f"{PYWB_BIN}:{os.environ.get('PATH', '')}"}
    manager = str(PYWB_BIN / "wb-manager")
    subprocess.run([manager, "init", "bench"], cwd=work, env=env, check=True, capture_output=True)
    warc = str(Path(args["warc"]).resolve())
    subprocess.run([manager, "add", "bench", warc], cwd=work, env=env, check=True,
                   capture_output=True)  # fmt: skip
    port = _free_port()
    proc = subprocess.Popen([str(PYWB_BIN / "wayback"), "-b", "127.0.0.1", "-p", str(port)],
                            cwd=work, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    return {"error": "pywb did not start"}
                time.sleep(0.2)
        base = f"http://127.0.0.1:{port}/bench"
        lifted = Politeness(cdx_per_minute=None, pages_per_second=None)
        options = FetchOptions(folder=work / "out", server=Server.parse(base), politeness=lifted,
                               limit=int(args["pages"]))  # fmt: skip
        started = time.perf_counter()
        report = fetch(options)
        seconds = time.perf_counter() - started
        urls = [f"{base}/{ts}id_/{url}" for url, ts in _captures(args["warc"], report.fetched)]
        local = threading.local()

        def get(url: str) -> int:
            client = getattr(local, "client", None)
            if client is None:
                client = local.client = httpx.Client()
            return len(client.get(url).content)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(get, urls))
        plain = time.perf_counter() - started
        return {
            "fetched": report.fetched,
            "failed": len(report.failed),
            "seconds": seconds,
            "plain_seconds": plain,
            "plain_pages": len(urls),
        }
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _captures(warc: str, count: int) -> list[tuple[str, str]]:
    """(url, 14-digit time) of the first `count` pages in the WARC, in fetch order (by URL)."""
    from enews_tui.archive import Archive

    refs = [f.record for f in Archive(Path(warc)).scan() if f.record and not f.record.problem]
    pairs = sorted((r.url, r.captured) for r in refs)
    return pairs[:count]
