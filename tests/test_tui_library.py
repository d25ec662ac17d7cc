"""The library in the reader, driven with Pilot over a real index: the contacts directory, the
timeline, and (on the main screen) read state, stars, notes and export."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
import vobject
from textual.widgets import Input, OptionList, Sparkline

from enews_tui import paths
from enews_tui.archive import Archive
from enews_tui.index import StoryIndex, open_index
from enews_tui.library import Library, open_library
from enews_tui.tui.app import EnewsApp
from enews_tui.tui.screens.directory import DirectoryScreen
from enews_tui.tui.screens.timeline import TimelineScreen, bar, with_date
from enews_tui.tui.widgets.reader import Reader
from enews_tui.tui.widgets.story_list import StoryList
from tests.library_pages import write_pages
from tests.tui_support import screen_text
from tests.tui_support import settle as settle_ui

#: These tests settle in shorter steps than the helper's default.
settle = partial(settle_ui, wait=0.1)


SIZE = (120, 40)


@pytest.fixture
def index(tmp_path: Path) -> Iterator[StoryIndex]:
    """The real index over twelve stories from 2007 to 2010."""
    root = write_pages(tmp_path / "archive")
    with open_index(Archive(root), cache_root=tmp_path / "cache") as ix:
        ix.refresh()
        yield ix


@pytest.fixture
def library(index: StoryIndex) -> Iterator[Library]:
    """The library in this test's data folder."""
    with open_library(index.archive) as lib:
        yield lib


def make_app(index: StoryIndex, library: Library) -> EnewsApp:
    """The app over the index and library, without the startup refresh."""
    return EnewsApp(index.archive, index, refresh_on_mount=False, library=library)


def list_ids(app: EnewsApp) -> list[str]:
    """The ids the story list shows."""
    return [row.id for row in app.main_screen.query_one(StoryList).rows]


async def test_directory_lists_everyone_searches_as_you_type_and_opens_a_story(
    index: StoryIndex, library: Library
) -> None:
    """p opens the directory: every person and office, merged; typing narrows it; enter goes
    to the person's stories, enter again opens one in the reader."""
    app = make_app(index, library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DirectoryScreen)
        names = [e.name for e in screen.shown]
        assert names == ["Alexander Reid", "Judith Rossi", "Kim Thurler", "Office of Publications"]
        assert "4 people and offices" in screen_text(app)
        await pilot.press("slash", *"thurl")
        await settle(pilot)
        assert [e.name for e in screen.shown] == ["Kim Thurler"]
        text = screen_text(app)
        assert "1 of 4 people and offices" in text and "617.627.3175" in text
        assert "Mentor Mothers Grow" in text and "Media Inquiries" in text
        await pilot.press("enter")  # to the list
        assert app.focused is screen.query_one("#people")
        await pilot.press("enter")  # to the stories
        stories = screen.query_one("#person-stories", OptionList)
        assert app.focused is stories and stories.highlighted == 0
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.screen is app.main_screen
        reader = app.main_screen.query_one(Reader)
        assert reader.story is not None and reader.story.id == "2009_nutrition"


