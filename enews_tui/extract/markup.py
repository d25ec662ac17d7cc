"""HTML to blocks: an iterative walk over the bs4 (lxml) tree, as a browser would lay text out."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

from bs4 import BeautifulSoup
from bs4.element import Comment, NavigableString, PreformattedString, Tag

from enews_tui.extract import wayback
from enews_tui.extract.blocks import (
    MAX_LINES,
    MAX_TEXT_CHARS,
    STYLE_ALT,
    STYLE_BOLD,
    STYLE_HEADING_SHIFT,
    STYLE_ITEM,
    STYLE_LINK,
    Block,
    Page,
)
from enews_tui.text import sanitize_line

#: bs4 builds a Python object per tag, so a page's parse time grows with its tag count: past this
#: many tags the page is cut, which bounds what a hostile page of tiny tags costs (the bad-input
#: tests feed one just under the read cap).
MAX_TAGS = 25_000

_BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li "
    "main menu nav ol p pre section summary table tbody td tfoot th thead tr ul".split()
)
# Content a browser does not lay out as text (or, for <noscript>, not with scripts on).
_SKIP_TAGS = frozenset(
    "script style noscript template head title select option datalist textarea button object "
    "embed applet iframe frame frameset svg math map audio video canvas".split()
)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BOLD_TAGS = frozenset({"b", "strong"})
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)", re.IGNORECASE)
_WAYBACK_ID = re.compile(r"^(?:wm-|wm_|donato$|playback$)", re.IGNORECASE)
_SPACE = re.compile(r"[ \t\n\r\f]+")

_BOLD, _LINK, _ITEM, _PRE, _ALT = STYLE_BOLD, STYLE_LINK, STYLE_ITEM, 8, STYLE_ALT
_ALL = _BOLD | _LINK | _ITEM | _ALT


@dataclass
class _Line:
    """The line being assembled: text pieces, the AND of their style flags, their headings."""

    pieces: list[str] = field(default_factory=list)
    flags: int = _ALL
    levels: set[int] = field(default_factory=set)  # heading level of each piece, 0 = none
    visible: bool = False


class _Builder:
    """Collects text pieces into lines and lines into blocks, as the walk enters and leaves."""

    def __init__(self) -> None:
        """An empty page."""
        self.blocks: list[Block] = []
        self.lines: list[_Line] = []
        self.line = _Line()
        self.total_lines = 0

    def text(self, text: str, flags: int, level: int) -> None:
        """Add an inline piece with the style flags and heading level of where it sits."""
        self.line.pieces.append(text)
        if text.strip():
            self.line.visible = True
            self.line.flags &= flags
            self.line.levels.add(level)

    def newline(self) -> None:
        """A `<br>`: end the line; an empty line (two `<br>`) later splits the block."""
        self.lines.append(self.line)
        self.line = _Line()

    def flush(self) -> None:
        """A block boundary: emit the lines gathered so far, split at empty lines."""
        self.newline()
        run: list[_Line] = []
        for line in self.lines:
            if line.visible:
                run.append(line)
            else:
                self._emit(run)
                run = []
        self._emit(run)
        self.lines = []

    def _emit(self, run: list[_Line]) -> None:
        """One block from a run of non-empty lines; its hints hold only if every line has them."""
        kept = [(t, x) for x in run if (t := sanitize_line("".join(x.pieces)))]
        texts = tuple(t for t, _ in kept)
        if not texts or self.total_lines >= MAX_LINES:
            return
        self.total_lines += len(texts)
        flags = _ALL
        levels: set[int] = set()
        for x in run:
            flags &= x.flags
            levels |= x.levels
        self.blocks.append(
            Block(
                texts,
                heading=0 if 0 in levels else min(levels),
                bold=bool(flags & _BOLD),
                link=bool(flags & _LINK),
                item=bool(flags & _ITEM),
                alt=bool(flags & _ALT),
                styles=tuple(_style(x) for _, x in kept),
            )
        )


def _style(line: _Line) -> int:
    """A line's hints as the bits of Block.styles (heading level in the high bits)."""
    level = 0 if 0 in line.levels or not line.levels else min(line.levels)
    return (line.flags & _ALL) | (level << STYLE_HEADING_SHIFT)


def html_page(text: str) -> Page:
    """Parse an HTML page into blocks, its title hint and its (original) address."""
    text = bounded(text)
    with warnings.catch_warnings():
        # bs4 warns about markup that "looks like a URL/filename": irrelevant for saved pages.
        warnings.simplefilter("ignore")
        # Attribute values stay plain strings (no class/rel lists): less work, simpler code.
        soup = BeautifulSoup(text, "lxml", multi_valued_attributes=None)
    capture = wayback.is_capture(text)
    url = _page_url(soup, text, capture)
    title = soup.find("title")
    title_hint = sanitize_line(title.get_text()) if isinstance(title, Tag) else None
    skip_toolbar = capture and wayback.TOOLBAR_BEGIN in text and wayback.TOOLBAR_END in text
    blocks = _walk(soup, skip_toolbar)
    return Page(blocks, url=url, title_hint=title_hint or None, markup=True)


def bounded(text: str) -> str:
    """Cut a page past the character and tag budgets (a real story is far below both)."""
    text = text.replace("\x00", "")[:MAX_TEXT_CHARS]
    if text.count("<") <= MAX_TAGS:
        return text
    pos = -1
    for _ in range(MAX_TAGS):
        pos = text.find("<", pos + 1)
    return text[:pos]


