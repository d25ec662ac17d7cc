"""Reading, the main screen's third layer: a story is loaded on a worker (the story first, its
related stories after: they wait for a search in progress, the story never does); the list's
cursor previews stories; related stories keep a history to go back through; the contact panel
shows the story's contacts, folded where the screen is short."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import get_current_worker

from enews_tui.model import Story, StorySummary
from enews_tui.text import one_line
from enews_tui.tui.screens.indexing import IndexingScreen
from enews_tui.tui.source import StorySource
from enews_tui.tui.widgets.contacts import ContactPanel, contacts_summary
from enews_tui.tui.widgets.reader import Reader
from enews_tui.tui.widgets.search_bar import SearchBar
from enews_tui.tui.widgets.story_list import StoryList

#: Seconds the list cursor rests on a story before the reader shows it.
PREVIEW_DELAY = 0.12


@dataclass(frozen=True)
class _Place:
    """Where a story was left: its scroll position, and the related stories at its end then."""

    scroll_y: float = 0.0
    related: tuple[StorySummary, ...] = ()


class ReadingScreen(IndexingScreen):
    """Opens stories in the reader (`_read`: to read, focused; `_preview`: beside the list),
    keeps the history of related stories, and goes back a level."""

    @dataclass
    class StoryLoaded(Message):
        """A story (or None: it left the index) was read for the reader; its related stories
        come after it (`RelatedFound`): they wait for a search in progress, the story does not."""

        token: int
        story_id: str
        story: Story | None

    @dataclass
    class RelatedFound(Message):
        """The stories most like the story of `token`, for the end of the reader."""

        token: int
        related: list[StorySummary]

    def __init__(self, index: StorySource | None, *, id: str | None = None) -> None:
        """Stories are read from `index`; none is open yet."""
        super().__init__(index, id=id)
        self._story_token = 0  # the latest open: a story loaded for an earlier one is dropped
        self._focus_reader_on_load = False
        self._opening: str | None = None  # the story last asked for
        self._reader_terms: tuple[str, ...] = ()  # the words marked in the reader's story
        self._preview_timer: Timer | None = None
        #: Stories read before the one in the reader (id, scroll position, related stories):
        #: `back` returns there, related stories shown at once so the scroll lands where it was.
        self._history: list[tuple[str, float, tuple[StorySummary, ...]]] = []
        self._back_to: _Place = _Place()  # where the story being loaded opens
        #: The user's choice for the contact panel (None: folded where the screen is short).
        self._contacts_folded: bool | None = None

    @work(thread=True, exclusive=True, group="story")
    def load_story(self, story_id: str, token: int) -> None:
        """Read a story off the UI thread and post it, then its related stories (a search in
        progress holds those up, never the story)."""
        worker = get_current_worker()
        try:
            story = self.index.story(story_id)
        except Exception as exc:  # noqa: BLE001 - a broken index must not take the app down
            self.post_message(self.WorkFailed("Cannot open the story", one_line(exc)))
            return
        if worker.is_cancelled:
            return
        self.post_message(self.StoryLoaded(token, story_id, story))
        if story is None:
            return
        try:
            related = self.index.related(story_id)
        except Exception as exc:  # noqa: BLE001 - the story stays readable without them
            self.post_message(self.WorkFailed("Cannot find related stories", one_line(exc)))
            return
        if not worker.is_cancelled:
            self.post_message(self.RelatedFound(token, related))

    def on_search_bar_submitted(self, message: SearchBar.Submitted) -> None:
        """Enter in the search bar: to the list, top hit highlighted."""
        stories_list = self.query_one(StoryList)
        stories_list.cursor = 0
        self.set_focus(stories_list)
        if (story_id := stories_list.highlighted_id) is not None:
            self._stop_preview()  # the top hit in the reader now, its words marked
            self._preview(story_id)

    def on_reading_screen_story_loaded(self, message: StoryLoaded) -> None:
        """Show the story in the reader and its contacts in the panel."""
        if message.token != self._story_token:
            return
        if message.story is None:
            self.notify("That story is no longer in the archive.", severity="warning")
            return
        reader = self.query_one(Reader)
        place = self._back_to
        reader.show_story(message.story, place.related, self._terms, scroll_y=place.scroll_y)
        self._reader_terms = self._terms
        self.query_one(ContactPanel).show_contacts(message.story.contacts)
        self._fold_contacts()
        if self._focus_reader_on_load:
            reader.focus()
            self.query_one(StoryList).follow(message.story_id)  # the list follows the story
        self.library_story_shown(message.story.id, opened=self._focus_reader_on_load)

    def on_reading_screen_related_found(self, message: RelatedFound) -> None:
        """The related stories go at the end of the story they belong to."""
        if message.token == self._story_token:
            self.query_one(Reader).show_related(message.related)

    def on_story_list_selected(self, message: StoryList.Selected) -> None:
        """Open the chosen story to read (full-screen where the panes do not fit)."""
        self._stop_preview()
        self._history.clear()
        self._read(message.story_id)

    def on_story_list_highlighted(self, message: StoryList.Highlighted) -> None:
        """Browsing the list shows the story under the cursor, once the cursor rests a moment
        (not while typing a query: the list then changes with every key; not where the reader
        is hidden)."""
        if self.focused is not self.query_one(StoryList):
            return
        if not self.query_one("#reading").display:
            return
        self._stop_preview()
        story_id = message.story_id
        self._preview_timer = self.set_timer(PREVIEW_DELAY, lambda: self._preview(story_id))

    def _preview(self, story_id: str) -> None:
        """Show `story_id` in the reader, leaving the focus in the list."""
        self._preview_timer = None
        if story_id != self._opening or self._terms != self._reader_terms:
            self._open(story_id, focus_reader=False)  # again when a new query marks other words

    def _stop_preview(self) -> None:
        if self._preview_timer is not None:
            self._preview_timer.stop()
            self._preview_timer = None

    def on_reader_related_chosen(self, message: Reader.RelatedChosen) -> None:
        """Open a related story; `back` returns to this one, where it was scrolled to."""
        reader = self.query_one(Reader)
        if reader.story is not None:
            self._history.append((reader.story.id, reader.scroll_y, reader.related))
        self._read(message.story_id)

    def on_reader_hit_changed(self, message: Reader.HitChanged) -> None:
        """Show which hit is current in the reader's title (seen in every layout)."""
        if message.total == 0:
            hits = ""
        elif message.index < 0:
            hits = f"{message.total} hit{'s' if message.total != 1 else ''}: n / N"
        else:
            hits = f"hit {message.index + 1} of {message.total}"
        self.query_one(Reader).border_title = f"Story · {hits}" if hits else "Story"
        status = self.query_one("#hit-status", Static)
        status.update(Content(hits))
        status.set_class(not hits, "-empty")

    def open_story(self, story_id: str) -> None:
        """Open `story_id` in the reader (from another screen: the directory)."""
        self._stop_preview()
        self._open(story_id, focus_reader=True)

    def action_focus_list(self) -> None:
        """Back to the story list."""
        self._leave_reading()
        self.set_focus(self.query_one(StoryList))

    def action_back(self) -> None:
        """Back a level: contacts to the story, a related story to the one before, the story
        to the list."""
        focused = self.focused
        if isinstance(focused, ContactPanel):
            self.set_focus(self.query_one(Reader))
            return
        if focused is not None and self.query_one(Reader) in (focused, *focused.ancestors):
            if self._history:
                story_id, scroll_y, related = self._history.pop()
                self._read(story_id, _Place(scroll_y, related))
                return
        self.action_focus_list()

    def action_toggle_contacts(self) -> None:
        """Fold the contact panel to its summary line, or unfold it."""
        box = self.query_one("#contact-box")
        self._contacts_folded = not box.has_class("-folded")
        self._fold_contacts()

    def action_next_hit(self) -> None:
        """Next marked word in the reader."""
        self.query_one(Reader).action_next_hit()

    def action_previous_hit(self) -> None:
        """Previous marked word in the reader."""
        self.query_one(Reader).action_previous_hit()

    def _read(self, story_id: str, place: _Place | None = None) -> None:
        """Open a story to read: the reader gets the focus (and the screen, where it is small);
        `place`: where it was left, when going back to it."""
        self.add_class("-reading")
        self._open(story_id, focus_reader=True, place=place)
        self.set_focus(self.query_one(Reader))

    def _leave_reading(self) -> None:
        """Back to browsing: the list and the search bar show again."""
        self.remove_class("-reading")
        self._history.clear()

    def _fold_contacts(self, *, opening: bool = False) -> None:
        """Fold the contact panel to its summary line where the screen is short (or where the
        user folded it), unfold it while it has focus or `opening`; say what it holds."""
        panel = self.query_one(ContactPanel)
        box = self.query_one("#contact-box")
        if opening or self.focused is panel:
            folded = False
        elif self._contacts_folded is not None:
            folded = self._contacts_folded
        else:
            folded = self.has_class("-short") and not self.has_class("-wide")
        box.set_class(folded, "-folded")
        story = self.query_one(Reader).story
        summary = contacts_summary(panel.contacts if story is not None else None, folded)
        self.query_one("#contact-summary", Static).update(Content(summary))

    def _open(self, story_id: str, *, focus_reader: bool, place: _Place | None = None) -> None:
        """Load a story for the reader (a later open wins over an earlier one), at its top or at
        `place`."""
        self._story_token += 1
        self._focus_reader_on_load = focus_reader
        self._back_to = place or _Place()
        self._opening = story_id
        self.query_one(Reader).border_title = "Story (loading…)"
        self.load_story(story_id, self._story_token)