async def test_directory_copies_and_exports_vcards(index: StoryIndex, library: Library) -> None:
    """c copies the highlighted entry; v writes its vCard, V every entry's, in the exports
    folder, and vobject reads them back."""
    app = make_app(index, library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("down", "down")  # Kim Thurler
        await pilot.press("c")
        await settle(pilot)
        assert app.clipboard.startswith("Kim Thurler (Media Inquiries) T: 617.627.3175")
        await pilot.press("v")
        await settle(pilot)
        card = vobject.readOne((paths.exports_dir() / "kim-thurler.vcf").read_text("utf-8"))
        assert card.fn.value == "Kim Thurler"
        assert "Students Track Elections (2010_elections)" in card.note.value
        await pilot.press("V")
        await settle(pilot)
        every = (paths.exports_dir() / "contacts.vcf").read_text("utf-8")
        assert len(list(vobject.readComponents(every))) == 4
        await pilot.press("escape")
        assert app.screen is app.main_screen


async def test_timeline_counts_and_a_chosen_year_or_month_narrows_the_list(
    index: StoryIndex, library: Library
) -> None:
    """t opens the timeline: a bar per year with its count, the months of the highlighted year;
    enter on a year puts date:YYYY into the search (next to the words typed), enter on a month
    date:YYYY-MM; x takes the date out again."""
    app = make_app(index, library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TimelineScreen)
        assert screen.counts.per_year == {2007: 3, 2008: 5, 2009: 2, 2010: 2}
        assert screen.year == 2008  # the busiest year is highlighted first
        assert len(screen.query_one(Sparkline).data or []) == 48
        text = screen_text(app)
        assert "12 dated stories, 2007–2010" in text
        assert "Months of 2008" in text
        await pilot.press("up", "enter")  # 2007
        await settle(pilot)
        assert app.screen is app.main_screen
        search = app.main_screen.query_one("#search", Input)
        assert search.value == "date:2007"
        assert sorted(list_ids(app)) == ["2007_library", "2007_rowing", "2007_solar"]
        search.value = "boathouse date:2007"
        await settle(pilot)
        app.main_screen.query_one(StoryList).focus()
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("down", "tab", *["down"] * 6, "enter")  # 2008, July
        await settle(pilot)
        assert search.value == "boathouse date:2008-07"
        assert list_ids(app) == ["2008_boathouse"]
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert search.value == "boathouse"


async def test_timeline_months_by_mouse(index: StoryIndex, library: Library) -> None:
    """A click on a month chooses it."""
    app = make_app(index, library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        months = app.screen.query_one("#months", OptionList)
        await pilot.click(months, offset=(4, 1 + 6))  # the seventh row: July
        await settle(pilot)
        assert app.main_screen.query_one("#search", Input).value == "date:2008-07"
        assert sorted(list_ids(app)) == ["2008_boathouse", "2008_mentors", "2008_vaccine"]


def test_with_date_and_bars() -> None:
    """A new date replaces the old one and keeps the words; bars grow in eighths."""
    assert with_date("crew date:2007 rowing", "date:2008-07") == "crew rowing date:2008-07"
    assert with_date("crew date:[2007 to 2008]", "") == "crew"
    assert with_date("", "date:2009") == "date:2009"
    assert bar(10, 10, 4) == "████" and bar(1, 10, 4) == "▍" and bar(0, 10, 4) == ""
    assert bar(1, 1000, 4) == "▏"  # one story still shows


def row_text(app: EnewsApp, story_id: str) -> str:
    """The list line showing `story_id`'s title, as the list renders it."""
    stories = app.main_screen.query_one(StoryList)
    index = [r.id for r in stories.rows].index(story_id)
    strip = stories.render_line(index - stories.scroll_offset.y)
    return "".join(segment.text for segment in strip)


def header(app: EnewsApp) -> str:
    """The header line."""
    return screen_text(app).splitlines()[0]


async def test_reading_marks_read_dims_counts_and_m_toggles(
    index: StoryIndex, library: Library
) -> None:
    """The header counts unread stories; opening one marks it read (kept in the library) and
    dims its row; m marks it unread again; resting on a story for a few seconds marks it read."""
    app = make_app(index, library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "12 unread" in header(app)
        stories = app.main_screen.query_one(StoryList)
        stories.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert library.mark("2010_elections").read
        assert "11 unread" in header(app)
        assert app.main_screen.marks["2010_elections"].read
        await pilot.press("m")
        await settle(pilot)
        assert not library.mark("2010_elections").read and "12 unread" in header(app)
        await pilot.press("escape")
        stories.focus()
        await pilot.press("down")
        await settle(pilot)
        assert not library.mark("2010_robots").read  # previewed, not yet long enough
        await pilot.pause(3.3)
        await settle(pilot)
        assert library.mark("2010_robots").read and "11 unread" in header(app)


async def test_next_unread_star_note_and_list_marks(index: StoryIndex, library: Library) -> None:
    """u jumps past read stories; f stars (★ in the list, is:starred finds it); a opens the
    note editor, whose text is saved on leaving (✎ in the list, note:word finds it)."""
    library.set_read(["2010_elections", "2010_robots"])
    app = make_app(index, library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        stories = app.main_screen.query_one(StoryList)
        stories.focus()
        assert "10 unread" in header(app)
        await pilot.press("u")
        await settle(pilot)
        assert stories.highlighted_id == "2009_dogs"
        await pilot.press("f")
        await settle(pilot)
        assert library.mark("2009_dogs").starred
        assert row_text(app, "2009_dogs").startswith("★Shelter Dogs")
        await pilot.press("down", "a")
        await settle(pilot)
        area = app.screen.query_one("#note-text")
        assert app.focused is area
        await pilot.press(*"Ask about ", "enter", *"the lunch budget")
        await pilot.press("escape")
        await settle(pilot)
        assert library.mark("2009_nutrition").note == "Ask about \nthe lunch budget"
        assert row_text(app, "2009_nutrition").startswith("✎School Lunch")
        search = app.main_screen.query_one("#search", Input)
        search.value = "is:starred"
        await settle(pilot)
        assert list_ids(app) == ["2009_dogs"]
        search.value = "note:budget"
        await settle(pilot)
        assert list_ids(app) == ["2009_nutrition"]
        search.value = "lunch -has:note"
        await settle(pilot)
        await pilot.pause(0.7)  # no hits: the list empties once typing pauses
        assert list_ids(app) == []
        stories.focus()
        await pilot.press("f")  # the list is empty: the key acts on the story in the reader
        await settle(pilot)
        assert library.mark("2009_nutrition").starred


async def test_note_editor_discard_and_export(index: StoryIndex, library: Library) -> None:
    """ctrl+g leaves the note editor without saving; e exports the story in the reader, with
    its note and citation, as Markdown in the exports folder."""
    library.set_note("2010_elections", "First-time voters")
    app = make_app(index, library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main_screen.query_one(StoryList).focus()
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("a", *" changed", "ctrl+g")
        await settle(pilot)
        assert library.mark("2010_elections").note == "First-time voters"
        await pilot.press("e")
        await settle(pilot)
        exported = (paths.exports_dir() / "2010_elections.md").read_text("utf-8")
        assert exported.startswith("# Students Track Elections\n")
        assert "> First-time voters" in exported and "## Citation" in exported


async def test_library_keys_are_typed_in_the_search_bar(
    index: StoryIndex, library: Library
) -> None:
    """m, u, f, a, e, p and t in the search bar are letters of the query."""
    app = make_app(index, library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"muftape")
        await settle(pilot)
        assert app.main_screen.query_one("#search", Input).value == "muftape"
        assert app.screen is app.main_screen and library.marks() == {}
        footer = screen_text(app).splitlines()[-1]
        assert " Star " not in footer and " People " not in footer  # not offered while typing
        app.main_screen.query_one(StoryList).focus()
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert " Star " in footer and " Note " in footer


async def test_palette_lists_the_library_commands(index: StoryIndex, library: Library) -> None:
    """The command palette offers the library's actions and the two screens."""
    from enews_tui.tui.commands import EnewsCommands

    app = make_app(index, library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        provider = EnewsCommands(app.screen)
        names = [str(hit.prompt) async for hit in provider.discover()]
        for wanted in ("Star / unstar", "Edit the note", "Next unread story", "Export the story"):
            assert wanted in names
        assert "People: the contacts directory" in names
        assert "Timeline: stories per year and month" in names


async def test_a_star_just_before_quitting_is_saved(index: StoryIndex, library: Library) -> None:
    """Quitting right after f: the app waits for the write, and the star is in the library."""
    app = make_app(index, library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main_screen.query_one(StoryList).focus()
        await pilot.press("f", "q")
    assert app.main_screen.wait_saved(5.0)
    assert library.starred() == ["2010_elections"]


async def test_hostile_names_and_titles_stay_text_in_the_directory(tmp_path: Path) -> None:
    """A contact and a title carrying markup and escape sequences show as plain text in the
    directory (no action runs when clicked, nothing raw reaches the terminal)."""
    import shutil

    root = write_pages(tmp_path / "hostile-archive")
    shutil.copy(Path(__file__).parent / "tui_pages" / "2010_hostile.txt", root / "hostile.txt")
    with (
        open_index(Archive(root), cache_root=tmp_path / "cache") as ix,
        open_library(ix.archive) as lib,
    ):
        ix.refresh()
        app = make_app(ix, lib)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("p")
            await settle(pilot)
            await pilot.press("slash", *"mallory", "enter", "enter")
            await settle(pilot)
            text = screen_text(app)
            assert "Eve Mallory" in text and "\x1b" not in text
            assert "[@click=app.quit]Click Me[/]" in text
            await pilot.click("#person-stories", offset=(20, 1))
            await settle(pilot)
            assert app.is_running and app.screen is app.main_screen
