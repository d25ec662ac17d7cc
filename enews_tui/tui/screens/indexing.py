"""Every story in the list, and the index refresh behind it (the main screen's second layer):
the list is read on a worker; the refresh runs on a thread of its own, reports its progress and
the stories a first build stores, and the list (or the search on screen) follows what changed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from textual import work
from textual.message import Message
from textual.worker import get_current_worker

from enews_tui import runtime
from enews_tui.model import RefreshReport, StorySummary
from enews_tui.render import story_count
from enews_tui.text import one_line, sanitize_line
from enews_tui.tui.screens.searching import SearchScreen
from enews_tui.tui.source import StorySource
from enews_tui.tui.widgets.reader import Reader
from enews_tui.tui.widgets.search_bar import SearchBar
from enews_tui.tui.widgets.story_list import StoryList

#: Progress updates from the refresh thread are posted at most this often (seconds).
PROGRESS_EVERY = 0.1


class IndexingScreen(SearchScreen):
    """Loads the list once the index is open, refreshes the index (a first launch lists stories
    as they are indexed), and says what the index holds."""

    @dataclass
    class ListLoaded(Message):
        """Every story's summary was read from the index."""

        summaries: list[StorySummary]

    @dataclass
    class RefreshProgressed(Message):
        """The index refresh has looked at `done` of `total` files."""

        done: int
        total: int

    @dataclass
    class StoriesFound(Message):
        """A full build stored these stories (a first launch lists them as they come)."""

        summaries: list[StorySummary]

    @dataclass
    class IndexRefreshed(Message):
        """The index refresh finished; `summaries` is set when the stories changed."""

        report: RefreshReport
        summaries: list[StorySummary] | None
        count: int

    @dataclass
    class RefreshFailed(Message):
        """The index refresh stopped with an error; the existing index is still shown."""

        reason: str

    @dataclass
    class WorkFailed(Message):
        """Reading from the index failed; `what` and `reason` are for the user."""

        what: str
        reason: str

    def __init__(self, index: StorySource | None, *, id: str | None = None) -> None:
        """The list and the refresh read `index` (None while it opens: `index_opened`)."""
        super().__init__(index, id=id)
        #: Whether the index is refreshed once the screen shows (tests turn it off).
        self.refresh_on_mount = True
        self._loading_started = False

    def index_opened(self, index: StorySource) -> None:
        """The index is open: load the list, refresh, and search for what was typed meanwhile."""
        self._index = index
        self._start_loading()
        self._search_again()  # what was typed meanwhile

    def _start_loading(self) -> None:
        """Read the list, then refresh the index, both in threads (once the index is open)."""
        if self._index is None:
            self.query_one(SearchBar).show_status("Opening the index…")
            return
        if self._loading_started:  # the index opened before the first frame's call came
            return
        self._loading_started = True
        for notice in self.index.notices:
            self.notify(sanitize_line(notice), severity="warning", markup=False)
        self.load_list()
        if self.refresh_on_mount:
            self.refresh_index()

    @work(thread=True, exclusive=True, group="list")
    def load_list(self) -> None:
        """Read every summary (fast, but not free at 100k) off the UI thread."""
        try:
            summaries = self.index.summaries()
        except Exception as exc:  # noqa: BLE001 - a broken index must not take the app down
            self.post_message(self.WorkFailed("Cannot read the story list", one_line(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.ListLoaded(summaries))

    @work(thread=True, exclusive=True, group="refresh")
    def refresh_index(self, rebuild: bool = False) -> None:
        """Bring the index up to date, reporting progress; the old list stays usable meanwhile.

        The refresh itself runs on a daemon thread that this worker waits for: cancelling the
        worker stops the refresh at its next run of files, and quitting never waits for it (a
        worker's thread would hold up the exit; a build's last step, its commit, cannot be
        interrupted; the index survives an exit during it like a kill).
        """
        self.refreshing = True
        worker = get_current_worker()
        stop = threading.Event()
        done = threading.Thread(target=self._refresh, args=(rebuild, stop.is_set), daemon=True)
        done.start()
        while done.is_alive() and not worker.is_cancelled:
            done.join(0.1)
        stop.set()

    def _refresh(self, rebuild: bool, cancelled: Callable[[], bool]) -> None:
        """The refresh proper (on its own daemon thread); results come back as messages."""
        before = self.index.generation
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY or done == total:
                last = now
                self.post_message(self.RefreshProgressed(done, total))

        def found(summaries: list[StorySummary]) -> None:
            self.post_message(self.StoriesFound(summaries))

        try:
            report = self.index.refresh(
                rebuild=rebuild, progress=progress, cancelled=cancelled, found=found
            )
            changed = self.index.generation != before
            summaries = self.index.summaries() if changed or rebuild else None
            count = len(summaries) if summaries is not None else self.index.count()
        except Exception as exc:  # noqa: BLE001 - any failure must leave the app running
            self.post_message(self.RefreshFailed(one_line(exc)))
            return
        finally:
            self.refreshing = False
        self.post_message(self.IndexRefreshed(report, summaries, count))

    def on_indexing_screen_list_loaded(self, message: ListLoaded) -> None:
        """Show every story, unless a search is already on screen."""
        self._set_summaries(message.summaries)
        if not self.query_one(SearchBar).query_text:
            self._show_all()

    def on_indexing_screen_refresh_progressed(self, message: RefreshProgressed) -> None:
        """Move the progress bar."""
        bar = self.query_one(SearchBar)
        bar.show_refresh("Indexing", message.done, message.total)
        if not self._summaries and not bar.query_text:
            bar.show_status(f"Building the index: {message.done:,} of {message.total:,} pages read")

    def on_indexing_screen_stories_found(self, message: StoriesFound) -> None:
        """The first build goes on: list its stories as they are stored (newest first once it
        is done), unless the list already shows the index or a search."""
        if self._summaries or self.query_one(SearchBar).query_text:
            return
        stories_list = self.query_one(StoryList)
        self._arrived.extend(message.summaries)
        arrived = list(self._arrived)
        if len(arrived) == len(message.summaries):
            stories_list.show(arrived)
        else:
            stories_list.extend(arrived, more=0)  # the cursor and scroll stay where they are

    def on_indexing_screen_index_refreshed(self, message: IndexRefreshed) -> None:
        """Hide the progress; reload the list (and the search) if the index changed."""
        report = message.report
        status = f"Index: {story_count(message.count)}"
        if report.skipped:
            status += f", {len(report.skipped):,} pages skipped"
        bar = self.query_one(SearchBar)
        bar.show_refresh(status)
        for notice in report.notices:
            self.notify(sanitize_line(notice), severity="warning", markup=False)
        if message.summaries is not None:
            self._set_summaries(message.summaries)
            if bar.query_text:
                self._search_again()
            else:
                self._show_all()
        if not message.count:  # say so, rather than show an empty list without a word
            where = sanitize_line(str(self.index.archive.root))
            bar.show_status(f"No stories in this archive ({where}).", "-warning")
            hint = (
                "This archive holds no stories: open a folder of saved pages (.html, .htm, "
                ".txt) or web-archive files (.warc, .wacz) with --archive PATH."
            )
            self.query_one(Reader).compose_placeholder(hint)
            self.query_one(StoryList).empty_text = hint

    def on_indexing_screen_work_failed(self, message: WorkFailed) -> None:
        """Say what could not be read, and why."""
        self.notify(f"{message.what}: {message.reason}", severity="error", markup=False)

    def on_indexing_screen_refresh_failed(self, message: RefreshFailed) -> None:
        """Say the refresh failed; what was indexed stays on screen."""
        self.query_one(SearchBar).show_refresh("Index refresh failed")
        self.notify(f"Index refresh failed: {message.reason}", severity="error", markup=False)

    def action_refresh_index(self) -> None:
        """Look for new, changed and removed pages now."""
        if not self.refreshing:
            self.refresh_index()

    def _set_summaries(self, summaries: list[StorySummary]) -> None:
        """Every story, as the index now holds them."""
        replacing = bool(self._summaries)
        self._summaries = summaries
        self.library_stories([s.id for s in summaries])
        runtime.freeze_long_lived(replacing)  # the rows live until the next refresh
