"""A progress bar on a terminal stream; silent when the stream is not a terminal."""

from __future__ import annotations

import time
from types import TracebackType
from typing import TextIO


class ProgressBar:
    """`[#####-----] 512/1,024 pages`, redrawn at most ten times a second."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.enabled = stream.isatty()
        self._last = 0.0
        self._drawn = False

    def update(self, done: int, total: int) -> None:
        """Show `done` of `total` (called from the indexer)."""
        if not self.enabled or total <= 0:
            return
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        filled = self.width * done // total
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done:,}/{total:,} pages")
        self.stream.flush()
        self._drawn = True

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
