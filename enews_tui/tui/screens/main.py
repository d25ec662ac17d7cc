"""The main screen: search bar, story list, reader and contact panel, and the work behind them."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar, Literal

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Header, Input, Static
from textual.worker import get_current_worker

from enews_tui import runtime
from enews_tui.libsearch import search as library_search
from enews_tui.model import (
    Contact,
    QueryError,
    RefreshReport,
    SearchResult,
    Story,
    StorySummary,
)
from enews_tui.render import format_contacts, story_count
from enews_tui.text import one_line, sanitize, sanitize_line
from enews_tui.tui.browser import open_in_browser, story_address
from enews_tui.tui.clipboard import copy_native, save_copy
from enews_tui.tui.screens.library_keys import LIBRARY_BINDINGS, LibraryScreen
from enews_tui.tui.source import StorySource
from enews_tui.tui.widgets.contacts import ContactPanel, contacts_summary
from enews_tui.tui.widgets.reader import Reader
from enews_tui.tui.widgets.search_bar import SearchBar, as_typed
from enews_tui.tui.widgets.story_list import StoryList

#: Progress updates from the refresh thread are posted at most this often (seconds).
PROGRESS_EVERY = 0.1
#: Seconds the list cursor rests on a story before the reader shows it.
PREVIEW_DELAY = 0.12
#: Terminal widths below which the footer drops the spaces between its keys.
COMPACT_FOOTER_BELOW = 80
#: Hits fetched (with snippets, which cost most of a search) for the first screenful; more are
#: fetched as the list scrolls towards the end of what it holds.
SEARCH_PAGE = 30
#: How far past the loaded hits one "more" request reaches.
SEARCH_MORE = 100
#: While typing, "no stories match", "Did you mean" and query errors wait for a pause this long
#: (seconds) or for enter: a half-typed word or phrase is not a mistake yet.
ADVICE_DELAY = 0.6
Sort = Literal["relevance", "date"]


class MainScreen(LibraryScreen):
    """Browse, search, read and copy contacts; read state, stars, notes and export come with
    `LibraryScreen`.

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
    class ListLoaded(Message):
        """Every story's summary was read from the index."""

        summaries: list[StorySummary]

    @dataclass
    class RefreshProgressed(Message):
        """The index refresh has looked at `done` of `total` files."""

        done: int
        total: int

    @dataclass
    class StoriesFound(Message):
        """A full build stored these stories (a first launch lists them as they come)."""

        summaries: list[StorySummary]

    @dataclass
    class IndexRefreshed(Message):
        """The index refresh finished; `summaries` is set when the stories changed."""

        report: RefreshReport
        summaries: list[StorySummary] | None
        count: int

    @dataclass
    class RefreshFailed(Message):
        """The index refresh stopped with an error; the existing index is still shown."""

        reason: str

    @dataclass
    class WorkFailed(Message):
        """Reading from the index failed; `what` and `reason` are for the user."""

        what: str
        reason: str

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

    @dataclass
    class ContactsCopied(Message):
        """Contacts went to the clipboard; `tool` is the native tool that also got them, else
        `saved` is the file that keeps them (OSC 52 cannot tell whether the terminal took them)."""

        summary: str
        tool: str | None
        saved: str | None = None

    @dataclass
    class SearchFound(Message):
        """A search thread's answer for the query of `generation` (`more`: a longer run)."""

        generation: int
        result: SearchResult
        more: bool

    @dataclass
    class SearchFailed(Message):
        """A search thread's error for the query of `generation`."""

        generation: int
        reason: str
        query_error: bool  # the query's own mistake (told once typing pauses), else the index's

    @dataclass
    class BrowserMissing(Message):
        """No browser could open `url` here (over SSH, say): the address is copied instead."""

        url: str

    def __init__(self, index: StorySource | None, *, refresh_on_mount: bool = True) -> None:
        """The screen reads everything through `index` (None while it opens: `index_opened`)."""
        super().__init__(id="main")
        self._index = index
        self.refresh_on_mount = refresh_on_mount
        self._summaries: list[StorySummary] = []
        self._terms: tuple[str, ...] = ()
        self._story_token = 0
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
        #: The query searched last, as run (`pest*` while `pest` is typed), and its number:
        #: an answer for an older number is dropped.
        self._query = ""
        self._finished = False
        self._search_generation = 0
        self._sort: Sort = "relevance"
        self._advice_timer: Timer | None = None
        #: Stories a first build has stored so far, listed while it runs.
        self._arrived: list[StorySummary] = []
        #: True while the refresh thread runs (read by the app when quitting).
        self.refreshing = False
        #: The generation of the query being searched (read by the search threads).
        self._search_generation = 0
        self._loading_started = False

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
        self.query_one(StoryList).focus()
        # After the first frame: the workers' Python would compete with it for the GIL.
        self.call_after_refresh(self._start_loading)

    @property
    def index(self) -> StorySource:
        """The open index (RuntimeError while it is still opening)."""
        if self._index is None:
            raise RuntimeError("the index is still opening")
        return self._index

    def index_opened(self, index: StorySource) -> None:
        """The index is open: load the list, refresh, and search for what was typed meanwhile."""
        self._index = index
        self._start_loading()
        self._search_again()  # what was typed meanwhile

    def _start_loading(self) -> None:
        """Read the list, then refresh the index, both in threads (once the index is open)."""
        if self._index is None:
            self.query_one(SearchBar).show_status("Opening the index…")
            return
        if self._loading_started:  # the index opened before the first frame's call came
            return
        self._loading_started = True
        for notice in self.index.notices:
            self.notify(sanitize_line(notice), severity="warning", markup=False)
        self.load_list()
        if self.refresh_on_mount:
            self.refresh_index()

    @work(thread=True, exclusive=True, group="list")
    def load_list(self) -> None:
        """Read every summary (fast, but not free at 100k) off the UI thread."""
        try:
            summaries = self.index.summaries()
        except Exception as exc:  # noqa: BLE001 - a broken index must not take the app down
            self.post_message(self.WorkFailed("Cannot read the story list", one_line(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.ListLoaded(summaries))

    @work(thread=True, exclusive=True, group="refresh")
    def refresh_index(self, rebuild: bool = False) -> None:
        """Bring the index up to date, reporting progress; the old list stays usable meanwhile.

        The refresh itself runs on a daemon thread that this worker waits for: cancelling the
        worker stops the refresh at its next run of files, and quitting never waits for it (a
        worker's thread would hold up the exit; a build's last step, its commit, cannot be
        interrupted; the index survives an exit during it like a kill).
        """
        self.refreshing = True
        worker = get_current_worker()
        stop = threading.Event()
        done = threading.Thread(target=self._refresh, args=(rebuild, stop.is_set), daemon=True)
        done.start()
        while done.is_alive() and not worker.is_cancelled:
            done.join(0.1)
        stop.set()

    def _refresh(self, rebuild: bool, cancelled: Callable[[], bool]) -> None:
        """The refresh proper (on its own daemon thread); results come back as messages."""
        before = self.index.generation
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY or done == total:
                last = now
                self.post_message(self.RefreshProgressed(done, total))

        def found(summaries: list[StorySummary]) -> None:
            self.post_message(self.StoriesFound(summaries))

        try:
            report = self.index.refresh(
                rebuild=rebuild, progress=progress, cancelled=cancelled, found=found
            )
            changed = self.index.generation != before
            summaries = self.index.summaries() if changed or rebuild else None
            count = len(summaries) if summaries is not None else self.index.count()
        except Exception as exc:  # noqa: BLE001 - any failure must leave the app running
            self.post_message(self.RefreshFailed(one_line(exc)))
            return
        finally:
            self.refreshing = False
        self.post_message(self.IndexRefreshed(report, summaries, count))

    @work(thread=True, exclusive=True, group="search")
    def search_stories(self, query: str, generation: int, sort: Sort, whole: str) -> None:
        """Search off the UI thread (the first screenful of hits). When `query` finds nothing,
        `whole` (its other reading: the last word whole while typing, a prefix after enter) is
        asked too: its hits if it has some, else its spelling suggestion."""
        self._search_thread(query, generation, SEARCH_PAGE, sort, more=False, whole=whole)

    @work(thread=True, exclusive=True, group="search-more")
    def search_more(self, query: str, generation: int, limit: int, sort: Sort) -> None:
        """The same query with a higher limit (its own group: it never cancels a new query)."""
        self._search_thread(query, generation, limit, sort, more=True)

    def _search_thread(
        self,
        query: str,
        generation: int,
        limit: int,
        sort: Sort,
        *,
        more: bool,
        whole: str | None = None,
    ) -> None:
        """The search proper, in a worker thread; a stale answer is dropped, here and when
        applied."""
        if generation != self._search_generation:
            return
        mistake = False
        try:
            result = library_search(self.index, self.library, query, limit=limit, sort=sort)
            if not result.total and whole and whole != query and not more:
                other = library_search(self.index, self.library, whole, limit=limit, sort=sort)
                suggestion = result.suggestion or other.suggestion
                result = other if other.total else replace(result, suggestion=suggestion)
        except QueryError as exc:
            failure, mistake = sanitize_line(str(exc)), True
        except Exception as exc:  # noqa: BLE001 - a broken index must not take the app down
            failure = f"search failed: {one_line(exc)}"
        else:
            if not get_current_worker().is_cancelled:
                self.post_message(self.SearchFound(generation, result, more))
            return
        if not more and not get_current_worker().is_cancelled:
            self.post_message(self.SearchFailed(generation, failure, mistake))

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

    def on_main_screen_list_loaded(self, message: ListLoaded) -> None:
        """Show every story, unless a search is already on screen."""
        self._set_summaries(message.summaries)
        if not self.query_one(SearchBar).query_text:
            self._show_all()

    def on_main_screen_refresh_progressed(self, message: RefreshProgressed) -> None:
        """Move the progress bar."""
        bar = self.query_one(SearchBar)
        bar.show_refresh("Indexing", message.done, message.total)
        if not self._summaries and not bar.query_text:
            bar.show_status(f"Building the index: {message.done:,} of {message.total:,} pages read")

    def on_main_screen_stories_found(self, message: StoriesFound) -> None:
        """The first build goes on: list its stories as they are stored (newest first once it
        is done), unless the list already shows the index or a search."""
        if self._summaries or self.query_one(SearchBar).query_text:
            return
        stories_list = self.query_one(StoryList)
        self._arrived.extend(message.summaries)
        arrived = list(self._arrived)
        if len(arrived) == len(message.summaries):
            stories_list.show(arrived)
        else:
            stories_list.extend(arrived, more=0)  # the cursor and scroll stay where they are

    def on_main_screen_index_refreshed(self, message: IndexRefreshed) -> None:
        """Hide the progress; reload the list (and the search) if the index changed."""
        report = message.report
        status = f"Index: {story_count(message.count)}"
        if report.skipped:
            status += f", {len(report.skipped):,} pages skipped"
        bar = self.query_one(SearchBar)
        bar.show_refresh(status)
        for notice in report.notices:
            self.notify(sanitize_line(notice), severity="warning", markup=False)
        if message.summaries is not None:
            self._set_summaries(message.summaries)
            if bar.query_text:
                self._search_again()
            else:
                self._show_all()
        if not message.count:  # say so, rather than show an empty list without a word
            where = sanitize_line(str(self.index.archive.root))
            bar.show_status(f"No stories in this archive ({where}).", "-warning")
            hint = (
                "This archive holds no stories: open a folder of saved pages (.html, .htm, "
                ".txt) or web-archive files (.warc, .wacz) with --archive PATH."
            )
            self.query_one(Reader).compose_placeholder(hint)
            self.query_one(StoryList).empty_text = hint

    def on_main_screen_work_failed(self, message: WorkFailed) -> None:
        """Say what could not be read, and why."""
        self.notify(f"{message.what}: {message.reason}", severity="error", markup=False)

    def on_main_screen_refresh_failed(self, message: RefreshFailed) -> None:
        """Say the refresh failed; what was indexed stays on screen."""
        self.query_one(SearchBar).show_refresh("Index refresh failed")
        self.notify(f"Index refresh failed: {message.reason}", severity="error", markup=False)

    def on_search_bar_typed(self, message: SearchBar.Typed) -> None:
        """Search for what was typed (its last word a prefix while typing)."""
        self._finished = message.finished
        text, finished = message.text, message.finished
        self._run_query(as_typed(text, finished), as_typed(text, not finished))

    def _run_query(self, query: str, whole: str = "") -> None:
        """Search for `query` (every story, newest first, when it is blank); `whole`: its
        other reading, tried when it finds nothing."""
        self._search_generation += 1
        self._stop_advice()
        self._query = query
        self._title_list()
        if not query:
            self._show_all()
            return
        if self._index is None:  # still opening: searched once it is open
            return
        self.search_stories(query, self._search_generation, self._sort, whole or query)

    def _search_again(self) -> None:
        """The query in the box once more (the index changed, or the sort)."""
        bar = self.query_one(SearchBar)
        if bar.query_text:
            value = self.query_one("#search", Input).value
            self._run_query(as_typed(value, self._finished), as_typed(value, not self._finished))

    def on_main_screen_search_found(self, message: SearchFound) -> None:
        """Show the hits of the latest query; "no stories match" waits for a pause in typing."""
        if message.generation != self._search_generation:
            return
        result = message.result
        if message.more:
            stories_list = self.query_one(StoryList)
            if len(result.hits) > len(stories_list.rows):
                stories_list.extend(result.hits, more=result.total - len(result.hits))
            return
        if result.total or self._building:
            self._show_result(result)
        else:
            self._when_typing_pauses(lambda: self._show_result(result))

    def on_main_screen_search_failed(self, message: SearchFailed) -> None:
        """Say what is wrong with the query, once typing pauses; the old hits stay."""
        if message.generation != self._search_generation:
            return
        bar = self.query_one(SearchBar)
        if message.query_error:
            self._when_typing_pauses(lambda: bar.show_status(message.reason, "-error"))
        else:
            bar.show_status(message.reason, "-error")

    def _show_result(self, result: SearchResult) -> None:
        """The hits in the list, their words marked, and their count under the search bar."""
        bar = self.query_one(SearchBar)
        if result.total:
            total = max(len(self._summaries), result.total)
            bar.show_status(f"{result.total:,} of {story_count(total)}")
        elif self._building:
            bar.show_status(
                "The index is still being built: this search runs again when it is done.",
                "-warning",
            )
        elif result.suggestion:
            suggestion = sanitize_line(result.suggestion)
            bar.show_status(f"No stories match. Did you mean: {suggestion}?", "-warning")
        else:
            bar.show_status("No stories match.", "-warning")
        self._terms = result.terms
        more = result.total - len(result.hits)
        self.query_one(StoryList).show(result.hits, terms=result.terms, more=more)

    def _when_typing_pauses(self, show: Callable[[], None]) -> None:
        """Run `show` once typing has paused for `ADVICE_DELAY` (at once after enter), unless
        another query comes first."""
        self._stop_advice()
        waited = time.monotonic() - self.query_one(SearchBar).last_keystroke
        if self._finished or waited >= ADVICE_DELAY:
            show()
            return
        generation = self._search_generation

        def fire() -> None:
            self._advice_timer = None
            if generation == self._search_generation:
                show()

        self._advice_timer = self.set_timer(ADVICE_DELAY - waited, fire)

    def _stop_advice(self) -> None:
        if self._advice_timer is not None:
            self._advice_timer.stop()
            self._advice_timer = None

    @property
    def _building(self) -> bool:
        """Whether the first build of the index is still running (nothing to search yet)."""
        return self.refreshing and not self._summaries

    def _title_list(self) -> None:
        """The list's header says what it shows and in which order."""
        if not self._query:
            title = "Stories · newest first"
        elif self._sort == "date":
            title = "Hits · newest first"
        else:
            title = "Hits · best first"
        self.query_one(StoryList).border_title = title

    def action_toggle_sort(self) -> None:
        """Hits by relevance or by date (S, the palette)."""
        self._sort = "date" if self._sort == "relevance" else "relevance"
        self._title_list()
        if self._query:
            self._search_again()
        else:
            order = "best first" if self._sort == "relevance" else "newest first"
            self.notify(f"Search hits will be sorted {order}.", markup=False, timeout=3)

    def action_sort_hits(self) -> None:
        """The palette's sort (allowed while the search bar has focus, unlike the S key)."""
        self.action_toggle_sort()

    def on_story_list_more_wanted(self, message: StoryList.MoreWanted) -> None:
        """The list scrolled near the end of its hits: fetch further."""
        if self._query:
            limit = message.loaded + SEARCH_MORE
            self.search_more(self._query, self._search_generation, limit, self._sort)

    def on_search_bar_submitted(self, message: SearchBar.Submitted) -> None:
        """Enter in the search bar: to the list, top hit highlighted."""
        stories_list = self.query_one(StoryList)
        stories_list.cursor = 0
        self.set_focus(stories_list)
        if (story_id := stories_list.highlighted_id) is not None:
            self._stop_preview()  # the top hit in the reader now, its words marked
            self._preview(story_id)

    def on_main_screen_story_loaded(self, message: StoryLoaded) -> None:
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

    def on_main_screen_related_found(self, message: RelatedFound) -> None:
        """The related stories go at the end of the story they belong to."""
        if message.token == self._story_token:
            self.query_one(Reader).show_related(message.related)

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

    def open_story(self, story_id: str) -> None:
        """Open `story_id` in the reader (from another screen: the directory)."""
        self._stop_preview()
        self._open(story_id, focus_reader=True)

    def action_focus_list(self) -> None:
        """Back to the story list."""
        self._leave_reading()
        self.set_focus(self.query_one(StoryList))

    def action_escape(self) -> None:
        """In the search bar: clear the query, then leave it; elsewhere: back a level."""
        search = self.query_one("#search", Input)
        if self.focused is search and search.value:
            self.query_one(SearchBar).clear()
            return
        self.action_back()

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

    def action_toggle_contacts(self) -> None:
        """Fold the contact panel to its summary line, or unfold it."""
        box = self.query_one("#contact-box")
        self._contacts_folded = not box.has_class("-folded")
        self._fold_contacts()

    def action_open_archived(self) -> None:
        """Open the story's archived page (its replay URL, else its original URL) in a browser."""
        story = self.query_one(Reader).story
        url = story_address(story) if story is not None else None
        if url is None:
            self.notify("This story has no address to open.", severity="warning", markup=False)
            return
        self.notify(f"Opening {sanitize_line(url)}", markup=False, timeout=3)
        self.open_with_browser(url)

    def action_copy_address(self) -> None:
        """Copy the story's address (archived copy, else original URL)."""
        story = self.query_one(Reader).story
        url = story_address(story) if story is not None else None
        if url is None:
            self.notify("This story has no address to copy.", severity="warning", markup=False)
            return
        self._copy_text(url, "Copied the story's address")

    def action_next_hit(self) -> None:
        """Next marked word in the reader."""
        self.query_one(Reader).action_next_hit()

    def action_previous_hit(self) -> None:
        """Previous marked word in the reader."""
        self.query_one(Reader).action_previous_hit()

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

    def action_refresh_index(self) -> None:
        """Look for new, changed and removed pages now."""
        if not self.refreshing:
            self.refresh_index()

    def _set_summaries(self, summaries: list[StorySummary]) -> None:
        """Every story, as the index now holds them."""
        replacing = bool(self._summaries)
        self._summaries = summaries
        self.library_stories([s.id for s in summaries])
        runtime.freeze_long_lived(replacing)  # the rows live until the next refresh

    def _show_all(self) -> None:
        """Every story, newest first (the empty query), with no marks."""
        self._terms = ()
        if not self._summaries and self._arrived:  # a first build: what it stored so far
            self.query_one(StoryList).show(list(self._arrived))
            return
        self.query_one(StoryList).show(self._summaries)
        self.query_one(SearchBar).show_status(story_count(len(self._summaries)))

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


@dataclass(frozen=True)
class _Place:
    """Where a story was left: its scroll position, and the related stories at its end then."""

    scroll_y: float = 0.0
    related: tuple[StorySummary, ...] = ()


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
