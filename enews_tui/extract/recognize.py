"""The one recognizer: ordered blocks of any rendering -> Story (or NotAStory, with a reason)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from enews_tui.extract import dates, patterns
from enews_tui.extract.blocks import STYLE_LINK, Block, Page
from enews_tui.extract.contacts import scan_contacts
from enews_tui.model import Byline, NotAStory, Section, Story
from enews_tui.text import sanitize_line

#: A block this long is prose; a story's first dated stretch has several, a listing has not.
_PROSE = 150
_STORY_PROSE_BLOCKS = 3
# "One Less StatisticRobin Smalley ...": 2-12 title words, the last of 3+ letters, then a
# capitalized word of the teaser with no space before it.
_CAMEL_GLUE = re.compile(
    r"^(?P<title>[A-Z0-9\"'“‘][^.!?]{0,100}?\s[^\s.!?]*[a-z]{3})(?P<rest>[A-Z][a-z]+\b.*)$"
)
#: A dateline's place glued to the end of the teaser: "...lead to peace.Medford/Somerville,Mass."
_GLUED_PLACE = re.compile(
    r"(?<=[.!?\"”’])\s*(?P<place>[A-Z][A-Za-z.'’&\-]+(?:[ /][A-Z][A-Za-z.'’&\-]+){0,3},\s*"
    r"[A-Z][A-Za-z.]{1,14})$"
)
#: The link that ends a related-story teaser (its name and title lines above it).
_READ = re.compile(r"(?i)^(?:read(?:\s+(?:more|story|the\s+story|on))?|more|full\s+story)\W*$")
#: Bounds on the searches for the title and for the dated paragraph.
_HEADER_LINES = 80
_DATED_TRIED = 50


@dataclass(frozen=True, slots=True)
class _Line:
    """One visible line, with the block it came from (for hints and for re-joining wraps)."""

    text: str
    block: int
    hints: Block
    link: bool = False  # this line (not only its whole block) is link text


@dataclass(frozen=True, slots=True)
class _Anchor:
    """Where the body starts: the dated first paragraph (or the first prose, undated)."""

    index: int
    rest: str
    date: dt.date | None = None
    dateline: str | None = None
    dateline_index: int | None = None
    undated: bool = False  # no date stamp: the date comes from the address or the teaser


def recognize(page: Page, story_id: str, source: str) -> Story:
    """Turn a page's blocks into a Story; NotAStory for listings, indexes and bodiless pages."""
    lines = [
        _Line(t, n, b, bool(b.styles[k] & STYLE_LINK) if b.styles else b.link)
        for n, b in enumerate(page.blocks)
        for k, t in enumerate(b.lines)
    ]
    if not lines:
        raise NotAStory("empty page: no visible text")
    texts = [x.text for x in lines]
    frame = [patterns.is_boilerplate(t) for t in texts]
    related = [patterns.RELATED.match(t) is not None for t in texts]
    # A page naming itself "E-News Archives" (a heading or a plain line), not a menu's link to it.
    archives = any(
        len(t) <= 80 and patterns.ARCHIVES.match(t) and not x.link and not _in_menu(x)
        for t, x in zip(texts, lines, strict=True)
    )
    anchor = _find_anchor(lines, frame, archives)

    bylines = {
        i: found
        for i, t in enumerate(texts)
        if not frame[i] and (found := patterns.split_byline(t)) is not None
    }
    scan = scan_contacts(
        texts, lambda i: frame[i] or related[i] or i in bylines or i == anchor.index
    )
    photo = {i for i, (kind, _, _) in bylines.items() if patterns.is_photo_credit(kind)}
    story_bylines = [i for i in bylines if i not in photo and i not in scan.used]
    after = [i for i in story_bylines if i > anchor.index]
    byline_at = after[0] if after else (story_bylines[0] if story_bylines else None)

    skip = set(scan.used) | photo | {i for i in range(len(lines)) if frame[i] or related[i]}
    if byline_at is not None:
        skip.add(byline_at)
    if anchor.dateline_index is not None:
        skip.add(anchor.dateline_index)
    ends = (set(scan.used) - scan.call_lines) | {i for i, r in enumerate(related) if r}
    if byline_at is not None:
        ends.add(byline_at)
    end = min((i for i in ends if i > anchor.index), default=len(lines))

    # The title sits just above the body; the cap keeps 30,000 lines of header linear.
    header = [
        i
        for i in range(max(0, anchor.index - _HEADER_LINES), anchor.index)
        if i not in skip and not patterns.ARCHIVES.match(texts[i])
    ]
    printed_date = None
    if anchor.undated:
        # A date line between the title and the story ("June 3, 2004"): not a title or teaser.
        for i in header[-8:]:
            if (printed_date := dates.date_line(texts[i])) is not None:
                header.remove(i)
                break
    title, teaser = _title_and_teaser(lines, header, page.title_hint)
    dateline, date = anchor.dateline, anchor.date or printed_date
    if dateline is None and teaser is not None:
        glued = _GLUED_PLACE.search(teaser)
        if glued is not None:  # "...lead to peace.Medford/Somerville,Mass."
            dateline = re.sub(r",(?=\S)", ", ", glued.group("place"))
            teaser = teaser[: glued.start("place")].rstrip() or None
    if date is None and anchor.undated:
        # Else the address, else the teaser's words.
        date = dates.url_date(page.url) or dates.url_date(source)
        if date is None and teaser is not None:
            date = dates.find_date(teaser)
    sections = _sections(lines, anchor, [i for i in range(anchor.index + 1, end) if i not in skip])
    if not sections:
        raise NotAStory("not a story: no body text")
    byline = None
    if byline_at is not None:
        kind, author, organization = bylines[byline_at]
        byline = Byline(kind, sanitize_line(author), organization)
    return Story(
        id=story_id,
        source=source,
        title=title,
        url=page.url,
        teaser=teaser,
        date=date,
        dateline=dateline,
        byline=byline,
        sections=sections,
        contacts=tuple(scan.contacts + scan.calls),
    )


