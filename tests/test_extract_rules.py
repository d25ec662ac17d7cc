"""Extraction rules on small literal pages: encodings, blocks, dates, bylines, contacts, and the
bounds that keep hostile pages cheap; plus more renderings of the seed built from its text."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from html import escape

import pytest

from enews_tui.extract import parse_story
from enews_tui.model import Byline, Contact, PageError, Story
from tests.support import SEED
from tests.test_extract import PAGES, same_story, seed_story

# --- encodings ------------------------------------------------------------------------------

PAGE = "<html><head>{meta}</head><body><h1>Caf&eacute; Talk</h1><p>Boston [01.02.03] {text}</p>"
LONG = " ".join(["Another sentence follows here."] * 12)


def _story_page(text: str, meta: str = "") -> str:
    """A small dated story whose first paragraph starts with `text`."""
    return PAGE.format(meta=meta, text=text + " " + LONG) + "".join(
        f"<p>{LONG}</p>" for _ in range(3)
    )


@pytest.mark.parametrize(
    ("raw", "first"),
    [
        # Declared charset honored (KOI8-R Cyrillic).
        (
            _story_page("Привет мир.", '<meta charset="koi8-r">').encode("koi8-r"),
            "Привет мир.",
        ),
        # XML declaration.
        (
            ('<?xml version="1.0" encoding="iso-8859-15"?>' + _story_page("Prix: 5 €.")).encode(
                "iso-8859-15"
            ),
            "Prix: 5 €.",
        ),
        # Declared UTF-8 but windows-1252 bytes: the declaration fails, windows-1252 is used.
        (
            _story_page("“Quoted.”", '<meta charset="utf-8">').encode("cp1252"),
            "“Quoted.”",
        ),
        # Declared ISO-8859-1 is read as windows-1252 (curly quotes live in 0x80-0x9F).
        (
            _story_page(
                "“Quoted.”",
                '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">',
            ).encode("cp1252"),
            "“Quoted.”",
        ),
        # Undeclared UTF-8.
        (_story_page("Naïve “café”.").encode("utf-8"), "Naïve “café”."),
        # Undeclared windows-1252 with bytes it leaves undefined (dropped, as browsers show them).
        (_story_page("Odd\x81 bytes\x9d here.").encode("latin-1"), "Odd bytes here."),
        # Declared UTF-16 over ASCII bytes: read as UTF-8, as browsers do.
        (_story_page("Plain.", '<meta charset="utf-16">').encode("ascii"), "Plain."),
        # Unknown charset name: ignored.
        (_story_page("Plain.", '<meta charset="x-unknown-42">').encode("ascii"), "Plain."),
    ],
    ids=[
        "declared-koi8-r",
        "xml-declaration",
        "wrong-declaration",
        "iso-8859-1-as-1252",
        "utf-8",
        "1252-holes",
        "utf-16-declared-ascii",
        "unknown-charset",
    ],
)
def test_decoding(raw: bytes, first: str) -> None:
    """BOM, then a declared charset if it decodes, then UTF-8, then windows-1252."""
    story = parse_story(raw, "p.html")
    assert story.title == "Café Talk"
    assert story.sections[0].paragraphs[0].startswith(first)


# --- blocks and recognizer rules ------------------------------------------------------------

BASE = [
    "<h1>Jumbo Wins</h1>",
    "<p>The mascot had a good year.</p>",
    "<p>Medford/Somerville, Mass. [03.04.05] First paragraph. " + LONG + "</p>",
    "<p>" + LONG + "</p>",
    "<p>" + LONG + "</p>",
]


def _parse_html(*extra: str, base: list[str] = BASE) -> Story:
    """Parse a page made of `base` blocks followed by `extra` ones."""
    return parse_story(
        ("<html><body>" + "".join(base + list(extra)) + "</body></html>").encode(), "t.html"
    )


def test_br_br_splits_paragraphs_and_cells_are_blocks() -> None:
    """`<br><br>` is a paragraph break, a single `<br>` is not; table cells are blocks."""
    story = _parse_html(
        "<p>One sentence.<br>Same paragraph.<br><br>Next paragraph.</p>",
        "<table><tr><td>Cell one.</td><td>Cell two.</td></tr></table>",
    )
    assert story.sections[0].paragraphs[-4:] == (
        "One sentence. Same paragraph.",
        "Next paragraph.",
        "Cell one.",
        "Cell two.",
    )


def test_subheading_kinds() -> None:
    """`<h3>`, a bold-only paragraph (even with "?") and a short unpunctuated line are headings."""
    story = _parse_html(
        "<h3>Under an h3</h3>",
        f"<p>{LONG}</p>",
        "<p><b>Bold question?</b></p>",
        f"<p>{LONG}</p>",
        "<p>Plain short line</p>",
        f"<p>{LONG}</p>",
        "<p>A short sentence.</p>",
    )
    assert [s.heading for s in story.sections] == [
        None,
        "Under an h3",
        "Bold question?",
        "Plain short line",
    ]
    assert story.sections[-1].paragraphs == (LONG, "A short sentence.")


@pytest.mark.parametrize(
    ("opening", "date", "dateline", "first"),
    [
        (
            "Boston, Mass. [12-31-02]Text glued.",
            dt.date(2002, 12, 31),
            "Boston, Mass.",
            "Text glued.",
        ),
        ("[09.03.02] No dateline.", dt.date(2002, 9, 3), None, "No dateline."),
        ("Medford, Mass. [04.01.97] Nineties.", dt.date(1997, 4, 1), "Medford, Mass.", "Nineties."),
        (
            "Medford, Mass. [4/1/2010] Long year.",
            dt.date(2010, 4, 1),
            "Medford, Mass.",
            "Long year.",
        ),
        ("Medford, Mass. [13.45.08] Bad date.", None, "Medford, Mass.", "Bad date."),
    ],
)
def test_date_forms(opening: str, date: dt.date | None, dateline: str | None, first: str) -> None:
    """`[07.23.08]`, `[12-31-02]` unspaced, no dateline, 19xx years, an impossible date."""
    base = [BASE[0], BASE[1], f"<p>{opening} {LONG}</p>", *BASE[3:]]
    story = _parse_html(base=base)
    assert (story.date, story.dateline) == (date, dateline)
    assert story.sections[0].paragraphs[0].startswith(first)


def test_dateline_and_date_on_separate_lines() -> None:
    """A dateline alone on its line with the date alone on the next."""
    base = [BASE[0], BASE[1], "<p>Grafton, Mass.<br>[05.06.07]</p>", f"<p>{LONG}</p>", *BASE[3:]]
    story = _parse_html(base=base)
    assert (story.date, story.dateline) == (dt.date(2007, 5, 6), "Grafton, Mass.")
    assert story.sections[0].paragraphs[0] == LONG


@pytest.mark.parametrize(
    ("line", "byline"),
    [
        ("Story by Jane Doe, Tufts Journal", Byline("Story", "Jane Doe", "Tufts Journal")),
        ("Article by Jane Doe", Byline("Article", "Jane Doe", None)),
        (
            "By Jane Doe and John Roe, Office of Publications",
            Byline(None, "Jane Doe and John Roe", "Office of Publications"),
        ),
        (
            "Written by J. R. O'Neil, Web Communications",
            Byline("Written", "J. R. O'Neil", "Web Communications"),
        ),
        ("By the end of the year, the program had grown.", None),
        ("Photo by Melody Ko", None),
    ],
)
def test_bylines(line: str, byline: Byline | None) -> None:
    """Kinds before "by", author, organization after the comma; prose and photo credits are not."""
    story = _parse_html(f"<p>{line}</p>")
    assert story.byline == byline


def test_contact_variants() -> None:
    """Labels with keys of several spellings, an organization line, and inline entries."""
    story = _parse_html(
        "<p>Story by Jane Doe, Tufts Journal</p>",
        "<p>Media Contact<br>Jane Doe<br>Tufts Journal<br>Tel: 617.627.3175<br>"
        "E-mail: j@tufts.edu</p>",
        "<p>Contact: Kim Thurler, 617-627-3175, kim@tufts.edu</p>",
        "<p>For more information, contact<br>Office of Admissions<br>Phone: (617) 627-3170</p>",
        "<p>Press Contacts</p><p>Alex Reid, Tufts University<br>E: alex.reid@tufts.edu</p>",
    )
    assert story.contacts == (
        Contact("Media Contact", "Jane Doe", "Tufts Journal", "617.627.3175", None, "j@tufts.edu"),
        Contact("Contact", "Kim Thurler", None, "617-627-3175", None, "kim@tufts.edu"),
        Contact("For more information", "Office of Admissions", None, "(617) 627-3170"),
        Contact(
            "Press Contacts", "Alex Reid", "Tufts University", None, None, "alex.reid@tufts.edu"
        ),
    )


def test_contact_cells_and_unpunctuated_keys() -> None:
    """A table with the key in one cell and the value in the next; "Fax 617..." without colon."""
    story = _parse_html(
        "<table><tr><td colspan=2><b>Media Inquiries</b></td></tr>"
        "<tr><td colspan=2>Kim Thurler</td></tr>"
        "<tr><td>T:</td><td>617.627.3175</td></tr><tr><td>F:</td><td>617.627.4907</td></tr>"
        "<tr><td colspan=2>Alex Reid</td></tr>"
        "<tr><td>Tel</td><td>617.627.4173</td></tr><tr><td>Fax 617.627.4907</td></tr></table>"
        "<p>Tufts University<br>Medford, MA 02155<br>T: 617.628.5000</p>"
    )
    assert story.contacts == (
        Contact("Media Inquiries", "Kim Thurler", None, "617.627.3175", "617.627.4907"),
        Contact("Media Inquiries", "Alex Reid", None, "617.627.4173", "617.627.4907"),
    )


def test_no_invented_contacts() -> None:
    """Prose that mentions contacting someone, or a label over prose, makes no contact."""
    story = _parse_html(
        "<p>After the talk, contact between the two groups grew quickly over the summer.</p>",
        "<p>Questions? Contact us.</p>",
        "<p>Contact tracing was slow.</p>",
        "<p>For more information, contact the admissions office, which answers every letter.</p>",
        "<p>For More Information</p>",
        "<p>The program's web site lists its upcoming events and how to volunteer for them.</p>",
    )
    assert story.contacts == ()
    paragraphs = [p for s in story.sections for p in s.paragraphs]
    assert paragraphs[-2:] == [
        "Contact tracing was slow.",
        "For more information, contact the admissions office, which answers every letter.",
    ]


def test_hostile_text_is_sanitized() -> None:
    """Escape sequences, controls and bidi marks in a page never reach a Story field."""
    story = _parse_html(
        "<p>Evil\x1b]52;c;UFdORUQ=\x07 para\x1b[2J\u202egraph.</p>",
        "<p>Media Inquiries<br>Kim\x07 Thurler<br>T: 617.627.3175\x1b[31m</p>",
        base=[
            "<h1>Jumbo&#27;[31m Wins\x9b1m</h1>",
            *BASE[1:],
        ],
    )
    assert story.title == "Jumbo Wins"
    assert story.sections[0].paragraphs[-1] == "Evil paragraph."
    assert story.contacts == (Contact("Media Inquiries", "Kim Thurler", None, "617.627.3175"),)


# --- robustness: size, depth, anything at all ----------------------------------------------


def _timed(raw: bytes, name: str) -> float:
    """Seconds `parse_story` takes on a page (refusals included)."""
    start = time.perf_counter()
    try:
        parse_story(raw, name)
    except PageError:
        pass
    return time.perf_counter() - start


def test_deeply_nested_page_parses_without_recursion() -> None:
    """10,000 nested elements around the story: no RecursionError, well under the budget."""
    seed = (PAGES / "seed_table_cp1252.html").read_bytes()
    for tag in (b"div", b"b", b"table"):
        raw = b"<html><body>" + b"<%s>" % tag * 10_000 + seed + b"</%s>" % tag * 10_000
        start = time.perf_counter()
        story = parse_story(raw, "deep.html")
        assert time.perf_counter() - start < 5
        assert story.title == "One Less Statistic"


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        (
            b"<html><body>"
            + b"<div><p>Some <b>text</b> &amp; <a href='x'>a link</a></p></div>\n" * 110_000,
            "soup.html",
        ),
        (b"<div>" * 200_000, "deep.html"),
        (
            SEED.read_bytes()
            + b"\n\nMedia Inquiries\n\n"
            + b"Person\nT: 617.627.3175\n\n" * 100_000,
            "c.txt",
        ),
        (b"word " * 1_700_000, "words.txt"),
        (b"[07.23.08] x\n\n" * 300_000, "dates.txt"),
    ],
    ids=["8MB-tag-soup", "200k-unclosed", "100k-contacts", "8MB-text", "300k-dates"],
)
def test_huge_pages_are_bounded(raw: bytes, name: str) -> None:
    """A hostile 8 MB page or 100,000 contact lines take about a second, not minutes."""
    assert _timed(raw, name) < 6


def test_many_contact_lines_are_capped() -> None:
    """100,000 contact entries: the story still reads, with a bounded contact list."""
    raw = SEED.read_bytes() + b"\n\nMedia Inquiries\n\n" + b"Person\nT: 617.627.3175\n\n" * 100_000
    story = parse_story(raw, "c.txt")
    assert story.title == "One Less Statistic"
    assert len(story.contacts) <= 201


def test_only_page_errors_escape() -> None:
    """Mangled versions of real pages raise nothing but PageError / NotAStory."""
    sources = [(PAGES / n).read_bytes() for n in ("seed_table_cp1252.html", "seed_wayback.html")]
    sources.append(SEED.read_bytes())
    step = 0
    for raw in sources:
        for cut in range(0, len(raw), max(1, len(raw) // 40)):
            step += 1
            mangled = raw[:cut] + bytes([step % 256]) * (step % 7) + raw[cut + step % 50 :]
            for name in ("m.html", "m.txt", "m"):
                try:
                    parse_story(mangled, name)
                except PageError:
                    pass


# --- more renderings of the seed, built from its text -----------------------------------------


def _seed_parts() -> dict[str, list[str]]:
    """The seed's title, teaser, sections and call, cut from its text save by position."""
    blocks = SEED.read_text("utf-8").split("\n\n")
    title = blocks[3]
    return {
        "title": [title],
        "teaser": [blocks[4][len(title) :]],
        "first": [blocks[5].split("] ", 1)[1]],
        "sec0": blocks[6:9],
        "heads": [blocks[9], blocks[16], blocks[22]],
        "sec1": blocks[10:15],
        "sec2": blocks[17:22],
        "sec3": blocks[23:29],
    }


