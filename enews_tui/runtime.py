"""How the process runs, all in one place: the garbage collector, the thread switch interval,
leaving without waiting for a refresh. Each is here because a benchmark showed it pays; the
figures are in benchmarks/results/ (alternating runs of `benchmarks/run.py`)."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the block (as it was after it): a search makes
    many short-lived containers with no cycles among them, and the collections they set off
    walk every live object (on a large archive, the index's caches)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def freeze_long_lived(replacing: bool) -> None:
    """Everything alive now (the story list's rows, the open index) moved out of the
    collector's sight, so its full collections stop walking them in the middle of typing;
    `replacing`: what the previous list left behind is collected once first."""
    if replacing:
        gc.unfreeze()
        gc.collect()
    gc.freeze()


#: Seconds a thread may hold the interpreter lock while another waits for it, in the app.
SWITCH_INTERVAL = 0.001


def shorten_switch_interval() -> float:
    """A shorter switch interval while the app runs (searches and refreshes run in threads and
    hold the interpreter lock for milliseconds at a time: the UI thread gets it back sooner);
    the interval before, for `restore_switch_interval`."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    return before


def restore_switch_interval(before: float) -> None:
    """The process's own switch interval again."""
    sys.setswitchinterval(before)


def leave_now(code: int) -> NoReturn:
    """Exit without waiting for a running refresh thread (Python cannot interrupt one, and a
    large build takes minutes); the index survives a kill, so nothing is lost."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