def _find_anchor(lines: list[_Line], frame: list[bool], archives: bool) -> _Anchor:
    """The dated paragraph that opens the body; a page with many dates and no prose is a list."""
    dated = [
        i
        for i, x in enumerate(lines)
        if not frame[i] and patterns.ANY_DATE.search(x.text) and patterns.ANCHOR.match(x.text)
    ]
    chosen = None
    for n, i in enumerate(dated[:_DATED_TRIED]):
        stop = dated[n + 1] if n + 1 < len(dated) else len(lines)
        if _prose_blocks(lines, i, stop) >= _STORY_PROSE_BLOCKS:
            chosen = i
            break
    if chosen is None and not archives and len(dated) >= 2 and _roundup(lines, dated, frame):
        chosen = dated[0]
    # An archive page that names itself and lists three dates is a month index even when its
    # teasers are long enough to look like paragraphs.
    if archives and len(dated) >= 3:
        chosen = None
    # One dated paragraph is a (short) story even on a page that links to the archives.
    if chosen is None and (len(dated) >= 3 or (archives and len(dated) != 1)):
        raise NotAStory(
            "not a story: E-News Archives month index"
            if archives
            else f"not a story: a list of {len(dated)} dated stories"
        )
    if chosen is None and dated:
        chosen = dated[0]
    if chosen is None:
        return _undated_anchor(lines, frame, archives)
    match = patterns.ANCHOR.match(lines[chosen].text)
    assert match is not None  # chosen from lines that match
    dateline = sanitize_line(match.group("dateline")).strip(" ,-—–") or None
    dateline_index = None
    if dateline is None and chosen > 0:
        before = lines[chosen - 1].text
        if not frame[chosen - 1] and patterns.DATELINE_ONLY.match(before):
            dateline, dateline_index = before, chosen - 1
    return _Anchor(
        index=chosen,
        rest=sanitize_line(match.group("rest")),
        date=patterns.story_date(match.group("m"), match.group("d"), match.group("y")),
        dateline=dateline,
        dateline_index=dateline_index,
    )


def _in_menu(line: _Line) -> bool:
    """Whether a line is one of a column of short lines (a menu in a text save)."""
    block = line.hints.lines
    return len(block) >= 4 and all(len(t) <= 40 and not patterns.ends_sentence(t) for t in block)