def _e(text: str) -> str:
    """Text escaped for an HTML text node."""
    return escape(text, quote=False)


def _paras(texts: list[str]) -> str:
    """Paragraphs as `<p>` elements."""
    return "".join(f"<p>{_e(x)}</p>" for x in texts)


def _variant(top: str, first: str, call: str, sub: str = "<h3>{}</h3>") -> bytes:
    """A page in the given style around the seed's text, with list-style contact boxes."""
    p = _seed_parts()
    heads = [sub.format(_e(h)) for h in p["heads"]]
    people = [
        ("Kim Thurler", "617.627.3175"),
        ("Alexander Reid", "617.627.4173"),
        ("Suzanne McInroy", "617.627.4703"),
    ]
    body = (
        first.format(first=_e(p["first"][0]))
        + _paras(p["sec0"])
        + heads[0]
        + _paras(p["sec1"])
        + call
        + heads[1]
        + _paras(p["sec2"])
        + heads[2]
        + _paras(p["sec3"])
        + "<p class=byline>Profile by <a href='mailto:k@tufts.edu'>Kaitlin Melanson</a>, "
        "Web Communications</p><h4>Related Stories</h4><h4>Related Links</h4>"
        "<h4>Featured Profile</h4><h4>For More Information:</h4><ul><li><strong>Web "
        "Communications</strong><br>T: 617.627.4282<br>F: 617.627.3549</li></ul>"
        "<h4>Media Inquiries:</h4><ul>"
        + "".join(
            f"<li><a href='mailto:x@tufts.edu'>{n}</a><br>T: {t}<br>F: 617.627.4907</li>"
            for n, t in people
        )
        + "</ul>"
    )
    top = top.format(title=_e(p["title"][0]), teaser=_e(p["teaser"][0]))
    page = f"<html><head><title>Tufts E-News</title></head><body>{top}{body}</body></html>"
    return page.encode("utf-8")


