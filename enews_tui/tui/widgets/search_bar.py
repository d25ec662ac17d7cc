"""The search bar: the query box, search as you type, and the status line under it."""

from __future__ import annotations

import time
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, ProgressBar, Static
from textual.worker import get_current_worker

from enews_tui.model import QueryError, SearchResult
from enews_tui.render import story_count
from enews_tui.text import one_line, sanitize_line
from enews_tui.tui.source import StorySource

#: Within a burst of keys, typing pauses this long before the search starts, so the burst costs
#: one search; the first key after a pause searches at once.
DEBOUNCE = 0.15
#: Hits fetched (with snippets, which cost most of a search) for the first screenful; more are
#: fetched as the list scrolls towards the end of what it holds.
SEARCH_PAGE = 30
#: How far past the loaded hits one "more" request reaches.
SEARCH_MORE = 100


class SearchBar(Vertical):
    """Searches the index as the user types; only the latest query's answer is posted."""

    @dataclass
    class Answered(Message):
        """The latest query found `result` (its first page of hits)."""

        result: SearchResult

    @dataclass
    class MoreAnswered(Message):
        """A longer run of hits for the latest query."""

        result: SearchResult

    @dataclass
    class Cleared(Message):
        """The query is blank again: show everything."""

    @dataclass
    class Submitted(Message):
        """Enter was pressed in the query box."""

    @dataclass
    class _Found(Message):
        """A search thread's answer, tagged with the keystroke it belongs to."""

        generation: int
        result: SearchResult
        more: bool

    @dataclass
    class _Failed(Message):
        """A search thread's error, tagged with the keystroke it belongs to."""

        generation: int
        reason: str

    def __init__(self, index: StorySource, *, id: str | None = None) -> None:
        """The bar searches through `index`."""
        super().__init__(id=id)
        self.index = index
        #: How many stories the archive holds (set by the screen), for "12 of 3,400 stories".
        self.story_count = 0
        self._generation = 0
        self._timer: Timer | None = None
        self._last_keystroke = 0.0

    def compose(self) -> ComposeResult:
        """The query box, then the status line with the index refresh at its right."""
        yield Input(
            placeholder='Search: words, "phrases", title:word, date:2008, typo~ (? for help)',
            id="search",
        )
        with Horizontal(id="status-bar"):
            yield Static(Content("Loading stories…"), id="search-status")
            yield Static(Content(""), id="refresh-status")
            yield ProgressBar(id="refresh-progress", show_eta=False)

    @property
    def query_text(self) -> str:
        """The query, trimmed."""
        return self.query_one("#search", Input).value.strip()

    def show_status(self, text: str, state: str = "") -> None:
        """The line under the box; `state` is -error, -warning or nothing."""
        status = self.query_one("#search-status", Static)
        status.set_classes(state)
        status.update(Content(text))

    def show_refresh(self, text: str, done: int | None = None, total: int | None = None) -> None:
        """The index refresh's state at the right; a progress bar while `done` is given."""
        self.set_class(done is not None, "-refreshing")
        self.query_one("#refresh-status", Static).update(Content(text))
        if done is not None:
            self.query_one(ProgressBar).update(total=max(total or 0, 1), progress=done)

    def search(self, *, now: bool = False) -> None:
        """Search for the current query (debounced within a burst of keys, unless `now`)."""
        self._generation += 1
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        query = self.query_text
        if not query:
            self.post_message(self.Cleared())
            return
        generation = self._generation
        quiet = time.monotonic() - self._last_keystroke >= DEBOUNCE
        self._last_keystroke = time.monotonic()
        if now or quiet:
            self._run_search(query, generation, SEARCH_PAGE, False)
            return

        def fire() -> None:
            self._timer = None
            self._run_search(query, generation, SEARCH_PAGE, False)

        self._timer = self.set_timer(DEBOUNCE, fire)

    def fetch_more(self, loaded: int) -> None:
        """Fetch hits past the `loaded` first ones, for the current query."""
        if query := self.query_text:
            self._fetch_more(query, self._generation, loaded + SEARCH_MORE, True)

    @on(Input.Changed, "#search")
    def _query_changed(self, event: Input.Changed) -> None:
        """Search as you type."""
        event.stop()
        self.search()

    @on(Input.Submitted, "#search")
    def _query_submitted(self, event: Input.Submitted) -> None:
        """Enter: search now if typing was still pending, and say so."""
        event.stop()
        if self._timer is not None:
            self.search(now=True)
        self.post_message(self.Submitted())

    @work(thread=True, exclusive=True, group="search")
    def _run_search(self, query: str, generation: int, limit: int, more: bool) -> None:
        """Search off the UI thread; a stale answer is dropped, here and when applied."""
        self._search_thread(query, generation, limit, more)

    @work(thread=True, exclusive=True, group="search-more")
    def _fetch_more(self, query: str, generation: int, limit: int, more: bool) -> None:
        """The same query with a higher limit (its own group: it never cancels a new query)."""
        self._search_thread(query, generation, limit, more)

    def _search_thread(self, query: str, generation: int, limit: int, more: bool) -> None:
        """The search proper, in a worker thread."""
        if generation != self._generation:
            return
        try:
            result = self.index.search(query, limit=limit)
        except QueryError as exc:
            failure = sanitize_line(str(exc))
        except Exception as exc:  # noqa: BLE001 - a broken index must not take the app down
            failure = f"search failed: {one_line(exc)}"
        else:
            if not get_current_worker().is_cancelled:
                self.post_message(self._Found(generation, result, more))
            return
        if not more and not get_current_worker().is_cancelled:
            self.post_message(self._Failed(generation, failure))

    def on_search_bar__found(self, message: _Found) -> None:
        """Pass on the latest query's answer, and count it under the box."""
        message.stop()
        if message.generation != self._generation:
            return
        result = message.result
        if message.more:
            self.post_message(self.MoreAnswered(result))
            return
        if result.total:
            total = max(self.story_count, result.total)
            self.show_status(f"{result.total:,} of {story_count(total)}")
        elif result.suggestion:
            self.show_status(f"No stories match. Did you mean: {result.suggestion}?", "-warning")
        else:
            self.show_status("No stories match.", "-warning")
        self.post_message(self.Answered(result))

    def on_search_bar__failed(self, message: _Failed) -> None:
        """Say what is wrong with the query; typing goes on, the old hits stay."""
        message.stop()
        if message.generation == self._generation:
            self.show_status(message.reason, "-error")
