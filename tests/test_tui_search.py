"""Search as you type: the last word as a prefix, old hits kept until new ones come, advice and
errors after a pause, escape, sorting, and a search while the first index build runs."""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from functools import partial
from typing import Any, Literal

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from enews_tui.model import RefreshReport, SearchResult, StorySummary
from enews_tui.tui.app import EnewsApp
from enews_tui.tui.screens import searching
from enews_tui.tui.widgets.search_bar import as_typed
from enews_tui.tui.widgets.story_list import StoryList
from tests.tui_fake import FakeIndex, make_story
from tests.tui_support import focused_widget, screen_text, status
from tests.tui_support import settle as settle_ui

#: These tests settle in shorter steps than the helper's default.
settle = partial(settle_ui, wait=0.1)


TITLES = ["Pesticide rules change", "Pest control study", "Council votes", "Campus news"]


@pytest.mark.parametrize(
    ("typed", "finished", "query"),
    [
        ("pes", False, "pes*"),
        ("pe", False, "pe"),  # one or two letters: a word, never a scan of every term
        ("p", False, "p"),
        ("pest ", False, "pest"),  # a space ends the word
        ("pest", True, "pest"),  # and so does enter
        ("council pes", False, "council pes*"),
        ("title:pes", False, "title:pes*"),
        ("date:2008", False, "date:2008"),
        ("is:starred", False, "is:starred"),  # the library's terms are taken whole
        ("note:budg", False, "note:budg"),
        ("council AND", False, "council AND"),
        ('"mentor mo', False, '"mentor mo"'),  # a phrase being typed is closed, not an error
        ("2008", False, "2008"),
        ("moth*", False, "moth*"),
        ("", False, ""),
    ],
)
def test_what_is_searched_while_typing(typed: str, finished: bool, query: str) -> None:
    assert as_typed(typed, finished) == query


class PrefixIndex(FakeIndex):
    """Titles matched word by word; `word*` matches word starts; records the sort asked for."""

    def __init__(self, titles: list[str]) -> None:
        super().__init__([make_story(n, title=t) for n, t in enumerate(titles)])
        self.sorts: list[str] = []

    def search(
        self,
        query: str,
        *,
        limit: int | None = 50,
        sort: Literal["relevance", "date"] = "relevance",
        snippets: bool = True,
        only: Collection[str] | None = None,
        without: Collection[str] = (),
    ) -> SearchResult:
        """Every query word starts a title word (`pes*`) or is one (`pest`)."""
        self.searches.append(query)
        self.sorts.append(sort)
        if "(" in query:
            return super().search(query)  # raises the malformed-query error

        def matches(title: str, word: str) -> bool:
            words = title.lower().split()
            if word.endswith("*"):
                return any(w.startswith(word[:-1]) for w in words)
            return word in words

        wanted = query.lower().split()
        found = [s for s in self._summaries if all(matches(s.title, w) for w in wanted)]
        if sort == "date":
            found.sort(key=lambda s: s.date.toordinal() if s.date else 0, reverse=True)
        return super()._result(query, found, limit, tuple(w.rstrip("*") for w in wanted))


def titles(app: EnewsApp) -> list[str]:
    return [r.title for r in app.screen.query_one(StoryList).rows]


async def type_keys(pilot: Pilot[Any], keys: str) -> None:
    """Type `keys` one at a time as a person would (a pause after each, shorter than 0.6 s)."""
    for key in keys:
        await pilot.press("space" if key == " " else key)
        await pilot.pause(0.2)
        await pilot.app.screen.workers.wait_for_complete()
        await pilot.pause()


async def test_part_of_a_word_finds_stories_from_three_letters() -> None:
    index = PrefixIndex(TITLES)
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_keys(pilot, "pe")
        assert status(app) == "4 stories"  # "pe" found nothing: not said yet, nothing blanked
        assert len(titles(app)) == 4
        await type_keys(pilot, "s")
        assert index.searches[-1] == "pes*"
        assert titles(app) == ["Pesticide rules change", "Pest control study"]
        assert status(app) == "2 of 4 stories"
        await type_keys(pilot, "t")
        assert titles(app) == ["Pesticide rules change", "Pest control study"]
        await type_keys(pilot, " ")  # the word is whole now
        assert index.searches[-1] == "pest"
        assert titles(app) == ["Pest control study"]


async def test_no_match_and_did_you_mean_wait_for_a_pause() -> None:
    index = PrefixIndex(TITLES)
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_keys(pilot, "counc")
        assert titles(app) == ["Council votes"]
        await pilot.press("x")  # "councx*": nothing
        await pilot.pause(0.15)
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        assert titles(app) == ["Council votes"]  # the previous hits stay meanwhile
        assert "Did you mean" not in status(app) and "No stories" not in status(app)
        await pilot.pause(0.8)  # a pause: now it says so
        assert titles(app) == []
        assert status(app).startswith("No stories match. Did you mean: campus?")


