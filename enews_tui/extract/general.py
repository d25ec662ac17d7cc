"""The general path: any news page's blocks -> Story, its main content found by trafilatura
(on an lxml tree of the same text) and its structure (subheadings, paragraphs) by the blocks."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any

from enews_tui.extract import dates, patterns
from enews_tui.extract.blocks import (
    STYLE_ALT,
    STYLE_BOLD,
    STYLE_HEADING_SHIFT,
    STYLE_ITEM,
    STYLE_LINK,
    Block,
    Page,
)
from enews_tui.extract.contacts import scan_contacts
from enews_tui.extract.metadata import Metadata, page_metadata
from enews_tui.model import Byline, NotAStory, Section, Story
from enews_tui.text import sanitize_line

for _name in ("trafilatura", "htmldate", "courlan", "charset_normalizer", "justext"):
    # Their warnings ("empty HTML tree", "discarding data") would reach stderr through logging's
    # last-resort handler; a page they cannot read is our reason to give, not their log line.
    logging.getLogger(_name).addHandler(logging.NullHandler())
    logging.getLogger(_name).propagate = False

#: trafilatura's fast mode skips its fallback extractors (readability, jusText): about half the
#: time, and it takes whole table layouts as content; benchmarks/score_extract.py measures both.
TRAFILATURA_FAST = False
#: A paragraph this long (characters) is prose, not a label.
_PROSE = 120
#: Lines of a site's frame and of a news page's furniture, never the story's text.
_FURNITURE = re.compile(
    r"""(?ix)^\W*(?:
      advertisement | advertising | sponsored(?:\ content)? | story\ continues\ below.*
    | (?:top|related|more|latest|popular|trending|recommended|featured|other)\ (?:stories|news
        |headlines|articles|links|videos?|posts|coverage|content|reading)(?:\ from\ .{0,40})?
    | most\ (?:popular|read|viewed|emailed|shared|commented)(?:\ stories)?
    | related | see\ also | also\ read | read\ also | recommended | trending | more
    | (?:share|tweet|email|e-mail|print|save|comment|comments|like|pin|reddit|linkedin
        |facebook|twitter|whatsapp|copy\ link)(?:\s+(?:this|on|via|it|story|article|page|
        facebook|twitter|now|\d+))*
    | (?:read|see|click|continue)\ (?:more|here|full\ story|the\ full\ story|reading).{0,40}
    | (?:sign\ up|subscribe|log\ ?in|register|follow\ us|newsletter).{0,60}
    | (?:watch|view|see|play)\ (?:the\ )?(?:video|slide\ ?show|photos?|gallery|audio).{0,80}
    | (?:photo|photos|image|video|audio|graphic|caption|credit|courtesy|illustration)s?\s*
        (?:by|:|\||courtesy).{0,120}
    | \((?:photo|image|video|file\ photo)\b[^()]{0,60}\)
    | back\ to\ (?:top|home|news|index).{0,30} | skip\ to\ .{0,30} | jump\ to\ .{0,30}
    | tags?\s*: .{0,200} | filed\ under\s*:?.{0,200} | categor(?:y|ies)\s*:.{0,200}
    | (?:for\ immediate\ release|news\ release|press\ release|media\ advisory)\W*
    | \#\#\#+ | -\ ?30\ ?- | -+\ ?end\ ?-+ | end
    | (?:all\ )?comments?\s*\(?\d*\)? | \d+\ comments? | leave\ a\ (?:comment|reply).{0,20}
    | posted\ in\ .{0,80} | permalink | trackback.{0,20} | (?:previous|next)\ (?:post|page).{0,80}
    | page\ \d+\ of\ \d+ | \d+\s*/\s*\d+
    | loading.{0,10} | close | menu | search | home
    )\W*$""",
)
#: A dateline opening the first paragraph: "BOSTON --", "MURFREESBORO, Tenn. —",
#: "NEW YORK (AP) —", "Medford/Somerville, Mass. --", "BOSTON (June 3, 2004) --".
_DATELINE = re.compile(
    r"^(?P<dl>(?:[A-Z][A-Z.'’/&\-]+(?:\s[A-Z][A-Z.'’/&\-]+){0,3}"
    r"|[A-Z][a-z.'’/&\-]+(?:[\s/][A-Z][a-z.'’/&\-]+){0,3}(?=,))"
    r"(?:,\s*[A-Z][A-Za-z.]{1,14}(?:\s[A-Z][A-Za-z.]{1,14})?)?)"
    r"\s*(?:\((?P<when>[^()]{2,40})\)\s*)?(?:--|—|–|-|:)\s*(?P<rest>\S.*)$",
    re.S,
)
_TITLE_SEPARATORS = (" | ", " -- ", " - ", " – ", " — ", " :: ", " » ", " « ", " · ", " • ", " : ")
#: Where a story's text ends: reader comments, "###" and "-30-" of press releases.
_END = re.compile(
    r"(?i)^\W*(?:\d+\s+(?:responses?|comments?|replies)\b.*|(?:reader\s+)?comments?(?:\s+\(\d+\))?"
    r"|responses?|leave\s+a\s+(?:reply|comment).*|add\s+(?:a|your)\s+comment.*|discussion"
    r"|\#\#\#+|-\s?30\s?-|-+\s?end\s?-+|about\s+the\s+author)\W*$"
)
#: Kinds of a byline that name the story's writer ("Story by"), unlike "Comment by".
_WRITER_KINDS = re.compile(
    r"(?i)^(?:story|article|text|words|profile|feature|column|report|reported|written|interview"
    r"|posted|published|submitted|compiled|edited|review|essay|commentary|analysis|news)$"
)
#: Words that name a site or a publication rather than a story ("The Daily Example", "CNN.com").
_SITE_WORDS = re.compile(
    r"(?i)\b(?:news|e-?news|times|post|journal|daily|herald|tribune|gazette|online|magazine|"
    r"radio|tv|university|college|press|wire|report|today|weekly|blog|chronicle|observer|"
    r"courier|register|review|globe|star|sun|record|bulletin|office|newsroom|home|ledger|voice|"
    r"times|mail|telegraph|guardian|independent|examiner|inquirer|dispatch|sentinel|"
    r"monitor|digest|network|media|channel|official\s+site)\b|\.(?:com|org|"
    r"edu|net|co\.uk)\b"
)
_BYLINE_LEAD = re.compile(r"(?i)^(?:posted|written|published|submitted)\s+by\s+")


@dataclass(frozen=True, slots=True)
class _Unit:
    """One block of the page as the general path sees it: its text, hints and line indices."""

    text: str
    hints: Block
    lines: tuple[int, ...]


def general_story(page: Page, html: str, story_id: str, source: str) -> Story:
    """A Story from any news page, or NotAStory when its main content is not one story."""
    tree = _tree(html)
    meta = page_metadata(tree) if tree is not None else Metadata()
    url = page.url
    main, found = _trafilatura(tree, url) if tree is not None else (None, {})
    units, line_texts = _units(page)
    if not units:
        raise NotAStory("empty page: no visible text")
    frame = [_is_furniture(t) for t in line_texts]
    scan = scan_contacts(line_texts, lambda i: frame[i])
    body = _main_units(units, main, scan.used, frame)
    if not body:
        raise NotAStory("not a story: no story text")
    first, last = body[0], body[-1]
    _refuse_listings(units, body, first, last)
    title_at, title = _title(units, first, meta, found)
    if title_at is not None and title_at >= first:
        body = [k for k in body if k > title_at]  # the headline (and what is above it) is not body
        if not body:
            raise NotAStory("not a story: no story text")
        first = body[0]
    header = [k for k in range(title_at + 1 if title_at is not None else first, first)]
    # From the headline to the story's third paragraph: where bylines and date lines stand.
    top = list(range(title_at + 1 if title_at is not None else first, body[:3][-1] + 1))
    byline, byline_at = _byline(units, top, body, meta, found)
    date, date_at = _date(units, top, url, meta, found)
    skip = {title_at, byline_at, date_at}
    limit = body[3] if len(body) > 3 else len(units)
    stamps = [k for k in (byline_at, date_at) if k is not None and k < limit]
    if title_at is not None and stamps:
        # Headline, deck, byline, date, then the story: what sits above the stamps is the deck.
        deck = [k for k in body if k < max(stamps)]
        header += deck
        body = [k for k in body if k not in deck]
    teaser = _teaser(units, header, skip)
    dateline, body_units = _dateline(units, [k for k in body if k not in skip], scan.used)
    if dateline is not None and date is None:
        date = dateline[1]
    sections = _sections(body_units)
    if not sections:
        raise NotAStory("not a story: no story text")
    return Story(
        id=story_id,
        source=source,
        title=title,
        url=url,
        teaser=teaser,
        date=date,
        dateline=dateline[0] if dateline is not None else None,
        byline=byline,
        sections=sections,
        contacts=tuple(scan.contacts + scan.calls),
    )


def _tree(html: str) -> Any:
    """The page as an lxml HTML tree (None if lxml finds nothing in it)."""
    import lxml.html  # loaded with the general path
    from lxml.etree import ParserError

    # lxml refuses a str that still declares its encoding.
    html = re.sub(r"^\s*<\?xml[^>]*>", "", html[:2000]) + html[2000:]
    try:
        return lxml.html.document_fromstring(html)
    except (ParserError, ValueError):
        return None


def _trafilatura(tree: Any, url: str | None) -> tuple[list[str] | None, dict[str, Any]]:
    """The main content's paragraphs as trafilatura finds them, and its metadata guesses."""
    from trafilatura import bare_extraction

    try:
        doc = bare_extraction(
            tree,  # trafilatura prunes it: the caller has read its metadata already
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            deduplicate=False,
            fast=TRAFILATURA_FAST,
        )
    except (ValueError, TypeError, AttributeError, IndexError, KeyError, RecursionError):
        return None, {}  # a page it trips on still has our own reading
    if doc is None:
        return None, {}
    found = {k: getattr(doc, k, None) for k in ("title", "author", "date")}
    body = getattr(doc, "body", None)
    if body is None:
        return None, found
    paragraphs = []
    for node in body.iter("p", "head", "item", "quote", "cell", "td"):
        text = " ".join("".join(node.itertext()).split())
        if text:
            paragraphs.append(text)
    return paragraphs, found


