"""Search as you type, the main screen's first layer: what the search bar posts is searched on a
worker thread (`libsearch.search`: the index's query plus the library's terms), and the answer
to the latest query goes in the list; advice waits for a pause in typing."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from textual import work
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import get_current_worker

from enews_tui.libsearch import search as library_search
from enews_tui.model import QueryError, SearchResult, StorySummary
from enews_tui.render import story_count
from enews_tui.text import one_line, sanitize_line
from enews_tui.tui.screens.library_keys import LibraryScreen
from enews_tui.tui.source import StorySource
from enews_tui.tui.widgets.search_bar import SearchBar, as_typed
from enews_tui.tui.widgets.story_list import StoryList

#: Hits fetched (with snippets, which cost most of a search) for the first screenful; more are
#: fetched as the list scrolls towards the end of what it holds.
SEARCH_PAGE = 30
#: How far past the loaded hits one "more" request reaches.
SEARCH_MORE = 100
#: While typing, "no stories match", "Did you mean" and query errors wait for a pause this long
#: (seconds) or for enter: a half-typed word or phrase is not a mistake yet.
ADVICE_DELAY = 0.6
Sort = Literal["relevance", "date"]


class SearchScreen(LibraryScreen):
    """The index the main screen reads, the stories it lists, and the search worker: typed text
    -> `search_stories` (a thread) -> `SearchFound` / `SearchFailed` -> the list and the status
    line. An answer to an older query is dropped."""

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

    def __init__(self, index: StorySource | None, *, id: str | None = None) -> None:
        """Searches read `index` (None while it opens)."""
        super().__init__(id=id)
        self._index = index
        #: Every story, as the index holds them (what the empty query lists).
        self._summaries: list[StorySummary] = []
        #: Stories a first build has stored so far, listed while it runs.
        self._arrived: list[StorySummary] = []
        #: True while the refresh thread runs: a search that finds nothing then says the index
        #: is still being built (the app reads it too, when quitting).
        self.refreshing = False
        #: The words the hits on screen match (the reader marks them in a story).
        self._terms: tuple[str, ...] = ()
        #: The query searched last, as run (`pest*` while `pest` is typed), and its number
        #: (read by the search threads): an answer for an older number is dropped.
        self._query = ""
        self._search_generation = 0
        self._finished = False  # whether the query was finished (enter) rather than typed
        self._sort: Sort = "relevance"
        self._advice_timer: Timer | None = None

    @property
    def index(self) -> StorySource:
        """The open index (RuntimeError while it is still opening)."""
        if self._index is None:
            raise RuntimeError("the index is still opening")
        return self._index

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

    def on_search_screen_search_found(self, message: SearchFound) -> None:
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

    def on_search_screen_search_failed(self, message: SearchFailed) -> None:
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

    def _show_all(self) -> None:
        """Every story, newest first (the empty query), with no marks."""
        self._terms = ()
        if not self._summaries and self._arrived:  # a first build: what it stored so far
            self.query_one(StoryList).show(list(self._arrived))
            return
        self.query_one(StoryList).show(self._summaries)
        self.query_one(SearchBar).show_status(story_count(len(self._summaries)))
