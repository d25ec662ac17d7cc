"""Reading at every terminal size: the layout, the reader's keys, going back, the contact panel.

An in-memory index (tests/tui_fake.py) gives stories long enough to page through, with related
stories, archived addresses and contact lists of different lengths.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from enews_tui.archive import Archive
from enews_tui.model import Archived, Contact, Section, Story, StorySummary
from enews_tui.paths import config_dir, data_dir
from enews_tui.tui.app import EnewsApp, archive_label
from enews_tui.tui.screens import main as main_screen
from enews_tui.tui.screens.help import HelpScreen
from enews_tui.tui.widgets.contacts import ContactPanel
from enews_tui.tui.widgets.reader import Reader
from enews_tui.tui.widgets.story_list import StoryList, fit_title, wrap_spans
from tests.tui_fake import FakeIndex, make_story
from tests.tui_support import focused_widget, notices, screen_text
from tests.tui_support import settle as settle_ui

#: These tests settle in shorter steps than the helper's default.
settle = partial(settle_ui, wait=0.15)


WORD = re.compile(r"\bp\d\dw\d\d\b")
LONG_TITLE = "A very long title about the council of the university and its many committees"


def _long_story(n: int, contacts: int = 1, archived: bool = True) -> Story:
    """A story of 30 paragraphs of numbered words (p07w03: paragraph 7, word 3)."""
    paragraphs = tuple(" ".join(f"p{p:02d}w{w:02d}" for w in range(1, 25)) for p in range(1, 31))
    people = tuple(
        Contact("Media Inquiries", f"Person {i}", phone=f"617.627.{3000 + i}")
        for i in range(contacts)
    )
    return Story(
        id=f"long-{n}",
        source=f"long-{n}.html",
        title=f"Long story {n}",
        url=f"http://enews.tufts.edu/stories/long-{n}.html",
        date=dt.date(2008, 7, 23) - dt.timedelta(days=n),
        dateline="Medford/Somerville, Mass.",
        sections=(Section(None, paragraphs),),
        contacts=people,
        archived=Archived(
            dt.datetime(2009, 1, 2, 3, 4, 5),
            f"https://web.archive.org/web/20090102030405/http://enews.tufts.edu/long-{n}",
        )
        if archived
        else None,
    )


@pytest.fixture
def index() -> FakeIndex:
    """Three long stories (with 1, 5 and 12 contacts) and one with a long title."""
    stories = [_long_story(0, 1), _long_story(1, 5, archived=False), _long_story(2, 12)]
    stories.append(make_story(3, title=LONG_TITLE))
    return FakeIndex(stories)


async def read(pilot: Pilot[Any], row: int = 0) -> Reader:
    """Put the list cursor on `row`, press enter and wait for the story."""
    stories = pilot.app.screen.query_one(StoryList)
    stories.focus()
    stories.cursor = row
    await pilot.press("enter")
    await settle(pilot)
    return pilot.app.screen.query_one(Reader)


def words_on_screen(app: EnewsApp) -> list[str]:
    """The story words visible, in screen order."""
    return WORD.findall(screen_text(app))


def story_lines(app: EnewsApp) -> int:
    """How many screen lines show the story's text (title, date line and paragraphs)."""
    return sum(
        1
        for line in screen_text(app).splitlines()
        if WORD.search(line) or "Long story" in line or "Medford/Somerville" in line
    )


@pytest.mark.parametrize("size", [(80, 24), (60, 20), (120, 24)])
async def test_a_story_fills_a_small_screen(index: FakeIndex, size: tuple[int, int]) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        reader = await read(pilot)
        assert focused_widget(app) is reader
        assert not app.screen.query_one(StoryList).display
        assert not app.screen.query_one("#search-bar").display
        assert "-folded" in app.screen.query_one("#contact-box").classes
        wanted = 16 if size[1] >= 24 else 12
        assert story_lines(app) >= wanted
        assert "1 contact: c copy, C all, i show" in screen_text(app)
        await pilot.press("escape")
        assert focused_widget(app) is app.screen.query_one(StoryList)
        assert app.screen.query_one("#search-bar").display