def _units(page: Page) -> tuple[list[_Unit], list[str]]:
    """The page's lines as units (a `<br>` ends one: on a general page it separates a title, a
    date line and a byline as often as it breaks a paragraph), wrapped lines joined back."""
    units: list[_Unit] = []
    texts: list[str] = []
    for block in page.blocks:
        start = len(texts)
        texts.extend(block.lines)
        if not block.styles:  # a text save's block: its lines are one paragraph
            units.append(_Unit(_joined(block.lines), block, tuple(range(start, len(texts)))))
            continue
        run: list[int] = []
        for n in range(len(block.lines)):
            if run and not _continues(block, n):
                units.append(_unit(block, start, run))
                run = []
            run.append(n)
        units.append(_unit(block, start, run))
    return units, texts


def _continues(block: Block, n: int) -> bool:
    """Whether line n goes on with the paragraph of the line before it (a hard-wrapped line)."""
    before, line = block.lines[n - 1], block.lines[n]
    if block.styles[n - 1] != block.styles[n] or len(before) < 50 or patterns.ends_sentence(before):
        return False
    return before.endswith(("-", ",")) or line[:1].islower()


def _unit(block: Block, start: int, run: list[int]) -> _Unit:
    """One unit from lines of a block; its hints are those every one of its lines has."""
    lines = tuple(block.lines[n] for n in run)
    bits = STYLE_BOLD | STYLE_LINK | STYLE_ITEM | STYLE_ALT
    levels = set()
    for n in run:
        bits &= block.styles[n]
        levels.add(block.styles[n] >> STYLE_HEADING_SHIFT)
    hints = Block(
        lines,
        heading=0 if 0 in levels else min(levels),
        bold=bool(bits & STYLE_BOLD),
        link=bool(bits & STYLE_LINK),
        item=bool(bits & STYLE_ITEM),
        alt=bool(bits & STYLE_ALT),
    )
    return _Unit(_joined(lines), hints, tuple(start + n for n in run))