async def test_enter_keeps_the_prefix_hits_when_the_whole_word_finds_none() -> None:
    index = PrefixIndex(TITLES)
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_keys(pilot, "pesti")
        await pilot.press("enter")
        await settle(pilot)
        assert index.searches[-2:] == ["pesti", "pesti*"]  # the word, then the prefix
        assert titles(app) == ["Pesticide rules change"]
        stories = app.screen.query_one(StoryList)
        assert focused_widget(app) is stories and stories.cursor == 0


async def test_enter_says_no_match_at_once() -> None:
    index = PrefixIndex(TITLES)
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        app.screen.query_one("#search", Input).value = "zzqqxx"
        await pilot.press("enter")
        await settle(pilot)
        assert status(app).startswith("No stories match.")


async def test_a_malformed_query_is_told_after_a_pause_and_keeps_the_hits() -> None:
    index = PrefixIndex(TITLES)
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_keys(pilot, "pest")
        await pilot.press("space", "(")
        await pilot.pause(0.2)
        assert "parenthesis" not in status(app)
        await pilot.pause(0.8)
        assert "missing closing parenthesis" in status(app)
        assert "-error" in app.screen.query_one("#search-status").classes
        assert titles(app) == ["Pest control study"]  # still there to read


async def test_escape_clears_the_query_then_leaves() -> None:
    index = PrefixIndex(TITLES)
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_keys(pilot, "council")
        assert titles(app) == ["Council votes"]
        await pilot.press("escape")
        await settle(pilot)
        search = app.screen.query_one("#search", Input)
        assert search.value == "" and focused_widget(app) is search
        assert len(titles(app)) == 4 and status(app) == "4 stories"
        await pilot.press("escape")
        assert focused_widget(app) is app.screen.query_one(StoryList)


async def test_S_sorts_the_hits_by_date_and_back() -> None:
    index = PrefixIndex(TITLES)
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        stories = app.screen.query_one(StoryList)
        assert stories.border_title == "Stories · newest first"
        await pilot.press("slash")
        await type_keys(pilot, "pes")
        assert str(stories.border_title).startswith("Hits · best first")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        assert index.sorts[-1] == "date" and index.searches[-2:] == ["pes", "pes*"]
        assert str(stories.border_title).startswith("Hits · newest first")
        await pilot.press("S")
        await settle(pilot)
        assert index.sorts[-1] == "relevance"
        assert str(stories.border_title).startswith("Hits · best first")


class BuildingIndex(PrefixIndex):
    """An index whose first build runs until released, its stories appearing only then."""

    def __init__(self) -> None:
        super().__init__(TITLES)
        self.release = threading.Event()
        self.built = False

    def refresh(
        self,
        *,
        rebuild: bool = False,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        found: Callable[[list[StorySummary]], None] | None = None,
    ) -> RefreshReport:
        for done in range(1, 4):
            if progress is not None:
                progress(done, 4)
            if found is not None:  # stored one by one, oldest first
                found([self._summaries[-done]])
        self.release.wait(10)
        self.built = True
        self.generation += 1
        return RefreshReport(indexed=4)

    def summaries(self) -> list[StorySummary]:
        return super().summaries() if self.built else []

    def count(self) -> int:
        return len(self.stories) if self.built else 0

    def search(self, query: str, **kwargs: Any) -> SearchResult:
        if not self.built:
            self.searches.append(query)
            return SearchResult(query, 0, ())
        return super().search(query, **kwargs)


async def test_a_search_during_the_first_build_says_so_and_runs_again() -> None:
    index = BuildingIndex()
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        await pilot.press("slash")
        await pilot.press(*"council")  # (waiting for the workers would wait for the build)
        for _ in range(50):
            await pilot.pause(0.05)
            if "still being built" in status(app):
                break
        assert "still being built" in status(app)
        assert "No stories match" not in status(app)
        await pilot.press("escape")  # the stories stored so far are listed as they come
        for _ in range(50):
            await pilot.pause(0.05)
            if len(titles(app)) == 3:
                break
        assert titles(app) == ["Campus news", "Council votes", "Pest control study"]
        await pilot.press(*"council")  # the search bar still has focus
        index.release.set()
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert titles(app) == ["Council votes"]
        assert status(app) == "1 of 4 stories"
        await pilot.press("escape")
        await settle(pilot)
        assert titles(app) == TITLES  # newest first, now that the build is done


def test_advice_waits_about_six_tenths_of_a_second() -> None:
    assert 0.4 <= searching.ADVICE_DELAY <= 0.8


async def test_an_empty_archive_says_so(tmp_path: Any) -> None:
    index = FakeIndex([], root=tmp_path)
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert status(app) == f"No stories in this archive ({tmp_path})."
        assert "This archive holds no stories" in screen_text(app)


async def test_the_palette_sorts_the_hits() -> None:
    index = PrefixIndex(TITLES)
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_keys(pilot, "pes")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"sort hits")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert index.sorts[-1] == "date"
