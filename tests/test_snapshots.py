"""Reviewed pictures of the app at three terminal sizes, over a real index of four stories."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from enews_tui.archive import Archive
from enews_tui.index import StoryIndex, open_index
from enews_tui.tui.app import EnewsApp
from enews_tui.tui.screens import library_keys
from enews_tui.tui.widgets.contacts import ContactPanel
from tests.support import SEED
from tests.tui_support import settle

PAGES = Path(__file__).parent / "tui_pages"
#: The most common terminal, a roomy one, and a wide one.
SIZES = [(80, 24), (120, 40), (200, 60)]
SIZE_IDS = ["80x24", "120x40", "200x60"]


@pytest.fixture(autouse=True)
def _no_reading_while_pictured(monkeypatch: pytest.MonkeyPatch) -> None:
    """A story previewed for the picture is not marked read however slow the machine is."""
    monkeypatch.setattr(library_keys, "READ_AFTER", 3600.0)


@pytest.fixture
def index(tmp_path: Path) -> Iterator[StoryIndex]:
    """The seed story and the UI test pages, indexed in this test's own cache folder."""
    root = tmp_path / "archive"
    root.mkdir()
    shutil.copy(SEED, root / SEED.name)
    for page in sorted(PAGES.glob("*.txt")):
        shutil.copy(page, root / page.name)
    with open_index(Archive(root), cache_root=tmp_path / "cache") as ix:
        ix.refresh()
        yield ix


def _app(index: StoryIndex) -> EnewsApp:
    app = EnewsApp(index.archive, index, refresh_on_mount=False)
    app.sub_title = "test archive"  # the temporary folder's name
    return app


async def _search(pilot: Pilot[Any], query: str) -> None:
    await settle(pilot)
    await pilot.press("slash")
    pilot.app.screen.query_one("#search", Input).value = query
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_browsing(snap_compare: Any, index: StoryIndex, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("down", "down")
        await settle(pilot)

    assert snap_compare(_app(index), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_search_marks_the_matched_words(
    snap_compare: Any, index: StoryIndex, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _search(pilot, "mothers")

    assert snap_compare(_app(index), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_story_open_with_a_hit(snap_compare: Any, index: StoryIndex, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _search(pilot, "mentor")
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.press("n")

    assert snap_compare(_app(index), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_contact_panel(snap_compare: Any, index: StoryIndex, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _search(pilot, "smalley")
        await pilot.press("enter", "enter")
        await settle(pilot)
        pilot.app.screen.query_one(ContactPanel).focus()
        await pilot.press("down", "down")

    assert snap_compare(_app(index), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_help_screen_light_theme(
    snap_compare: Any, index: StoryIndex, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("ctrl+t", "question_mark")

    assert snap_compare(_app(index), run_before=run_before, terminal_size=size)