def _joined(lines: tuple[str, ...] | list[str]) -> str:
    """A block's lines as one paragraph (a word broken at its hyphen is put back together)."""
    out = ""
    for line in lines:
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha() and line[:1].islower():
            out += line
        else:
            out = f"{out} {line}" if out else line
    return sanitize_line(out)


def _is_furniture(text: str) -> bool:
    """A line of a page's frame: navigation, share buttons, credits, labels."""
    return len(text) <= 300 and (
        _FURNITURE.match(text) is not None or patterns.is_boilerplate(text)
    )


def _main_units(
    units: list[_Unit], main: list[str] | None, used: set[int], frame: list[bool]
) -> list[int]:
    """Indices of the units that make the story's body, in page order: the stretch of the page
    where prose outweighs links and furniture most (a maximum-sum run), trafilatura's choice of
    paragraphs weighing in (alone it takes whole table layouts, menus included)."""
    keys = [patterns.squash(u.text) for u in units]
    joined = "\x00".join(patterns.squash(p) for p in main) if main else ""
    chosen = {k for k, key in enumerate(keys) if len(key) >= 12 and key in joined}
    weights = []
    for k, unit in enumerate(units):
        dropped = all(i in used or frame[i] for i in unit.lines)
        weights.append(_weight(unit, k in chosen if main else True, dropped))
    best_sum, best = 0.0, (0, -1)
    run_sum, run_start = 0.0, 0
    for k, weight in enumerate(weights):
        if run_sum <= 0:
            run_sum, run_start = 0.0, k
        run_sum += weight
        if run_sum > best_sum:
            best_sum, best = run_sum, (run_start, k)
    region = range(best[0], best[1] + 1)
    prose = [k for k in region if weights[k] > 0]
    kept = sum(len(units[k].text) for k in prose if k in chosen)
    # trafilatura's choice of paragraphs is followed where it found the story; where it kept
    # less than half of the region's prose, the region's prose is taken (it missed the story).
    trust = bool(main) and 2 * kept >= sum(len(units[k].text) for k in prose)
    body: list[int] = []
    for k in region:
        unit = units[k]
        if body and len(unit.text) <= 80 and _END.match(unit.text):
            break
        if all(i in used or frame[i] for i in unit.lines) or unit.hints.alt:
            continue
        if k in chosen or (weights[k] > 0 and not trust) or _heading_hinted(unit):
            body.append(k)
    return body


