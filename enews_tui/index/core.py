"""StoryIndex: the Whoosh index plus its SQLite sidecar, opened, refreshed and searched."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Collection
from pathlib import Path
from types import TracebackType
from typing import Literal

from whoosh.searching import Searcher

from enews_tui import paths
from enews_tui.archive import Archive
from enews_tui.index.build.builder import Builder, Cancelled
from enews_tui.index.build.locking import file_lock
from enews_tui.index.build.pages import Parser
from enews_tui.index.engine.mapped import open_mapped
from enews_tui.index.engine.schema import SCHEMA_VERSION, make_schema
from enews_tui.index.engine.scoring import CachedBM25F
from enews_tui.index.query import search as searching
from enews_tui.index.query.directory import merge_contacts
from enews_tui.index.stories.store import DB_NAME, Store
from enews_tui.model import (
    DirectoryEntry,
    RefreshReport,
    SearchResult,
    Story,
    StorySummary,
)
from enews_tui.text import one_line

CURRENT = "CURRENT"
ENV_LOCK_TIMEOUT = "ENEWS_TUI_LOCK_TIMEOUT"


#: Where the archive keeps what it found in each web-archive file (kept across rebuilds).
WARC_SCANS = "warc-scans"


def index_name(archive: Archive) -> str:
    """`index-v1-<16 hex>`: one index per archive (its resolved path) and schema version."""
    digest = hashlib.sha1(archive.key.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return f"index-v{SCHEMA_VERSION}-{digest}"


def open_index(
    archive: Archive, cache_root: Path | None = None, *, parser: Parser | None = None
) -> StoryIndex:
    """The archive's index (possibly empty until `refresh`); never parses pages."""
    root = cache_root if cache_root is not None else paths.cache_dir()
    name = index_name(archive)
    notices: list[str] = []
    location = root / name
    lockfile = root / f"{name}.lock"
    temporary = False
    try:
        location.mkdir(parents=True, exist_ok=True)
        probe = location / f".probe-{os.getpid()}-{threading.get_ident()}"
        probe.write_bytes(b"")
        probe.unlink()
        _make_room(lockfile)
        lockfile.touch()
    except OSError as exc:
        location = Path(tempfile.mkdtemp(prefix="enews-tui-index-"))
        lockfile = location / "lock"
        temporary = True
        reason = exc.strerror or type(exc).__name__
        notices.append(f"cannot write the index folder {root} ({reason}); using a temporary index")
    return StoryIndex(archive, location, lockfile, notices, temporary=temporary, parser=parser)


