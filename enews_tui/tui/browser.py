"""Opening a story's page in a web browser (Python's `webbrowser`), never in this terminal."""

from __future__ import annotations

import os
import sys
import webbrowser

from enews_tui.model import Story

#: Browsers that draw in the terminal: opened from the app, they would take over its screen.
CONSOLE_BROWSERS = frozenset({"www-browser", "links", "elinks", "lynx", "w3m", "browsh"})


def story_address(story: Story) -> str | None:
    """The address to open for `story`: its archived copy (replay URL), else its original URL."""
    if story.archived is not None and story.archived.replay_url:
        return story.archived.replay_url
    return story.url or None


def open_in_browser(url: str) -> bool:
    """Open `url` in a graphical browser; False when none can open it here (over SSH, say).

    A console browser (lynx, w3m, `www-browser`: what `webbrowser` falls back to without a
    display) would take over the terminal the app is drawing in, so it counts as none.
    """
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return False
    if isinstance(browser, webbrowser.GenericBrowser) and not _graphical(browser):
        return False
    try:
        return bool(browser.open(url, new=2))
    except (OSError, webbrowser.Error):
        return False


def _graphical(browser: webbrowser.GenericBrowser) -> bool:
    """Whether a command-line browser (`$BROWSER`, xdg-open, firefox...) opens a window."""
    command = os.path.basename(browser.name)
    if command in CONSOLE_BROWSERS:
        return False
    if sys.platform in {"darwin", "win32"}:
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
