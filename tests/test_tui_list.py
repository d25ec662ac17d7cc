"""The story list at scale, search timing and races, and keys that must not leak out of typing.

These use an in-memory index (tests/tui_fake.py): 100k parsed stories would take minutes to index,
and the races need a search whose speed the test controls.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from typing import Literal

import pytest
from textual.widgets import Input, Static

from enews_tui.model import SearchHit, SearchResult, Story
from enews_tui.tui.app import EnewsApp
from enews_tui.tui.screens.main import MainScreen
from enews_tui.tui.widgets import search_bar
from enews_tui.tui.widgets.story_list import StoryList, term_spans, terms_pattern
from tests.tui_fake import FakeIndex, make_story
from tests.tui_support import focused_widget, notices


def _app(index: FakeIndex) -> EnewsApp:
    return EnewsApp(index.archive, index)


def _status(app: EnewsApp) -> str:
    return str(app.screen.query_one("#search-status", Static).content)


async def test_100k_stories_are_one_widget_and_end_reaches_the_last() -> None:
    index = FakeIndex([make_story(n) for n in range(100_000)])
    app = _app(index)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        stories = app.screen.query_one(StoryList)
        assert len(stories.rows) == 100_000
        assert _status(app) == "100,000 stories"
        assert len(list(app.screen.walk_children())) < 60  # no widget per row
        await pilot.press("end")
        assert stories.highlighted_id == "story-099999"
        await pilot.press("home", "j", "j", "down", "k")
        assert stories.cursor == 2


async def test_each_keystroke_updates_the_list_at_100k() -> None:
    """Typing narrows and widens a 100k list key by key; every answer lists only matching titles.

    How fast is the benchmark's business (benchmarks/run.py, "keystroke to list").
    """
    index = FakeIndex([make_story(n) for n in range(100_000)])
    app = _app(index)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await app.screen.workers.wait_for_complete()
        search = app.screen.query_one("#search", Input)
        stories = app.screen.query_one(StoryList)
        search.focus()
        for query in ("9", "99", "999", "99999", "999", "9"):
            await pilot.pause(0.2)  # a pause between keys: no debounce wait
            before = stories.rows
            search.value = query
            for _ in range(1000):
                if stories.rows is not before:
                    break
                await pilot.pause(0.01)
            assert stories.rows is not before, f"the list never answered {query!r}"
            assert stories.rows and all(query in r.title for r in stories.rows)


class SlowFirstIndex(FakeIndex):
    """The first query is slow, so the second answers first: the first must then be dropped."""

    def __init__(self) -> None:
        super().__init__([make_story(n, title=t) for n, t in enumerate(_TITLES)])
        self.release = threading.Event()
        self.started: list[str] = []

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
        """Block on "c" until released."""
        self.started.append(query)
        if query == "c":
            self.release.wait(5)
        return super().search(
            query, limit=limit, sort=sort, snippets=snippets, only=only, without=without
        )


_TITLES = ["council votes", "campus news", "concert tonight", "council elects chair"]


async def test_a_stale_answer_never_replaces_a_fresh_one() -> None:
    index = SlowFirstIndex()
    app = _app(index)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        search = app.screen.query_one("#search", Input)
        search.focus()
        await pilot.press("c")
        await pilot.pause(0.3)  # the debounce fired: "c" is searching (and stuck)
        assert index.started == ["c"]
        await pilot.press(*"oun")
        await pilot.pause(0.3)
        stories = app.screen.query_one(StoryList)
        assert [r.title for r in stories.rows] == ["council votes", "council elects chair"]
        index.release.set()  # now the slow "c" answers
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        assert [r.title for r in stories.rows] == ["council votes", "council elects chair"]
        assert _status(app).startswith("2 of")


async def test_a_burst_of_keys_costs_one_search(monkeypatch: pytest.MonkeyPatch) -> None:
    # A longer quiet time than the app's: a loaded machine can space the test's keys by more
    # than 0.15 s, which is a pause, not a burst.
    monkeypatch.setattr(search_bar, "DEBOUNCE", 1.0)
    index = FakeIndex([make_story(n, title=t) for n, t in enumerate(_TITLES)])
    app = _app(index)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.3)  # the list and its first story have landed: the keys come alone
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        app.screen.query_one("#search", Input).focus()
        await pilot.press(*"council")
        await pilot.pause(1.3)
        await app.screen.workers.wait_for_complete()
        assert index.searches[-1] == "council*"  # the last word, still being typed, as a prefix
        assert len(index.searches) <= 2


async def test_letter_keys_type_in_the_search_bar_and_trigger_nothing() -> None:
    index = FakeIndex([make_story(n) for n in range(5)])
    app = _app(index)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.screen.workers.wait_for_complete()
        await pilot.press("enter")  # open the first story, so c/C/n would have work to do
        await app.screen.workers.wait_for_complete()
        await pilot.press("slash")
        await pilot.press(*"qcCnNjk", "question_mark", "slash")
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, MainScreen)  # ? typed, no help screen
        assert app.screen.query_one("#search", Input).value == "qcCnNjk?/"
        assert app.clipboard == ""
        await pilot.press("escape")  # clears the query first
        assert app.screen.query_one("#search", Input).value == ""
        assert focused_widget(app) is app.screen.query_one("#search", Input)
        await pilot.press("escape")  # back to the list, where the letters are keys again
        assert focused_widget(app) is app.screen.query_one(StoryList)
        await pilot.press("C")
        await app.screen.workers.wait_for_complete()
        assert app.clipboard == "Kim Thurler (Media Inquiries) T: 617.627.3175"


async def test_a_snippet_is_cut_so_its_first_marked_word_shows() -> None:
    words = " ".join(f"filler{n}" for n in range(40))
    snippet = f"{words} needle after"
    start = snippet.index("needle")
    hit = SearchHit("story-000000", "A title", None, 1.0, snippet, ((start, start + 6),))
    index = FakeIndex([make_story(0)])
    app = _app(index)
    async with app.run_test(size=(100, 30)) as pilot:
        stories = app.screen.query_one(StoryList)
        while not stories.rows:  # the full list lands first; the hit must not be replaced by it
            await app.screen.workers.wait_for_complete()
            await pilot.pause()
        stories.show([hit], terms=("needle",))
        await pilot.pause()
        second_line = "".join(segment.text for segment in stories.render_line(1))
        assert "needle" in second_line and second_line.strip().startswith("…")
        marked = [s for s in stories.render_line(1) if s.text == "needle"]
        assert marked and marked[0].style is not None and marked[0].style.underline


async def test_a_malformed_query_is_shown_inline_and_typing_goes_on() -> None:
    index = FakeIndex([make_story(n, title=t) for n, t in enumerate(_TITLES)])
    app = _app(index)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.screen.query_one("#search", Input).focus()
        await pilot.press(*"(council")
        await pilot.pause(0.3)
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause(0.7)  # told once typing pauses
        assert _status(app) == "missing closing parenthesis"
        assert "-error" in app.screen.query_one("#search-status").classes
        assert focused_widget(app) is app.screen.query_one("#search", Input)
        await pilot.press("backspace", *"s")
        assert app.screen.query_one("#search", Input).value == "(councis"
        app.screen.query_one("#search", Input).value = "council"
        await pilot.pause(0.3)
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        assert _status(app) == "2 of 4 stories"


async def test_hits_load_a_page_at_a_time_as_the_list_scrolls() -> None:
    index = FakeIndex([make_story(n) for n in range(500)])
    app = _app(index)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.screen.query_one("#search", Input).value = "campus"
        await pilot.pause(0.3)
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        stories = app.screen.query_one(StoryList)
        first_page = len(stories.rows)
        assert 0 < first_page < 500
        assert _status(app) == "500 of 500 stories"
        stories.focus()
        for _ in range(5):  # each end key reaches the loaded end; more arrive behind it
            await pilot.press("end")
            await pilot.pause(0.1)
            await app.screen.workers.wait_for_complete()
            await pilot.pause()
        assert len(stories.rows) == 500
        assert stories.cursor > first_page  # the cursor stayed where it was as rows came
        await pilot.press("end")
        assert stories.highlighted_id == "story-000499"


class BrokenIndex(FakeIndex):
    """An index whose reads fail the way a damaged one might."""

    def story(self, story_id: str) -> Story | None:
        """Fails."""
        raise RuntimeError("segment file missing")

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
        """Fails."""
        raise OSError("disk on fire \x1b]0;x\x07")


async def test_a_failing_index_is_reported_and_crashes_nothing() -> None:
    index = BrokenIndex([make_story(n) for n in range(3)])
    app = _app(index)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        await app.screen.workers.wait_for_complete()
        await pilot.press("enter")
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        assert "Cannot open the story: segment file missing" in notices(app)[-1]
        app.screen.query_one("#search", Input).value = "campus"
        await pilot.pause(0.3)
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        assert _status(app) == "search failed: disk on fire"
        assert app.is_running


def test_marks_ignore_case_and_accents_as_the_index_does() -> None:
    """A search for `resume cafe` finds Résumé and CAFÉ (the index folds accents); the list
    and the reader mark them too, and words that only contain a term elsewhere stay plain."""
    text = "Résumé clinic at the CAFÉ: resumes, a cafeteria, presume, résumé."
    marked = [text[a:b] for a, b in term_spans(text, terms_pattern(["resume", "cafe"]))]
    assert marked == ["Résumé", "CAFÉ", "resumes", "cafeteria", "résumé"]
    assert term_spans("naïve [x] (y)", terms_pattern(["naive", "[x]", "(y"])) == [(0, 5)]