class StoryIndex:
    """One archive's index; reads are thread-safe and see other processes' refreshes."""

    def __init__(
        self,
        archive: Archive,
        location: Path,
        lockfile: Path,
        notices: list[str],
        *,
        temporary: bool = False,
        parser: Parser | None = None,
    ) -> None:
        self.archive = archive
        self.location = location
        self.notices = notices
        self.generation = 0
        self._lockfile = lockfile
        self._temporary = temporary
        self._parser = parser
        self._lock = threading.RLock()  # guards the reader state below (held for a search)
        self._reading = threading.Lock()  # guards the story reader, apart: see `story`
        self._story_reader: tuple[str, Store] | None = None
        self._refreshing = threading.Lock()
        self._closing = threading.Event()  # tells a running refresh to stop
        self._build: str | None = None
        self._store: Store | None = None
        self._searcher: Searcher | None = None
        self._broken = False
        self._qparser = searching.make_parser(make_schema())
        with self._lock:
            self._sync()

    def __enter__(self) -> StoryIndex:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the files (and remove a temporary index); a running refresh stops."""
        self._closing.set()
        with self._lock:
            self._unload()
            self._build = None
        with self._reading:
            if self._story_reader is not None:
                self._story_reader[1].close()
            self._story_reader = None
        if self._temporary:
            shutil.rmtree(self.location, ignore_errors=True)

    def _read_current(self) -> str | None:
        """The name of the build folder in use, or None when there is none yet."""
        try:
            name = (self.location / CURRENT).read_text("ascii").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError):
            return "?"  # unreadable: opening it fails, and a refresh rebuilds
        return name

    def _unload(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        if self._store is not None:
            self._store.close()
        self._searcher = self._store = None

    def _sync(self) -> None:
        """Follow the build in use and its latest commit (another process may have changed it)."""
        if self._closing.is_set():
            return
        name = self._read_current()
        if name != self._build:
            self._unload()
            self._build = name
            self.generation += 1
            if name is not None:
                self._load(name)
        elif self._searcher is not None:
            try:
                if not self._searcher.up_to_date():
                    self._searcher = self._searcher.refresh()
                    self.generation += 1
            except Exception:
                # Another process switched builds and removed this one between our read of
                # CURRENT and now: follow CURRENT again, once.
                self._unload()
                self._build = None
                name = self._read_current()
                if name is not None and name != "?":
                    self._build = name
                    self.generation += 1
                    self._load(name)

    def _load(self, name: str) -> None:
        folder = self.location / name
        try:
            if not name.startswith("b-") or not folder.is_dir():
                raise FileNotFoundError("its folder is missing")
            store = Store(folder / DB_NAME)
            try:
                if store.get_meta("schema") != str(SCHEMA_VERSION):
                    raise ValueError("it was written by another version")
                ix = open_mapped(str(folder), make_schema())
                searcher = ix.searcher(weighting=CachedBM25F())
                searcher.doc_count()
            except BaseException:
                store.close()
                raise
        except Exception as exc:
            self._broken = True
            reason = one_line(exc, 120)
            self.notices.append(f"the search index could not be opened ({reason}); rebuilding it")
            return
        self._broken = False
        self._store, self._searcher = store, searcher

    def refresh(
        self,
        *,
        rebuild: bool = False,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        found: Callable[[list[StorySummary]], None] | None = None,
    ) -> RefreshReport:
        """Bring the index up to date with the archive (a full build when there is none); it
        stops between runs of files, keeping nothing half-done, once `cancelled()` is true or
        the index is closed. During a full build, `found` gets each batch of stories as it is
        stored (in the order parsed), so a first launch can list them before the build ends."""
        with self._refreshing, file_lock(self._lockfile, _lock_timeout()) as locked:
            with self._lock:
                self._sync()
            if not locked:
                notice = "another enews-tui is updating the index; showing what it holds so far"
                return RefreshReport(unchanged=self.count(), notices=(notice,))
            files = self.archive.scan(cache=self.location / WARC_SCANS)
            stop = _Stop(self._closing, cancelled)
            builder = Builder(self.archive, self._parser, progress, stop, found)
            current = self.location / self._build if self._build else None
            try:
                if rebuild or self._store is None or current is None or self._broken:
                    with self._lock:  # the old build stays readable while the new one is written
                        old = self._store.file_states() if self._store is not None else {}
                    name, report = builder.full(self.location, files, old)
                    _make_room(self.location / f"{CURRENT}.tmp")
                    _make_room(self.location / CURRENT)
                    (self.location / f"{CURRENT}.tmp").write_text(name, "ascii")
                    os.replace(self.location / f"{CURRENT}.tmp", self.location / CURRENT)
                else:
                    report = builder.incremental(current, files)
            except Cancelled:
                return RefreshReport(notices=("the index refresh was stopped",))
            with self._lock:  # switch to the new build before removing the old one
                self._sync()
                self._cleanup()
                if report.indexed or report.removed:
                    self.generation += 1
            return report

    def _cleanup(self) -> None:
        """Remove builds no longer in use and leftovers of killed builds (under the file lock)."""
        keep = {self._read_current(), CURRENT}
        for entry in self.location.iterdir():
            if entry.name not in keep and entry.name.startswith(("b-", "tmp-", f"{CURRENT}.")):
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)

    def count(self) -> int:
        """How many stories the index holds."""
        with self._lock:
            self._sync()
            return self._store.count() if self._store is not None else 0

    def summaries(self) -> list[StorySummary]:
        """Every story, newest first, undated last."""
        with self._lock:
            self._sync()
            return self._store.summaries() if self._store is not None else []

    def story(self, story_id: str) -> Story | None:
        """The full story, from the index (the archive is not read). It never waits for a
        search: it reads through a connection of its own to the build in use."""
        if self._lock.acquire(blocking=False):  # follow another process's refresh when idle
            try:
                self._sync()
            finally:
                self._lock.release()
        name = self._build if self._store is not None else None
        if name is None:
            return None
        with self._reading:
            try:
                reader = self._story_reader
                if reader is None or reader[0] != name:
                    if reader is not None:
                        reader[1].close()
                    self._story_reader = None
                    reader = self._story_reader = (name, Store(self.location / name / DB_NAME))
                return reader[1].story(story_id)
            except (OSError, sqlite3.Error):
                pass  # the build was switched and removed meanwhile: read the one in use
        with self._lock:
            self._sync()
            return self._store.story(story_id) if self._store is not None else None

    def contacts(self) -> list[DirectoryEntry]:
        """The contacts directory across the archive, one entry per person or office."""
        with self._lock:
            self._sync()
            rows = self._store.contacts() if self._store is not None else []
        return merge_contacts(rows)

    def search(
        self,
        query: str,
        *,
        limit: int | None = 50,
        sort: Literal["relevance", "date"] = "relevance",
        snippets: bool = True,
        only: Collection[str] | None = None,
        without: Collection[str] = (),
    ) -> SearchResult:
        """Ranked hits for `query` (every story, newest first, when it is blank), narrowed to the
        ids in `only` (unless None) and away from those in `without`."""
        with self._lock:
            self._sync()
            if self._store is None or self._searcher is None:
                searching.check(query)
                return SearchResult(query=query, total=0, hits=())
            return searching.search(
                self._qparser,
                self._searcher,
                self._store,
                query,
                limit=limit,
                sort=sort,
                snippets=snippets,
                only=only,
                without=without,
            )

    def highlight_terms(self, query: str) -> tuple[str, ...]:
        """The words to mark in the reader for `query` (as `SearchResult.terms`)."""
        with self._lock:
            self._sync()
            return searching.highlight_terms(self._qparser, self._searcher, query)

    def related(self, story_id: str, limit: int = 5) -> list[StorySummary]:
        """Up to `limit` stories most like this one (Whoosh's more-like-this on the body)."""
        with self._lock:
            self._sync()
            if self._store is None or self._searcher is None:
                return []
            return searching.related(self._searcher, self._store, story_id, limit)


class _Stop:
    """A refresh stops when the index closes or its caller cancels it."""

    def __init__(self, closing: threading.Event, cancelled: Callable[[], bool] | None) -> None:
        self.closing = closing
        self.cancelled = cancelled

    def is_set(self) -> bool:
        """Whether the refresh should stop now."""
        return self.closing.is_set() or (self.cancelled is not None and self.cancelled())


def _lock_timeout() -> float:
    """How long a refresh waits for another process's refresh to finish."""
    try:
        return float(os.environ.get(ENV_LOCK_TIMEOUT, "120"))
    except ValueError:
        return 120.0


def _make_room(path: Path) -> None:
    """A folder where one of the index's files belongs (a corrupt cache) is removed."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
