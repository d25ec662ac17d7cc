"""A full build in parallel: each worker process parses its share of the files and writes its own
Whoosh segment (what Whoosh's multisegment MpWriter does); the main process stores the SQLite
rows and commits the workers' segments together. Filing postings is the slow part of indexing in
pure Python, so it has to happen in the workers, not behind a single writer in the main process."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from whoosh import index as windex
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import PostingPool, SegmentWriter

from enews_tui.archive import ArchiveFile
from enews_tui.index.build.pages import CHUNK, Parsed, Parser, _exit_with_parent, parse_chunk
from enews_tui.index.engine.schema import make_schema

#: Seconds between checks (cancel, a dead worker) while waiting for the workers.
_POLL = 0.2
#: Postings pickled together when a worker's memory is full (Whoosh pickles them one by one).
_RUN_BATCH = 4096
#: zlib level of posting blocks: level 1 is much faster to write than Whoosh's 3, and reads alike.
_COMPRESSION = 1


class PoolFailed(Exception):
    """The workers could not start or one of them died: the caller builds in this process."""


def _work(
    folder: str,
    root: str,
    parser: Parser,
    limitmb: int,
    parent: int,
    slot: int,
    jobs: Any,
    results: Any,
) -> None:
    """A worker: parse each run of files from `jobs` into this worker's own segment; send back
    the SQLite rows per run, then the finished segment and the spelling words."""
    _exit_with_parent(parent)
    try:
        ix = windex.open_dir(folder, schema=make_schema())
        temp = ix.storage.temp_storage(f"worker{slot}-{os.getpid()}.tmp")
        writer = _WorkerWriter(ix, temp, limitmb)
        words: Counter[str] = Counter()
        while True:
            files = jobs.get()
            if files is None:
                break
            sent: list[Parsed] = []
            for p in parse_chunk(root, files, parser):
                if p.row is not None and p.fields is not None:
                    writer.add_document(**p.fields)
                    words.update(p.words)
                sent.append(Parsed(p.row, None, frozenset(), p.skip))
            results.put(("chunk", slot, sent))
        if writer._added:
            segment = writer._finalize_segment()  # sorts and files the postings, here
        else:
            writer._close_segment()
            segment = None
        temp.destroy()
        results.put(("done", slot, (segment, dict(words))))
    except BaseException as exc:  # reported to the main process, which builds without workers
        results.put(("error", slot, f"{type(exc).__name__}: {exc}"))


class _BatchedPool(PostingPool):  # type: ignore[misc]
    """Whoosh's posting pool, its sorted runs pickled in batches: spilling and reading back a
    run costs a fraction of one pickle call per posting."""

    def add(self, item: Any) -> None:
        """Whoosh's `add` without its per-posting checks (the items come from its own writer)."""
        self.currentsize += 170 + len(item[1]) * 2 + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)

    def _write_run(self, f: Any, items: Any) -> None:
        batch: list[Any] = []
        for item in items:
            batch.append(item)
            if len(batch) >= _RUN_BATCH:
                pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
                batch = []
        if batch:
            pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path: str) -> Iterator[Any]:
        f = self._open_run(path)
        try:
            while True:
                try:
                    batch = pickle.load(f)
                except EOFError:
                    return
                yield from batch
        finally:
            f.close()
            self._remove_run(path)


class _Lengths:
    """A segment's field lengths read once per field: Whoosh looks one up per posting."""

    def __init__(self, reader: Any, doccount: int) -> None:
        self.reader = reader
        self.doccount = doccount
        self.fields: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        """The length of `fieldname` in `docnum` (as the per-document reader gives it)."""
        lengths = self.fields.get(fieldname)
        if lengths is None:
            get = self.reader.doc_field_length
            lengths = [get(d, fieldname) or 0 for d in range(self.doccount)]
            self.fields[fieldname] = lengths
        return lengths[docnum]


class _WorkerWriter(SegmentWriter):  # type: ignore[misc]
    """A worker's segment writer: batched runs, cached lengths, faster block compression
    (no compound file: readers map each file, and copying them all would take time)."""

    def __init__(self, ix: Any, temp: Any, limitmb: int) -> None:
        codec = W3Codec(compression=_COMPRESSION)
        super().__init__(ix, _lk=False, limitmb=limitmb, codec=codec, compound=False)
        self._tempstorage = temp  # its own folder: the shared one is removed by the main writer
        self.pool = _BatchedPool(temp, self.newsegment, limitmb=limitmb)

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        pdr = self.per_document_reader()
        try:
            lengths = _Lengths(pdr, self.docnum)
            self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
            self.fieldwriter.close()
        finally:
            pdr.close()


class SegmentBuild:
    """The workers of one full build into the (new, empty) index in `folder`."""

    def __init__(
        self,
        folder: str,
        root: str,
        files: Sequence[ArchiveFile],
        parser: Parser,
        *,
        workers: int,
        limitmb: int,
    ) -> None:
        self.folder, self.root, self.files, self.parser = folder, root, files, parser
        self.workers, self.limitmb = workers, limitmb
        self.segments: list[Any] = []
        self.words: Counter[str] = Counter()

    def chunks(self, cancelled: Callable[[], bool]) -> Iterator[list[Parsed]]:
        """Parsed runs of files (rows and skips, no Whoosh documents) as the workers finish them;
        afterwards `segments` and `words` hold the workers' output. PoolFailed when a worker
        cannot start or dies; the workers are gone when this returns or raises."""
        # spawn, not fork: the TUI refreshes from a thread, and forking a threaded process can hang.
        context = multiprocessing.get_context("spawn")
        jobs = context.Queue()
        results = context.Queue()
        procs = []
        try:
            for slot in range(self.workers):
                args = (self.folder, self.root, self.parser, self.limitmb, os.getpid(), slot)
                proc = context.Process(
                    target=_work, args=(*args, jobs, results), name=f"enews-index-{slot}"
                )
                proc.daemon = True
                proc.start()
                procs.append(proc)
            for start in range(0, len(self.files), CHUNK):
                jobs.put(list(self.files[start : start + CHUNK]))
            for _ in procs:
                jobs.put(None)
            done: set[int] = set()
            while len(done) < len(procs):
                if cancelled():
                    return
                try:
                    kind, slot, payload = results.get(timeout=_POLL)
                except queue.Empty:
                    dead = [
                        p.name for n, p in enumerate(procs) if n not in done and not p.is_alive()
                    ]
                    if dead:
                        raise PoolFailed(f"index worker {dead[0]} stopped") from None
                    continue
                if kind == "chunk":
                    yield payload
                elif kind == "done":
                    segment, words = payload
                    if segment is not None:
                        self.segments.append(segment)
                    self.words.update(words)
                    done.add(slot)
                else:
                    raise PoolFailed(str(payload))
            for proc in procs:
                proc.join()
        except (
            OSError,
            RuntimeError,
            AttributeError,
            TypeError,
            ValueError,
            pickle.PicklingError,
        ) as exc:
            # e.g. the parser cannot be pickled, or a script without a `__main__` guard
            raise PoolFailed(f"{type(exc).__name__}: {exc}") from exc
        finally:
            for proc in procs:
                if proc.is_alive():
                    proc.kill()
                    proc.join()
            jobs.close()
            results.close()
            jobs.cancel_join_thread()
            results.cancel_join_thread()


def commit_segments(ix: Any, segments: list[Any]) -> None:
    """Make the workers' segments the index's content (the main writer holds the lock)."""
    writer = ix.writer()
    try:
        writer._close_segment()
        writer._commit_toc(segments)
    finally:
        writer._finish()