FIRST = "<p>Medford/Somerville, Mass. [07.23.08] {first}</p>"
CALL = "<p>Want to help? Contact Robin Smalley at</p>"
TOP = "<h1>{title}</h1><p>{teaser}</p>"
VARIANTS = {
    "title in a cell, photo alt in its own cell": _variant(
        "<table><tr><td class=headline>{title}</td></tr><tr><td><img alt='{title}'></td></tr>"
        "<tr><td class=subhead>{teaser}</td></tr></table>",
        FIRST,
        CALL,
    ),
    "caption glued to the teaser": _variant(
        "<h1>{title}</h1><p><span class=caption>{title}</span>{teaser}</p>", FIRST, CALL
    ),
    "teaser as a deck heading": _variant("<h1>{title}</h1><h2>{teaser}</h2>", FIRST, CALL),
    "dateline and date above the text": _variant(
        TOP, "<p><b>Medford/Somerville, Mass.</b> <span>[07.23.08]</span></p><p>{first}</p>", CALL
    ),
    "dateline apart from the date": _variant(
        TOP, "<p class=dateline>Medford/Somerville, Mass.</p><p>[07.23.08] {first}</p>", CALL
    ),
    "question and call on separate lines": _variant(
        TOP, FIRST, "<p><b>Want to help?</b></p><p>Contact Robin Smalley at</p>"
    ),
    "strong subheads": _variant(TOP, FIRST, CALL, "<p><strong>{}</strong></p>"),
    "bold subheads before a line break": _variant(TOP, FIRST, CALL, "<b>{}</b><br>"),
    "only divs": _variant("<div>{title}</div><div>{teaser}</div>", FIRST, CALL, "<div>{}</div>"),
}


