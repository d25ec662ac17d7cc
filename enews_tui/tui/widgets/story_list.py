"""A virtual list of stories or search hits: one widget, however many rows (Line API)."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from enews_tui.model import Mark, SearchHit, StorySummary
from enews_tui.text import sanitize, sanitize_line

Row = StorySummary | SearchHit
DATE_WIDTH = 10


def _marked(text: str, spans: Sequence[tuple[int, int]], base: Style, mark: Style) -> list[Segment]:
    """`text` as segments, the (start, end) spans in the `mark` style."""
    segments: list[Segment] = []
    pos = 0
    for start, end in sorted(spans):
        start, end = max(start, pos), min(end, len(text))
        if end <= start:
            continue
        if start > pos:
            segments.append(Segment(text[pos:start], base))
        segments.append(Segment(text[start:end], base + mark))
        pos = end
    if pos < len(text):
        segments.append(Segment(text[pos:], base))
    return segments


def _visible_snippet(row: Row, width: int) -> tuple[str, Sequence[tuple[int, int]]]:
    """The hit's snippet, cut at the front so that its first marked word fits in `width`."""
    if not isinstance(row, SearchHit):
        return "", ()
    snippet, spans = sanitize(row.snippet), row.spans
    if snippet != row.snippet:  # never expected (the index stores clean text): drop the marks
        spans = ()
    first = min((start for start, _ in spans), default=0)
    if first + 12 <= width:
        return snippet, spans
    cut = snippet.rfind(" ", 0, max(0, first - 12)) + 1 or max(0, first - 12)
    shifted = [(start - cut + 1, end - cut + 1) for start, end in spans if start >= cut]
    return "…" + snippet[cut:], shifted


def term_spans(text: str, pattern: re.Pattern[str] | None) -> list[tuple[int, int]]:
    """Where the search terms occur in `text` (for marking titles)."""
    if pattern is None:
        return []
    return [m.span() for m in pattern.finditer(text) if m.end() > m.start()]


