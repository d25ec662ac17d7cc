"""The reader's main flows, driven with Pilot over the real index of a small temporary archive."""

from __future__ import annotations

import base64
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from enews_tui.archive import Archive
from enews_tui.index import StoryIndex, open_index
from enews_tui.model import SearchHit
from enews_tui.paths import state_dir
from enews_tui.tui import clipboard
from enews_tui.tui.app import EnewsApp
from enews_tui.tui.screens.help import HelpScreen
from enews_tui.tui.widgets.contacts import ContactPanel
from enews_tui.tui.widgets.reader import Reader
from enews_tui.tui.widgets.story_list import StoryList
from tests.support import SEED, SEED_ID
from tests.tui_support import capture_output, notices, point_at, screen_text, settle, status

PAGES = Path(__file__).parent / "tui_pages"
SIZE = (140, 44)
KIM = "Kim Thurler (Media Inquiries) T: 617.627.3175 F: 617.627.4907"


@pytest.fixture
def archive_root(tmp_path: Path) -> Path:
    """The seed story, two more in the same text format, and a hostile page."""
    root = tmp_path / "archive"
    root.mkdir()
    shutil.copy(SEED, root / SEED.name)
    for page in PAGES.glob("*.txt"):
        shutil.copy(page, root / page.name)
    return root


@pytest.fixture
def index(archive_root: Path, tmp_path: Path) -> Iterator[StoryIndex]:
    """The real index over the temporary archive, built before the app starts."""
    with open_index(Archive(archive_root), cache_root=tmp_path / "cache") as ix:
        ix.refresh()
        yield ix


@pytest.fixture
def native_copies(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Pretend xclip exists; collect what it would have been fed."""
    fed: list[bytes] = []

    def fake_run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        assert kwargs["stdout"] is subprocess.DEVNULL
        fed.append(kwargs["input"])
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(clipboard, "native_copy_command", lambda: ["xclip"])
    monkeypatch.setattr(subprocess, "run", fake_run)
    return fed


def focused(app: EnewsApp) -> str | None:
    """The id of the focused widget."""
    return app.focused.id if app.focused is not None else None


def reader_text(reader: Reader) -> str:
    """Every block of the open story, scrolled into view or not."""
    return "\n".join(str(block.content) for block in reader.query(Static))


async def open_story(pilot: Pilot[Any], story_id: str) -> None:
    """Move the list's cursor to `story_id`, press enter and wait for the story."""
    point_at(pilot.app, story_id)
    await pilot.press("enter")
    await settle(pilot)


async def search(pilot: Pilot[Any], query: str) -> None:
    """Focus the search bar, type `query` and wait for its answer."""
    await pilot.press("slash")
    pilot.app.screen.query_one("#search", Input).value = query
    await settle(pilot)


async def test_launch_lists_every_story_newest_first(index: StoryIndex) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = app.screen.query_one(StoryList).rows
        assert [r.id for r in rows][:3] == ["2010_hostile", "2009_mentors", SEED_ID]
        assert rows[-1].id == "2007_council"
        assert status(app) == "4 stories"
        assert "One Less Statistic" in screen_text(app)
        assert "2008-07-23" in screen_text(app)
        assert focused(app) == "story-list"


async def test_moving_in_the_list_previews_each_story(index: StoryIndex) -> None:
    """The reader follows the list cursor once it rests; the focus stays in the list."""
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        stories = app.screen.query_one(StoryList)
        reader = app.screen.query_one(Reader)
        assert reader.story is not None and reader.story.id == stories.rows[0].id
        for step in (1, 2, 1):
            stories.cursor = step
            await settle(pilot)
            assert reader.story is not None and reader.story.id == stories.rows[step].id
            assert app.focused is stories
        # The story already previewed is the top hit of a query: resting on it again shows it
        # with the query's words marked.
        point_at(app, SEED_ID)
        await settle(pilot)
        assert reader.story is not None and reader.story.id == SEED_ID
        assert reader.border_title == "Story"
        await search(pilot, "arthroscopic")
        assert [r.id for r in stories.rows] == [SEED_ID]
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is stories
        assert reader.story is not None and reader.story.id == SEED_ID
        assert reader.border_title.endswith("1 hit: n / N")


async def test_typing_a_word_finds_the_seed_with_marked_hits(index: StoryIndex) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search(pilot, "arthroscopic")
        rows = app.screen.query_one(StoryList).rows
        assert [r.id for r in rows] == [SEED_ID]
        hit = rows[0]
        assert isinstance(hit, SearchHit) and hit.spans
        start, end = hit.spans[0]
        assert hit.snippet[start:end].lower().startswith("arthroscopic")
        assert status(app) == "1 of 4 stories"
        assert hit.snippet[start:end] in screen_text(app)  # the marked word is on screen


async def test_enter_goes_to_the_top_hit_and_opens_the_story(index: StoryIndex) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"smalley", "enter")
        await settle(pilot)
        stories = app.screen.query_one(StoryList)
        assert focused(app) == "story-list" and stories.cursor == 0
        assert status(app).endswith("of 4 stories")
        assert stories.highlighted_id in {SEED_ID, "2009_mentors"}
        await open_story(pilot, SEED_ID)
        reader = app.screen.query_one(Reader)
        assert reader.story is not None and reader.story.title == "One Less Statistic"
        assert focused(app) == "reader"
        text = screen_text(app)
        assert "July 23, 2008 · Medford/Somerville, Mass." in text
        assert "A Support System" in reader_text(reader)  # a subheading
        assert "Profile by Kaitlin Melanson, Web Communications" in reader_text(reader)
        # The search term is marked; n walks the hits.
        assert reader.hit_count >= 5
        await pilot.press("n", "n")
        assert reader.border_title == f"Story · hit 2 of {reader.hit_count}"
        await pilot.press("N", "N")
        assert reader.border_title == f"Story · hit {reader.hit_count} of {reader.hit_count}"
        # The contact panel groups contacts as the page did.
        panel = app.screen.query_one(ContactPanel)
        labels = [str(panel.get_option_at_index(i).prompt) for i in range(panel.option_count)]
        assert "For More Information" in labels and "Media Inquiries" in labels
        assert labels.index("Media Inquiries") < labels.index(
            next(x for x in labels if x.startswith("Kim Thurler"))
        )
        await pilot.press("escape")
        assert focused(app) == "story-list"