@pytest.mark.parametrize("raw", VARIANTS.values(), ids=list(VARIANTS))
def test_more_renderings_of_the_seed(raw: bytes) -> None:
    """Other plausible markups of the same page give the same story."""
    assert same_story(parse_story(raw, "v.html")) == same_story(seed_story())


TITLE_PRINTINGS = {
    "only the glued printing": (
        b"left side photo\n\nOne Less Statistic\n\n",
        b"left side photo\n\n",
    ),
    "first printing lost a space": (b"\n\nOne Less Statistic\n\n", b"\n\nOneLess Statistic\n\n"),
    "repeat lost a space": (b"One Less StatisticRobin", b"One LessStatisticRobin"),
    "no repeat; credit, then a wrapped teaser": (
        b"One Less StatisticRobin Smalley (J'77), co-founder and international director of "
        b"Mothers2Mothers, discusses how the organization grew from a vision to a reality.",
        b"Photo: Jane Doe\n\nRobin Smalley (J'77), co-founder and\ninternational director of "
        b"Mothers2Mothers, discusses how\nthe organization grew from a vision to a reality.",
    ),
}


@pytest.mark.parametrize(("old", "new"), TITLE_PRINTINGS.values(), ids=list(TITLE_PRINTINGS))
def test_title_printings(old: bytes, new: bytes) -> None:
    """The title and teaser survive a lost space in either printing, or a missing first one."""
    raw = SEED.read_bytes()
    assert old in raw
    story = parse_story(raw.replace(old, new), "save.txt")
    assert (story.title, story.teaser) == (seed_story().title, seed_story().teaser)


