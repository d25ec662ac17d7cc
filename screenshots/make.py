"""Regenerate the README pictures (SVG, and PNG through rsvg-convert) from the bundled archive.

    python screenshots/make.py

Needs `rsvg-convert` (librsvg2-bin) and the fonts fonts-firacode and fonts-symbola for clean PNGs;
without rsvg-convert only the SVGs are written. The index is built in a temporary cache folder.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from textual.pilot import Pilot  # noqa: E402
from textual.widgets import Input  # noqa: E402

from enews_tui.archive import Archive  # noqa: E402
from enews_tui.tui.app import EnewsApp  # noqa: E402
from enews_tui.tui.widgets.contacts import ContactPanel  # noqa: E402

SIZE = (120, 34)
#: PNG pixels per terminal column (1600 pixels for 120 columns).
PNG_CELL = 40 / 3


async def settle(pilot: Pilot[Any]) -> None:
    """Let timers fire and workers finish."""
    for _ in range(2):
        await pilot.pause(0.2)
        await pilot.app.workers.wait_for_complete()
        await pilot.app.screen.workers.wait_for_complete()
        await pilot.pause()


async def browsing(pilot: Pilot[Any]) -> None:
    """The list of stories as the app opens."""


async def search(pilot: Pilot[Any]) -> None:
    """A search with its matched words marked."""
    await pilot.press("slash")
    pilot.app.screen.query_one("#search", Input).value = "mothers africa"
    await settle(pilot)


async def story(pilot: Pilot[Any]) -> None:
    """A story, its contact panel, a hit marked, and the notice after copying a contact."""
    await search(pilot)
    await pilot.press("enter", "enter")
    await settle(pilot)
    await pilot.press("n")
    panel = pilot.app.screen.query_one(ContactPanel)
    panel.focus()
    for _ in range(10):
        chosen = panel.highlighted_contact
        if chosen is not None and chosen.name == "Kim Thurler":
            break
        await pilot.press("down")
    await pilot.press("c")
    await settle(pilot)


async def people(pilot: Pilot[Any]) -> None:
    """The contacts directory, one person chosen: the stories naming them."""
    await pilot.press("p")
    await settle(pilot)
    await pilot.press("down", "down")
    await settle(pilot)


async def reading(pilot: Pilot[Any]) -> None:
    """The most common terminal, 80x24: a story found by part of a word, read full-screen."""
    await pilot.press("slash")
    pilot.app.screen.query_one("#search", Input).value = "mento"  # part of a word
    await settle(pilot)
    await pilot.press("enter", "enter")
    await settle(pilot)
    await pilot.press("n")


Drive = Callable[[Pilot[Any]], Awaitable[None]]
#: name: (how to get there, terminal size)
SHOTS: dict[str, tuple[Drive, tuple[int, int]]] = {
    "browsing": (browsing, SIZE),
    "search": (search, SIZE),
    "story": (story, SIZE),
    "reading-80x24": (reading, (80, 24)),
    "people": (people, SIZE),
}


async def shoot(name: str, drive: Drive, size: tuple[int, int]) -> Path:
    """Drive a fresh app to the wanted state and save its SVG."""
    from enews_tui.index import open_index

    with open_index(Archive.bundled()) as index:
        app = EnewsApp(index.archive, index, bundled_notice=True)  # as `enews-tui` opens it
        async with app.run_test(size=size, notifications=True) as pilot:
            await settle(pilot)
            await drive(pilot)
            await pilot.pause()
            return Path(app.save_screenshot(f"{name}.svg", path=str(HERE)))


def main() -> int:
    """Write screenshots/<name>.svg and .png for each shot."""
    with tempfile.TemporaryDirectory() as home:
        for key in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
            os.environ[key] = os.path.join(home, key.lower())  # not the user's index or theme
        for key in ("DISPLAY", "WAYLAND_DISPLAY", "NO_COLOR"):  # no real clipboard writes
            os.environ.pop(key, None)
        for name, (drive, size) in SHOTS.items():
            svg = asyncio.run(shoot(name, drive, size))
            print(svg.relative_to(HERE.parent))
            if shutil.which("rsvg-convert"):
                png = svg.with_suffix(".png")
                subprocess.run(
                    [
                        "rsvg-convert",
                        "-w",
                        str(round(size[0] * PNG_CELL)),
                        str(svg),
                        "-o",
                        str(png),
                    ],
                    check=True,
                )
                print(png.relative_to(HERE.parent))
            else:
                print("rsvg-convert not found: PNG skipped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
