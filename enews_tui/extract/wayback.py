"""Web-archive captures: recognizing one, and recovering the original address of a page."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from enews_tui.text import sanitize_line

TOOLBAR_BEGIN = "BEGIN WAYBACK TOOLBAR INSERT"
TOOLBAR_END = "END WAYBACK TOOLBAR INSERT"

_CAPTURE_MARKS = (TOOLBAR_BEGIN, "web.archive.org/web/", "__wm.", 'id="wm-ipp', "id='wm-ipp")
# `/web/<timestamp>[modifier_][*]/<original>`, absolute or relative to the archive host.
_ARCHIVED = re.compile(
    r"^(?:https?:)?(?://(?:web\.)?archive\.org)?/web/\d{1,14}(?:[a-z]{2}_)?\*?/(?P<orig>.+)$",
    re.IGNORECASE,
)
_WOMBAT = re.compile(r"""__wm\.wombat\(\s*["']([^"']+)["']""")
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.IGNORECASE)
_WAYBACK_PRINT = re.compile(r"The Wayback Machine\s*-\s*([^\s<\"']+)")
_DEFAULT_PORT = re.compile(r"^(http://[^/:?#]+):80(?=[/?#]|$)", re.IGNORECASE)
_SCHEME = re.compile(r"^(https?):/*", re.IGNORECASE)


def is_capture(text: str) -> bool:
    """Whether the page is a Wayback Machine capture (toolbar, wombat scripts, rewritten links)."""
    head = text[:200_000]
    return any(mark in head for mark in _CAPTURE_MARKS)


def original_url(url: str | None) -> str | None:
    """The original address behind a `/web/<timestamp>/<original>` link; None if not a URL."""
    if not url:
        return None
    url = sanitize_line(url)
    match = _ARCHIVED.match(url)
    if match is not None:
        url = match.group("orig")
    if _SCHEME.match(url):
        # Archive rewriting sometimes folds `http://` to `http:/`; put the slashes back.
        url = _SCHEME.sub(lambda m: m.group(1).lower() + "://", url, count=1)
    elif re.match(r"^[a-z0-9.-]+\.[a-z]{2,}(?:[/:?#]|$)", url, re.IGNORECASE):
        url = "http://" + url
    else:
        return None
    if " " in url or len(url) > 2000 or "web.archive.org/" in url:
        return None
    # The archive records some addresses with the default port spelled out.
    return _DEFAULT_PORT.sub(r"\1", url, count=1)


def wombat_url(text: str) -> str | None:
    """The address the capture's `__wm.wombat("<original>", ...)` script was given."""
    match = _WOMBAT.search(text[:200_000])
    return original_url(match.group(1)) if match else None


def saved_from_url(text: str) -> str | None:
    """The browser's `<!-- saved from url=(NNNN)... -->` mark at the top of a saved page."""
    match = _SAVED_FROM.search(text[:4096])
    return original_url(match.group(1)) if match else None


def printed_capture_url(text: str) -> str | None:
    """The `The Wayback Machine - https://web.archive.org/web/.../<original>` print header."""
    match = _WAYBACK_PRINT.search(text[:400_000])
    return original_url(match.group(1)) if match else None


def majority_url(links: Iterable[str]) -> str | None:
    """The original address most of the toolbar's archived links point at (its calendar)."""
    counts = Counter(
        url for link in links if _ARCHIVED.match(link) and (url := original_url(link)) is not None
    )
    return counts.most_common(1)[0][0] if counts else None
