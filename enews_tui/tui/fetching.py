"""Fetching the E-News archive from inside the app: the fetch on a thread, its progress where the
index refresh shows its own, a notice at the end."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from enews_tui import paths
from enews_tui.archive import ENEWS_HOST
from enews_tui.fetch import (
    CdxError,
    FetchBusy,
    FetchOptions,
    FetchProgress,
    FetchReport,
    Server,
    fetch,
)
from enews_tui.fetch.polite import Failed, Politeness, politeness_from_env
from enews_tui.text import one_line

#: Shown when the app opens on the one-story archive shipped with it.
BUNDLED_NOTICE = (
    "This is the bundled archive: one story. To get the whole E-News site from the Wayback "
    "Machine, run 'enews-tui fetch' or choose 'Fetch the E-News archive' in the command "
    "palette (ctrl+p)."
)
#: Progress reaches the UI at most this often (seconds).
PROGRESS_INTERVAL = 0.2


def fetch_folder() -> Path:
    """Where the app's fetch writes (the folder `enews-tui` opens by default once it holds one)."""
    return paths.archives_dir(ENEWS_HOST)


class AppFetch:
    """One fetch started from the palette: run it (on a worker thread), stop it, say how it went."""

    def __init__(self, server: Server | None = None) -> None:
        self.stop = threading.Event()
        self.running = False
        self._last = 0.0
        self.server = server or Server.parse(None)  # the Wayback Machine

    def run(
        self,
        show: Callable[[str, int | None, int | None], None],
        politeness: Politeness | None = None,
    ) -> tuple[FetchReport | None, str]:
        """Fetch (blocking: call it from a thread); progress goes to `show(text, done, total)`.
        Returns the report, or None and the one-line reason it could not run."""
        self.running = True
        options = FetchOptions(
            folder=fetch_folder(),
            server=self.server,
            politeness=politeness or politeness_from_env(Politeness()),
            scan_cache=paths.cache_dir() / "fetch-scans",
        )

        def progress(p: FetchProgress) -> None:
            now = time.monotonic()
            if p.stage != "done" and now - self._last < PROGRESS_INTERVAL:
                return
            self._last = now
            if p.stage == "listing":
                show(f"Listing captures ({p.listed})", 0, 1)
            else:
                show(f"Fetching {p.done:,}/{p.total:,}", p.done + p.failed, max(p.total, 1))

        try:
            return fetch(options, progress, self.stop), ""
        except (CdxError, Failed) as exc:
            return None, f"cannot list the captures: {one_line(exc)}"
        except FetchBusy as exc:
            return None, one_line(exc)
        except OSError as exc:
            return None, f"cannot write the archive: {exc.strerror or one_line(exc)}"
        finally:
            self.running = False


def summary(report: FetchReport) -> str:
    """`Fetched 120 pages (40 already here, 2 failed)`."""
    text = f"Fetched {report.fetched:,} page{'s' if report.fetched != 1 else ''}"
    text += f" ({report.present:,} already here"
    text += (
        f", {len(report.failed):,} failed: run it again to retry them)" if report.failed else ")"
    )
    if report.stopped:
        text += "; stopped before the end"
    return text
