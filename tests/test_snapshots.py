"""Reviewed pictures of the app at a fixed size, from the bundled archive and its real index."""

from __future__ import annotations

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

SIZE = (120, 36)


@pytest.fixture(autouse=True)
def _no_reading_while_pictured(monkeypatch: pytest.MonkeyPatch) -> None:
    """A story previewed for the picture is not marked read however slow the machine is."""
    monkeypatch.setattr(library_keys, "READ_AFTER", 3600.0)


@pytest.fixture
def index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[StoryIndex]:
    """The bundled archive's index, built in this test's own cache folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with open_index(Archive.bundled()) as ix:
        ix.refresh()
        yield ix


def _app(index: StoryIndex) -> EnewsApp:
    app = EnewsApp(index.archive, index)
    app.sub_title = "bundled archive"  # the folder's name differs between checkout and wheel
    return app


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(2):
        await pilot.pause(0.2)
        await pilot.app.workers.wait_for_complete()
        await pilot.app.screen.workers.wait_for_complete()
        await pilot.pause()


def test_browsing(snap_compare: Any, index: StoryIndex) -> None:
    assert snap_compare(_app(index), run_before=_settle, terminal_size=SIZE)


def test_search_marks_the_matched_words(snap_compare: Any, index: StoryIndex) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _settle(pilot)
        await pilot.press("slash")
        pilot.app.screen.query_one("#search", Input).value = "mothers"
        await _settle(pilot)

    assert snap_compare(_app(index), run_before=run_before, terminal_size=SIZE)


def test_story_with_contacts_and_a_hit(snap_compare: Any, index: StoryIndex) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _settle(pilot)
        await pilot.press("slash")
        pilot.app.screen.query_one("#search", Input).value = "mentor"
        await _settle(pilot)
        await pilot.press("enter", "enter")
        await _settle(pilot)
        await pilot.press("n")
        pilot.app.screen.query_one(ContactPanel).focus()
        await pilot.press("down", "down")

    assert snap_compare(_app(index), run_before=run_before, terminal_size=SIZE)


def test_help_screen_light_theme(snap_compare: Any, index: StoryIndex) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _settle(pilot)
        await pilot.press("ctrl+t", "question_mark")

    assert snap_compare(_app(index), run_before=run_before, terminal_size=SIZE)
