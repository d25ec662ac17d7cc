"""Hostile archived text: escape sequences (OSC 52, OSC 0, CSI, C1), control characters, Rich
markup and bidi/zero-width marks in titles, bodies, bylines and contacts. None of it reaches the
terminal, the clipboard or stdout raw (the extractor sanitizes at ingest, so even JSON carries
none of it), none of it is read as markup, and nothing crashes."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from enews_tui.archive import Archive
from enews_tui.cli import main
from enews_tui.index import open_index
from enews_tui.render import format_contacts, story_date_line
from tests.badinput import CLICK, LINK, console_script, hostile_archive, unsafe_chars
from tests.tui_support import capture_output, notices, point_at, screen_text

if TYPE_CHECKING:
    from textual.pilot import Pilot

#: Words only the escape sequences carry: if one shows up, a sequence survived in part.
PAYLOAD_WORDS = ("PWNED", "UFdORUQ")
STORIES = ("hostile", "hostile-html")


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile archive: two good stories and two hostile pages."""
    return hostile_archive(tmp_path_factory.mktemp("hostile") / "archive")


def _strings(value: Any) -> Iterator[str]:
    """Every string (keys too) in decoded JSON."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _assert_clean(text: str) -> None:
    """No unsafe character and no payload word in `text`."""
    assert not unsafe_chars(text), unsafe_chars(text)[:5]
    for word in PAYLOAD_WORDS:
        assert word not in text


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["show", "hostile"],
        ["show", "hostile-html"],
        ["search", "hostile"],
        ["search", "zerowidth OR mallory"],
        ["contacts"],
    ],
    ids=lambda args: "-".join(args),
)
@pytest.mark.parametrize("as_json", [False, True], ids=["plain", "json"])
def test_cli_output_holds_no_control_characters(
    args: list[str], as_json: bool, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Plain and JSON output of every command: no raw or escaped control characters, no
    payload left over; markup printed as the page wrote it."""
    assert main([*args, *(["--json"] if as_json else []), "--archive", str(root)]) == 0
    out, err = capsys.readouterr()
    _assert_clean(out)
    _assert_clean(err)
    if as_json:
        for text in _strings(json.loads(out)):
            _assert_clean(text)
    if args[0] == "show":
        assert CLICK in out  # literal, in the title
    if args == ["show", "hostile"]:
        folded = " ".join(out.split())  # paragraphs are wrapped
        assert LINK in folded and "[/i] stray [bold red]markup[/bold red]" in folded


def test_the_installed_command_writes_no_escape_bytes(root: Path, tmp_path: Path) -> None:
    """The console script's raw stdout bytes: no ESC, no C1 (as UTF-8), no DEL."""
    script = console_script()
    if script is None:
        pytest.skip("the enews-tui console script is not installed")
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    for args in (["show", "hostile"], ["show", "hostile-html"], ["list"], ["contacts"]):
        done = subprocess.run(
            [script, *args, "--archive", str(root)], env=env, capture_output=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        raw = done.stdout + done.stderr
        assert not re.search(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]", raw), args


def _holds(get: Callable[[], object], value: object) -> Callable[[], bool]:
    """A condition: `get()` equals `value` (bound now, not when the loop moves on)."""
    return lambda: get() == value


async def _until(pilot: Pilot[int], done: Callable[[], bool], timeout: float = 20) -> None:
    """Pause until `done()` holds and the screen's workers are idle."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        if done() and not any(w.is_running for w in pilot.app.screen.workers):
            await pilot.pause()
            return
    raise AssertionError("timed out")


async def test_the_app_shows_hostile_text_inert_and_copies_it_clean(
    root: Path, tmp_path: Path
) -> None:
    """List, reader, contact panel, toasts and clipboard (c and C) on both hostile pages:
    markup shown literally, clicks on it run nothing, no control character anywhere, and the
    only OSC sequences the app writes are its own clipboard copies of clean text."""
    from enews_tui.tui.app import EnewsApp
    from enews_tui.tui.widgets.contacts import ContactPanel
    from enews_tui.tui.widgets.reader import Reader
    from enews_tui.tui.widgets.story_list import StoryList

    archive = Archive(root)
    with open_index(archive, tmp_path / "cache") as index:
        index.refresh()
        app = EnewsApp(archive, index, refresh_on_mount=False)
        async with app.run_test(size=(160, 50), notifications=True) as pilot:
            written = capture_output(app)
            stories = app.screen.query_one(StoryList)
            reader = app.screen.query_one(Reader)
            await _until(pilot, lambda: len(stories.rows) == 4)
            text = screen_text(app)
            _assert_clean(text)
            assert CLICK in text
            copies: list[str] = []
            for story_id in STORIES:
                stories.focus()
                point_at(app, story_id)
                await pilot.press("enter")
                await _until(pilot, _holds(lambda: getattr(reader.story, "id", ""), story_id))
                story = reader.story
                assert story is not None and story.contacts
                text = screen_text(app)
                _assert_clean(text)
                assert CLICK in text and "Eve Mallory" in text
                await pilot.click(reader, offset=(12, 1))  # on the title with its [@click]
                await pilot.click(app.screen.query_one(ContactPanel), offset=(4, 1))
                await pilot.press("c")
                await _until(pilot, lambda: bool(notices(app)))
                assert app.clipboard == format_contacts(story.contacts[:1])
                copies.append(app.clipboard)
                await pilot.press("C")
                everything = format_contacts(story.contacts)
                await _until(pilot, _holds(lambda: app.clipboard, everything))
                copies.append(app.clipboard)
                _assert_clean(app.clipboard)
                _assert_clean(screen_text(app))
                assert app.is_running
            for shown in notices(app):
                _assert_clean(shown)
    output = "".join(written)
    osc = re.findall(r"\x1b\](\d*);(?:c;)?([^\x07\x1b]*)", output)
    # The app's own: OSC 22 sets the mouse pointer shape, OSC 52 its clipboard copies.
    assert all(n == "52" or (n == "22" and p.isalpha()) for n, p in osc), osc
    decoded = [base64.b64decode(payload).decode() for n, payload in osc if n == "52"]
    assert decoded == copies
    assert not re.search("[\x80-\x9f]", output)


def _tmux(socket: str, *args: str) -> str:
    """A tmux command on a private server, started with a clean environment (pytest's own,
    COLUMNS and LINES included, must not reach the app)."""
    return subprocess.run(
        ["tmux", "-L", socket, "-f", "/dev/null", *args],
        capture_output=True,
        text=True,
        timeout=10,
        env={"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "LANG": "C.UTF-8"},
    ).stdout


def _wait(what: Callable[[], bool], label: str, screen: Callable[[], str]) -> None:
    """Poll until `what()` holds (never a blind sleep); fail with the screen."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if what():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {label}; screen:\n{screen()}")