async def test_the_panes_side_by_side_where_they_fit(index: FakeIndex) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        reader = await read(pilot)
        stories = app.screen.query_one(StoryList)
        box = app.screen.query_one("#contact-box")
        assert stories.display and reader.display and box.display
        assert stories.region.x < reader.region.x < box.region.x
        assert stories.region.y == reader.region.y == box.region.y
        assert reader.region.width <= 86  # about 80 columns of text
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        reader = await read(pilot)
        box = app.screen.query_one("#contact-box")
        assert app.screen.query_one(StoryList).display
        assert box.region.y > reader.region.y and box.region.x == reader.region.x
        assert story_lines(app) >= 16


async def test_at_250_columns_the_text_stays_readable(index: FakeIndex) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(250, 70)) as pilot:
        await settle(pilot)
        reader = await read(pilot)
        region = reader.region
        assert region.width <= 86
        lines = screen_text(app).splitlines()[region.y : region.bottom]
        shown = [line[region.x : region.right].strip(" │▊▎▔▁") for line in lines]
        widest = max(len(line) for line in shown if WORD.search(line))
        assert 70 <= widest <= 82  # the paragraph fills the column and no more


async def test_reader_keys_page_and_jump(index: FakeIndex) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        reader = await read(pilot)
        page = reader.scrollable_content_region.height
        first = words_on_screen(app)
        await pilot.press("space")
        assert reader.scroll_y == page - 1  # one line of the last page stays in view
        after = words_on_screen(app)
        assert after[0] != first[0] and after[0] in first  # the last line read is still there
        await pilot.press("b")
        assert reader.scroll_y == 0
        await pilot.press("ctrl+d")
        assert reader.scroll_y == page // 2
        await pilot.press("ctrl+u")
        assert reader.scroll_y == 0
        await pilot.press("j", "j", "j")
        assert reader.scroll_y == 3
        await pilot.press("k")
        assert reader.scroll_y == 2
        await pilot.press("G")
        assert reader.scroll_y == reader.max_scroll_y > 0
        assert "p30w24" in words_on_screen(app)
        await pilot.press("g")
        assert reader.scroll_y == 0
        # Paging to the end shows every paragraph on the way: a story can be read whole.
        seen: set[str] = set(words_on_screen(app))
        while reader.scroll_y < reader.max_scroll_y:
            await pilot.press("space")
            seen.update(words_on_screen(app))
        assert {f"p{p:02d}w01" for p in range(1, 31)} <= seen


@pytest.mark.parametrize("key", ["escape", "q", "h", "backspace"])
async def test_back_keys_return_to_the_list_and_q_quits_only_there(
    index: FakeIndex, key: str
) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await read(pilot, 1)
        await pilot.press(key)
        await pilot.pause()
        assert app.is_running
        stories = app.screen.query_one(StoryList)
        assert focused_widget(app) is stories and stories.display and stories.cursor == 1
        assert "-reading" not in app.screen.classes
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_related_stories_keep_a_history(index: FakeIndex) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        reader = await read(pilot, 0)
        related = reader.query_one(".reader-related", OptionList)
        related.focus()  # the reader scrolls down to the related stories, at its end
        await settle(pilot)
        where = reader.scroll_y
        assert where > 0
        related.highlighted = 1  # long-2 (FakeIndex.related: the first others)
        await pilot.press("enter")
        await settle(pilot)
        assert reader.story is not None and reader.story.id == "long-2"
        assert reader.scroll_y == 0 and app.focused is reader
        assert app.screen.query_one(StoryList).highlighted_id == "long-2"  # the list follows
        await pilot.press("q")  # back to the story before, where it was
        await settle(pilot)
        assert reader.story is not None and reader.story.id == "long-0"
        assert reader.scroll_y == where
        assert app.screen.query_one(StoryList).highlighted_id == "long-0"
        await pilot.press("q")  # back to the list
        await pilot.pause()
        assert focused_widget(app) is app.screen.query_one(StoryList)
        assert app.is_running