async def test_c_copies_the_first_or_chosen_contact_and_C_copies_all(
    index: StoryIndex, native_copies: list[bytes]
) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await open_story(pilot, SEED_ID)
        contacts = app.screen.query_one(ContactPanel).contacts
        first = contacts[0]
        await pilot.press("c")  # from the reader: the first contact
        await settle(pilot)
        assert app.clipboard.startswith(first.name)
        assert native_copies[-1] == app.clipboard.encode()
        # Choose Kim Thurler in the contact panel, then copy just that entry.
        panel = app.screen.query_one(ContactPanel)
        panel.focus()
        while (
            panel.highlighted_contact is not None
            and panel.highlighted_contact.name != "Kim Thurler"
        ):
            await pilot.press("j")
        await pilot.press("c")
        await settle(pilot)
        assert app.clipboard == KIM
        assert native_copies[-1] == KIM.encode()
        assert notices(app)[-1].startswith("Copied Kim Thurler's contact")
        # C copies all, from the list too; the terminal gets it as OSC 52.
        written = capture_output(app)
        await pilot.press("escape", "C")
        await settle(pilot)
        osc52 = "\x1b]52;c;" + base64.b64encode(app.clipboard.encode()).decode() + "\x07"
        assert osc52 in "".join(written)
        lines = app.clipboard.splitlines()
        assert len(lines) == len(contacts) and KIM in lines
        assert "Suzanne McInroy (Media Inquiries) T: 617.627.4703 F: 617.627.4907" in lines
        message = notices(app)[-1]
        assert message == f"Copied {len(contacts)} contacts (also via xclip)"