def _walk(soup: BeautifulSoup, skip_toolbar: bool) -> tuple[Block, ...]:
    """Depth-first walk with an explicit stack, so 10,000 nested tags need no recursion."""
    out = _Builder()
    open_styles = {_BOLD: 0, _LINK: 0, _ITEM: 0, _PRE: 0}
    headings: list[int] = []
    in_toolbar = False
    # (node, leaving, styles the tag opened): leaving undoes exactly what entering did.
    stack: list[tuple[object, bool, int]] = [(soup, False, 0)]
    while stack:
        node, leaving, opened = stack.pop()
        if isinstance(node, Tag):
            name = (node.name or "").lower()
            if leaving:
                for style in open_styles:
                    if opened & style:
                        open_styles[style] -= 1
                if name in _HEADINGS and headings:
                    headings.pop()
                if name in _BLOCK_TAGS:
                    out.flush()
                continue
            if name in _SKIP_TAGS or _WAYBACK_ID.match(str(node.get("id") or "")):
                continue
            if name == "br":
                out.newline()
                continue
            if name in ("img", "input", "area"):
                if not in_toolbar:
                    _alt(out, node, _flags(open_styles) | _ALT, headings[-1] if headings else 0)
                continue
            if name in _BLOCK_TAGS:
                out.flush()
            opened = (
                (
                    _BOLD
                    if name in _BOLD_TAGS or _BOLD_STYLE.search(str(node.get("style") or ""))
                    else 0
                )
                | (_LINK if name == "a" and node.get("href") is not None else 0)
                | (_ITEM if name == "li" else 0)
                | (_PRE if name in ("pre", "textarea", "listing", "xmp", "plaintext") else 0)
            )
            for style in open_styles:
                if opened & style:
                    open_styles[style] += 1
            if name in _HEADINGS:
                headings.append(_HEADINGS[name])
            stack.append((node, True, opened))
            stack.extend((child, False, 0) for child in reversed(node.contents))
        elif isinstance(node, Comment):
            if skip_toolbar and wayback.TOOLBAR_BEGIN in node:
                in_toolbar = True
            elif skip_toolbar and wayback.TOOLBAR_END in node:
                in_toolbar = False
        elif isinstance(node, NavigableString) and not isinstance(node, PreformattedString):
            if in_toolbar:
                continue
            flags = _flags(open_styles)
            level = headings[-1] if headings else 0
            if open_styles[_PRE]:
                for n, part in enumerate(str(node).split("\n")):
                    if n:
                        out.newline()
                    out.text(part, flags, level)
            else:
                out.text(_SPACE.sub(" ", str(node)), flags, level)
    out.flush()
    return tuple(out.blocks)


def _flags(open_styles: dict[int, int]) -> int:
    """The style flags of a text piece: which styling tags are open around it."""
    return sum(style for style, count in open_styles.items() if count and style != _PRE)


def _alt(out: _Builder, node: Tag, flags: int, level: int) -> None:
    """Image alt text is part of a page's text as browsers save it (logos, captions)."""
    if node.name == "input" and str(node.get("type") or "").lower() != "image":
        return
    alt = node.get("alt")
    if isinstance(alt, str) and alt.strip():
        # A line of its own: a photo's alt text beside a paragraph is not the paragraph's
        # first words (the site's pages glued "Students at the Fletcher School" to a teaser).
        if out.line.visible:
            out.newline()
        out.text(_SPACE.sub(" ", alt), flags, level)
        out.newline()


def _page_url(soup: BeautifulSoup, text: str, capture: bool) -> str | None:
    """The page's original address: from the capture's own records, else canonical / og:url."""
    stated = _canonical(soup) or wayback.saved_from_url(text)
    if not capture:
        return stated
    found = wayback.wombat_url(text) or _toolbar_field(soup) or stated
    if found is None:
        toolbar = soup.find(id=re.compile(r"^wm-ipp"))
        if isinstance(toolbar, Tag):
            links = [str(a.get("href") or "") for a in toolbar.find_all("a")]
            found = wayback.majority_url(links)
    if found is None:
        # Captures made before ~2010 carry the original address as the page's <base href>.
        base = soup.find("base")
        found = wayback.original_url(str(base.get("href") or "")) if isinstance(base, Tag) else None
    return found or wayback.printed_capture_url(text)


def _canonical(soup: BeautifulSoup) -> str | None:
    """`<link rel=canonical>` or `<meta property=og:url>`, unwrapped if archive-rewritten."""
    for link in soup.find_all("link"):
        if "canonical" in str(link.get("rel") or "").lower().split():
            return wayback.original_url(str(link.get("href") or ""))
    for meta in soup.find_all("meta"):
        if str(meta.get("property") or meta.get("name") or "").lower() == "og:url":
            return wayback.original_url(str(meta.get("content") or ""))
    return None


def _toolbar_field(soup: BeautifulSoup) -> str | None:
    """The URL box of the Wayback toolbar (`#wmtbURL`, or the old toolbar's `name=url`)."""
    box = soup.find("input", id="wmtbURL")
    if not isinstance(box, Tag):
        toolbar = soup.find(id=re.compile(r"^wm-ipp"))
        box = toolbar.find("input", attrs={"name": "url"}) if isinstance(toolbar, Tag) else None
    return wayback.original_url(str(box.get("value") or "")) if isinstance(box, Tag) else None
