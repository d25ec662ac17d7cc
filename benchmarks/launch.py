"""Run a terminal app in a pseudo-terminal: time to its first frame, memory while browsing."""

from __future__ import annotations

import fcntl
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.measure import RssSampler, child_env

COLUMNS, LINES = 120, 40
_ESCAPES = re.compile(
    rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][0-9A-Za-z]|.)"
)


def installed_command() -> list[str] | None:
    """The installed `enews-tui`: next to this Python, else on PATH; None if not installed."""
    beside = Path(sys.executable).parent / "enews-tui"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which("enews-tui")
    return [found] if found else None


def bare_command() -> list[str]:
    """The bare Textual app (Header + Footer) measured beside ours."""
    return [sys.executable, str(Path(__file__).with_name("bare_app.py"))]


def visible(raw: bytes) -> str:
    """The text a terminal would show from `raw` output, escape sequences removed."""
    return _ESCAPES.sub(b"", raw).decode("utf-8", "replace")


class PtyApp:
    """A command running in its own pseudo-terminal, its output collected as it comes."""

    def __init__(self, cmd: Sequence[str], env: dict[str, str]) -> None:
        """Start `cmd` on a fresh pty of COLUMNS x LINES."""
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        full_env = child_env(
            {"TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(LINES), **env}
        )
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            list(cmd), stdin=slave, stdout=slave, stderr=slave, env=full_env,
            start_new_session=True, close_fds=True,
        )  # fmt: skip
        os.close(slave)
        self.master = master
        self.output = bytearray()

    def pump(self, timeout: float) -> bool:
        """Read whatever arrives within `timeout` seconds; False once the app has gone."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return self.proc.poll() is None
        try:
            chunk = os.read(self.master, 65536)
        except OSError:
            return False
        if not chunk:
            return False
        self.output += chunk
        return True

    def wait_for(self, needles: Sequence[str], timeout: float, since: int = 0) -> float | None:
        """Seconds from start until any of `needles` shows in the output after byte `since`."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            alive = self.pump(0.01)
            text = visible(bytes(self.output[since:]))
            if any(n in text for n in needles):
                return time.perf_counter() - self.started
            if not alive:
                return None
        return None

    def tail(self, lines: int = 3) -> str:
        """The last non-blank lines of what the app printed (why it stopped, usually)."""
        text = [ln.strip() for ln in visible(bytes(self.output[-4000:])).splitlines()]
        return " / ".join([ln for ln in text if ln][-lines:])[:300]

    def send(self, keys: str) -> None:
        """Type `keys` into the terminal."""
        os.write(self.master, keys.encode())

    def stop(self) -> None:
        """Ask the app to quit (ctrl+q), then terminate it; always reaps it."""
        try:
            self.send("\x11")
            deadline = time.perf_counter() + 2
            while self.proc.poll() is None and time.perf_counter() < deadline:
                self.pump(0.05)
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=3)
        except (OSError, subprocess.TimeoutExpired):
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        finally:
            os.close(self.master)


def first_frame(
    cmd: Sequence[str], env: dict[str, str], markers: Sequence[str], timeout: float = 60
) -> float:
    """Seconds from spawn until the app's first frame (one of `markers` visible).

    Raises RuntimeError, with the end of its output, when the app exits or times out first.
    """
    app = PtyApp(cmd, env)
    try:
        seconds = app.wait_for(markers, timeout)
        if seconds is None:
            try:
                state = f"exited {app.proc.wait(timeout=1)}"
            except subprocess.TimeoutExpired:
                state = "timed out"
            raise RuntimeError(f"no frame showing {list(markers)}: {state}: {app.tail()}")
        return seconds
    finally:
        app.stop()


def browse_rss(
    cmd: Sequence[str],
    env: dict[str, str],
    list_marker: str,
    story_marker: str | None,
    keys: Sequence[str] = ("\r", "\r"),
    timeout: float = 120,
) -> dict[str, float | bool | None]:
    """Peak RSS (MB) of the app's process tree with the list loaded and a story opened."""
    app = PtyApp(cmd, env)
    sampler = RssSampler(app.proc.pid, 0.05)
    listed = opened = None
    try:
        listed = app.wait_for([list_marker], timeout)
        if listed is None:
            raise RuntimeError(f"the list never showed {list_marker!r}: {app.tail()}")
        if listed is not None and story_marker:
            for key in keys:
                mark = len(app.output)
                app.send(key)
                opened = app.wait_for([story_marker], 5, since=mark)
                if opened is not None:
                    break
        end = time.perf_counter() + 1.0  # let it settle with the story on screen
        while time.perf_counter() < end:
            app.pump(0.05)
    finally:
        peak = sampler.stop()
        app.stop()
    return {
        "peak_mb": peak / 2**20,
        "list_seconds": listed,
        "story_opened": opened is not None,
    }