def _showing(source: Callable[[], str | list[str]], text: str) -> Callable[[], bool]:
    """A condition: `text` is in what `source()` returns."""
    return lambda: text in source()


def test_the_installed_app_in_tmux_leaks_nothing_to_the_terminal(
    root: Path, tmp_path: Path
) -> None:
    """The real app in tmux with `set-clipboard on`: after opening each hostile story and
    pressing C, tmux's paste buffers hold only the clean contacts, the pane title is unchanged,
    and the raw output (pipe-pane) carries no payload and no OSC but the app's own copies."""
    script = console_script()
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    if script is None:
        pytest.skip("the enews-tui console script is not installed")
    socket = f"enews-hostile-{os.getpid()}"
    log = tmp_path / "raw.log"
    env = {
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "LANG": "C.UTF-8",
        "PATH": "/usr/bin:/bin",  # no native clipboard tool finds a display here
    }
    env_args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
    _tmux(socket, "new-session", "-d", "-s", "h", "-x", "150", "-y", "45", *env_args, "sh")
    try:
        _tmux(socket, "set", "-g", "set-clipboard", "on")
        _tmux(socket, "pipe-pane", "-t", "h", "-o", f"cat >> {log}")

        def screen() -> str:
            """The pane as plain text."""
            return _tmux(socket, "capture-pane", "-p", "-t", "h")

        def buffers() -> list[str]:
            """Every tmux paste buffer's content."""
            names = _tmux(socket, "list-buffers", "-F", "#{buffer_name}").split()
            return [_tmux(socket, "show-buffer", "-b", name) for name in names]

        title_before = _tmux(socket, "display", "-p", "-t", "h", "#{pane_title}")
        _tmux(socket, "send-keys", "-t", "h", "-l", f"exec {script} --archive {root}")
        _tmux(socket, "send-keys", "-t", "h", "Enter")
        _wait(lambda: "4 stories" in screen(), "the list", screen)
        expected = []
        with open_index(Archive(root), tmp_path / "direct") as index:
            index.refresh()
            for story_id, query in zip(STORIES, ('"screen clears"', '"hostile html"'), strict=True):
                story = index.story(story_id)
                assert story is not None
                expected.append(format_contacts(story.contacts))
                _tmux(socket, "send-keys", "-t", "h", "/")
                time.sleep(0.3)  # let the search bar take focus before clearing it
                _tmux(socket, "send-keys", "-t", "h", "C-u")
                _tmux(socket, "send-keys", "-t", "h", "-l", query)
                _wait(lambda: "1 of 4 stories" in screen(), query, screen)
                _tmux(socket, "send-keys", "-t", "h", "Enter")
                time.sleep(0.3)
                _tmux(socket, "send-keys", "-t", "h", "Enter")
                _wait(_showing(screen, story_date_line(story)), "the story", screen)
                _tmux(socket, "send-keys", "-t", "h", "C")
                _wait(_showing(buffers, expected[-1]), "the copy", screen)
        held = buffers()
        assert sorted(held) == sorted(expected), held
        title = _tmux(socket, "display", "-p", "-t", "h", "#{pane_title}")
        assert title == title_before and "PWNED" not in title
        _tmux(socket, "send-keys", "-t", "h", "q")  # from the story back to the list
        _wait(lambda: " Quit " in screen().splitlines()[-1], "the list", screen)
        _tmux(socket, "send-keys", "-t", "h", "q")  # q quits from the list
        _wait(
            lambda: "h" not in _tmux(socket, "list-sessions", "-F", "#{session_name}").split(),
            "the app to quit",
            screen,
        )
    finally:
        _tmux(socket, "kill-server")
    raw = log.read_bytes().decode("utf-8", "replace")
    for word in PAYLOAD_WORDS:
        assert word not in raw
    osc = re.findall(r"\x1b\](\d*);", raw)
    assert "52" in osc and set(osc) <= {"22", "52"}, sorted(set(osc))
    assert not re.search("[\x80-\x9f]", raw)