async def test_o_opens_the_archived_page_else_copies_it(
    index: FakeIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    works = True

    def fake_open(url: str) -> bool:
        opened.append(url)
        return works

    monkeypatch.setattr(main_screen, "open_in_browser", fake_open)
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await read(pilot, 0)
        await pilot.press("o")
        await settle(pilot)
        assert opened == [
            "https://web.archive.org/web/20090102030405/http://enews.tufts.edu/long-0"
        ]
        assert app.clipboard == ""
        await pilot.press("q")
        await read(pilot, 1)  # no archived copy: its original address
        works = False  # and no browser here (over SSH): the address is copied instead
        await pilot.press("o")
        await settle(pilot)
        assert opened[-1] == "http://enews.tufts.edu/stories/long-1.html"
        assert app.clipboard == "http://enews.tufts.edu/stories/long-1.html"
        assert any(
            m.startswith("No browser can open here: copied the address") for m in notices(app)
        )


async def test_y_copies_the_address(index: FakeIndex) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await read(pilot, 2)
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard.endswith("http://enews.tufts.edu/long-2")
        assert notices(app)[-1].startswith("Copied the story's address")


async def test_the_contact_panel_keeps_its_size_and_folds(index: FakeIndex) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        heights = []
        for row in (0, 1, 2):
            await read(pilot, row)
            heights.append(app.screen.query_one("#contact-box").region.height)
            await pilot.press("escape")
        assert len(set(heights)) == 1 and heights[0] <= 14
        reader = await read(pilot, 2)  # 12 contacts: the panel scrolls
        panel = app.screen.query_one(ContactPanel)
        panel.focus()
        await pilot.press("end")
        assert panel.scroll_y > 0
        await pilot.press("q")  # back to the story
        assert focused_widget(app) is reader
        await pilot.press("i")  # folded to its summary line
        box = app.screen.query_one("#contact-box")
        assert "-folded" in box.classes and box.region.height == 1
        assert "12 contacts: c copy, C all, i show" in screen_text(app)
        await pilot.press("i")
        assert "-folded" not in box.classes


async def test_tab_unfolds_the_contacts_on_a_small_screen_and_skips_the_search_bar(
    index: FakeIndex,
) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await read(pilot, 1)
        box = app.screen.query_one("#contact-box")
        assert "-folded" in box.classes
        seen = []
        for _ in range(4):
            await pilot.press("tab")
            seen.append(app.focused)
            if isinstance(app.focused, ContactPanel):
                await pilot.pause()
                assert "-folded" not in box.classes and box.region.height > 3
                await pilot.press("c")
                await settle(pilot)
                assert app.clipboard.startswith("Person 0")
        assert any(isinstance(w, ContactPanel) for w in seen)
        assert not any(isinstance(w, Input) for w in seen)
        app.screen.query_one(Reader).focus()
        await pilot.pause()
        assert "-folded" in box.classes


async def test_the_list_ellipsizes_titles_and_shows_the_whole_one_under_the_cursor(
    index: FakeIndex,
) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        stories = app.screen.query_one(StoryList)
        row = [r.id for r in stories.rows].index("story-000003")
        line = next(x for x in screen_text(app).splitlines() if "A very long title" in x)
        assert "2010-12-28" in line and "council of…" in line and "committees" not in line
        stories.cursor = row
        await pilot.pause()
        joined = " ".join(line.strip(" │▌▐") for line in screen_text(app).splitlines())
        assert " ".join(LONG_TITLE.split()[-4:]) in " ".join(joined.split())
        assert "committees" in screen_text(app)
        stories.cursor = 0  # the row under the cursor pushes the rows below it down
        assert stories.line_of(row) == row


def test_titles_are_cut_after_a_word_with_a_mark() -> None:
    assert fit_title("One Less Statistic", 30) == "One Less Statistic"
    assert fit_title("One Less Statistic", 12) == "One Less…"
    assert fit_title("Supercalifragilistic", 8) == "Superca…"  # one long word: cut, marked
    assert wrap_spans("One Less Statistic", 9) == [(0, 8), (9, 18)]


async def test_footer_keeps_help_at_80_columns_in_every_pane(index: FakeIndex) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "? Help" in footer and "Quit" in footer and "Open" in footer
        await read(pilot, 1)
        footer = screen_text(app).splitlines()[-1]
        assert "? Help" in footer and "Back" in footer and "Page" in footer
        await pilot.press("tab")
        await pilot.press("tab")
        footer = screen_text(app).splitlines()[-1]
        assert "? Help" in footer
        await pilot.press("slash")
        footer = screen_text(app).splitlines()[-1]
        assert "F1 Help" in footer


async def test_help_fits_80x24_and_scrolls_with_reading_keys(index: FakeIndex) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        box = app.screen.query_one("#help-box")
        assert box.region.width <= 80 and box.region.height <= 24
        assert box.max_scroll_y > 0
        await pilot.press("j")
        assert box.scroll_y == 1
        await pilot.press("space")
        assert box.scroll_y > 1
        await pilot.press("G")
        assert box.scroll_y == box.max_scroll_y
        assert "date:[2007 to 2008]" in screen_text(app)
        await pilot.press("g")
        assert box.scroll_y == 0
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


def test_the_header_names_the_archive_as_a_person_knows_it(tmp_path: Path) -> None:
    assert archive_label(Archive.bundled()) == "bundled archive"
    fetched = data_dir() / "archives" / "enews.tufts.edu"
    fetched.mkdir(parents=True)
    assert archive_label(Archive(fetched)) == "enews.tufts.edu"
    folder = tmp_path / "my-saved-pages"
    folder.mkdir()
    assert archive_label(Archive(folder)) == "my-saved-pages"


async def test_the_theme_is_remembered(index: FakeIndex) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dark = app.current_theme.dark
        await pilot.press("ctrl+t")
        await pilot.pause()
        chosen = app.theme
        assert app.current_theme.dark is not dark
    assert (config_dir() / "settings.json").is_file()
    again = EnewsApp(index.archive, index)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert again.theme == chosen


async def test_a_copy_notice_is_one_short_line_clear_of_the_contacts(index: FakeIndex) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await read(pilot, 1)
        app.screen.query_one(ContactPanel).focus()
        await pilot.press("c")
        await settle(pilot)
        assert notices(app)[-1].startswith("Copied Person 0's contact")
        toast = app.screen.query_one("Toast")
        box = app.screen.query_one("#contact-box")
        assert toast.region.height == 1
        assert not toast.region.overlaps(box.region)


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)])
async def test_notices_never_cover_the_story_or_its_contacts(
    index: FakeIndex, size: tuple[int, int]
) -> None:
    """A notice while reading (a copy, opening the page) sits over the footer's keys, not over
    the story's title and date line, its text, or the contact panel, at every size."""
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        reader = await read(pilot, 0)
        await pilot.press("C")
        await settle(pilot)
        assert notices(app)[-1].startswith("Copied Person 0's contact")
        toast = app.screen.query_one("Toast")
        assert toast.region.height == 1
        for covered in (reader, app.screen.query_one("#contact-box")):
            assert not toast.region.overlaps(covered.region), covered
        assert toast.region.y == size[1] - 1  # the footer's line