def _weight(unit: _Unit, kept: bool, dropped: bool) -> float:
    """How much a unit speaks for being inside the story: prose for, links and furniture against."""
    text = unit.text
    if dropped or _is_furniture(text):
        return -50.0
    if len(text) <= 80 and _END.match(text):
        return -400.0
    if unit.hints.link:
        return -max(30.0, len(text) / 2)
    if unit.hints.alt:
        return -20.0
    if len(text) >= 60 and patterns.ends_sentence(text):
        return len(text) * (1.0 if kept else 0.4)
    if _heading_hinted(unit):
        return -8.0
    return -5.0 if kept else -25.0


def _is_prose(unit: _Unit) -> bool:
    """A paragraph of a story: long, ends like a sentence, not only links."""
    return (
        len(unit.text) >= _PROSE
        and patterns.ends_sentence(unit.text)
        and not unit.hints.link
        and not unit.hints.alt
    )


def _heading_hinted(unit: _Unit) -> bool:
    """A subheading by markup: `<h2>`-`<h6>` or a short bold-only line."""
    if unit.hints.link or unit.hints.alt or unit.hints.item or len(unit.text) > 120:
        return False
    if unit.hints.heading >= 2:
        return True
    return unit.hints.bold and not unit.text.rstrip("\"'”’) ").endswith(".")


def _refuse_listings(units: list[_Unit], body: list[int], first: int, last: int) -> None:
    """A section front or index: headline links alternating with teasers, no run of prose."""
    span = units[first : last + 1]
    links = [u for u in span if u.hints.link and len(u.text.split()) >= 3]
    prose = [k for k in body if _is_prose(units[k]) or len(units[k].text.split()) >= 25]
    run = longest = 0
    previous = None
    for k in body:
        unit = units[k]
        paragraph = _weight(unit, True, False) > 0
        if paragraph and (previous is None or k - previous <= 2):
            run += 1
        elif paragraph:
            run = 1
        else:
            run = 0 if not _heading_hinted(unit) else run
        previous = k
        longest = max(longest, run)
    dated = sum(1 for u in span if len(u.text) <= 160 and dates.find_date(u.text) is not None)
    words = sum(len(units[k].text.split()) for k in body)
    if len(links) >= 3 and 2 * len(links) >= len(prose) and longest < 2:
        raise NotAStory("not a story: a section front (headlines and teasers, no story)")
    if dated >= 4 and dated >= len(prose) and longest < 2:
        raise NotAStory("not a story: an index of dated stories")
    if words < 40 and not prose:
        raise NotAStory("not a story: no story text")