def _roundup(lines: list[_Line], dated: list[int], frame: list[bool]) -> bool:
    """A round-up story: its own dateline and date, then dated items, each under a subheading
    (a month index has headline links and no datelines)."""
    first = patterns.ANCHOR.match(lines[dated[0]].text)
    if first is None or not patterns.DATELINE_ONLY.match(first.group("dateline").strip()):
        return False
    for i in dated[1:]:
        before = [j for j in range(max(0, i - 2), i) if not frame[j]]
        match = patterns.ANCHOR.match(lines[i].text)
        if match is None or match.group("dateline").strip() or not before:
            return False
        head = lines[before[-1]]
        if head.hints.link or not patterns.is_heading_text(head.text):
            return False
    return len(dated) >= 2


def _undated_anchor(lines: list[_Line], frame: list[bool], archives: bool) -> _Anchor:
    """No date stamp: the body starts at the first prose block, if the page has prose at all."""
    if archives:
        raise NotAStory("not a story: E-News Archives month index")
    starts = [
        i for i, x in enumerate(lines) if not frame[i] and (i == 0 or lines[i - 1].block != x.block)
    ]
    prose = [i for i in starts if _is_prose(lines, i)]
    prose_set = set(prose)
    if len(prose) < 2:
        raise NotAStory("not a story: no dateline and no story text")
    # A story has paragraphs in a row; a section front alternates headline and teaser.
    run = longest = 0
    for i in starts:
        run = run + 1 if i in prose_set else 0
        longest = max(longest, run)
    links = sum(1 for i in starts if lines[i].hints.link)
    if longest < 2 or (links >= 3 and 2 * links >= len(prose)):
        raise NotAStory("not a story: a section front (headlines and teasers, no story)")
    dateline = dateline_index = None
    for n, i in enumerate(prose[1:3], start=1):
        between = [j for j in range(prose[n - 1] + 1, i) if not frame[j]]
        if between and patterns.DATELINE_ONLY.match(lines[between[-1]].text):
            # The older layout: teaser, the dateline alone on its line, then the story.
            prose = prose[n:]
            break
    before = [i for i in range(max(0, prose[0] - 2), prose[0]) if not frame[i]]
    if before and patterns.DATELINE_ONLY.match(lines[before[-1]].text):
        # The older layout: the dateline alone on its line above the first paragraph.
        dateline, dateline_index = lines[before[-1]].text, before[-1]
    return _Anchor(
        index=prose[0],
        rest=lines[prose[0]].text,
        dateline=dateline,
        dateline_index=dateline_index,
        undated=True,
    )


def _block_text(lines: list[_Line], i: int) -> str:
    """Line i and the lines after it in its block, joined (at most 200: a bound, not a rule)."""
    block = lines[i].block
    return " ".join(x.text for x in lines[i : i + 200] if x.block == block)


def _is_prose(lines: list[_Line], i: int) -> bool:
    """Whether the block starting at line i reads as a paragraph of a story."""
    text = _block_text(lines, i)
    return len(text) >= _PROSE and patterns.ends_sentence(text) and not lines[i].hints.link


def _prose_blocks(lines: list[_Line], start: int, stop: int) -> int:
    """How many paragraphs from line `start` to `stop` are prose: long lines, or blocks that are
    long when their wrapped lines are joined (capped: only "enough" matters)."""
    count = 0
    counted: set[int] = set()
    for i in range(start, min(stop, start + 400)):
        x = lines[i]
        if len(x.text) >= _PROSE:
            count += 1
            counted.add(x.block)
        elif x.block not in counted and len(_block_text(lines, i)) >= _PROSE:
            count += 1
            counted.add(x.block)
        if count >= _STORY_PROSE_BLOCKS:
            break
    return count


