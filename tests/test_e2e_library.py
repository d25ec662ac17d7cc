"""End to end: a star and a note made in the installed `enews-tui` (in tmux) survive a SIGKILL of
the app and an index rebuild, and the command line finds them (`is:starred`, `note:`)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.library_pages import write_pages
from tests.test_e2e import SCRIPT, Tmux

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
    pytest.mark.skipif(SCRIPT is None, reason="the enews-tui console script is not installed"),
]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The folders the app and the command line share (and nobody else)."""
    return {
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
    }


@pytest.fixture
def tmux(tmp_path: Path, env: dict[str, str]) -> Iterator[Tmux]:
    """The app on the library test archive, in a detached 120x40 tmux session."""
    root = write_pages(tmp_path / "archive")
    t = Tmux(f"enews-e2e-lib-{os.getpid()}")
    env_args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
    t(
        "new-session",
        "-d",
        "-s",
        "e2e",
        "-x",
        "120",
        "-y",
        "40",
        *env_args,
        f"{SCRIPT} --archive {root}",
    )
    t("resize-window", "-t", "e2e", "-x", "120", "-y", "40")
    try:
        yield t
    finally:
        t("kill-server")


def _cli(env: dict[str, str], root: Path, *args: str) -> str:
    """stdout of the installed command line with the app's folders."""
    done = subprocess.run(
        [str(SCRIPT), *args, "--archive", str(root)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_star_and_note_survive_a_kill_and_a_rebuild(
    tmux: Tmux, env: dict[str, str], tmp_path: Path
) -> None:
    tmux.wait_for_text("12 unread")
    tmux.wait_for(tmux.list_has_focus, "the list to take focus")
    tmux("send-keys", "-t", "e2e", "f")
    tmux.wait_for_text("Starred.")
    tmux("send-keys", "-t", "e2e", "j", "a")
    tmux.wait_for_text("escape saves")
    tmux("send-keys", "-t", "e2e", "-l", "Call Kim about the robots")
    tmux("send-keys", "-t", "e2e", "Escape")
    tmux.wait_for_text("Note saved.")
    pid = int(tmux("display-message", "-p", "-t", "e2e", "#{pane_pid}").strip())
    os.killpg(os.getpgid(pid), signal.SIGKILL)  # no clean exit: the marks must already be saved

    root = tmp_path / "archive"
    _cli(env, root, "index", "--rebuild")
    starred = json.loads(_cli(env, root, "search", "is:starred", "--json"))
    assert [h["id"] for h in starred["hits"]] == ["2010_elections"]
    noted = json.loads(_cli(env, root, "search", "note:robots", "--json"))
    assert [h["id"] for h in noted["hits"]] == ["2010_robots"]
    story = json.loads(_cli(env, root, "show", "2010_robots", "--json"))
    assert story["note"] == "Call Kim about the robots" and story["starred"] is False