def _title_pieces(title: str, site: str | None) -> str:
    """A `<title>` or og:title without the site's name (`Tufts E-News -- `, `| Example News`)."""
    for sep in _TITLE_SEPARATORS:
        if sep not in title:
            continue
        parts = [p.strip() for p in title.split(sep) if p.strip()]
        if len(parts) < 2:
            continue

        def is_site(part: str) -> bool:
            if site and patterns.squash(part) == patterns.squash(site):
                return True
            return len(part.split()) <= 5 and _SITE_WORDS.search(part) is not None

        if is_site(parts[-1]):
            parts = parts[:-1]
        elif is_site(parts[0]):
            parts = parts[1:]
        else:
            continue
        while len(parts) > 1 and is_site(parts[-1]):
            parts = parts[:-1]
        return sep.join(parts)
    return title


def _title(
    units: list[_Unit], first: int, meta: Metadata, found: dict[str, Any]
) -> tuple[int | None, str]:
    """(unit index or None, title): the headline the page prints, agreeing with its metadata."""
    stated = [
        _title_pieces(t, meta.site_name)
        for t in (meta.title, meta.html_title)
        if isinstance(t, str) and t
    ]
    keys = [patterns.squash(t) for t in stated]
    above = range(max(0, first - 40), min(len(units), first + 1))
    headed = [k for k in above if units[k].hints.heading and len(units[k].text) <= 300]
    # 1. A printed heading that the metadata names.
    for k in list(headed) + [k for k in above if k not in headed and not units[k].hints.alt]:
        key = patterns.squash(units[k].text)
        if len(key) >= 4 and len(units[k].text) <= 300 and any(key == s for s in keys):
            return k, units[k].text
    inside = [
        k
        for k in headed
        if len(key := patterns.squash(units[k].text)) >= 8
        and any(key in s or (s and s in key) for s in keys)
    ]
    if inside:
        # The story's headline, not the site's name that the <title> also holds.
        k = max(inside, key=lambda k: len(units[k].text))
        return k, units[k].text
    # 2. The top heading just above the body.
    if headed:
        top = min(units[k].hints.heading for k in headed)
        if top == 1 or not stated:
            k = [k for k in headed if units[k].hints.heading == top][-1]
            return k, units[k].text
    if stated:
        return None, sanitize_line(stated[0])
    if isinstance(found.get("title"), str) and found["title"]:
        return None, sanitize_line(found["title"])
    # 3. A bold line or headline-like line just above the body (old table layouts).
    for k in range(first - 1, max(-1, first - 8), -1):
        unit = units[k]
        if (unit.hints.bold or unit.hints.heading) and not unit.hints.link and _title_like(unit):
            return k, unit.text
    raise NotAStory("not a story: no title")


def _title_like(unit: _Unit) -> bool:
    """Short enough for a headline and not a sentence."""
    return 2 <= len(unit.text.split()) <= 20 and not unit.text.endswith(".")


def _byline(
    units: list[_Unit], header: list[int], body: list[int], meta: Metadata, found: dict[str, Any]
) -> tuple[Byline | None, int | None]:
    """The story's byline: a printed "By ..." line near the top or the end, else metadata."""
    after = list(range(body[-1] + 1, min(len(units), body[-1] + 4))) if body else []
    near = header + body[:3] + body[-3:] + after
    for k in dict.fromkeys(near):
        unit = units[k]
        text = unit.text
        if len(text) > 200:
            continue
        cut = re.split(r"\s+(?:\||•|·|—|--|-|@)\s+|\s{2,}|\s+(?:on|at)\s+(?=[A-Z0-9])", text)[0]
        parts = patterns.split_byline(_BYLINE_LEAD.sub("By ", cut))
        if parts is None:
            continue
        kind, author, organization = parts
        if kind is not None and not _WRITER_KINDS.match(kind):
            continue
        if dates.find_date(author) is not None:
            continue
        if (
            organization
            and len(meta.authors) > 1
            and _norm_name(author) in map(_norm_name, meta.authors)
        ):
            # "By Jane Doe, John Roe": the comma is a second writer, not an organization.
            author, organization = " and ".join(meta.authors[:4]), None
        return Byline(kind, sanitize_line(author), organization), k if cut == text else None
    names = meta.authors or ([found["author"]] if isinstance(found.get("author"), str) else [])
    if names:
        names = [sanitize_line(n) for n in names if n][:4]
        return Byline(None, " and ".join(names), None), None
    return None, None


