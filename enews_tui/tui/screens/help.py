"""The help screen: keys and the query syntax, scrolled with the reader's keys."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = (
    ("/", "search (the list follows as you type; escape clears, escape again leaves)"),
    ("enter", "in the search bar: to the top hit; in the list: read the story"),
    ("S", "sort the hits by relevance or by date"),
    ("j / k, ↓ / ↑", "move in the list, a line in the story"),
    ("g / G", "first / last story; top / bottom of the story"),
    ("space / b", "a page down / up in the story"),
    ("ctrl+d / ctrl+u", "half a page down / up"),
    ("n / N", "next / previous search hit in the story"),
    ("q, escape, h", "back a level (related story, story, list); q in the list quits"),
    ("o", "open the story's archived page in a browser (copies the address if none can)"),
    ("y", "copy the story's address"),
    ("tab / shift+tab", "next / previous pane (list, story, related stories, contacts)"),
    ("c", "copy the highlighted contact (tab to the contact panel to choose)"),
    ("C", "copy all contacts of the open story"),
    ("i", "fold or unfold the contact panel"),
    ("m / u", "mark read or unread / next unread story"),
    ("f", "star the story (is:starred finds stars)"),
    ("a", "a note on the story (escape saves, ctrl+g discards)"),
    ("e", "export the story with its citation (Markdown, exports folder)"),
    ("p", "people: everyone the archive names (c copy, v / V vCards)"),
    ("t", "timeline: stories per year and month (enter narrows the list)"),
    ("ctrl+t", "dark / light theme (remembered)"),
    ("ctrl+p", "command palette"),
    ("? / F1", "this help (F1 in the search bar)"),
)

QUERY_SYNTAX = (
    ("smalley mothers", "stories with both words (word forms match: mother, mothers)"),
    ("pest", "while typing, the last word counts as its start (pest: pesticide...)"),
    ('"mentor mothers"', "the exact phrase"),
    ("aids OR hiv", "either word;  aids NOT africa: without the second"),
    ("title:statistic", "a word in one field: title, teaser, body, byline, dateline, contacts"),
    ("moth*", "words starting with moth"),
    ("smaley~", "forgive a typo (one letter off)"),
    ("date:2008", "stories from 2008;  date:[2007 to 2008] for a range"),
    ("is:starred", "your library: is:unread, is:read, has:note;  -is:starred: the rest"),
    ("note:budget", 'a word of your note;  note:"call back" for words in order'),
)


def _rows(rows: tuple[tuple[str, str], ...]) -> list[Horizontal]:
    """Two columns, the keys bold; the right one wraps within its own column."""
    return [
        Horizontal(
            Static(Content(left).stylize("bold $text-accent"), classes="help-key"),
            Static(Content(right), classes="help-text"),
            classes="help-row",
        )
        for left, right in rows
    ]


class HelpScreen(ModalScreen[None]):
    """Keys and query syntax; any of escape, q, ? or F1 closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close"),
        Binding("j,down", "scroll('down')", "Down", show=False),
        Binding("k,up", "scroll('up')", "Up", show=False),
        Binding("space,pagedown,ctrl+d", "scroll('page_down')", "Page down", show=False),
        Binding("b,pageup,ctrl+u", "scroll('page_up')", "Page up", show=False),
        Binding("g,home", "scroll('home')", "Top", show=False),
        Binding("G,end", "scroll('end')", "Bottom", show=False),
    ]

    def compose(self) -> ComposeResult:
        """A box with the two tables."""
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Help"
            box.border_subtitle = "j/k space/b scroll · escape closes"
            yield Static(Content("Keys").stylize("bold underline"), classes="help-heading")
            yield from _rows(KEYS)
            yield Static(Content("Query syntax").stylize("bold underline"), classes="help-heading")
            yield from _rows(QUERY_SYNTAX)
            yield Static(
                Content("An empty query lists every story, newest first. The mouse works too."),
                classes="help-note",
            )

    def action_scroll(self, where: str) -> None:
        """Scroll the help box."""
        box = self.query_one("#help-box", VerticalScroll)
        page = max(1, box.scrollable_content_region.height - 1)
        moves = {"down": 1, "up": -1, "page_down": page, "page_up": -page}
        if where == "home":
            box.scroll_home(animate=False)
        elif where == "end":
            box.scroll_end(animate=False)
        else:
            box.scroll_to(y=box.scroll_y + moves[where], animate=False)

    def action_close(self) -> None:
        """Back to the reader."""
        self.dismiss()
