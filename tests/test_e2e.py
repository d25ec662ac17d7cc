"""End to end: the installed `enews-tui` in a real terminal (tmux), copying through OSC 52.

tmux runs on a private socket with no config (`-f /dev/null`) and `set-clipboard on`, so the
app's OSC 52 lands in tmux's paste buffer, where the test reads it back.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support import SEED

PAGES = Path(__file__).parent / "tui_pages"
KIM = "Kim Thurler (Media Inquiries) T: 617.627.3175 F: 617.627.4907"


def _console_script() -> str | None:
    """The installed `enews-tui`: beside this Python first, else on PATH."""
    beside = Path(sys.executable).parent / "enews-tui"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("enews-tui")


SCRIPT = _console_script()
pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
    pytest.mark.skipif(SCRIPT is None, reason="the enews-tui console script is not installed"),
]


class Tmux:
    """One private tmux server with one session running the app."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def __call__(self, *args: str) -> str:
        """Run a tmux command on the private server; its stdout."""
        done = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return done.stdout

    def screen(self) -> str:
        """The pane as plain text."""
        return self("capture-pane", "-p", "-t", "e2e")

    def buffers(self) -> str:
        """Every paste buffer's content."""
        names = self("list-buffers", "-F", "#{buffer_name}").split()
        return "\n".join(self("show-buffer", "-b", name) for name in names)

    def list_has_focus(self) -> bool:
        """The footer offers "Open" only while the story list has focus."""
        lines = self.screen().rstrip("\n").splitlines()
        return bool(lines) and " Open " in lines[-1]

    def search_has_focus(self) -> bool:
        """While typing, the footer hides the letter keys (c, C) that the search bar takes."""
        lines = self.screen().rstrip("\n").splitlines()
        return bool(lines) and " Help " in lines[-1] and " Copy " not in lines[-1]

    def wait_for(self, what: Callable[[], bool], label: str, timeout: float = 30) -> None:
        """Poll until `what()` holds (never a blind sleep)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if what():
                return
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {label}; screen:\n{self.screen()}")

    def wait_for_text(self, text: str, timeout: float = 30) -> None:
        """Poll the pane until `text` shows."""
        self.wait_for(lambda: text in self.screen(), repr(text), timeout)


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    """The app started on a temporary archive and cache, in a detached 80x24 tmux session (the
    most common terminal size)."""
    root = tmp_path / "archive"
    root.mkdir()
    shutil.copy(SEED, root / SEED.name)
    for name in ("2009_mentors.txt", "2010_hostile.txt"):
        shutil.copy(PAGES / name, root / name)
    env = {
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
    }
    t = Tmux(f"enews-e2e-{os.getpid()}")
    command = f"{SCRIPT} --archive {root}"
    env_args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
    t("new-session", "-d", "-s", "e2e", "-x", "80", "-y", "24", *env_args, command)
    t("resize-window", "-t", "e2e", "-x", "80", "-y", "24")  # detached: -x alone may not hold
    t("set", "-g", "set-clipboard", "on")
    try:
        yield t
    finally:
        t("kill-server")


def test_search_open_and_copy_all_contacts_in_tmux(tmux: Tmux) -> None:
    tmux.wait_for_text("3 stories")  # the first launch built the index
    title_before = tmux("display-message", "-p", "-t", "e2e", "#{pane_title}")
    tmux("send-keys", "-t", "e2e", "/")
    tmux.wait_for(tmux.search_has_focus, "the search bar to take focus")
    tmux("send-keys", "-t", "e2e", "-l", "arthrosc")  # part of a word finds the story
    tmux.wait_for_text("1 of 3 stories")
    tmux("send-keys", "-t", "e2e", "Enter")  # to the list, top hit highlighted
    tmux.wait_for(tmux.list_has_focus, "the list to take focus")
    tmux("send-keys", "-t", "e2e", "Enter")  # open it: full-screen at 80x24
    tmux.wait_for_text("July 23, 2008")
    assert "5 contacts: c copy, C all" in tmux.screen()
    # Page through to a paragraph from the middle of the story, then back to the top.
    middle = "Smalley's path to Mothers2Mothers was circuitous."
    for _ in range(12):
        if middle in tmux.screen():
            break
        tmux("send-keys", "-t", "e2e", "Space")
        time.sleep(0.2)
    tmux.wait_for_text(middle)
    assert "July 23, 2008" not in tmux.screen()
    tmux("send-keys", "-t", "e2e", "g")
    tmux.wait_for_text("July 23, 2008")
    tmux("send-keys", "-t", "e2e", "C")
    tmux.wait_for(lambda: KIM in tmux.buffers(), "the contacts in tmux's buffer")
    copied = tmux.buffers()
    assert "Alexander Reid (Media Inquiries) T: 617.627.4173 F: 617.627.4907" in copied
    tmux.wait_for_text("Copied")  # the notice follows the clipboard write: a frame later
    tmux("send-keys", "-t", "e2e", "q")  # back to the list (q quits only from there)
    tmux.wait_for(tmux.list_has_focus, "the list to take focus")

    # The hostile page: its escape sequences reach neither the title nor the clipboard.
    tmux("send-keys", "-t", "e2e", "/")
    tmux.wait_for(tmux.search_has_focus, "the search bar to take focus")
    tmux("send-keys", "-t", "e2e", "-l", "hostile")  # focusing selects the old query: replaced
    tmux.wait_for(lambda: "│ [@click=app" in tmux.screen(), "the hostile page in the list")
    assert "1 of 3 stories" in tmux.screen()
    tmux("send-keys", "-t", "e2e", "Enter")
    tmux.wait_for(tmux.list_has_focus, "the list to take focus")
    tmux("send-keys", "-t", "e2e", "Enter")
    tmux.wait_for_text("Story by Mallory Evil")
    assert "[@click=app.quit]Click Me[/]" in tmux.screen()  # shown as text
    assert "1 contact: c copy, C all" in tmux.screen()
    tmux("send-keys", "-t", "e2e", "C")
    tmux.wait_for(lambda: "Mallory" in tmux.buffers(), "the hostile contacts in the buffer")
    buffers = tmux.buffers()
    assert "PWNED" not in buffers and "HELLO" not in buffers and "\x1b" not in buffers
    title = tmux("display-message", "-p", "-t", "e2e", "#{pane_title}")
    assert "PWNED" not in title and "owned" not in title
    assert title == title_before

    tmux("send-keys", "-t", "e2e", "q")  # back to the list
    tmux.wait_for(tmux.list_has_focus, "the list to take focus")
    tmux("send-keys", "-t", "e2e", "q")  # and quit
    tmux.wait_for(lambda: "e2e" not in tmux("list-sessions", "-F", "#{session_name}"), "exit")
