"""The extractor: the bytes of one archived page -> Story (the only package importing bs4)."""

from __future__ import annotations

import posixpath
import re

from enews_tui.extract import patterns, wayback
from enews_tui.extract.blocks import Block, Page, text_blocks
from enews_tui.extract.decode import decode_page
from enews_tui.extract.recognize import recognize
from enews_tui.model import PageError, Story
from enews_tui.text import one_line

__all__ = ["parse_story"]

_MARKUP_SUFFIXES = frozenset({".html", ".htm", ".shtml", ".xhtml", ".xht", ".php", ".asp"})
# A .txt that is really markup starts like markup; a browser's text save never does.
_LOOKS_LIKE_MARKUP = re.compile(r"^\s*(?:<!doctype\s+html|<html[\s>]|<\?xml[^>]*>\s*<html)", re.I)
# A file with another (or no) extension is markup if its head shows the usual tags.
_HAS_MARKUP = re.compile(
    r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<p[\s>]|<table[\s>]", re.I
)
_STATED_URL = re.compile(
    r"^(?:url|address|source|saved from|original(?: url| address)?|location)\s*:?\s*(\S+)$", re.I
)


def parse_story(raw: bytes, name: str, story_id: str | None = None) -> Story:
    """Parse one page; raises NotAStory / PageError (one-line reason), never anything else."""
    try:
        return _parse(raw, name, story_id)
    except PageError:
        raise
    except RecursionError:
        raise PageError("page too deeply nested to read") from None
    except MemoryError:
        raise PageError("page too large to read") from None
    except Exception as exc:  # the contract: a bad page is a reason for skipping it, not a crash
        reason = one_line(exc, 120)
        raise PageError(f"unreadable page ({type(exc).__name__}: {reason})") from None


def _parse(raw: bytes, name: str, story_id: str | None) -> Story:
    """Decode, reduce to blocks by the page's kind (markup or text save), recognize."""
    suffix = posixpath.splitext(name)[1].lower()
    sid = story_id if story_id is not None else posixpath.splitext(name)[0]
    markup = suffix in _MARKUP_SUFFIXES
    if not markup and suffix != ".txt":
        markup = _HAS_MARKUP.search(raw[:1024].decode("latin-1")) is not None
    text = decode_page(raw, markup=markup)
    if not markup:
        sniff = _LOOKS_LIKE_MARKUP.match if suffix == ".txt" else _HAS_MARKUP.search
        markup = sniff(text[:1024]) is not None
    if markup:
        from enews_tui.extract.markup import bounded, html_page  # bs4 loads only for markup

        page = html_page(text)
        if not _enews_profile(page):
            from enews_tui.extract.general import general_story  # the general path's libraries

            return general_story(page, bounded(text), sid, name)
    else:
        blocks = text_blocks(text)
        page = Page(blocks, url=_stated_url(blocks[:12]))
    return recognize(page, sid, name)


#: What marks a page of the E-News site besides its `[mm.dd.yy]` stamps.
_ENEWS_MARKS = re.compile(
    r"(?i)enews\.tufts\.edu|tufts\s+(?:university\s+)?e-?news|e-?news\s+archives"
    r"|the\s+e-?news\s+site\s+has\s+been\s+inactive"
)


def _enews_profile(page: Page) -> bool:
    """Whether the E-News site profile reads this page: its date stamps, name or address."""
    if page.url is not None and "enews.tufts.edu" in page.url.lower():
        return True
    if page.title_hint is not None and _ENEWS_MARKS.search(page.title_hint):
        return True
    for block in page.blocks[:400]:
        for line in block.lines:
            if patterns.ANY_DATE.search(line) or (len(line) < 300 and _ENEWS_MARKS.search(line)):
                return True
    return False


def _stated_url(blocks: tuple[Block, ...]) -> str | None:
    """A text save has an address only when its text states one near the top."""
    lines = [line for block in blocks for line in block.lines[:20]]
    # A bare address line is the toolbar's URL box only in a saved capture; elsewhere it could
    # be any link the page printed (the banner's "Tufts Now" address, say).
    capture = any("Wayback Machine" in line or "web.archive.org/" in line for line in lines)
    for line in lines:
        if line.startswith("The Wayback Machine"):
            found = wayback.printed_capture_url(line)
        elif (match := _STATED_URL.match(line)) is not None:
            found = wayback.original_url(match.group(1))
        elif capture and line.startswith(("http://", "https://")) and " " not in line:
            found = wayback.original_url(line)
        else:
            continue
        if found is not None:
            return found
    return None
