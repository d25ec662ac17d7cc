"""The search bar: the query box and the status line under it. It says what was typed (and
when); the screen searches and tells it what to show."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, ProgressBar, Static

from enews_tui.render import story_count
from enews_tui.text import one_line

#: The counting and error-line helpers, under the names the screens import them by.
stories = story_count
reason = one_line
#: Within a burst of keys, typing pauses this long before the search starts, so the burst costs
#: one search; the first key after a pause searches at once.
DEBOUNCE = 0.15
#: The last word, while it is being typed, counts as a prefix once it is this long (shorter
#: prefixes stand for too many words to be worth a search each).
PREFIX_MIN = 3
#: Words of the query language that are not search words.
OPERATORS = frozenset({"AND", "OR", "NOT", "TO"})
#: Fields whose words can stand for their starts (`title:pes*`); others (`date:`, the
#: library's `is:`, `has:`, `note:`) take their value whole.
PREFIX_FIELDS = frozenset(
    {"title", "teaser", "body", "byline", "author", "dateline", "contacts", "contact"}
)
_LAST_WORD = re.compile(r"(?:^|[\s(])(?:(\w+):)?(\w+)$")


def as_typed(text: str, finished: bool) -> str:
    """The query to run for `text` in the box: while typing (not `finished`), a last word of
    `PREFIX_MIN` letters or more counts as a prefix (`pest` -> `pest*`), and a phrase still
    open is closed; a space after the last word or enter makes it a whole word."""
    query = text.strip()
    if finished or not query or text[-1:].isspace():
        return query
    if query.count('"') % 2:  # a phrase being typed: search what it holds so far
        return query + '"'
    match = _LAST_WORD.search(query)
    if match is None:
        return query
    field, word = match.group(1), match.group(2)
    if len(word) < PREFIX_MIN or word in OPERATORS or word.isdigit():
        return query
    if field is not None and field.lower() not in PREFIX_FIELDS:
        return query
    return query + "*"


class SearchBar(Vertical):
    """Says what is typed, debounced within a burst of keys; shows what the screen tells it."""

    @dataclass
    class Typed(Message):
        """The query box holds `text` (`finished`: enter was pressed); `at` is when the key
        came (monotonic seconds)."""

        text: str
        finished: bool
        at: float

    @dataclass
    class Submitted(Message):
        """Enter was pressed in the query box."""

    def __init__(self, *, id: str | None = None) -> None:
        """An empty bar."""
        super().__init__(id=id)
        self._timer: Timer | None = None
        self._last_keystroke = 0.0
        self._pending = False  # a burst's search is waiting for the burst to end

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
    def last_keystroke(self) -> float:
        """When the last key was typed (monotonic seconds)."""
        return self._last_keystroke

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

    def clear(self) -> None:
        """Empty the query box (which says so: an empty query lists everything)."""
        self.query_one("#search", Input).value = ""

    def _say(self, finished: bool) -> None:
        """Post what the box holds now."""
        self._pending = False
        value = self.query_one("#search", Input).value
        self.post_message(self.Typed(value, finished, self._last_keystroke))

    @on(Input.Changed, "#search")
    def _query_changed(self, event: Input.Changed) -> None:
        """Search as you type: the first key after a pause at once, a burst once it ends."""
        event.stop()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        now = time.monotonic()
        quiet = now - self._last_keystroke >= DEBOUNCE
        self._last_keystroke = now
        if quiet or not event.value.strip():
            self._say(False)
            return
        self._pending = True

        def fire() -> None:
            self._timer = None
            self._say(False)

        self._timer = self.set_timer(DEBOUNCE, fire)

    @on(Input.Submitted, "#search")
    def _query_submitted(self, event: Input.Submitted) -> None:
        """Enter: the query as typed, its last word a whole word, searched now."""
        event.stop()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._say(True)
        self.post_message(self.Submitted())
