"""The rendering-neutral form of a page: ordered blocks of text lines with layout hints."""

from __future__ import annotations

import re
from dataclasses import dataclass

from enews_tui.text import sanitize_line

#: Work bounds: no real story page comes near them, and they keep a hostile file to ~a second.
MAX_TEXT_CHARS = 1_500_000
MAX_LINES = 30_000


@dataclass(frozen=True, slots=True)
class Block:
    """A run of lines the page shows together (a paragraph, a cell); hints come from markup."""

    lines: tuple[str, ...]
    heading: int = 0  # 1-6 inside <h1>-<h6>, else 0
    bold: bool = False  # every visible character is bold (<b>, <strong>, font-weight)
    link: bool = False  # every visible character is link text: navigation, listings
    item: bool = False  # a list item
    alt: bool = False  # only image alt text: logos, photos, spacer captions
    #: Per line, the same hints as bits (STYLE_*); empty for text saves, where lines have none.
    styles: tuple[int, ...] = ()


STYLE_BOLD, STYLE_LINK, STYLE_ITEM, STYLE_ALT = 1, 2, 4, 16
#: A line's heading level (0-6) is kept in the bits from this one up.
STYLE_HEADING_SHIFT = 8


@dataclass(frozen=True, slots=True)
class Page:
    """A page reduced to blocks, plus the facts the markup states outside its visible text."""

    blocks: tuple[Block, ...]
    url: str | None = None
    title_hint: str | None = None  # the <title>, to split a title glued to its teaser
    markup: bool = False


# A terminal browser's dump (lynx, elinks) numbers links "[12]Home" and lists them at the end.
_REFERENCES = re.compile(r"^[ \t]*References[ \t]*\n+(?:[ \t]*\n)*[ \t]*1\. \S+://", re.M)
_LINK_NUMBER = re.compile(r"\[\d{1,4}\](?=\S)")


def text_blocks(text: str) -> tuple[Block, ...]:
    """Split a browser text save into blocks on blank lines (LF, CRLF or CR line ends)."""
    text = text[:MAX_TEXT_CHARS].replace("\r\n", "\n").replace("\r", "\n")
    references = _REFERENCES.search(text)
    if references is not None:
        text = _LINK_NUMBER.sub("", text[: references.start()])
    blocks: list[Block] = []
    current: list[str] = []
    for count, raw_line in enumerate(text.split("\n")):
        if count >= MAX_LINES:
            break
        line = sanitize_line(raw_line)
        if line:
            current.append(line)
        elif current:
            blocks.append(Block(tuple(current)))
            current = []
    if current:
        blocks.append(Block(tuple(current)))
    return tuple(blocks)
