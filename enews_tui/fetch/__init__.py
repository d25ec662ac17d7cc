"""Getting an archive: list a site's captures through a CDX API, download each raw (`id_`),
and append it with its provenance to WARC files in the archive folder; resumable and polite."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from enews_tui.archive import warc as archive_warc
from enews_tui.fetch.cdx import (
    Capture,
    CdxError,
    Server,
    latest_per_url,
    list_captures,
    prefix_query,
    time_bound,
)
from enews_tui.fetch.polite import Failed, PoliteClient, Politeness, Reply, Stopped
from enews_tui.fetch.warcs import SEAL_RECORDS, WarcSink, holdings, salvage
from enews_tui.text import one_line

__all__ = [
    "CdxError",
    "FetchBusy",
    "FetchOptions",
    "FetchProgress",
    "FetchReport",
    "Politeness",
    "Server",
    "fetch",
    "host_of",
]

#: The E-News site, fetched when no prefix is given.
DEFAULT_PREFIX = "enews.tufts.edu/"
#: Page downloads in flight at once (the page gate still spaces their starts).
WORKERS = 4
_LOCK_NAME = ".fetch.lock"


class FetchBusy(Exception):
    """Another fetch is writing to the same archive folder."""


@dataclass(frozen=True)
class FetchOptions:
    """What to fetch, from where, into where, and how politely."""

    folder: Path
    server: Server = field(default_factory=lambda: Server.parse(None))
    prefix: str = DEFAULT_PREFIX
    since: str | None = None  # YYYY[-MM[-DD]]
    until: str | None = None
    limit: int | None = None
    dry_run: bool = False
    politeness: Politeness = field(default_factory=Politeness)
    workers: int = WORKERS
    seal_records: int = SEAL_RECORDS
    scan_cache: Path | None = None
    transport: httpx.BaseTransport | None = None  # tests and benchmarks only


@dataclass(frozen=True)
class FetchProgress:
    """Where a fetch is: listed captures, pages done and failed of those to fetch."""

    stage: str  # "listing", "fetching", "done"
    listed: int = 0
    total: int = 0
    done: int = 0
    failed: int = 0
    present: int = 0
    rate: float = 0.0  # pages a second, recently
    eta: float | None = None  # seconds left


@dataclass(frozen=True)
class FetchReport:
    """What a fetch did (the `fetch --json` contract, and a dry run's plan)."""

    archive: str
    fetched: int = 0
    present: int = 0
    failed: tuple[tuple[str, str], ...] = ()
    to_fetch: int = 0  # a dry run: how many pages it would fetch
    seconds: float = 0.0  # a dry run: how long the rate limits make that at least
    notices: tuple[str, ...] = ()
    stopped: bool = False


def host_of(prefix: str) -> str:
    """`enews.tufts.edu` for `enews.tufts.edu/` or `http://enews.tufts.edu/stories/`."""
    host = urlsplit(f"http://{prefix_query(prefix)}").hostname or "site"
    return host.lower()


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """One fetch at a time per archive folder."""
    fd = os.open(folder / _LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FetchBusy(f"another enews-tui fetch is writing to {folder}") from None
        yield
    finally:
        os.close(fd)


def fetch(
    options: FetchOptions,
    progress: Callable[[FetchProgress], None] | None = None,
    stop: threading.Event | None = None,
) -> FetchReport:
    """List, then download what the folder does not hold yet; a report of what happened.
    Raises `CdxError` or `Failed` when the captures cannot be listed, `FetchBusy`, `OSError`."""
    since = time_bound(options.since, end=False)
    until = time_bound(options.until, end=True)
    report = progress or (lambda _p: None)
    stop = stop or threading.Event()
    options.folder.mkdir(parents=True, exist_ok=True)
    with _folder_lock(options.folder):
        notes = salvage(options.folder)
        client = PoliteClient(options.politeness, stop, options.transport)
        try:
            return _run(options, client, since, until, report, stop, notes)
        finally:
            client.close()


def _run(
    options: FetchOptions,
    client: PoliteClient,
    since: str | None,
    until: str | None,
    report: Callable[[FetchProgress], None],
    stop: threading.Event,
    notes: list[str],
) -> FetchReport:
    server = options.server
    report(FetchProgress("listing"))
    listed = 0

    def get(url: str, params: dict[str, object]) -> str:
        nonlocal listed
        reply = client.get(url, params, cdx=True)
        listed += 1
        report(FetchProgress("listing", listed=listed))
        return reply.body.decode("utf-8", "replace")

    try:
        chosen = latest_per_url(list_captures(get, server, options.prefix, since, until))
    except Stopped:
        return FetchReport(str(options.folder), notices=tuple(notes), stopped=True)
    captured, sources = holdings(options.folder, options.scan_cache)
    missing = [
        c
        for c in chosen
        if server.replay_url(c.ts, c.url) not in sources
        and (archive_warc.url_id(c.url), c.ts) not in captured
    ]
    present = len(chosen) - len(missing)
    if options.limit is not None:
        missing = missing[: options.limit]
    if options.dry_run:
        rate = options.politeness.pages_per_second
        seconds = len(missing) / rate if rate else 0.0
        return FetchReport(
            str(options.folder),
            present=present,
            to_fetch=len(missing),
            seconds=seconds,
            notices=tuple(notes),
        )
    sink = WarcSink(options.folder, host_of(options.prefix), options.seal_records)
    try:
        fetched, failed, stopped = _download(options, client, sink, missing, present, report)
    finally:
        sink.close()
    return FetchReport(
        str(options.folder),
        fetched=fetched,
        present=present,
        failed=tuple(failed),
        notices=tuple(notes),
        stopped=stopped,
    )


def _download(
    options: FetchOptions,
    client: PoliteClient,
    sink: WarcSink,
    todo: list[Capture],
    present: int,
    report: Callable[[FetchProgress], None],
) -> tuple[int, list[tuple[str, str]], bool]:
    """The pages through a few threads; each written as soon as it is whole."""
    server = options.server
    done = 0
    failed: list[tuple[str, str]] = []
    started = time.monotonic()
    recent: list[float] = []

    def one(c: Capture) -> None:
        reply = client.get(server.raw_url(c.ts, c.url), cdx=False)
        _check_page(reply)
        ts = _final_ts(reply.url) or c.ts
        status_line = f"{reply.status} {reply.reason or 'OK'}"
        sink.write(
            c.url, ts, server.replay_url(c.ts, c.url), status_line, reply.headers, reply.body
        )

    def tell(stage: str = "fetching") -> None:
        now = time.monotonic()
        window = [t for t in recent if now - t < 10.0]
        recent[:] = window
        span = min(10.0, now - started)
        rate = len(window) / span if span > 0 else 0.0
        left = len(todo) - done - len(failed)
        eta = left / rate if rate > 0 else None
        report(FetchProgress(stage, len(todo), len(todo), done, len(failed), present, rate, eta))

    tell()
    queue = list(reversed(todo))
    running: dict[Future[None], Capture] = {}
    stopped = False
    with ThreadPoolExecutor(max_workers=max(1, options.workers)) as pool:
        try:
            while queue or running:
                while queue and len(running) < options.workers * 2 and not client.stop.is_set():
                    c = queue.pop()
                    running[pool.submit(one, c)] = c
                if not running:
                    break
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    c = running.pop(future)
                    exc = future.exception()
                    if exc is None:
                        done += 1
                        recent.append(time.monotonic())
                    elif isinstance(exc, Stopped):
                        stopped = True
                    elif isinstance(exc, Failed):
                        failed.append((c.url, str(exc)))
                    elif isinstance(exc, OSError):
                        raise exc  # the archive folder cannot be written: stop, say why
                    else:
                        failed.append((c.url, one_line(f"{type(exc).__name__}: {exc}")))
                tell()
        finally:
            for future in running:
                future.cancel()
    stopped = stopped or client.stop.is_set()
    tell("done")
    return done, failed, stopped


def _check_page(reply: Reply) -> None:
    """A replay that is not an HTML page is not kept (and is retried next time)."""
    mime = ""
    for name, value in reply.headers:
        if name.lower() == "content-type":
            mime = value.split(";")[0].strip().lower()
    if mime and mime not in archive_warc.HTML_TYPES:
        raise Failed(one_line(f"not an HTML page ({mime})"))
    if not reply.body:
        raise Failed("the server sent an empty page")


def _final_ts(url: str) -> str | None:
    """The capture time in a replay address the server redirected to (`/<14 digits>id_/`)."""
    marker = url.find("id_/")
    if marker < 14:
        return None
    ts = url[marker - 14 : marker]
    return ts if ts.isdigit() else None
