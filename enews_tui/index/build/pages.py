"""Turning archive files into index rows, in this process or in a pool of worker processes."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import pickle
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from enews_tui.archive import Archive, ArchiveFile, with_provenance
from enews_tui.index.engine.schema import body_text, fold, story_fields
from enews_tui.index.stories.store import SkipRow, StoryRow, make_row
from enews_tui.model import PageError, Story
from enews_tui.text import one_line

#: `parse_story(raw, name, story_id) -> Story`; module-level, so worker processes can import it.
Parser = Callable[[bytes, str, str | None], Story]
#: Files per task sent to a worker: large enough to pay for the pickling, small enough to balance.
CHUNK = 32
#: Fewer files than this are parsed in the calling process (starting workers has a cost).
PARALLEL_MIN = 200
#: The size recorded for a file that vanished between the scan and the read.
_VANISHED = -2
_SPELL_WORD = re.compile(r"[^\W\d_]{3,24}")


@dataclass(frozen=True)
class Parsed:
    """One file's outcome: a row and its Whoosh document, or the reason it was skipped."""

    row: StoryRow | None
    fields: dict[str, Any] | None
    words: frozenset[str]
    skip: SkipRow | None


def default_parser() -> Parser:
    """The extractor's `parse_story` (imported late: bs4 is slow to import)."""
    from enews_tui.extract import parse_story

    return parse_story


def parse_file(root: Path, file: ArchiveFile, parser: Parser) -> Parsed:
    """Read and parse one file; never raises (a skip carries the reason)."""
    try:
        raw = Archive(root).read(file)
        story = parser(raw, file.source, file.id)
    except PageError as exc:
        if not os.path.lexists(file.path) or str(exc).startswith("cannot read"):
            # It vanished after the scan, or could not be read (permissions, I/O): remembered
            # with an impossible size, so that when it comes back unchanged (restored with its
            # old mtime, its mode fixed) the next refresh reads it again.
            file = dataclasses.replace(file, size=_VANISHED)
        return _skip(file, str(exc) or type(exc).__name__)
    except Exception as exc:  # the extractor promises PageError only; a bug still skips one file
        return _skip(file, f"extractor failed: {type(exc).__name__}: {exc}")
    try:
        if story.id != file.id or story.source != file.source:
            story = dataclasses.replace(story, id=file.id, source=file.source)
        story = with_provenance(story, file)
        fields = story_fields(story)
        text = " ".join((story.title, story.teaser or "", body_text(story)))
        words = frozenset(map(fold, set(_SPELL_WORD.findall(text))))
        return Parsed(make_row(story, file.size, file.mtime_ns), fields, words, None)
    except Exception as exc:  # one story the index cannot hold must not stop the refresh
        return _skip(file, f"cannot index: {type(exc).__name__}: {exc}")


def _skip(file: ArchiveFile, reason: str) -> Parsed:
    reason = one_line(reason, 300) or "unreadable"  # archived text may be quoted in it
    return Parsed(None, None, frozenset(), SkipRow(file.source, file.size, file.mtime_ns, reason))


def parse_chunk(root: str, files: Sequence[ArchiveFile], parser: Parser) -> list[Parsed]:
    """A worker's task: parse a run of files."""
    _slow_down()
    return [parse_file(Path(root), f, parser) for f in files]


def _slow_down() -> None:
    """Tests set ENEWS_TUI_TEST_PARSE_DELAY (seconds per chunk) to kill a build mid-way."""
    delay = os.environ.get("ENEWS_TUI_TEST_PARSE_DELAY")
    if delay:
        import time

        time.sleep(float(delay))


def _exit_with_parent(parent: int) -> None:
    """Worker start-up: exit when the indexing process is gone (killed, nobody shuts us down)."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)  # an orphaned worker would otherwise wait for work forever

    threading.Thread(target=watch, name="enews-parent-watch", daemon=True).start()


def parse_all(
    root: Path, files: Sequence[ArchiveFile], parser: Parser, *, workers: int | None = None
) -> Iterator[list[Parsed]]:
    """Parsed chunks of `files`, in completion order; in worker processes when there are many."""
    chunks = [files[i : i + CHUNK] for i in range(0, len(files), CHUNK)]
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    if len(files) < PARALLEL_MIN or workers < 2:
        for chunk in chunks:
            yield parse_chunk(str(root), chunk, parser)
        return
    yield from _parse_pool(root, chunks, parser, workers)


def _parse_pool(
    root: Path, chunks: list[Sequence[ArchiveFile]], parser: Parser, workers: int
) -> Iterator[list[Parsed]]:
    """The chunks through a process pool, a few in flight per worker so memory stays bounded;
    if the pool cannot start or breaks, the rest is parsed here."""
    # spawn, not fork: the TUI refreshes from a thread, and forking a threaded process can hang.
    context = multiprocessing.get_context("spawn")
    todo = list(reversed(chunks))
    running: dict[Future[list[Parsed]], Sequence[ArchiveFile]] = {}
    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_exit_with_parent,
            initargs=(os.getpid(),),
        ) as pool:
            try:
                while todo or running:
                    while todo and len(running) < workers * 3:
                        chunk = todo.pop()
                        running[pool.submit(parse_chunk, str(root), chunk, parser)] = chunk
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in done:
                        result = future.result()
                        del running[future]
                        yield result
            finally:
                for future in running:
                    future.cancel()
    except (BrokenProcessPool, RuntimeError, OSError, pickle.PicklingError):
        pass  # e.g. a worker killed, or no `__main__` guard in a script: parse the rest here
    for chunk in [*running.values(), *reversed(todo)]:
        yield parse_chunk(str(root), chunk, parser)
