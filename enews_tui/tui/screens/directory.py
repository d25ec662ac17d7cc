"""The contacts directory: every person and office across the archive, searchable as you type,
with the groups each is listed under and the stories each appears in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from enews_tui import paths
from enews_tui.model import DirectoryEntry, StorySummary
from enews_tui.text import one_line, sanitize_line
from enews_tui.tui.clipboard import copy_native, save_copy

#: Entries listed at most at once (the count says how many matched).
MAX_SHOWN = 2000


def format_entry(entry: DirectoryEntry) -> str:
    """One line to paste: `Kim Thurler - Tufts (Media Inquiries) T: ... F: ... E: ...`."""
    parts = [entry.name]
    if entry.organization:
        parts.append(f"- {entry.organization}")
    if entry.groups:
        parts.append(f"({', '.join(entry.groups)})")
    for label, value in (("T:", entry.phone), ("F:", entry.fax), ("E:", entry.email)):
        if value:
            parts.append(f"{label} {value}")
    return sanitize_line(" ".join(parts))


def matches(entry: DirectoryEntry, words: Sequence[str]) -> bool:
    """Whether every word occurs in the entry's name, organization, groups, phones or email."""
    hay = " ".join(
        x
        for x in (
            entry.name,
            entry.organization,
            entry.phone,
            entry.fax,
            entry.email,
            *entry.groups,
        )
        if x
    ).casefold()
    return all(w in hay for w in words)


def _entry_prompt(entry: DirectoryEntry) -> Content:
    """`Kim Thurler` bold, its organization, and how many stories name it."""
    name = sanitize_line(entry.name)
    org = f", {sanitize_line(entry.organization)}" if entry.organization else ""
    n = len(entry.stories)
    head = f"{name}{org}  "  # the gap ends this run: a run opening with spaces loses them in SVG
    text = Content(head + f"{n} stor{'y' if n == 1 else 'ies'}")
    return text.stylize("bold", 0, len(name)).stylize("$text-muted", len(head))


def _card(entry: DirectoryEntry) -> Content:
    """The entry's details: name, organization, phones, email and groups."""
    lines = [Content(sanitize_line(entry.name)).stylize("bold $text-primary")]
    if entry.organization:
        lines.append(Content(sanitize_line(entry.organization)))
    for label, value in (("Phone", entry.phone), ("Fax", entry.fax), ("E-mail", entry.email)):
        if value:
            lines.append(Content.assemble((f"{label}: ", "$text-muted"), sanitize_line(value)))
    if entry.groups:
        groups = "; ".join(sanitize_line(g) for g in entry.groups)
        lines.append(Content.assemble(("Listed under: ", "$text-muted"), groups))
    return Content("\n").join(lines)


