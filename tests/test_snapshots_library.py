"""Reviewed pictures of the library's screens: the contacts directory and the timeline, at the
most common terminal size and a larger one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from enews_tui.archive import Archive
from enews_tui.index import StoryIndex, open_index
from enews_tui.library import open_library
from enews_tui.tui.app import EnewsApp
from enews_tui.tui.screens import library_keys
from tests.library_pages import write_pages
from tests.tui_support import settle

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def _no_reading_while_pictured(monkeypatch: pytest.MonkeyPatch) -> None:
    """A story previewed for the picture is not marked read however slow the machine is."""
    monkeypatch.setattr(library_keys, "READ_AFTER", 3600.0)


@pytest.fixture
def index(tmp_path: Path) -> Iterator[StoryIndex]:
    """Twelve stories from 2007 to 2010, four people and offices."""
    root = write_pages(tmp_path / "archive")
    with open_index(Archive(root), cache_root=tmp_path / "cache") as ix:
        ix.refresh()
        yield ix


def _app(index: StoryIndex) -> EnewsApp:
    app = EnewsApp(
        index.archive, index, refresh_on_mount=False, library=open_library(index.archive)
    )
    app.sub_title = "library fixtures"
    return app


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_contacts_directory(snap_compare: Any, index: StoryIndex, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("down", "down")
        await settle(pilot)

    assert snap_compare(_app(index), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_timeline(snap_compare: Any, index: StoryIndex, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("tab", *["down"] * 6)
        await settle(pilot)

    assert snap_compare(_app(index), run_before=run_before, terminal_size=size)
