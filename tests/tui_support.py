"""Helpers for the UI tests: what a running app shows, and what it writes to the terminal."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Static

from enews_tui.tui.widgets.story_list import StoryList


def screen_text(app: App[Any]) -> str:
    """Everything on screen, as plain text. It looks inside on purpose (the compositor's
    `render_strips`): what the user sees is the assertion, and Textual's only public view of the
    painted screen is an SVG screenshot, whose text is split and escaped."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def settle(pilot: Pilot[Any], wait: float = 0.2) -> None:
    """Let timers fire (`wait` seconds, twice) and the app's and the screen's workers finish,
    then let the UI catch up."""
    for _ in range(2):
        await pilot.pause(wait)
        await pilot.app.workers.wait_for_complete()
        await pilot.app.screen.workers.wait_for_complete()
        await pilot.pause()


def status(app: App[Any]) -> str:
    """The line under the search bar."""
    return str(app.screen.query_one("#search-status", Static).content)


def notices(app: App[Any]) -> list[str]:
    """The notices on screen now, oldest first, each as its toast reads (a title, if it has one,
    on the line above the message). Read off the screen's `Toast` widgets, so a test asks for
    them with `run_test(notifications=True)` and lets the app paint first (a toast is mounted a
    turn or two of the message loop after `notify`); an expired notice is gone, as on screen."""
    shown: list[str] = []
    for toast in app.screen.query("Toast"):
        content = toast.render()
        shown.append(content.plain if isinstance(content, Content) else str(content))
    return shown


def focused_widget(app: App[Any]) -> object:
    """The focused widget (typed loosely: a test compares it with several in turn)."""
    return app.focused


def capture_output(app: App[Any]) -> list[str]:
    """Record every string the app writes to the terminal from now on (still writing it). It
    wraps the app's driver (private) on purpose: the bytes sent to the terminal (escape
    sequences, OSC 52) are what these tests check, and only the driver sees them."""
    written: list[str] = []
    driver = app._driver
    assert driver is not None
    real_write = driver.write

    def tee(data: str) -> None:
        written.append(data)
        real_write(data)

    driver.write = tee  # type: ignore[method-assign]
    return written


def point_at(app: App[Any], story_id: str) -> StoryList:
    """Put the story list's cursor on `story_id` (a row it shows); the list, for more."""
    stories = app.screen.query_one(StoryList)
    stories.cursor = [row.id for row in stories.rows].index(story_id)
    return stories