class DirectoryScreen(Screen[str | None]):
    """The directory; dismissed with the id of a story to open, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", key_display="esc"),
        Binding("slash", "focus_search", "Search", show=False),
        Binding("tab", "next_pane", "Next pane", show=False),
        Binding("c", "copy", "Copy"),
        Binding("v", "vcard", "vCard"),
        Binding("V", "vcard_all", "vCards (all)"),
    ]

    @dataclass
    class Loaded(Message):
        """The directory and the story titles were read from the index."""

        entries: list[DirectoryEntry]
        titles: dict[str, StorySummary]

    @dataclass
    class Failed(Message):
        """Reading the directory failed."""

        reason: str

    @dataclass
    class Saved(Message):
        """vCards were written to `path` (or not: `error`)."""

        count: int
        path: Path | None
        error: str | None = None

    @dataclass
    class Copied(Message):
        """An entry went to the clipboard (and to `tool`, or was saved to `saved`)."""

        summary: str
        tool: str | None
        saved: str | None

    def __init__(self, index: Any) -> None:
        """The directory of the archive behind `index` (a StorySource with `contacts()`)."""
        super().__init__(id="directory")
        self.index = index
        self.entries: list[DirectoryEntry] = []
        self.shown: list[DirectoryEntry] = []
        self.titles: dict[str, StorySummary] = {}

    def compose(self) -> ComposeResult:
        """Search box on top; entries left; the highlighted entry and its stories right."""
        yield Header()
        with Vertical(id="directory-top"):
            yield Input(placeholder="Find a person or office: name, group, phone…", id="people-q")
            yield Static(Content("Loading the directory…"), id="directory-status")
        with Horizontal(id="directory-panes"):
            yield OptionList(id="people", markup=False)
            with Vertical(id="directory-detail"):
                yield Static(Content(""), id="person-card")
                yield OptionList(id="person-stories", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        """Borders, then the directory from a worker."""
        self.query_one("#people", OptionList).border_title = "People and offices"
        self.query_one("#person-stories", OptionList).border_title = "Stories (enter opens)"
        self.query_one("#person-card").border_title = "Contact"
        self.query_one("#people", OptionList).focus()
        self.load()

    @work(thread=True, exclusive=True, group="directory")
    def load(self) -> None:
        """Read the merged directory and the titles of the stories it names."""
        try:
            entries = self.index.contacts()
            titles = {s.id: s for s in self.index.summaries()}
        except Exception as exc:  # noqa: BLE001 - a broken index must not take the app down
            self.post_message(self.Failed(one_line(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(entries, titles))

    def on_directory_screen_loaded(self, message: Loaded) -> None:
        """Show every entry."""
        self.entries, self.titles = message.entries, message.titles
        self._filter(self.query_one("#people-q", Input).value)

    def on_directory_screen_failed(self, message: Failed) -> None:
        """Say why there is no directory."""
        self._status(f"Cannot read the directory: {message.reason}")

    def _status(self, text: str) -> None:
        self.query_one("#directory-status", Static).update(Content(text))

    @on(Input.Changed, "#people-q")
    def _typed(self, event: Input.Changed) -> None:
        """Search as you type (a substring filter: fast for tens of thousands of entries)."""
        self._filter(event.value)

    @on(Input.Submitted, "#people-q")
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter in the box: to the list."""
        self.query_one("#people", OptionList).focus()

    def _filter(self, text: str) -> None:
        """List the entries matching every word of `text`."""
        words = text.casefold().split()
        found = [e for e in self.entries if matches(e, words)] if words else list(self.entries)
        self.shown = found[:MAX_SHOWN]
        people = self.query_one("#people", OptionList)
        people.clear_options()
        people.add_options([Option(_entry_prompt(e), id=f"p{i}") for i, e in enumerate(self.shown)])
        total = len(self.entries)
        if not total:
            self._status("The archive names no one.")
        elif words:
            more = f" (showing {len(self.shown):,})" if len(found) > len(self.shown) else ""
            self._status(f"{len(found):,} of {total:,} people and offices{more}")
        else:
            self._status(f"{total:,} people and offices across the archive")
        people.highlighted = 0 if self.shown else None
        self._show_entry(self.current)

    @property
    def current(self) -> DirectoryEntry | None:
        """The highlighted entry."""
        people = self.query_one("#people", OptionList)
        if people.highlighted is None or not 0 <= people.highlighted < len(self.shown):
            return None
        return self.shown[people.highlighted]

    @on(OptionList.OptionHighlighted, "#people")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_entry(self.current)

    @on(OptionList.OptionSelected, "#people")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        """Enter (or a click) on an entry: to its stories."""
        stories = self.query_one("#person-stories", OptionList)
        stories.focus()
        if stories.option_count:
            stories.highlighted = 0

    def _show_entry(self, entry: DirectoryEntry | None) -> None:
        """The card and the story list of `entry`."""
        card = self.query_one("#person-card", Static)
        stories = self.query_one("#person-stories", OptionList)
        stories.clear_options()
        if entry is None:
            card.update(Content("No one to show." if self.entries else ""))
            return
        card.update(_card(entry))
        options = []
        for story_id in entry.stories:
            summary = self.titles.get(story_id)
            title = sanitize_line(summary.title) if summary else story_id
            when = summary.date.isoformat() if summary and summary.date else "----------"
            options.append(
                Option(Content.assemble((f"{when}  ", "$text-muted"), title), id=f"s:{story_id}")
            )
        stories.add_options(options)

    @on(OptionList.OptionSelected, "#person-stories")
    def _story_chosen(self, event: OptionList.OptionSelected) -> None:
        """Open the story: back to the reader with it."""
        if event.option.id:
            self.dismiss(event.option.id.removeprefix("s:"))

    def action_back(self) -> None:
        """Back to the reader (from the stories: back to the list first)."""
        if self.focused is self.query_one("#person-stories"):
            self.query_one("#people", OptionList).focus()
        elif (
            self.focused is self.query_one("#people-q") and self.query_one("#people-q", Input).value
        ):
            self.query_one("#people-q", Input).value = ""
        else:
            self.dismiss(None)

    def action_focus_search(self) -> None:
        """To the search box."""
        self.query_one("#people-q", Input).focus()

    def action_next_pane(self) -> None:
        """Search box, then people, then stories."""
        order = [
            self.query_one("#people-q"),
            self.query_one("#people"),
            self.query_one("#person-stories"),
        ]
        now = order.index(self.focused) if self.focused in order else -1
        order[(now + 1) % len(order)].focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """c, v and V are letters to type in the search box."""
        if action in {"copy", "vcard", "vcard_all"} and isinstance(self.focused, Input):
            return False
        return True

    def action_copy(self) -> None:
        """Copy the highlighted entry: OSC 52 now, a native tool in a worker."""
        entry = self.current
        if entry is None:
            self.notify("No one to copy.", markup=False)
            return
        text = format_entry(entry)
        self.app.copy_to_clipboard(text)
        self._copy_native(text, f"Copied {sanitize_line(entry.name)}'s contact")

    @work(thread=True, group="clipboard")
    def _copy_native(self, text: str, summary: str) -> None:
        tool = copy_native(text)
        saved = None if tool else save_copy(text)
        self.post_message(self.Copied(summary, tool, str(saved) if saved else None))

    def on_directory_screen_copied(self, message: Copied) -> None:
        """Say what was copied."""
        where = f" (also with {message.tool})" if message.tool else ""
        self.notify(message.summary + where, markup=False, timeout=5)

    def action_vcard(self) -> None:
        """The highlighted entry as a vCard file."""
        if (entry := self.current) is not None:
            self._write_vcards([entry], _file_name(entry.name))

    def action_vcard_all(self) -> None:
        """Every entry listed (all of them, or those matching the search) as one vCard file."""
        if self.shown:
            query = self.query_one("#people-q", Input).value.strip()
            entries = [e for e in self.entries if matches(e, query.casefold().split())]
            self._write_vcards(
                entries, "contacts" if not query else f"contacts-{_file_name(query)}"
            )

    @work(thread=True, group="vcard")
    def _write_vcards(self, entries: list[DirectoryEntry], stem: str) -> None:
        """Write the cards in the exports folder (vobject is imported here, off the UI thread)."""
        from enews_tui.vcard import to_vcards

        titles = {i: s.title for i, s in self.titles.items()}
        try:
            folder = paths.exports_dir()
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{stem}.vcf"
            path.write_text(to_vcards(entries, titles), encoding="utf-8", newline="")
        except OSError as exc:
            self.post_message(self.Saved(len(entries), None, exc.strerror or one_line(exc)))
            return
        self.post_message(self.Saved(len(entries), path))

    def on_directory_screen_saved(self, message: Saved) -> None:
        """Say where the cards went."""
        if message.path is None:
            self.notify(f"Cannot write the vCards: {message.error}", severity="error", markup=False)
            return
        cards = "1 vCard" if message.count == 1 else f"{message.count:,} vCards"
        self.notify(f"Saved {cards} to {message.path}", markup=False, timeout=8)


def _file_name(text: str) -> str:
    """A safe file name stem from a name: letters, digits and dashes."""
    stem = "".join(c if c.isalnum() else "-" for c in sanitize_line(text).casefold())
    stem = "-".join(part for part in stem.split("-") if part)[:60]
    return stem or f"contact-{dt.datetime.now():%Y%m%d-%H%M%S}"