@pytest.mark.parametrize(
    ("top", "title", "teaser"),
    [
        (
            "<div>Who Is Jumbo?</div>"
            "<div>The mascot has a long history at Tufts, it turns out.</div>",
            "Who Is Jumbo?",
            "The mascot has a long history at Tufts, it turns out.",
        ),
        ("<div>Who Is Jumbo?</div>", "Who Is Jumbo?", None),
        (
            "<div>Jumbo at 100</div><div>Who knew the elephant would last so long at Tufts?</div>",
            "Jumbo at 100",
            "Who knew the elephant would last so long at Tufts?",
        ),
        (
            "<ul><li><a href='/'>Home</a></li><li><a href='/a'>Arts</a></li></ul>"
            "<div>Arts</div><div>Jumbo at 100</div>"
            "<div>A long teaser for the story, as usual.</div>",
            "Jumbo at 100",
            "A long teaser for the story, as usual.",
        ),
    ],
    ids=["question-title", "question-title-alone", "question-teaser", "after-navigation"],
)
def test_title_without_repeat_or_markup(top: str, title: str, teaser: str | None) -> None:
    """With no repeated title and no heading markup, the last headline-like line is the title."""
    base = [top, *BASE[2:]]
    story = _parse_html(base=base)
    assert (story.title, story.teaser) == (title, teaser)


