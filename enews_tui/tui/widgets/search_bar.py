"""The search bar: the query box, what was typed (posted up, debounced), the status line."""

from __future__ import annotations

import time
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, ProgressBar, Static

from enews_tui.model import SearchResult
from enews_tui.render import story_count

#: Within a burst of keys, typing pauses this long before the search starts, so the burst costs
#: one search; the first key after a pause searches at once.
DEBOUNCE = 0.15
#: Hits fetched (with snippets, which cost most of a search) for the first screenful; more are
#: fetched as the list scrolls towards the end of what it holds.
SEARCH_PAGE = 30
#: How far past the loaded hits one "more" request reaches.
SEARCH_MORE = 100


class SearchBar(Vertical):
    """The query box and the line under it: it posts what was typed (the screen searches) and
    shows what it is told; a query's generation tells its answer from a stale one."""

    @dataclass
    class Typed(Message):
        """Search for `query` now (typing paused, or enter); `generation` names this query."""

        query: str
        generation: int

    @dataclass
    class Cleared(Message):
        """The query is blank again: show everything."""

    @dataclass
    class Submitted(Message):
        """Enter was pressed in the query box."""

    def __init__(self, *, id: str | None = None) -> None:
        """An empty bar."""
        super().__init__(id=id)
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

    @property
    def generation(self) -> int:
        """The latest query's generation: an answer of another one is stale."""
        return self._generation

    def show_status(self, text: str, state: str = "") -> None:
        """The line under the box; `state` is -error, -warning or nothing."""
        status = self.query_one("#search-status", Static)
        status.set_classes(state)
        status.update(Content(text))

    def show_answer(self, result: SearchResult) -> None:
        """Count the latest query's hits under the box (or say nothing matched)."""
        if result.total:
            total = max(self.story_count, result.total)
            self.show_status(f"{result.total:,} of {story_count(total)}")
        elif result.suggestion:
            self.show_status(f"No stories match. Did you mean: {result.suggestion}?", "-warning")
        else:
            self.show_status("No stories match.", "-warning")

    def show_refresh(self, text: str, done: int | None = None, total: int | None = None) -> None:
        """The index refresh's state at the right; a progress bar while `done` is given."""
        self.set_class(done is not None, "-refreshing")
        self.query_one("#refresh-status", Static).update(Content(text))
        if done is not None:
            self.query_one(ProgressBar).update(total=max(total or 0, 1), progress=done)

    def search(self, *, now: bool = False) -> None:
        """Post the current query (debounced within a burst of keys, unless `now`)."""
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
            self.post_message(self.Typed(query, generation))
            return

        def fire() -> None:
            self._timer = None
            self.post_message(self.Typed(query, generation))

        self._timer = self.set_timer(DEBOUNCE, fire)

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
