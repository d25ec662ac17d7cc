"""The help screen: keys and the query syntax."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = (
    ("/", "search (type to search as you go)"),
    ("enter", "in the search bar: go to the top hit; in the list: open the story"),
    ("escape", "back to the story list"),
    ("j / k, ↑ / ↓", "move in the list, scroll the reader"),
    ("g / G, home / end", "first / last story"),
    ("tab / shift+tab", "next / previous pane"),
    ("n / N", "next / previous search hit in the story"),
    ("c", "copy the highlighted contact (tab to the contact panel to choose)"),
    ("C", "copy all contacts of the open story"),
    ("p", "people: everyone the archive names (c copy, v / V vCards)"),
    ("t", "timeline: stories per year and month (enter narrows the list)"),
    ("ctrl+t", "dark / light theme"),
    ("ctrl+p", "command palette"),
    ("? / F1", "this help"),
    ("q", "quit"),
)

QUERY_SYNTAX = (
    ("smalley mothers", "stories with both words (word forms match: mother, mothers)"),
    ('"mentor mothers"', "the exact phrase"),
    ("aids OR hiv", "either word;  aids NOT africa: without the second"),
    ("title:statistic", "a word in one field: title, teaser, body, byline, dateline, contacts"),
    ("moth*", "words starting with moth"),
    ("smaley~", "forgive a typo (one letter off)"),
    ("date:2008", "stories from 2008;  date:[2007 to 2008] for a range"),
    ("is:starred", "your library: is:unread, is:read, has:note;  -is:starred: the rest"),
    ("note:budget", 'a word of your note;  note:"call back" for words in order'),
)


def _table(rows: tuple[tuple[str, str], ...], width: int) -> Content:
    """Two aligned columns, the left one bold."""
    lines = [
        Content.assemble((left.ljust(width), "bold $text-accent"), "  ", right)
        for left, right in rows
    ]
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """Keys and query syntax; any of escape, q, ? or F1 closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close"),
    ]

    def compose(self) -> ComposeResult:
        """A box with the two tables."""
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Help"
            box.border_subtitle = "escape to close"
            yield Static(Content("Keys").stylize("bold underline"), classes="help-heading")
            yield Static(_table(KEYS, 20), classes="help-table")
            yield Static(Content("Query syntax").stylize("bold underline"), classes="help-heading")
            yield Static(_table(QUERY_SYNTAX, 20), classes="help-table")
            yield Static(
                Content("An empty query lists every story, newest first. The mouse works too."),
                classes="help-note",
            )

    def action_close(self) -> None:
        """Back to the reader."""
        self.dismiss()
