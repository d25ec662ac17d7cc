"""Untrusted-text hygiene (every string from an archived page passes through `sanitize`), and
the one-line form of an error shown to the user."""

from __future__ import annotations

import re
import unicodedata

# Escape sequences are removed whole, so their parameters do not survive as stray text.
_ESC_SEQ = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)"  # OSC/DCS/SOS/PM/APC
    r"|\x1b[ -/]*[0-~]",  # other ESC sequences
    re.S,
)
# Format characters that reorder or hide text (bidi overrides and isolates, zero-width marks).
_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff\u00ad\u180e"
)
_LINE_BREAKS = str.maketrans({"\u2028": "\n", "\u2029": "\n", "\x85": "\n", "\r": "\n"})


def _clean(text: str) -> bool:
    """True when `text` has nothing to remove: printable (no Cc, Cf, Cs, Co) once tab, newline and
    no-break space count as spaces. Most archived text is, and one C-speed check is much faster
    than the per-character filter."""
    return text.replace("\n", " ").replace("\t", " ").replace("\xa0", " ").isprintable()


def sanitize(text: str) -> str:
    """Remove control characters, escape sequences and invisible reordering marks."""
    if _clean(text):
        return text
    text = _ESC_SEQ.sub("", text.translate(_LINE_BREAKS))
    return "".join(
        c
        for c in text
        if c in "\n\t"
        or (c not in _INVISIBLE and unicodedata.category(c) not in ("Cc", "Cs", "Co"))
    )


def sanitize_line(text: str) -> str:
    """`sanitize`, then fold white space to single spaces: for titles, names, one-line fields."""
    return " ".join((text if _clean(text) else sanitize(text)).split())


def one_line(what: BaseException | str, limit: int = 200) -> str:
    """An exception, or a reason from outside (a server's reply, an archived record's header), as
    one clean line of at most `limit` characters for the user: the text is untrusted, so control
    characters and line breaks go. An exception that says nothing is named by its type."""
    text = sanitize_line(str(what))[:limit]
    if text or isinstance(what, str):
        return text
    return type(what).__name__