def _title_and_teaser(
    lines: list[_Line], header: list[int], title_hint: str | None
) -> tuple[str, str | None]:
    """The title, and the teaser after it (found glued to a repeat of the title, or next)."""
    shown = [i for i in header if not lines[i].hints.link] or header
    candidates = [i for i in shown if not lines[i].hints.alt]
    # 1. A title printed twice (heading, then image caption glued to the teaser).
    for j in reversed(shown):
        repeat = patterns.squash(lines[j].text)
        for i in reversed([i for i in candidates if i < j]):
            key = patterns.squash(lines[i].text)
            if len(key) >= 4 and len(lines[i].text) <= 200 and repeat.startswith(key):
                printed, rest = _split_prefix(lines[j].text, len(key))
                rest = _drop_repeats(rest, key)
                teaser = (
                    _continue(lines, rest, j, header) if rest else _next_teaser(lines, shown, j)
                )
                # Of the two printings, the one that kept its spaces.
                title = max(lines[i].text, printed, key=lambda t: t.count(" "))
                return title, teaser
    # 2. The <title> names it (possibly glued to the teaser in the same line).
    for piece in _title_pieces(title_hint):
        key = patterns.squash(piece)
        for i in candidates:
            if len(key) >= 4 and patterns.squash(lines[i].text).startswith(key):
                rest = _drop_repeats(_split_prefix(lines[i].text, len(key))[1], key)
                if not rest:
                    return lines[i].text, _next_teaser(lines, shown, i)
                return sanitize_line(piece), _continue(lines, rest, i, header)
    # 3. The top heading, else the last headline-like paragraph before the teaser (wrapped
    # lines joined first, so a wrapped teaser is not mistaken for short lines).
    units: dict[int, str] = {}
    done = -1
    allowed = set(shown)
    for i in shown:
        if i > done:
            units[i], done = _run(lines, lines[i].text, i, allowed)
    candidates = [i for i in units if not lines[i].hints.alt]
    headed = [i for i in candidates if lines[i].hints.heading]
    if headed:
        top = min(headed, key=lambda i: lines[i].hints.heading)
        return units[top], _next_teaser(lines, shown, top)
    short = [i for i in candidates if _title_like(units[i])]
    if short:
        pick = short[-1]
        if len(short) > 1 and pick == candidates[-1] and short[-2] == candidates[-2]:
            # Two short lines: "Who Is Jumbo?" may be a title; a question of 8+ words after a
            # line without punctuation is its teaser.
            last, before = units[pick], units[short[-2]]
            if len(last.split()) >= 8 and not patterns.ends_sentence(before):
                pick = short[-2]
        return units[pick], _next_teaser(lines, shown, pick)
    if candidates and (glued := _CAMEL_GLUE.match(units[candidates[-1]])) is not None:
        # Only a title glued to its teaser was printed: split where a word runs into a capital.
        return glued.group("title"), sanitize_line(glued.group("rest"))
    if title_hint:
        return sanitize_line(title_hint), None
    raise NotAStory("not a story: no title")


def _title_like(text: str) -> bool:
    """Short enough for a headline and not ending like a statement ("Who Is Jumbo?" is one)."""
    return len(text) <= 150 and len(text.split()) <= 15 and not text.rstrip("\"'”’) ").endswith(".")


def _title_pieces(title_hint: str | None) -> list[str]:
    """The <title> and its parts around separators ("Tufts E-News: One Less Statistic")."""
    if not title_hint:
        return []
    pieces = [title_hint]
    for sep in (" | ", " - ", " -- ", " – ", " — ", ": ", " :: "):
        for part in title_hint.split(sep):
            if part.strip() and part.strip() != title_hint:
                pieces.append(part.strip())
    return sorted(pieces, key=len, reverse=True)


def _split_prefix(text: str, length: int) -> tuple[str, str]:
    """`text` cut after its first `length` non-space characters (a prefix compared without
    spaces): (prefix, rest)."""
    seen = 0
    for pos, char in enumerate(text):
        if seen == length:
            return text[:pos].strip(), text[pos:].strip()
        if not char.isspace():
            seen += 1
    return text.strip(), ""


def _drop_repeats(text: str, key: str) -> str:
    """`text` without further printings of the title at its start (an image's alt text and its
    caption can both repeat it before the teaser)."""
    while len(key) >= 12 and text and patterns.squash(text).startswith(key):
        text = _split_prefix(text, len(key))[1]
    return text


