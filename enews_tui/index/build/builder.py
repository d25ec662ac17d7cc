"""Writing the index: a full build into a fresh folder, or an incremental, kill-safe refresh."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from whoosh import index as windex

from enews_tui.archive import Archive, ArchiveFile
from enews_tui.index.build.pages import PARALLEL_MIN, Parsed, Parser, default_parser, parse_all
from enews_tui.index.build.segments import PoolFailed, SegmentBuild, parallel_available
from enews_tui.index.engine.protocols import Index, Writer
from enews_tui.index.engine.schema import SCHEMA_VERSION, make_schema
from enews_tui.index.stories.store import DB_NAME, FileState, SkipRow, Store, StoryRow
from enews_tui.model import RefreshReport, Skipped, StorySummary

#: Stories per Whoosh commit in an incremental refresh: a kill loses at most this much work.
BATCH = 2000
#: Whoosh's writer memory (MB per process) before it spills sorted runs to disk.
LIMIT_MB = 96
#: The same per worker process of a full build (each writes its own segment).
WORKER_LIMIT_MB = 160
#: Worker processes of a full build (default: the CPU count, at most 2); 1 builds in-process.
ENV_PROCS = "ENEWS_TUI_INDEX_PROCS"


def _workers() -> int:
    """How many processes write a full build."""
    try:
        return max(1, int(os.environ.get(ENV_PROCS, "") or min(2, os.cpu_count() or 1)))
    except ValueError:
        return min(2, os.cpu_count() or 1)


def _writer(ix: Index, *, full: bool) -> Writer:
    """The one writer of this process."""
    return ix.writer(limitmb=LIMIT_MB)


def _cancel(writer: Writer) -> None:
    """Abandon a writer; its files may already be gone (the folder removed), which is fine."""
    try:
        writer.cancel()
    except Exception:
        pass


class Stop(Protocol):
    """What tells a refresh to stop (a threading.Event, or anything answering the same)."""

    def is_set(self) -> bool:
        """Whether to stop now."""


class Cancelled(Exception):
    """The index was closed while a refresh ran: the work stops, nothing half-done is kept."""


class Builder:
    """One refresh's work: parse the files that need it and write them."""

    def __init__(
        self,
        archive: Archive,
        parser: Parser | None,
        progress: Callable[[int, int], None] | None,
        cancel: Stop | None = None,
        found: Callable[[list[StorySummary]], None] | None = None,
    ) -> None:
        self.archive = archive
        self.cancel = cancel or threading.Event()
        self._parser = parser
        self.progress = progress or (lambda _done, _total: None)
        self.found = found or (lambda _stories: None)

    @property
    def parser(self) -> Parser:
        """The page parser, imported only when a page needs parsing (bs4 is slow to import)."""
        if self._parser is None:
            self._parser = default_parser()
        return self._parser

    def _parsed(self, files: Sequence[ArchiveFile]) -> Iterable[list[Parsed]]:
        done = 0
        self.progress(0, len(files))
        for chunk in parse_all(self.archive.root, files, self.parser):
            if self.cancel.is_set():
                raise Cancelled
            yield chunk
            done += len(chunk)
            self.progress(done, len(files))

    def full(
        self, location: Path, files: Sequence[ArchiveFile], old: dict[str, FileState]
    ) -> tuple[str, RefreshReport]:
        """Build from scratch into `tmp-*`, renamed `b-*` when complete; returns that name.
        Many files: worker processes write the Whoosh segments; if they fail, this process."""
        workers = _workers()
        if len(files) >= PARALLEL_MIN and workers > 1 and parallel_available():
            try:
                return self._full(location, files, old, workers)
            except PoolFailed:
                pass
        return self._full(location, files, old, 1)

    def _full(
        self,
        location: Path,
        files: Sequence[ArchiveFile],
        old: dict[str, FileState],
        workers: int,
    ) -> tuple[str, RefreshReport]:
        stamp = f"{time.time_ns():x}-{os.getpid()}"
        tmp = location / f"tmp-{stamp}"
        tmp.mkdir()
        try:
            ix = windex.create_in(str(tmp), make_schema())
            store = Store(tmp / DB_NAME, create=True)
            try:
                store.set_meta("schema", str(SCHEMA_VERSION))
                store.set_meta("archive", self.archive.key)
                if workers > 1:
                    ids = self._fill_parallel(ix, tmp, store, files, workers)
                else:
                    ids = self._fill(ix, store, files)
            finally:
                store.checkpoint()
                skipped = store.skipped()
                store.close()
            ix.close()
            final = location / f"b-{stamp}"
            os.rename(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        removed = sum(1 for s in old.values() if s.id is not None and s.id not in ids)
        report = RefreshReport(
            indexed=len(ids), removed=removed, skipped=tuple(Skipped(s, r) for s, r in skipped)
        )
        return final.name, report

    def _store_chunks(self, store: Store, chunks: Iterable[list[Parsed]], total: int) -> set[str]:
        """Rows and skips into the new database, 500 at a time; the ids stored."""
        ids: set[str] = set()
        rows: list[StoryRow] = []
        skips: list[SkipRow] = []
        done = 0
        self.progress(0, total)
        for chunk in chunks:
            if self.cancel.is_set():
                raise Cancelled
            new: list[StorySummary] = []
            for p in chunk:
                if p.row is not None:
                    rows.append(p.row)
                    ids.add(p.row.id)
                    new.append(p.row.summary())
                elif p.skip is not None:
                    skips.append(p.skip)
            if new:
                self.found(new)
            if len(rows) + len(skips) >= 500:
                store.apply(rows, skips, (), (), fresh=True)
                rows, skips = [], []
            done += len(chunk)
            self.progress(done, total)
        store.apply(rows, skips, (), (), fresh=True)
        return ids

    def _fill_parallel(
        self, ix: Index, tmp: Path, store: Store, files: Sequence[ArchiveFile], workers: int
    ) -> set[str]:
        """Workers parse and write one segment each; this process stores rows, then commits."""
        build = SegmentBuild(
            str(tmp), str(self.archive.root), files, self.parser,
            workers=workers, limitmb=WORKER_LIMIT_MB,
        )  # fmt: skip
        ids = self._store_chunks(store, build.chunks(self.cancel.is_set), len(files))
        if self.cancel.is_set():
            raise Cancelled
        store.add_words(build.words)
        build.commit(ix)
        return ids

    def _fill(self, ix: Index, store: Store, files: Sequence[ArchiveFile]) -> set[str]:
        """Parse (in a pool when there are many files) and write with one writer here."""
        writer = _writer(ix, full=True)
        words: Counter[str] = Counter()

        def documents() -> Iterator[list[Parsed]]:
            for chunk in parse_all(self.archive.root, files, self.parser, workers=1):
                for p in chunk:
                    if p.row is not None and p.fields is not None:
                        writer.add_document(**p.fields)
                        words.update(p.words)
                yield chunk

        try:
            ids = self._store_chunks(store, documents(), len(files))
            store.add_words(words)
            writer.commit(optimize=True)
        except BaseException:
            _cancel(writer)
            raise
        return ids

    def incremental(self, folder: Path, files: Sequence[ArchiveFile]) -> RefreshReport:
        """Parse new and changed files, drop deleted ones; safe to kill at any point."""
        store = Store(folder / DB_NAME)
        try:
            return self._incremental(folder, store, files)
        finally:
            store.close()

    def _incremental(
        self, folder: Path, store: Store, files: Sequence[ArchiveFile]
    ) -> RefreshReport:
        states = store.file_states()
        pending = store.pending()
        scanned = {f.source for f in files}
        todo: list[ArchiveFile] = []
        unchanged = 0
        for f in files:
            st = states.get(f.source)
            if (
                st is None
                or (st.size, st.mtime_ns) != (f.size, f.mtime_ns)
                or (st.id is not None and st.id != f.id)
                or f.id in pending
                or st.id in pending
            ):
                todo.append(f)
            elif st.id is not None:
                unchanged += 1
        gone = [s for s in states if s not in scanned]
        removed = sum(1 for s in gone if states[s].id is not None)
        doomed = {states[s].id for s in gone} | {
            states[f.source].id for f in todo if f.source in states
        }
        doomed |= pending
        doomed.discard(None)
        stale = sorted(i for i in doomed if i is not None)
        indexed = 0
        if todo or stale or gone:
            store.mark_pending([*stale, *(f.id for f in todo)])
            indexed = self._write(folder, store, todo, stale, gone)
        skipped = tuple(Skipped(s, r) for s, r in store.skipped())
        return RefreshReport(indexed=indexed, unchanged=unchanged, removed=removed, skipped=skipped)

    def _write(
        self,
        folder: Path,
        store: Store,
        todo: Sequence[ArchiveFile],
        stale: list[str],
        gone: list[str],
    ) -> int:
        """Whoosh first, then SQLite, batch by batch; the pending list covers a kill in between."""
        ix = windex.open_dir(str(folder), schema=make_schema())
        first = True
        rows: list[StoryRow] = []
        skips: list[SkipRow] = []
        docs: list[dict[str, Any]] = []
        words: Counter[str] = Counter()
        indexed = 0

        def commit(last: bool) -> None:
            nonlocal first, rows, skips, docs, indexed
            writer = _writer(ix, full=False)
            try:
                if first:
                    for story_id in stale:
                        writer.delete_by_term("id", story_id)
                for doc in docs:
                    writer.add_document(**doc)
                writer.commit()
            except BaseException:
                _cancel(writer)
                raise
            store.apply(
                rows, skips, gone if first else (), stale if first else (), clear_pending=last
            )
            indexed += len(rows)
            first, rows, skips, docs = False, [], [], []

        for chunk in self._parsed(todo):
            for p in chunk:
                if p.row is not None and p.fields is not None:
                    rows.append(p.row)
                    docs.append(p.fields)
                    words.update(p.words)
                elif p.skip is not None:
                    skips.append(p.skip)
            if len(docs) >= BATCH:
                commit(last=False)
        commit(last=True)
        if words:
            store.add_words(words)
        ix.close()
        return indexed