async def test_the_placeholder_summary_before_a_story(index: FakeIndex) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(120, 40)):
        summary = app.screen.query_one("#contact-summary", Static)
        assert "open a story" in str(summary.content)


class HeldRelatedIndex(FakeIndex):
    """`related` waits for `release` once `hold` is set (as it waits for a slow search)."""

    def __init__(self, stories: list[Story]) -> None:
        super().__init__(stories)
        self.hold, self.release = threading.Event(), threading.Event()

    def related(self, story_id: str, limit: int = 5) -> list[StorySummary]:
        """The first few other stories, once released."""
        if self.hold.is_set():
            self.release.wait(10)
        return super().related(story_id, limit)


async def test_going_back_lands_where_it_was_while_related_stories_wait() -> None:
    """Back from a related story: the story before shows at once (its related stories are not
    asked for first), scrolled to where it was, and stays there when they arrive."""
    index = HeldRelatedIndex([_long_story(0), _long_story(1), _long_story(2)])
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        reader = await read(pilot, 0)
        related = reader.query_one(".reader-related", OptionList)
        related.focus()  # scrolls to the story's end, where they are
        await settle(pilot)
        where = reader.scroll_y
        assert where > 0
        related.highlighted = 0  # long-1
        index.hold.set()
        try:
            await pilot.press("enter")
            await until(pilot, lambda: reader.story is not None and reader.story.id == "long-1")
            assert not reader.query(".reader-related")  # held: the story did not wait for them
            await pilot.press("q")
            await until(pilot, lambda: reader.story is not None and reader.story.id == "long-0")
            await pilot.pause(0.1)
            assert reader.scroll_y == where
        finally:
            index.release.set()
        await settle(pilot)
        assert reader.story is not None and reader.story.id == "long-0"
        assert reader.scroll_y == where  # no jump when the related stories came
        assert reader.query_one(".reader-related", OptionList).option_count == 2


async def until(pilot: Pilot[Any], done: Callable[[], bool], seconds: float = 3.0) -> None:
    """Let the app run until `done()` (workers may be held, so not waiting for them)."""
    for _ in range(int(seconds / 0.05)):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError("the app never got there")