def test_page_cut_inside_a_tag_leaks_no_markup() -> None:
    """A page cut inside a tag keeps its text and shows no half tag (html.parser would)."""
    raw = (PAGES / "seed_table_cp1252.html").read_bytes()
    cut = raw.index(b"A Support System") + 600
    story = parse_story(raw[:cut] + b'<FONT FACE="Verd', "cut.html")
    texts = [p for s in story.sections for p in s.paragraphs]
    assert [s.heading for s in story.sections][-1] == "A Support System"
    assert texts and not any("<" in t or "FACE" in t for t in texts)


def test_short_story_linking_to_the_archives_is_a_story() -> None:
    """A brief with one dated paragraph stays a story though its page links to "E-News Archives"."""
    raw = (
        b"<html><body><a href=/a>E-News Archives</a><h1>Jumbo Is Back</h1>"
        b"<p>Medford, Mass. [03.04.05] The elephant returns.</p><p>More soon.</p></body></html>"
    )
    story = parse_story(raw, "brief.html")
    assert (story.title, story.date) == ("Jumbo Is Back", dt.date(2005, 3, 4))
    assert story.sections[0].paragraphs == ("The elephant returns.", "More soon.")


@pytest.mark.parametrize(
    "mangle",
    [
        lambda raw: raw.replace(b" ", b" \x00", 20),
        lambda raw: raw.decode("utf-8").encode("utf-16")[:-1],
        lambda raw: raw.decode("utf-8").encode("utf-32")[:-3],
    ],
    ids=["stray-nuls", "utf-16-cut-mid-character", "utf-32-cut-mid-character"],
)
def test_damaged_but_readable_text(mangle: Callable[[bytes], bytes]) -> None:
    """Stray NULs are dropped and a final half character is lost; the story still reads."""
    story = parse_story(mangle(SEED.read_bytes()), "damaged.txt")
    assert story.title == "One Less Statistic"
    assert "\x00" not in "".join(p for s in story.sections for p in s.paragraphs)