def _next_teaser(lines: list[_Line], shown: list[int], after: int) -> str | None:
    """The first sentence-like line after the title, with its wrapped continuation."""
    others = 0
    allowed = set(shown)
    done = after
    for i in shown:
        if i <= done:
            continue
        text, done = _run(lines, lines[i].text, i, allowed)
        if not lines[i].hints.alt and patterns.is_sentence(text):
            return text
        if patterns.squash(lines[i].text) != patterns.squash(lines[after].text):
            others += 1  # a credit or a kicker between title and teaser
            if others > 2:
                return None
    return None


def _continue(lines: list[_Line], text: str, i: int, allowed: list[int]) -> str:
    """`text` joined with the lines that continue it in the same block (a wrapped paragraph)."""
    return _run(lines, text, i, set(allowed))[0]


def _run(lines: list[_Line], text: str, i: int, allowed: set[int]) -> tuple[str, int]:
    """(paragraph text, index of its last line): line i and the lines its wrapping continues."""
    parts = [text]
    j = i
    while j + 1 < len(lines) and j + 1 in allowed and _wrapped(lines, j):
        j += 1
        nxt = lines[j].text
        if (
            len(parts[-1]) > 1
            and parts[-1][-1] == "-"
            and parts[-1][-2].isalpha()
            and nxt[:1].isalpha()
        ):
            parts[-1] += nxt  # a word broken at its hyphen ("HIV-" / "negative")
        else:
            parts.append(nxt)
    return sanitize_line(" ".join(parts)), j


def _wrapped(lines: list[_Line], i: int) -> bool:
    """Whether line i runs on into line i+1: same block, and i is as long as a wrapped line."""
    if lines[i + 1].block != lines[i].block:
        return False
    block = lines[i].hints
    width = max(len(t) for t in block.lines)
    return width <= 100 and len(lines[i].text) >= 0.6 * width


def _sections(lines: list[_Line], anchor: _Anchor, body: list[int]) -> tuple[Section, ...]:
    """Group body lines into paragraphs and paragraphs under their subheadings."""
    units: list[tuple[str, Block, bool]] = []  # (text, hints, single line)
    allowed = set(body)
    done = anchor.index
    if anchor.rest:
        text, done = _run(lines, anchor.rest, anchor.index, allowed)
        units.append((text, lines[anchor.index].hints, False))
    related = _related_lines(lines, body)
    for i in body:
        if i <= done or i in related:
            continue
        text, done = _run(lines, lines[i].text, i, allowed - related)
        if lines[i].hints.alt:
            continue  # a photo's alt text inside the story is not a paragraph
        if lines[i].hints.link and len(text) < _PROSE:
            continue  # a related-story or video link between paragraphs
        units.append((text, lines[i].hints, done == i))
    while units and units[-1][1].link and len(units[-1][0]) < _PROSE:
        units.pop()  # navigation links after the story's last paragraph
    sections: list[Section] = []
    heading: str | None = None
    paragraphs: list[str] = []
    for n, (text, hints, single) in enumerate(units):
        if n and single and _is_heading(text, hints):
            if heading is not None or paragraphs:
                sections.append(Section(heading, tuple(paragraphs)))
            heading, paragraphs = text, []
        else:
            paragraphs.append(text)
    if paragraphs:
        sections.append(Section(heading, tuple(paragraphs)))
    return tuple(sections)


def _related_lines(lines: list[_Line], body: list[int]) -> set[int]:
    """Related-story teasers inside the body: a name and a title over a "read" link, and
    "Watch video of ..." lines: neither paragraphs nor subheadings."""
    found: set[int] = set()
    present = set(body)
    for i in body:
        text = lines[i].text
        if patterns.is_media_link(text):
            found.add(i)
        elif _READ.match(text):
            found.add(i)
            for j in (i - 1, i - 2):
                if (
                    j in present
                    and len(lines[j].text) <= 100
                    and not patterns.is_sentence(lines[j].text)
                ):
                    found.add(j)
    return found


def _is_heading(text: str, hints: Block) -> bool:
    """A subheading: <h2>-<h6>, a short bold-only line, or a short unpunctuated line."""
    if hints.item:
        return False  # a short list item ("Kenya") is an item, not a heading
    if hints.heading >= 2 and len(text) <= 150:
        return True
    if hints.bold and len(text) <= 100 and not text.rstrip("\"'”’) ").endswith("."):
        return True
    return patterns.is_heading_text(text)
