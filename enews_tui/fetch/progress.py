"""The fetch's progress line on a terminal, and its summary."""

from __future__ import annotations

import time
from typing import TextIO

from enews_tui.fetch import FetchProgress, FetchReport


def _duration(seconds: float) -> str:
    """`42 s`, `7 min`, `2 h 05 min`."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60):02d} min"


class FetchBar:
    """`[#####-----] 120/1,024 pages, 2 failed, 7.9/s, 1 min left`, at most ten times a second;
    silent when the stream is not a terminal."""

    def __init__(self, stream: TextIO, width: int = 24) -> None:
        self.stream = stream
        self.width = width
        self.enabled = stream.isatty()
        self._last = 0.0
        self._drawn = False

    def update(self, p: FetchProgress) -> None:
        """Redraw for `p` (called from the fetch)."""
        if not self.enabled:
            return
        now = time.monotonic()
        if p.stage != "done" and now - self._last < 0.1:
            return
        self._last = now
        if p.stage == "listing":
            line = f"listing captures ({p.listed} CDX requests)"
        else:
            total = max(p.total, 1)
            filled = self.width * (p.done + p.failed) // total
            bar = "#" * filled + "-" * (self.width - filled)
            line = f"[{bar}] {p.done:,}/{p.total:,} pages"
            if p.failed:
                line += f", {p.failed:,} failed"
            line += f", {p.rate:.1f}/s"
            if p.eta is not None and p.stage != "done":
                line += f", {_duration(p.eta)} left"
        self.stream.write(f"\r{line}\x1b[K")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """End the line."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False


def summary(report: FetchReport) -> list[str]:
    """The plain-text summary lines (stderr)."""
    lines = [
        f"{report.fetched:,} fetched, {report.present:,} already here, "
        f"{len(report.failed):,} failed ({report.archive})"
    ]
    lines += [f"failed {url}: {reason}" for url, reason in report.failed]
    if report.stopped:
        lines.append("stopped before the end: run fetch again to get the rest")
    return lines


def plan(report: FetchReport, rate: float | None) -> str:
    """A dry run's one line."""
    pages = f"{report.to_fetch:,} page{'s' if report.to_fetch != 1 else ''}"
    time_part = f", at least {_duration(report.seconds)} at {rate:g} pages/s" if rate else ""
    return f"would fetch {pages} ({report.present:,} already here){time_part} into {report.archive}"
