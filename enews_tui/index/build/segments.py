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

from enews_tui.archive import ArchiveFile
from enews_tui.index.build.pages import CHUNK, Parsed, Parser, _exit_with_parent, parse_chunk
from enews_tui.index.engine import internals
from enews_tui.index.engine.internals import WorkerWriter
from enews_tui.index.engine.protocols import Index
from enews_tui.index.engine.schema import make_schema

#: Seconds between checks (cancel, a dead worker) while waiting for the workers.
_POLL = 0.2


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
        writer = WorkerWriter(ix, temp, limitmb)
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
        segment = writer.finish()  # sorts and files the postings, here
        temp.destroy()
        results.put(("done", slot, (segment, dict(words))))
    except BaseException as exc:  # reported to the main process, which builds without workers
        results.put(("error", slot, f"{type(exc).__name__}: {exc}"))


def parallel_available() -> bool:
    """Whether workers can write segments: finishing and committing them takes Whoosh's
    private names (engine/internals.py), used only on the Whoosh release they are tested on."""
    return internals.active()


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
            dead_before = False
            while len(done) < len(procs):
                if cancelled():
                    return
                try:
                    kind, slot, payload = results.get(timeout=_POLL)
                except queue.Empty:
                    dead = [
                        p.name for n, p in enumerate(procs) if n not in done and not p.is_alive()
                    ]
                    # A worker that sent its segment and exited can be seen dead a moment before
                    # its last message is read: it failed only if the queue stays empty.
                    if dead and dead_before:
                        raise PoolFailed(f"index worker {dead[0]} stopped") from None
                    dead_before = bool(dead)
                    continue
                dead_before = False
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

    def commit(self, ix: Index) -> None:
        """Make the workers' segments the index's content."""
        internals.commit_segments(ix, self.segments)
