"""A virtual list of stories or search hits: one widget, however many rows (Line API)."""

from __future__ import annotations

import datetime as dt
import functools
import re
import textwrap
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
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
#: Below this many columns of text, dates are compact (`Jul '08`) and hits carry them on their
#: snippet line, so titles keep their room.
COMPACT_BELOW = 44
ELLIPSIS = "…"


def date_text(date: dt.date | None, compact: bool) -> str:
    """`2008-07-23`, or `Jul '08` when `compact`; blank for no date."""
    if date is None:
        return ""
    return f"{date:%b} '{date:%y}" if compact else date.isoformat()


def fit_title(text: str, width: int) -> str:
    """`text` in `width` cells: whole, or cut after a word (mid-word only in a very long word)
    with an ellipsis to show that more is left."""
    if cell_len(text) <= width:
        return text
    room = max(0, width - 1)
    cut = text[:room]
    while cell_len(cut) > room:
        cut = cut[:-1]
    space = cut.rfind(" ")
    if space >= room // 2:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def wrap_spans(text: str, width: int) -> list[tuple[int, int]]:
    """(start, end) of each line of `text` wrapped at spaces to `width` cells (long words cut)."""
    lines: list[tuple[int, int]] = []
    start, n = 0, len(text)
    width = max(1, width)
    while start < n:
        end = start
        while end < n and cell_len(text[start : end + 1]) <= width:
            end += 1
        if end < n:
            space = text.rfind(" ", start, end + 1)
            if space > start:
                end = space
        lines.append((start, end))
        start = end
        while start < n and text[start] == " ":
            start += 1
    return lines or [(0, 0)]


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

    Only the lines on screen are rendered, so 100k rows cost what 30 do. Titles that do not fit
    end in an ellipsis, except under the cursor: that row grows to show the whole title.
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
        self._extra = 0  # lines the cursor's row takes beyond the others (its whole title)
        self._asked_at = -1  # how many rows were loaded when more were last asked for
        #: What the list says while it has no rows (set by the screen: an empty archive).
        self.empty_text = ""
        #: A hint in the empty space under the rows, where there is room (set by the screen:
        #: on the bundled archive, how to get the whole site). It never makes the list scroll.
        self.note = ""
        self._note_lines: tuple[int, list[str]] = (0, [])  # the note wrapped to a width
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
        self.set_reactive(StoryList.cursor, 0)
        self._resize_virtual()
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

    def follow(self, story_id: str) -> None:
        """Put the cursor on `story_id` if the list shows it (the reader moved to it)."""
        if self.highlighted_id == story_id:
            return
        for index, row in enumerate(self._rows):
            if row.id == story_id:
                self.cursor = index
                return

    @property
    def _compact(self) -> bool:
        """Whether the list is too narrow for full dates."""
        return self.scrollable_content_region.width < COMPACT_BELOW

    def _title_room(self, width: int) -> int:
        """Cells left for a title on its line (the date takes the rest)."""
        if self._compact and self._line_height == 2:
            return max(1, width - 2)  # a hit's date goes on its snippet line
        date_width = len(date_text(dt.date(2000, 12, 31), self._compact))
        return max(1, width - date_width - 3)

    def _title_lines(self, row: Row, width: int) -> list[tuple[int, int]]:
        """Where the cursor row's title breaks into lines."""
        return wrap_spans(sanitize_line(row.title), self._title_room(width))

    def _resize_virtual(self) -> None:
        """The scrollable height follows the rows, the cursor's whole title and "more"."""
        width = self.scrollable_content_region.width
        self._extra = 0
        if 0 <= self.cursor < len(self._rows) and width > 0:
            self._extra = len(self._title_lines(self._rows[self.cursor], width)) - 1
        lines = len(self._rows) * self._line_height + self._extra + (1 if self._more else 0)
        self.virtual_size = Size(self.size.width, lines)

    def line_of(self, index: int) -> int:
        """The virtual line where row `index` starts (rows after the cursor's are pushed down
        by its whole title)."""
        line = index * self._line_height
        return line + self._extra if index > self.cursor else line

    def _locate(self, line: int) -> tuple[int, int]:
        """(row index, line within the row) of virtual line `line`."""
        height, start = self._line_height, self.cursor * self._line_height
        if line < start:
            return divmod(line, height)
        if line < start + height + self._extra:
            return self.cursor, line - start
        return divmod(line - self._extra, height)

    def watch_cursor(self, old: int, new: int) -> None:
        """Keep the cursor on screen and announce the story under it."""
        self._resize_virtual()
        self.refresh()
        height = self._line_height + self._extra
        self.scroll_to_region(
            Region(0, new * self._line_height, 1, height),
            animate=False,
            force=True,
            immediate=True,
        )
        if 0 <= new < len(self._rows):
            self.post_message(self.Highlighted(self._rows[new].id))

    def validate_cursor(self, cursor: int) -> int:
        """The cursor stays on a row."""
        return max(0, min(cursor, len(self._rows) - 1))

    def on_resize(self, event: events.Resize) -> None:
        """The virtual width follows the widget (no horizontal scrolling); titles rewrap."""
        self.virtual_size = Size(event.size.width, self.virtual_size.height)
        self._resize_virtual()

    def render_line(self, y: int) -> Strip:
        """One screen line: a row's title line or its snippet line."""
        width = self.scrollable_content_region.width
        line = self.scroll_offset.y + y
        base = self.rich_style
        index, part = self._locate(line)
        if self._more and index >= len(self._rows) - 5 and self._asked_at != len(self._rows):
            self._asked_at = len(self._rows)  # once per length: the answer extends the rows
            self.post_message(self.MoreWanted(len(self._rows)))
        if not self._rows and self.empty_text and line == 0:
            style = base + self.get_component_rich_style("story-list--more")
            return Strip([Segment(" " + self.empty_text, style)]).adjust_cell_length(width, base)
        if index >= len(self._rows):
            if self._more and index == len(self._rows) and part == 0:
                style = base + self.get_component_rich_style("story-list--more")
                text = f" … {self._more:,} more hits (loading as you scroll)"
                return Strip([Segment(text, style)]).adjust_cell_length(width, base)
            return self._note_line(line, width, base)
        row = self._rows[index]
        if index == self.cursor:
            base = base + self.get_component_rich_style("story-list--cursor")
        mark = self.get_component_rich_style("story-list--mark", partial=True)
        title_lines = 1 + (self._extra if index == self.cursor else 0)
        if part < title_lines:
            strip = self._title_line(row, width, base, mark, part, index == self.cursor)
        else:
            strip = self._snippet_line(row, width, base, mark)
        return strip.apply_offsets(0, line)

    def _note_line(self, line: int, width: int, base: Style) -> Strip:
        """Virtual line `line` past the rows: a line of the note (after a blank one), else blank."""
        used = self.virtual_size.height + (0 if self._rows or not self.empty_text else 1)
        at = line - used - 1
        if not self.note or at < 0:
            return Strip.blank(width, base)
        if self._note_lines[0] != width:
            lines = textwrap.wrap(sanitize_line(self.note), max(10, width - 2))
            self._note_lines = (width, lines)
        lines = self._note_lines[1]
        if at >= len(lines):
            return Strip.blank(width, base)
        style = base + self.get_component_rich_style("story-list--more")
        return Strip([Segment(" " + lines[at], style)]).adjust_cell_length(width, base)

    def _title_line(
        self, row: Row, width: int, base: Style, mark: Style, part: int, whole: bool
    ) -> Strip:
        """`★title ……… 2008-07-23`, the title's search terms marked, a star or a note's mark in
        front (dimmed once read); line `part` of the whole title when `whole` (the cursor's
        row), else the title cut to fit."""
        compact = self._compact
        date = date_text(row.date, compact) if part == 0 else ""
        if compact and self._line_height == 2:
            date = ""  # on the snippet line
        room = self._title_room(width)
        text = sanitize_line(row.title)  # again, here: nothing raw may reach the terminal
        marks = term_spans(text, self._pattern)
        if whole:
            start, end = self._title_lines(row, width)[min(part, self._extra)]
            shown = text[start:end]
            marks = [(a - start, b - start) for a, b in marks if b > start and a < end]
        else:
            shown = fit_title(text, room)
        flag_style = base + self.get_component_rich_style("story-list--flag", partial=True)
        library = self.marks.get(row.id)
        if library is not None and library.read:
            base = base + self.get_component_rich_style("story-list--read", partial=True)
        flag = row_flag(library) if part == 0 else " "
        title = Strip([Segment(flag, flag_style), *_marked(shown, marks, base, mark)])
        title = title.adjust_cell_length(room + 1, base)
        date_style = base + self.get_component_rich_style("story-list--date", partial=True)
        date_width = max(0, width - room - 2)
        tail = Strip([Segment(" ", base), Segment(date.rjust(date_width), date_style)])
        return Strip.join([title, tail]).adjust_cell_length(width, base)

    def _snippet_line(self, row: Row, width: int, base: Style, mark: Style) -> Strip:
        """`   …the matched words in context`, after the date where the list is narrow."""
        style = base + self.get_component_rich_style("story-list--snippet", partial=True)
        lead = "   "
        if self._compact and (date := date_text(row.date, True)):
            lead = f"   {date} · "
        snippet, spans = _visible_snippet(row, width - len(lead) - 1)
        segments = [Segment(lead, style), *_marked(snippet, spans, style, mark)]
        return Strip(segments).adjust_cell_length(width, base)

    def _row_at(self, y: int) -> int | None:
        """The row index under widget line `y`, if any."""
        index, _part = self._locate(self.scroll_offset.y + y)
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