async def test_without_a_clipboard_tool_the_copy_is_kept_in_a_file(
    index: StoryIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over SSH with no tool and a terminal that may ignore OSC 52, the text is still reachable."""
    monkeypatch.setattr(clipboard, "native_copy_command", lambda: None)
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await open_story(pilot, SEED_ID)
        await pilot.press("C")
        await settle(pilot)
        saved = state_dir() / "last-copied.txt"
        assert saved.read_text(encoding="utf-8") == app.clipboard + "\n"
        assert KIM in app.clipboard
        assert "(also saved to last-copied.txt)" in notices(app)[-1]


async def test_no_hits_offer_a_suggestion_and_a_bad_query_says_why(index: StoryIndex) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search(pilot, "zzqqxx")
        await pilot.pause(0.7)  # "no stories match" waits for a pause in typing
        assert status(app).startswith("No stories match")
        await search(pilot, "mothrs")
        await pilot.pause(0.7)
        assert app.screen.query_one(StoryList).rows == () or status(app).startswith("No stories")
        if index.search("mothrs").suggestion:
            assert "Did you mean: mothers" in status(app)
        await search(pilot, '"mentor mothers')  # while typing, the phrase is closed for it
        assert "quote" not in status(app)
        await pilot.press("enter")  # as typed now: the open quote is a mistake
        await settle(pilot)
        assert "quote" in status(app)
        assert "-error" in app.screen.query_one("#search-status").classes
        assert app.screen.query_one("#search", Input).value == '"mentor mothers'
        await search(pilot, "")
        assert status(app) == "4 stories"


async def test_related_stories_open_and_mouse_clicks_work(index: StoryIndex) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        stories = app.screen.query_one(StoryList)
        row = [r.id for r in stories.rows].index("2009_mentors")
        await pilot.click(stories, offset=(5, 1 + stories.line_of(row)))  # 1: the top border
        await settle(pilot)
        reader = app.screen.query_one(Reader)
        assert reader.story is not None and reader.story.id == "2009_mentors"
        related = reader.query_one(".reader-related", OptionList)
        ids = [related.get_option_at_index(i).id for i in range(related.option_count)]
        assert ids and "2009_mentors" not in ids
        related.focus()
        related.highlighted = 0
        await pilot.press("enter")
        await settle(pilot)
        assert reader.story is not None and reader.story.id == ids[0]


async def test_tab_walks_the_panes(index: StoryIndex) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = []
        for _ in range(4):
            await pilot.press("tab")
            seen.append(app.focused.id if app.focused else None)
        assert {"reader", "contacts", "story-list"} <= set(seen)
        assert "search" not in seen  # only / goes to the search bar
        await pilot.press("shift+tab")
        assert focused(app) == seen[-2]


async def test_help_theme_and_command_palette(index: StoryIndex) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("question_mark", "f1"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            assert "Query syntax" in screen_text(app) and "date:[2007 to 2008]" in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, HelpScreen)
        footer = screen_text(app).splitlines()[-1]
        assert "? Help" in footer
        await pilot.press("slash")  # in the search bar `?` is a character: F1 is help there
        await pilot.pause(0.1)
        footer = screen_text(app).splitlines()[-1]
        assert "F1 Help" in footer and "? Help" not in footer
        await pilot.press("question_mark", "f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert app.screen_stack[0].query_one("#search", Input).value == "?"
        await pilot.press("escape")  # help closes; the search bar has focus again
        await pilot.pause()
        await pilot.press("backspace", "escape")
        await settle(pilot)
        dark = app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark is not dark
        await open_story(pilot, "2007_council")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"copy all")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.clipboard == "Alexander Reid (Media Inquiries) T: 617.627.4173 F: 617.627.4907"


async def test_launch_refreshes_the_index_and_the_list_follows(
    index: StoryIndex, archive_root: Path
) -> None:
    new_page = (PAGES / "2009_mentors.txt").read_text().replace("Kenya", "Uganda")
    (archive_root / "2011_uganda.txt").write_text(new_page)
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ids = [r.id for r in app.screen.query_one(StoryList).rows]
        assert "2011_uganda" in ids and len(ids) == 5
        assert status(app) == "5 stories"
        assert "Index: 5 stories" in str(app.screen.query_one("#refresh-status", Static).content)


async def test_first_launch_builds_the_index_with_progress(
    archive_root: Path, tmp_path: Path
) -> None:
    with open_index(Archive(archive_root), cache_root=tmp_path / "fresh") as ix:
        app = EnewsApp(ix.archive, ix)
        progressed: list[Message] = []
        async with app.run_test(size=SIZE, message_hook=progressed.append) as pilot:
            await settle(pilot)
            assert len(app.screen.query_one(StoryList).rows) == 4
        names = {type(m).__name__ for m in progressed}
        assert "RefreshProgressed" in names and "IndexRefreshed" in names


async def test_a_hostile_page_shows_as_inert_text(index: StoryIndex) -> None:
    app = EnewsApp(index.archive, index)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        stories = app.screen.query_one(StoryList)
        assert stories.rows[0].id == "2010_hostile"
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen.query_one(Reader)
        assert reader.story is not None and reader.story.id == "2010_hostile"
        text = screen_text(app)
        assert "[@click=app.quit]Click Me[/]" in text
        shown = reader_text(reader)
        assert "[bold red]not bold[/bold red]" in shown and "stray [/i] closer" in shown
        assert "[link=https://evil.example]a link[/link]" in shown
        assert not any(c in shown for c in "\x1b\x07\x9b\x9c")
        assert not any(c in text for c in "\x1b\x07\x9b\x9c")
        assert "PWNED" not in text and "52;c" not in text
        await pilot.click(reader.query_one(".reader-title"))
        await pilot.press("C")
        await settle(pilot)
        assert app.is_running
        assert app.clipboard == "Eve Mallory (Media Inquiries) T: 617.627.0000 F: 617.627.0001"
        assert notices(app)[-1].startswith("Copied Eve Mallory's contact")
        assert "Story by Mallory Evil, Web Communications" in reader_text(reader)


async def test_the_app_paints_and_takes_keys_while_the_index_opens(
    index: StoryIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening is a state of its own: the screen says so and takes a query; when the index is
    open (a message, not a blocked UI thread) the list loads and the query is answered."""
    import threading

    import enews_tui.index
    from enews_tui.tui.app import IndexOpening

    release = threading.Event()

    def slow_open(archive: Archive, *args: Any, **kwargs: Any) -> StoryIndex:
        release.wait(10)
        return index

    monkeypatch.setattr(enews_tui.index, "open_index", slow_open)
    opening = IndexOpening(index.archive)
    app = EnewsApp(index.archive, opening, refresh_on_mount=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        assert status(app) == "Opening the index…"
        assert app.index is None and "E-News reader" in screen_text(app)
        await pilot.press("slash")
        app.screen.query_one("#search", Input).value = "mentor"
        await pilot.pause(0.3)
        assert status(app) == "Opening the index…"  # nothing searched, nothing broken
        release.set()
        await settle(pilot)
        assert app.index is not None
        rows = app.screen.query_one(StoryList).rows
        expected = index.search("mentor", limit=30)
        assert expected.total and [r.id for r in rows] == [h.id for h in expected.hits]
        assert status(app).startswith(f"{expected.total} of ")


async def test_a_story_opens_while_a_search_is_held(
    index: StoryIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow search holds the index's search lock; opening a story must not wait for it: the
    story shows at once, its related stories (which need the searcher) come after, at its end."""
    import threading

    from enews_tui.index.query import search as searching

    searching_now, release = threading.Event(), threading.Event()
    real_search = searching.search

    def held_search(*args: Any, **kwargs: Any) -> Any:
        searching_now.set()
        release.wait(10)
        return real_search(*args, **kwargs)

    app = EnewsApp(index.archive, index)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(searching, "search", held_search)
        await pilot.press("slash")
        app.screen.query_one("#search", Input).value = "mentor"
        for _ in range(100):
            if searching_now.is_set():
                break
            await pilot.pause(0.05)
        assert searching_now.is_set(), "the search never started"
        try:
            point_at(app, "2009_mentors").focus()
            await pilot.press("enter")
            reader = app.screen.query_one(Reader)
            for _ in range(60):  # 3 s: the search is held for 10
                if reader.story is not None and reader.story.id == "2009_mentors":
                    break
                await pilot.pause(0.05)
            assert reader.story is not None and reader.story.id == "2009_mentors"
            assert "Mentor" in reader_text(reader)
            assert not reader.query(".reader-related")  # they wait for the search
        finally:
            release.set()
        await settle(pilot)
        related = reader.query_one(".reader-related", OptionList)
        assert related.option_count and reader.children[-1] is related  # at the story's end
        assert reader.story.id == "2009_mentors"
