"""How the process runs, all in one place: long-lived objects out of the garbage collector's
sight, leaving without waiting for a refresh. Each is here because a benchmark showed it pays
(alternating runs, figures in benchmarks/results/); a collector paused around each search and a
shorter thread switch interval did not, and are gone."""

from __future__ import annotations

import gc
import os
import sys
from typing import NoReturn


def freeze_long_lived(replacing: bool) -> None:
    """Everything alive now (the story list's rows, the open index) moved out of the
    collector's sight, so its full collections stop walking them in the middle of typing;
    `replacing`: what the previous list left behind is collected once first."""
    if replacing:
        gc.unfreeze()
        gc.collect()
    gc.freeze()


def leave_now(code: int) -> NoReturn:
    """Exit without waiting for a running refresh thread (Python cannot interrupt one, and a
    large build takes minutes); the index survives a kill, so nothing is lost."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
