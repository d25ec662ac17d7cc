"""The native clipboard route: which tool is chosen, and how it is run (DEVNULL, a timeout)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from typing import Any

import pytest

from enews_tui.tui import clipboard


def _only(*tools: str) -> Any:
    return lambda name: f"/usr/bin/{name}" if name in tools else None


@pytest.mark.parametrize(
    ("platform", "env", "tools", "expected"),
    [
        ("linux", {"WAYLAND_DISPLAY": "wayland-0"}, ("wl-copy", "xclip"), ["wl-copy"]),
        ("linux", {"DISPLAY": ":0"}, ("xclip", "xsel"), ["xclip", "-selection", "clipboard"]),
        ("linux", {"DISPLAY": ":0"}, ("xsel",), ["xsel", "--clipboard", "--input"]),
        ("linux", {}, ("xclip", "xsel", "wl-copy"), None),  # no display: nothing to talk to
        ("linux", {}, ("clip.exe",), ["clip.exe"]),  # WSL
        ("darwin", {}, ("pbcopy",), ["pbcopy"]),
        ("win32", {}, ("clip.exe",), ["clip.exe"]),
    ],
)
def test_native_copy_command_picks_the_tool_for_the_desktop(
    monkeypatch: pytest.MonkeyPatch,
    platform: str,
    env: dict[str, str],
    tools: tuple[str, ...],
    expected: list[str] | None,
) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    for key in ("WAYLAND_DISPLAY", "DISPLAY"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(shutil, "which", _only(*tools))
    assert clipboard.native_copy_command() == expected


def test_copy_native_feeds_the_text_with_devnull_and_a_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[list[str], dict[str, Any]]] = []

    def fake_run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        calls.append((command, kwargs))
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(clipboard, "native_copy_command", lambda: ["xclip", "-selection", "x"])
    monkeypatch.setattr(subprocess, "run", fake_run)
    assert clipboard.copy_native("Kim Thurler T: 617") == "xclip"
    (command, kwargs), *_ = calls
    assert command == ["xclip", "-selection", "x"]
    assert kwargs["input"] == b"Kim Thurler T: 617"
    # Pipes would hang: xclip forks and keeps them open (TEXTUAL-NOTES section 1).
    assert kwargs["stdout"] is subprocess.DEVNULL and kwargs["stderr"] is subprocess.DEVNULL
    assert 0 < kwargs["timeout"] <= 5


@pytest.mark.parametrize(
    "error",
    [
        subprocess.TimeoutExpired("xclip", 2),
        FileNotFoundError(),
        subprocess.CalledProcessError(1, "x"),
    ],
)
def test_a_failing_tool_is_reported_as_none(
    monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    def fake_run(command: list[str], **kwargs: Any) -> None:
        raise error

    monkeypatch.setattr(clipboard, "native_copy_command", lambda: ["xclip"])
    monkeypatch.setattr(subprocess, "run", fake_run)
    assert clipboard.copy_native("text") is None


def test_no_tool_means_no_subprocess(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clipboard, "native_copy_command", lambda: None)
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("ran a tool"))
    assert clipboard.copy_native("text") is None
