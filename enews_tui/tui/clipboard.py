"""The system clipboard through a native tool (wl-copy, xclip, xsel, pbcopy, clip.exe).

`App.copy_to_clipboard` (OSC 52) is always tried first by the app; this is the best-effort second
route for terminals and multiplexers that ignore OSC 52.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from enews_tui.paths import state_dir

#: Seconds to wait for a copy tool; a tool that hangs must not hang the app's worker forever.
TIMEOUT = 2.0


def native_copy_command() -> list[str] | None:
    """The command that copies its standard input to the system clipboard here, if any."""
    if sys.platform == "darwin":
        return ["pbcopy"] if shutil.which("pbcopy") else None
    if sys.platform == "win32" or shutil.which("clip.exe"):
        # clip.exe also covers WSL, where Windows' tools are on PATH.
        return ["clip.exe"] if shutil.which("clip.exe") else None
    if os.environ.get("WAYLAND_DISPLAY") and shutil.which("wl-copy"):
        return ["wl-copy"]
    if os.environ.get("DISPLAY"):
        if shutil.which("xclip"):
            return ["xclip", "-selection", "clipboard"]
        if shutil.which("xsel"):
            return ["xsel", "--clipboard", "--input"]
    return None


def copy_native(text: str) -> str | None:
    """Copy `text` with the native tool; the tool's name on success, else None.

    Output goes to DEVNULL, never to pipes: xclip and wl-copy fork to serve the selection and
    keep inherited pipes open, which would block until the timeout.
    """
    command = native_copy_command()
    if command is None:
        return None
    try:
        subprocess.run(
            command,
            input=text.encode("utf-8"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=TIMEOUT,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return command[0]


def save_copy(text: str) -> Path | None:
    """Keep `text` in the state folder, for when no clipboard route can be confirmed; its path."""
    try:
        folder = state_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "last-copied.txt"
        path.write_text(text + "\n", encoding="utf-8")
    except OSError:
        return None
    return path
