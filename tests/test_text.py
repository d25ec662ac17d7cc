"""The sanitizer: nothing from an archived page reaches a terminal as a control sequence."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enews_tui.text import _ESC_SEQ, _INVISIBLE, _LINE_BREAKS, one_line, sanitize, sanitize_line

HOSTILE = [
    ("\x1b]52;c;UFdORUQ=\x07copied", "copied"),  # OSC 52 clipboard write (BEL end)
    ("\x1b]52;c;UFdORUQ=\x1b\\copied", "copied"),  # OSC 52 clipboard write (ST end)
    ("\x1b]0;PWNED-TITLE\x07title", "title"),  # OSC 0 window title
    ("\x1b[2J\x1b[Hclear", "clear"),  # CSI screen clear and cursor home
    ("\x9b31mred", "red"),  # 8-bit CSI
    ("\x9d0;t\x9cx", "x"),  # 8-bit OSC with 8-bit ST
    ("a\x00b\x7fc\x07d", "abcd"),  # NUL, DEL, BEL
    ("\u202eevil\u202c name", "evil name"),  # bidi override
    ("zero\u200bwidth\ufeff", "zerowidth"),  # zero-width space, BOM
]


@pytest.mark.parametrize(("raw", "clean"), HOSTILE)
def test_sanitize_removes_controls(raw: str, clean: str) -> None:
    """Escape sequences go whole, parameters included; plain text stays."""
    assert sanitize(raw) == clean


def test_sanitize_keeps_text_markup_and_layout() -> None:
    """Markup-looking text is text: the sanitizer leaves it for the widgets to show literally."""
    text = "[@click=app.quit]x[/] [/i] café «quoted» — 617.627.3175\n\tnext"
    assert sanitize(text) == text


def test_sanitize_output_has_no_control_characters() -> None:
    """Every code point below U+0020 and from U+007F to U+009F, but tab and newline, is gone."""
    every = "".join(chr(c) for c in range(0x00, 0x200)) + "\u2028\u2029\r\n"
    out = sanitize(every)
    assert all(c in "\n\t" or unicodedata.category(c) != "Cc" for c in out)
    assert "\r" not in out and "\u2028" not in out


def test_sanitize_line_folds_white_space() -> None:
    """One-line fields lose line breaks and runs of spaces."""
    assert sanitize_line("  Kim \n\t Thurler\x1b[0m ") == "Kim Thurler"


def _reference_sanitize(text: str) -> str:
    """The sanitizer without its fast path: every character goes through the filter. Built from
    the module's private pattern and tables on purpose: what is compared is the fast path
    against the filter made of those very pieces."""
    text = _ESC_SEQ.sub("", text.translate(_LINE_BREAKS))
    return "".join(
        c
        for c in text
        if c in "\n\t"
        or (c not in _INVISIBLE and unicodedata.category(c) not in ("Cc", "Cs", "Co"))
    )


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_fast_path_gives_the_filter_result(text: str) -> None:
    """Text with nothing to remove skips the filter; the result is the same for any text."""
    assert sanitize(text) == _reference_sanitize(text)
    assert sanitize_line(text) == " ".join(_reference_sanitize(text).split())


@pytest.mark.parametrize("raw", [r for r, _ in HOSTILE] + ["plain", "a\xa0b\tc", "é “q”"])
def test_fast_path_on_hostile_samples(raw: str) -> None:
    """Escape sequences, bidi and zero-width marks take the filter's path, with its result."""
    assert sanitize_line(raw) == " ".join(_reference_sanitize(raw).split())


@pytest.mark.parametrize(
    ("what", "shown"),
    [
        (OSError("disk\r\nfull\x1b]0;PWNED\x07 now"), "disk full now"),
        (ValueError(""), "ValueError"),  # an exception that says nothing is named
        ("server said\u2028\x85 no\x9b2J", "server said no"),
        ("", ""),  # a reason that is empty stays empty (the caller says what it means)
        ("y" * 500, "y" * 200),
    ],
)
def test_one_line_is_one_printable_bounded_line(what: BaseException | str, shown: str) -> None:
    """The one form of an error or outside reason shown to the user."""
    assert one_line(what) == shown
