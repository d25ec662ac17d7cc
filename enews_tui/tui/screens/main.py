"""The main screen: search bar, story list, reader and contact panel, their layout and keys.

The screen is built in layers, one concern to a module: `searching.SearchScreen` (the search
worker), `indexing.IndexingScreen` (the list of every story and the index refresh),
`reading.ReadingScreen` (loading stories, previews, the history of related stories, the contact
panel); this module adds the layout, the panes, the keys and copying.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Footer, Header, Input, Static

from enews_tui.model import Contact
from enews_tui.render import format_contacts
from enews_tui.text import sanitize, sanitize_line
from enews_tui.tui.browser import open_in_browser, story_address
from enews_tui.tui.clipboard import copy_native, save_copy
from enews_tui.tui.screens.library_keys import LIBRARY_BINDINGS
from enews_tui.tui.screens.reading import ReadingScreen
from enews_tui.tui.source import StorySource
from enews_tui.tui.widgets.contacts import ContactPanel, contacts_summary
from enews_tui.tui.widgets.reader import Reader
from enews_tui.tui.widgets.search_bar import SearchBar
from enews_tui.tui.widgets.story_list import StoryList

#: Terminal widths below which the footer drops the spaces between its keys.
COMPACT_FOOTER_BELOW = 80


class MainScreen(ReadingScreen):
    """Browse, search, read and copy contacts; read state, stars, notes and export come with
    `LibraryScreen`, at the bottom of the layers.

    The layout follows the terminal: the size classes below land on this screen, and
    `app.tcss` places the panes for each; Python flips only `-reading` (a story is open to
    read: at narrow or short sizes the reader then fills the screen) and the contact panel's
    `-folded`.
    """

    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),  # one pane at a time: the list, or the story full-screen
        (100, "-medium"),  # the list beside the reader, contacts under the reader
        (160, "-wide"),  # list, reader and contacts side by side
    ]
    VERTICAL_BREAKPOINTS = [
        (0, "-short"),  # a story fills the screen; contacts folded to one line
        (36, "-tall"),
    ]

    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: handled as the key arrives, so keys typed right after it reach the search bar
        Binding("slash", "focus_search", "Search", priority=True),
        Binding("question_mark,f1", "app.help", "Help", key_display="?"),
        Binding("escape", "escape", "Back", show=False),
        Binding("tab", "next_pane", "Next pane", show=False),
        Binding("shift+tab", "previous_pane", "Previous pane", show=False),
        Binding("n", "next_hit", "Next hit", show=False),
        Binding("N", "previous_hit", "Prev hit", show=False),
        Binding("c", "copy_contact", "Copy"),
        Binding("C", "copy_all", "Copy all", show=False),
        Binding("i", "toggle_contacts", "Contacts", show=False),
        Binding("S", "toggle_sort", "Sort", show=False),
        *LIBRARY_BINDINGS,
    ]

    @dataclass
    class ContactsCopied(Message):
        """Contacts went to the clipboard; `tool` is the native tool that also got them, else
        `saved` is the file that keeps them (OSC 52 cannot tell whether the terminal took them)."""

        summary: str
        tool: str | None
        saved: str | None = None

    @dataclass
    class BrowserMissing(Message):
        """No browser could open `url` here (over SSH, say): the address is copied instead."""

        url: str

    def __init__(
        self, index: StorySource | None, *, refresh_on_mount: bool = True, list_note: str = ""
    ) -> None:
        """The screen reads everything through `index` (None while it opens: `index_opened`);
        `list_note` is said in the list's empty space (how to get the whole site, say)."""
        super().__init__(index, id="main")
        self.refresh_on_mount = refresh_on_mount
        self.list_note = list_note

    def compose(self) -> ComposeResult:
        """Search bar on top, list left, reader and contacts right, keys at the bottom."""
        yield Header()
        yield SearchBar(id="search-bar")
        with Horizontal(id="panes"):
            yield StoryList(id="story-list")
            with Vertical(id="reading"):
                yield Reader(id="reader")
                with Vertical(id="contact-box"):
                    with Horizontal(id="summary-row"):
                        yield Static(Content(""), id="hit-status")
                        yield Static(Content(contacts_summary(None, True)), id="contact-summary")
                    yield ContactPanel(id="contacts")
        yield Footer()

    def on_mount(self) -> None:
        """Paint at once; the list and the refresh come from workers."""
        self._title_list()
        self.query_one(Reader).border_title = "Story"
        self.query_one("#contact-box").border_title = "Contacts"
        self.query_one(Reader).compose_placeholder("Choose a story and press enter to read it.")
        self.query_one(ContactPanel).show_contacts((), "Open a story to see who to call about it")
        self._fold_contacts()
        stories = self.query_one(StoryList)
        stories.note = self.list_note
        stories.focus()
        # After the first frame: the workers' Python would compete with it for the GIL.
        self.call_after_refresh(self._start_loading)

    @work(thread=True, group="clipboard")
    def copy_with_native_tool(self, text: str, summary: str) -> None:
        """Also copy through wl-copy/xclip/pbcopy/... where one exists (never blocks the UI)."""
        tool = copy_native(text)
        saved = None if tool else save_copy(text)
        self.post_message(self.ContactsCopied(summary, tool, str(saved) if saved else None))

    @work(thread=True, group="browser")
    def open_with_browser(self, url: str) -> None:
        """Open `url` in a browser (starting one can take a moment); say when none could."""
        if not open_in_browser(url):
            self.post_message(self.BrowserMissing(url))

    def on_main_screen_contacts_copied(self, message: ContactsCopied) -> None:
        """Say what was copied, and where to, on one short line."""
        if message.tool:
            where = f" (also via {message.tool})"
        elif message.saved:
            where = f" (also saved to {os.path.basename(message.saved)})"
        else:
            where = ""
        self.notify(f"{message.summary}{where}", markup=False, timeout=4)

    def on_main_screen_browser_missing(self, message: BrowserMissing) -> None:
        """No browser here: copy the address and say so."""
        self._copy_text(message.url, "No browser can open here: copied the address")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Letter keys belong to the search bar while it has focus (the library's too)."""
        if action in _LETTER_ACTIONS:
            return not isinstance(self.focused, Input)
        return super().check_action(action, parameters)

    def on_resize(self, event: events.Resize) -> None:
        """The contact panel folds where the screen is short (unless the user chose); the
        footer packs its keys tighter where the screen is narrow."""
        self.query_one(Footer).compact = event.size.width < COMPACT_FOOTER_BELOW
        self.call_after_refresh(self._fold_contacts)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Going to the contact panel unfolds it; leaving it folds it again."""
        self._fold_contacts()

    def action_focus_search(self) -> None:
        """Go to the search bar (at once, not later: keys typed right after `/` belong to it)."""
        self._leave_reading()
        self.set_focus(self.query_one("#search", Input))

    def marks_changed(self) -> None:
        """The unread count, and the list's marks."""
        super().marks_changed()
        stories = self.query_one(StoryList)
        stories.marks = self.marks
        stories.refresh()

    def action_escape(self) -> None:
        """In the search bar: clear the query, then leave it; elsewhere: back a level."""
        search = self.query_one("#search", Input)
        if self.focused is search and search.value:
            self.query_one(SearchBar).clear()
            return
        self.action_back()

    def action_next_pane(self) -> None:
        """Tab: the next pane on screen (never the search bar: `/` goes there)."""
        self._cycle_panes(1)

    def action_previous_pane(self) -> None:
        """Shift+tab: the previous pane on screen."""
        self._cycle_panes(-1)

    def _cycle_panes(self, step: int) -> None:
        """Focus the pane `step` away from the focused one, among those shown."""
        related = self.query_one(Reader).query(".reader-related")
        panes: list[Widget] = [self.query_one(StoryList), self.query_one(Reader), *related]
        panes.append(self.query_one(ContactPanel))
        if self.has_class("-reading"):
            self._fold_contacts(opening=True)  # the panel may be folded: shown when it is next
        shown = [p for p in panes if p.display and p.visible and _shown(p)]
        if self.query_one(ContactPanel) not in shown and len(shown) < len(panes):
            shown.append(self.query_one(ContactPanel))  # folded: tab unfolds it
        focused = self.focused
        current = next((i for i, p in enumerate(shown) if p is focused), -1)
        if current < 0 and focused is not None:
            current = next((i for i, p in enumerate(shown) if p in focused.ancestors), -1)
        target = shown[(current + step) % len(shown)]
        if isinstance(target, ContactPanel):
            self._fold_contacts(opening=True)
        self.set_focus(target)

    def action_open_archived(self) -> None:
        """Open the story's archived page (its replay URL, else its original URL) in a browser."""
        story = self.query_one(Reader).story
        url = story_address(story) if story is not None else None
        if url is None:
            self.notify("This story has no address to open.", severity="warning", markup=False)
            return
        what = "archived copy" if story is not None and story.archived else "original page"
        self.notify(f"Opening the {what} in a browser", markup=False, timeout=3)
        self.open_with_browser(url)

    def action_copy_address(self) -> None:
        """Copy the story's address (archived copy, else original URL)."""
        story = self.query_one(Reader).story
        url = story_address(story) if story is not None else None
        if url is None:
            self.notify("This story has no address to copy.", severity="warning", markup=False)
            return
        self._copy_text(url, "Copied the story's address")

    def action_copy_contact(self) -> None:
        """Copy the highlighted contact (the first one unless the panel says otherwise)."""
        contact = self.query_one(ContactPanel).highlighted_contact
        if contact is None:
            self._nothing_to_copy()
            return
        self._copy([contact], f"Copied {_possessive(contact.name)} contact")

    def action_copy_all(self) -> None:
        """Copy every contact of the open story."""
        contacts = self.query_one(ContactPanel).contacts
        if not contacts:
            self._nothing_to_copy()
            return
        if len(contacts) == 1:
            self._copy(contacts, f"Copied {_possessive(contacts[0].name)} contact")
        else:
            self._copy(contacts, f"Copied {len(contacts)} contacts")

    def _copy(self, contacts: Sequence[Contact], summary: str) -> None:
        """Copy contacts: OSC 52 now, the native tool in a worker, then the notice."""
        self._copy_text(format_contacts(contacts), summary)

    def _copy_text(self, text: str, summary: str) -> None:
        """OSC 52 now, the native tool in a worker; the notice comes when both are done."""
        text = sanitize(text)
        self.app.copy_to_clipboard(text)
        self.copy_with_native_tool(text, sanitize_line(summary))

    def _nothing_to_copy(self) -> None:
        """Say why c or C copied nothing."""
        if self.query_one(Reader).story is None:
            self.notify("Open a story first: its contacts are what c and C copy.", markup=False)
        else:
            self.notify("This story prints no contacts.", severity="warning", markup=False)


#: Actions of letter keys: while the search bar has focus, the letters are typed there instead.
_LETTER_ACTIONS = frozenset(
    {
        "copy_contact",
        "copy_all",
        "next_hit",
        "previous_hit",
        "focus_search",
        "toggle_contacts",
        "toggle_sort",
    }
)


def _possessive(name: str) -> str:
    """`Kim Thurler's`, `Media Relations'`."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _shown(widget: Widget) -> bool:
    """Whether `widget` and every container above it are displayed."""
    return all(node.display for node in widget.ancestors if isinstance(node, Widget))