class StoryList(ScrollView, can_focus=True):
    """Stories newest first, or ranked hits with their matched words marked.

    Only the lines on screen are rendered, so 100k rows cost what 30 do.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", show=True),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("home,g", "first", "First", show=False),
        Binding("end,G", "last", "Last", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "story-list--cursor",
        "story-list--date",
        "story-list--mark",
        "story-list--snippet",
        "story-list--more",
        "story-list--read",
        "story-list--flag",
    }

    @dataclass
    class Highlighted(Message):
        """The cursor moved to another story."""

        story_id: str

    @dataclass
    class MoreWanted(Message):
        """The end of the loaded hits came into view and `more` are left: fetch past `loaded`."""

        loaded: int

    @dataclass
    class Selected(Message):
        """A story was chosen to read (enter or a click)."""

        story_id: str

    cursor: reactive[int] = reactive(0)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        """An empty list; the screen fills it with `show`."""
        super().__init__(id=id, classes=classes)
        self._rows: Sequence[Row] = ()
        self._pattern: re.Pattern[str] | None = None
        self._more = 0
        self._line_height = 1
        self._asked_at = -1  # how many rows were loaded when more were last asked for
        #: The reader's library marks by story id: read rows are dimmed, starred and noted
        #: ones carry a mark (set by the screen; `refresh()` after changing it).
        self.marks: Mapping[str, Mark] = {}

    @property
    def rows(self) -> Sequence[Row]:
        """The rows shown, in order."""
        return self._rows

    @property
    def highlighted_id(self) -> str | None:
        """The id of the story under the cursor, if any."""
        if 0 <= self.cursor < len(self._rows):
            return self._rows[self.cursor].id
        return None

    def show(self, rows: Sequence[Row], *, terms: Sequence[str] = (), more: int = 0) -> None:
        """Replace the rows (cheap at any size: nothing is rendered until it is on screen)."""
        self._rows = rows
        self._pattern = terms_pattern(terms)
        self._more = more
        self._line_height = 2 if any(isinstance(r, SearchHit) for r in rows[:1]) else 1
        self._asked_at = -1
        self._resize_virtual()
        self.set_reactive(StoryList.cursor, 0)
        self.scroll_to(0, 0, animate=False)
        self.refresh()
        if rows:
            self.post_message(self.Highlighted(rows[0].id))

    def extend(self, rows: Sequence[Row], *, more: int) -> None:
        """Replace the rows with a longer run of the same answer; cursor and scroll stay."""
        self._rows = rows
        self._more = more
        self._resize_virtual()
        self.refresh()

    def _resize_virtual(self) -> None:
        """The scrollable height follows the rows (and the "more" line)."""
        lines = len(self._rows) * self._line_height + (1 if self._more else 0)
        self.virtual_size = Size(self.size.width, lines)

    def watch_cursor(self, old: int, new: int) -> None:
        """Keep the cursor on screen and announce the story under it."""
        self.refresh()
        height = self._line_height
        self.scroll_to_region(
            Region(0, new * height, 1, height), animate=False, force=True, immediate=True
        )
        if 0 <= new < len(self._rows):
            self.post_message(self.Highlighted(self._rows[new].id))

    def validate_cursor(self, cursor: int) -> int:
        """The cursor stays on a row."""
        return max(0, min(cursor, len(self._rows) - 1))

    def on_resize(self, event: events.Resize) -> None:
        """The virtual width follows the widget (no horizontal scrolling)."""
        self.virtual_size = Size(event.size.width, self.virtual_size.height)

    def render_line(self, y: int) -> Strip:
        """One screen line: a row's title line or its snippet line."""
        width = self.scrollable_content_region.width
        line = self.scroll_offset.y + y
        base = self.rich_style
        index, part = divmod(line, self._line_height)
        if self._more and index >= len(self._rows) - 5 and self._asked_at != len(self._rows):
            self._asked_at = len(self._rows)  # once per length: the answer extends the rows
            self.post_message(self.MoreWanted(len(self._rows)))
        if index >= len(self._rows):
            if self._more and index == len(self._rows) and part == 0:
                style = base + self.get_component_rich_style("story-list--more")
                text = f" … {self._more:,} more hits (loading as you scroll)"
                return Strip([Segment(text, style)]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        row = self._rows[index]
        if index == self.cursor:
            base = base + self.get_component_rich_style("story-list--cursor")
        mark = self.get_component_rich_style("story-list--mark", partial=True)
        if part == 0:
            strip = self._title_line(row, width, base, mark)
        else:
            snippet, spans = _visible_snippet(row, width - 4)
            style = base + self.get_component_rich_style("story-list--snippet", partial=True)
            segments = [Segment("   ", style), *_marked(snippet, spans, style, mark)]
            strip = Strip(segments).adjust_cell_length(width, base)
        return strip.apply_offsets(0, line)

    def _title_line(self, row: Row, width: int, base: Style, mark: Style) -> Strip:
        """`★title ……… 2008-07-23`, the title's search terms marked, a star or a note's mark in
        front, dimmed once read."""
        date = row.date.isoformat() if row.date else ""
        title_width = max(1, width - DATE_WIDTH - 3)
        text = sanitize_line(row.title)  # again, here: nothing raw may reach the terminal
        marks = term_spans(text, self._pattern)
        flag_style = base + self.get_component_rich_style("story-list--flag", partial=True)
        library = self.marks.get(row.id)
        if library is not None and library.read:
            base = base + self.get_component_rich_style("story-list--read", partial=True)
        title = Strip([Segment(row_flag(library), flag_style), *_marked(text, marks, base, mark)])
        title = title.adjust_cell_length(title_width + 1, base)
        date_style = base + self.get_component_rich_style("story-list--date", partial=True)
        tail = Strip([Segment(" ", base), Segment(date.rjust(DATE_WIDTH), date_style)])
        return Strip.join([title, tail]).adjust_cell_length(width, base)

    def _row_at(self, y: int) -> int | None:
        """The row index under widget line `y`, if any."""
        index = (self.scroll_offset.y + y) // self._line_height
        return index if 0 <= index < len(self._rows) else None

    def on_click(self, event: events.Click) -> None:
        """A click moves the cursor there and opens the story."""
        offset = event.get_content_offset(self)
        index = None if offset is None else self._row_at(offset.y)
        if index is not None:
            self.cursor = index
            self.action_select()

    def action_select(self) -> None:
        """Open the story under the cursor."""
        if story_id := self.highlighted_id:
            self.post_message(self.Selected(story_id))

    def action_cursor_down(self) -> None:
        """Next row."""
        self.cursor += 1

    def action_cursor_up(self) -> None:
        """Previous row."""
        self.cursor -= 1

    def action_page_down(self) -> None:
        """A screenful down."""
        self.cursor += max(1, self.size.height // self._line_height - 1)

    def action_page_up(self) -> None:
        """A screenful up."""
        self.cursor -= max(1, self.size.height // self._line_height - 1)

    def action_first(self) -> None:
        """The first row."""
        self.cursor = 0

    def action_last(self) -> None:
        """The last row."""
        self.cursor = len(self._rows) - 1


def row_flag(mark: Mark | None) -> str:
    """The one-cell mark in front of a title: `★` starred, `✎` with a note, else a space."""
    if mark is None:
        return " "
    return "★" if mark.starred else "✎" if mark.note else " "


def terms_pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    """A pattern matching the terms at word starts (prefixes included), ignoring case and
    accents as the index does: `resume` marks résumé."""
    words = sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join("".join(_letter(c) for c in w) for w in words)
    return re.compile(r"\b(?:" + alternatives + r")\w*", re.IGNORECASE)


def _letter(char: str) -> str:
    """A pattern for one letter of a term: the letter or any accented form of it."""
    variants = _accented().get(char.lower())
    return variants if variants else re.escape(char)


@functools.cache
def _accented() -> dict[str, str]:
    """Plain letter -> a character class of it and its accented forms (Latin letters)."""
    forms: dict[str, set[str]] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        lower = char.lower()
        base = unicodedata.normalize("NFD", char)[0].lower()
        if len(lower) == 1 and base != lower and base.isascii() and base.isalpha():
            forms.setdefault(base, {base}).add(lower)
    return {base: "[" + "".join(sorted(chars)) + "]" for base, chars in forms.items()}