def _norm_name(name: str) -> str:
    """A name compared without case or spacing."""
    return " ".join(name.casefold().split())


def _date(
    units: list[_Unit], near: list[int], url: str | None, meta: Metadata, found: dict[str, Any]
) -> tuple[dt.date | None, int | None]:
    """The story's date: a date line near the title, else metadata, the address, htmldate."""
    for k in near:
        for line in units[k].hints.lines[:3]:
            found_date = dates.date_line(line)
            if found_date is not None:
                whole = dates.date_line(units[k].text) is not None and len(units[k].hints.lines) < 4
                return found_date, k if whole else None
    if meta.date is not None:
        return meta.date, None
    from_url = dates.url_date(url)
    if from_url is not None:
        return from_url, None
    guess = found.get("date")
    if isinstance(guess, str):
        return dates.iso_date(guess), None
    return None, None


def _teaser(units: list[_Unit], header: list[int], skip: set[int | None]) -> str | None:
    """The deck between the title and the body: the first sentence-like block there."""
    for k in header:
        unit = units[k]
        if k in skip or unit.hints.link or unit.hints.alt or _is_furniture(unit.text):
            continue
        if patterns.split_byline(unit.text) or dates.date_line(unit.text):
            continue
        if patterns.is_sentence(unit.text) and len(unit.text) <= 400:
            return unit.text
    return None


def _dateline(
    units: list[_Unit], body: list[int], used: set[int]
) -> tuple[tuple[str, dt.date | None] | None, list[tuple[str, Block]]]:
    """The dateline opening the first paragraph (taken off it), and the body's texts."""
    texts: list[tuple[str, Block]] = []
    for k in body:
        unit = units[k]
        lines = [units[k].hints.lines[n] for n, i in enumerate(unit.lines) if i not in used]
        if lines:
            texts.append((_joined(lines), unit.hints))
    if not texts:
        return None, texts
    match = _DATELINE.match(texts[0][0])
    if match is None or not _is_prose_text(match.group("rest")):
        return None, texts
    place = sanitize_line(match.group("dl"))
    when = match.group("when")
    if patterns.squash(place) in ("update", "note", "editorsnote", "correction"):
        return None, texts
    texts[0] = (sanitize_line(match.group("rest")), texts[0][1])
    return (place, dates.find_date(when) if when else None), texts


def _is_prose_text(text: str) -> bool:
    """Text that reads as the start of a paragraph (a lowercase word soon, some length)."""
    return len(text) >= 40 and any(w[:1].islower() for w in text.split()[:8])


def _sections(texts: list[tuple[str, Block]]) -> tuple[Section, ...]:
    """Paragraphs grouped under the subheadings between them."""
    sections: list[Section] = []
    heading: str | None = None
    paragraphs: list[str] = []
    for n, (text, hints) in enumerate(texts):
        if _is_furniture(text):
            continue
        unit = _Unit(text, hints, ())
        is_head = _heading_hinted(unit) or (
            not hints.link
            and not hints.item
            and patterns.is_heading_text(text)
            and len(text.split()) <= 10
            and n + 1 < len(texts)
            and len(texts[n + 1][0]) >= _PROSE
        )
        if n and is_head:
            if heading is not None or paragraphs:
                sections.append(Section(heading, tuple(paragraphs)))
            heading, paragraphs = text, []
        elif hints.link and len(text) < _PROSE:
            continue  # a related-story or video link inside the story
        else:
            paragraphs.append(text)
    if paragraphs:
        sections.append(Section(heading, tuple(paragraphs)))
    return tuple(s for s in sections if s.paragraphs)
