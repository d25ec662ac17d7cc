"""Extraction over fixture pages: every rendering of the seed reads as the seed's story, other
stories of the site read field by field, and bad or non-story pages give a one-line reason."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from enews_tui.extract import parse_story
from enews_tui.model import Byline, Contact, NotAStory, PageError, Story
from tests.support import REPO, SEED, SEED_ID

PAGES = Path(__file__).parent / "fixtures" / "pages"
SEED_URL = "http://enews.tufts.edu/stories/072308OneLessStatistic.htm"

SEED_CONTACTS = (
    Contact("For More Information", "Web Communications", None, "617.627.4282", "617.627.3549"),
    Contact("Media Inquiries", "Kim Thurler", None, "617.627.3175", "617.627.4907"),
    Contact("Media Inquiries", "Alexander Reid", None, "617.627.4173", "617.627.4907"),
    Contact("Media Inquiries", "Suzanne McInroy", None, "617.627.4703", "617.627.4907"),
    Contact("Want to help?", "Robin Smalley"),
)
# Text of the site's frame and of the contact blocks: none of it may appear in a story's body.
FRAME_TEXT = (
    "inactive since",
    "Tufts University e-news",
    "GO >",
    "this site people",
    "Logo",
    "left side photo",
    "Related Stories",
    "Related Links",
    "Featured Profile",
    "For More Information",
    "Media Inquiries",
    "Want to help?",
    "T: 617",
    "Profile by",
    "Wayback",
    "captures",
    "COLLECTED BY",
    "About this capture",
)


def parse(name: str) -> Story:
    """Parse a fixture page the way the index does: bytes plus the name in the archive."""
    return parse_story((PAGES / name).read_bytes(), name)


def seed_story() -> Story:
    """The seed text save, parsed."""
    return parse_story(SEED.read_bytes(), SEED.name)


def same_story(story: Story) -> Story:
    """The story without the fields that depend on which file it came from."""
    return dataclasses.replace(story, id="", source="", url=None)


def body_text(story: Story) -> str:
    """Every heading and paragraph, one per line."""
    return "\n".join(
        [s.heading or "" for s in story.sections]
        + [p for s in story.sections for p in s.paragraphs]
    )


# --- the seed, exactly as issue 2 lists it --------------------------------------------------


def test_seed_fields_are_exactly_the_issues() -> None:
    """Title, teaser, date, dateline, byline and contacts as the issue lists them."""
    story = seed_story()
    assert story.id == SEED_ID
    assert story.source == SEED.name
    assert story.url is None
    assert story.title == "One Less Statistic"
    assert story.teaser == (
        "Robin Smalley (J'77), co-founder and international director of Mothers2Mothers, "
        "discusses how the organization grew from a vision to a reality."
    )
    assert story.date == dt.date(2008, 7, 23)
    assert story.dateline == "Medford/Somerville, Mass."
    assert story.byline == Byline("Profile", "Kaitlin Melanson", "Web Communications")
    assert story.contacts == SEED_CONTACTS


def test_seed_sections_and_paragraphs() -> None:
    """An untitled section of 4, then 5, 5 and 6 paragraphs under the printed subheadings."""
    sections = seed_story().sections
    assert [(s.heading, len(s.paragraphs)) for s in sections] == [
        (None, 4),
        ('"I have to do this program"', 5),
        ("A Support System", 5),
        ("A Passion To Help", 6),
    ]
    first = sections[0].paragraphs[0]
    assert first.startswith("Robin Smalley (J'77) loves her job.")
    assert sections[1].paragraphs[0].startswith("The idea for M2M")
    assert (
        sections[1].paragraphs[-1].endswith("A month later, her family had relocated to Cape Town.")
    )
    # Text stays as printed, missing spaces included.
    assert "to be with her.Mitch traveled" in sections[1].paragraphs[1]


def test_seed_body_has_no_frame_or_contact_text() -> None:
    """Banner, search box, logos, sidebar labels, contacts and the call are not body text."""
    body = body_text(seed_story())
    for text in FRAME_TEXT:
        assert text not in body


# --- the same story in other renderings ----------------------------------------------------

RENDERINGS = [
    ("seed_table_cp1252.html", None),
    ("seed_semantic_utf8.html", SEED_URL),
    ("seed_wayback.html", SEED_URL),
    ("seed_crlf.txt", None),
    ("seed_wrapped.txt", None),
]


@pytest.mark.parametrize(("name", "url"), RENDERINGS)
def test_renderings_of_the_seed_give_the_seed_story(name: str, url: str | None) -> None:
    """Table layout, HTML5, a Wayback capture and text saves all read as the same story."""
    story = parse(name)
    assert same_story(story) == same_story(seed_story())
    assert story.url == url
    assert story.source == name
    assert story.id == name.rsplit(".", 1)[0]


@pytest.mark.parametrize(
    ("fixture", "name", "story_id"),
    [
        ("seed_semantic_utf8.html", "2008/07/OneLessStatistic.HTM", "2008/07/OneLessStatistic"),
        ("seed_semantic_utf8.html", "stories/one-less-statistic", "stories/one-less-statistic"),
        ("seed_table_cp1252.html", "one.shtml", "one"),
        ("seed_semantic_utf8.html", "saved-as.txt", "saved-as"),
        ("seed_crlf.txt", "plain", "plain"),
    ],
)
def test_file_names_and_ids(fixture: str, name: str, story_id: str) -> None:
    """Markup is told by extension, else by its tags; the id is the name without extension."""
    story = parse_story((PAGES / fixture).read_bytes(), name)
    assert (story.id, story.source) == (story_id, name)
    assert same_story(story) == same_story(seed_story())


def _utf16_no_bom(raw: bytes, order: str) -> bytes:
    """The UTF-8 seed re-encoded as UTF-16 in the given byte order, without a BOM."""
    return raw.decode("utf-8").encode(f"utf-16-{order}")


SEED_TRANSFORMS: dict[str, Callable[[bytes], bytes]] = {
    "utf-8 BOM": lambda raw: b"\xef\xbb\xbf" + raw,
    "utf-16-le BOM": lambda raw: raw.decode("utf-8").encode("utf-16"),
    "utf-16-be BOM": lambda raw: b"\xfe\xff" + raw.decode("utf-8").encode("utf-16-be"),
    "utf-16-le no BOM": lambda raw: _utf16_no_bom(raw, "le"),
    "utf-16-be no BOM": lambda raw: _utf16_no_bom(raw, "be"),
    "utf-32 BOM": lambda raw: raw.decode("utf-8").encode("utf-32"),
    "windows-1252": lambda raw: raw.decode("utf-8").encode("cp1252"),
    "CR line ends": lambda raw: raw.replace(b"\n", b"\r"),
    "trailing spaces and tabs": lambda raw: raw.replace(b"\n", b" \t\n"),
}


@pytest.mark.parametrize("transform", SEED_TRANSFORMS.values(), ids=list(SEED_TRANSFORMS))
def test_seed_in_other_encodings_and_line_ends(transform: Callable[[bytes], bytes]) -> None:
    """BOMs, UTF-16/32 (found by BOM or NUL pattern), windows-1252, CR-only lines."""
    story = parse_story(transform(SEED.read_bytes()), SEED.name)
    assert same_story(story) == same_story(seed_story())


def _lynx_dump(raw: bytes) -> bytes:
    """The seed as a terminal browser dumps it: indented, wrapped, numbered links, references."""
    text = raw.decode("utf-8").replace("Tufts University e-news", "[1]Tufts University e-news")
    text = text.replace("Search\xa0 GO >", "Search ____________________ [2]GO >")
    text = text.replace("this site people", "(*) this site ( ) people")
    text = text.replace("Related Stories", "[3]Related Stories")
    lines = []
    for line in text.split("\n"):
        lines += ["   " + x for x in textwrap.wrap(line, 74, break_on_hyphens=False)] or [""]
    refs = "\n".join(f"   {n}. http://enews.tufts.edu/{n}.htm" for n in (1, 2, 3))
    return ("\n".join(lines) + "\n\nReferences\n\n" + refs + "\n").encode("utf-8")


TEXT_SAVES: dict[str, Callable[[bytes], bytes]] = {
    "no blank lines": lambda raw: raw.replace(b"\n\n", b"\n"),
    "no blank lines, archives link": lambda raw: raw.replace(b"\n\n", b"\n").replace(
        b"left side photo", b"left side photo\nE-News Archives"
    ),
    "tab-indented": lambda raw: raw.replace(b"\n", b"\n\t"),
    "terminal browser dump": _lynx_dump,
}


@pytest.mark.parametrize("transform", TEXT_SAVES.values(), ids=list(TEXT_SAVES))
def test_other_text_saves_of_the_seed(transform: Callable[[bytes], bytes]) -> None:
    """Copied text without blank lines, indented text, and a lynx-style dump read the same."""
    story = parse_story(transform(SEED.read_bytes()), "save.txt")
    assert same_story(story) == same_story(seed_story())


# --- Wayback captures ------------------------------------------------------------------------


def _without(text: str, start: str, end: str) -> str:
    """`text` with the first `start`...`end` span (inclusive) cut out."""
    a = text.index(start)
    return text[:a] + text[text.index(end, a) + len(end) :]


WAYBACK = (PAGES / "seed_wayback.html").read_text("utf-8")
NO_WOMBAT = _without(WAYBACK, "__wm.wombat(", ");")
WAYBACK_VARIANTS = {
    "toolbar URL box": NO_WOMBAT,
    "toolbar capture links": _without(NO_WOMBAT, '<input id="wmtbURL"', "/>"),
    "print header": _without(
        _without(NO_WOMBAT, '<input id="wmtbURL"', "/>"),
        '<div id="wm-ipp-base"',
        "</div>\n</div>\n</div>",
    ),
    "old capture's base href": _without(
        _without(NO_WOMBAT, '<input id="wmtbURL"', "/>"), '<div id="wm-ipp-base"', "END WAYBACK"
    ).replace(
        "<head>",
        '<head><base href="http://enews.tufts.edu:80/stories/072308OneLessStatistic.htm">',
    ),
    "no toolbar comments": WAYBACK.replace("BEGIN WAYBACK TOOLBAR INSERT", "toolbar").replace(
        "END WAYBACK TOOLBAR INSERT", "end"
    ),
    "saved-from mark": "<!-- saved from url=(0093)https://web.archive.org/web/20080801123456/"
    + SEED_URL
    + " -->\n"
    + _without(NO_WOMBAT, '<div id="wm-ipp-base"', "<!-- END WAYBACK TOOLBAR INSERT -->"),
}


@pytest.mark.parametrize("page", WAYBACK_VARIANTS.values(), ids=list(WAYBACK_VARIANTS))
def test_wayback_capture_url_and_toolbar(page: str) -> None:
    """The original address comes from wombat, the URL box, the calendar links, the print header
    or the browser's saved-from mark; toolbar text never reaches the story."""
    story = parse_story(page.encode("utf-8"), "capture.html")
    assert story.url == SEED_URL
    assert same_story(story) == same_story(seed_story())


def test_canonical_link_rewritten_by_the_archive_is_unwrapped() -> None:
    """A capture's canonical link points into the archive; the story keeps the original."""
    page = (PAGES / "seed_semantic_utf8.html").read_text("utf-8")
    page = page.replace(
        'href="http://enews', 'href="https://web.archive.org/web/20080801000000/http://enews'
    )
    assert parse_story(page.encode(), "c.html").url == SEED_URL


def test_text_save_url_only_when_stated() -> None:
    """A text save has no address unless its text states one."""
    raw = SEED.read_bytes()
    assert parse_story(raw, "a.txt").url is None
    stated = b"URL: " + SEED_URL.encode() + b"\n\n" + raw
    assert parse_story(stated, "a.txt").url == SEED_URL
    banner = raw.replace(b"Tufts Now at", b"Tufts Now at\nhttp://now.tufts.edu/")
    assert parse_story(banner, "a.txt").url is None


WAYBACK_TOOLBAR_TEXT = f"""{SEED_URL}
Go
9 captures
24 Jul 2008 - 14 Feb 2011
Jul\tAUG\tJan
2007\t2008\t2009
success
fail
About this capture
COLLECTED BY
Organization: Alexa Crawls
Starting in 1996, Alexa Internet has been donating their crawl data to the Internet Archive. \
Flowing in every day, these data are added to the Wayback Machine after an embargo period.
TIMESTAMPS

"""


def test_text_save_of_a_capture() -> None:
    """A text save of a Wayback page: the toolbar's text is dropped, its URL box is the url."""
    story = parse_story(WAYBACK_TOOLBAR_TEXT.encode() + SEED.read_bytes(), "capture.txt")
    assert story.url == SEED_URL
    assert same_story(story) == same_story(seed_story())


# --- other stories of the site -------------------------------------------------------------

STORIES: list[tuple[str, dict[str, Any]]] = [
    (
        # The headline, then the photo's alt text and caption both repeating it inline, glued
        # to the teaser; the dateline bold inside the first paragraph; 2 contact blocks.
        "story_rowing_captioned.html",
        {
            "title": "Rowing Into History",
            "teaser": "The women's crew team captured its first national title this spring, "
            "capping a decade of steady gains.",
            "date": dt.date(2005, 6, 2),
            "dateline": "Boston, Mass.",
            "byline": Byline("Story", "Jane Doe", "Tufts Athletics"),
            "url": None,
            "sections": [(None, 2), ("Years of Work", 2)],
            "first": "The boat crossed the line a half-second ahead of the field, and the team's "
            "coach, Gary Caldwell, jumped into the Cooper River.",
            "contacts": (
                Contact(
                    "For More Information",
                    "Paul Sweeney",
                    "Athletics Communications",
                    "617.627.3586",
                    "617.627.3000",
                    "paul.sweeney@tufts.edu",
                ),
                Contact("Media Inquiries", "Kim Thurler", None, "617.627.3175", "617.627.4907"),
            ),
        },
    ),
    (
        "story_lab_latin1.html",
        {
            "title": "A Quiet Revolution in the Lab",
            "teaser": "Chemists at Tufts are rethinking how the introductory laboratory is taught, "
            "one beaker at a time.",
            "date": dt.date(2002, 12, 31),
            "dateline": "Boston",
            "byline": Byline("Story", "Helen Ravenhill", "Tufts Journal"),
            "url": None,
            "sections": [(None, 3), ("Learning by doing", 2), ("What comes next?", 2)],
            "first": "When Professor Ana Muñoz walked into her first teaching lab in 1998, "
            "she saw forty students following recipes. “Nobody was asking why,” she says.",
            "contacts": (
                Contact(
                    "Media Contact",
                    "Helen Ravenhill",
                    "Tufts Journal",
                    "617.627.3175",
                    None,
                    "helen.ravenhill@tufts.edu",
                ),
                Contact(
                    "For More Information",
                    "Department of Chemistry",
                    None,
                    "617.627.3441",
                    "617.627.3443",
                    "chemistry@tufts.edu",
                ),
            ),
        },
    ),
    (
        "story_shelter.txt",
        {
            "title": "Healing Hands for Shelter Dogs",
            "teaser": "Veterinary students spend their summer caring for animals "
            "that nobody else will.",
            "date": dt.date(2002, 9, 3),
            "dateline": "Grafton, Mass.",
            "byline": Byline(None, "Michael Woolf", "Cummings School of Veterinary Medicine"),
            "url": None,
            "sections": [(None, 3), ("A different kind of classroom", 2)],
            "first": "Every morning at seven, a van leaves the Cummings School campus",
            "contacts": (
                Contact(
                    "Media Contacts",
                    "Michael Woolf",
                    None,
                    "508.839.7910",
                    "508.839.7951",
                    "michael.woolf@tufts.edu",
                ),
                Contact(
                    "Media Contacts",
                    "Siobhan O'Brien",
                    None,
                    "508.839.5302",
                    None,
                    "siobhan.obrien@tufts.edu",
                ),
            ),
        },
    ),
    (
        "story_talloires_utf8.htm",
        {
            "title": "Talloires Turns Twenty",
            "teaser": "The university’s European campus on Lake Annecy marks two decades of "
            "summer programs.",
            "date": dt.date(1997, 10, 15),
            "dateline": "Talloires, France",
            "byline": Byline("Written", "Marjorie Howard", "Tufts Journal"),
            "url": "http://enews.tufts.edu/stories/101597Talloires.htm",
            "sections": [(None, 2), ("A village classroom", 2), ("Looking ahead", 1)],
            "first": "Twenty years ago this fall, a small group of Tufts faculty",
            "contacts": (
                Contact(
                    "For more information",
                    "Kim Thurler",
                    None,
                    "617.627.3175",
                    None,
                    "kim.thurler@tufts.edu",
                ),
            ),
        },
    ),
]


@pytest.mark.parametrize(("name", "want"), STORIES, ids=[n for n, _ in STORIES])
def test_other_stories(name: str, want: dict[str, Any]) -> None:
    """Stories of the same site in other layouts, encodings, date forms and byline kinds."""
    story = parse(name)
    for key in ("title", "teaser", "date", "dateline", "byline", "url", "contacts"):
        assert getattr(story, key) == want[key], key
    assert [(s.heading, len(s.paragraphs)) for s in story.sections] == want["sections"]
    assert story.sections[0].paragraphs[0].startswith(want["first"])
    body = body_text(story)
    for text in ("Photo by", "Related", "Copyright", "©", "E-News Archives", "For more", "T: "):
        assert text not in body


# --- pages that are not stories, and files that are not pages ------------------------------

REFUSED: list[tuple[str, type[PageError], str]] = [
    ("archives_2008_07.html", NotAStory, "not a story: E-News Archives month index"),
    ("archives_2002_12.txt", NotAStory, "not a story: E-News Archives month index"),
    ("section_science.html", NotAStory, "not a story: a section front"),
    ("bad_empty.html", NotAStory, "empty page"),
    ("bad_blank.txt", NotAStory, "empty page"),
    ("bad_binary.html", PageError, "binary file, not a page"),
    ("bad_binary_noext.txt", PageError, "binary file, not a page"),
    ("bad_undecodable.html", PageError, "cannot decode"),
]


@pytest.mark.parametrize(("name", "error", "reason"), REFUSED, ids=[n for n, _, _ in REFUSED])
def test_refused_pages_say_why(name: str, error: type[PageError], reason: str) -> None:
    """Each refusal is the contract's exception with a one-line reason."""
    with pytest.raises(error) as caught:
        parse(name)
    message = str(caught.value)
    assert message.startswith(reason)
    assert "\n" not in message and len(message) < 200


def _seed_table_cut_after(marker: bytes) -> bytes:
    """The seed's table-layout page as a download cut off just after `marker` (inside a tag)."""
    raw = (PAGES / "seed_table_cp1252.html").read_bytes()
    return raw[: raw.index(marker) + len(marker)]


def test_page_truncated_in_its_header_is_not_a_story() -> None:
    """Cut off inside the search form, before any story text: refused with a one-line reason."""
    raw = _seed_table_cut_after(b'NAME="q" SIZE="14"></TD>\r\n<TD><INPUT TYPE=')
    with pytest.raises(NotAStory) as caught:
        parse_story(raw, "truncated_in_header.html")
    assert str(caught.value).startswith("not a story") and "\n" not in str(caught.value)


def test_page_truncated_mid_tag_keeps_what_arrived() -> None:
    """A page cut off inside a tag in its contact box keeps the story and complete entries."""
    raw = _seed_table_cut_after(b"Suzanne McInroy<B")
    story = parse_story(raw, "truncated_in_contacts.html")
    assert same_story(story).sections == seed_story().sections
    assert [c.name for c in story.contacts] == [
        "Web Communications",
        "Kim Thurler",
        "Alexander Reid",
        "Robin Smalley",
    ]


def test_month_index_with_long_teasers_is_not_a_story() -> None:
    """Day headings over several long teasers still make an archive page, not a story."""
    teaser = "A teaser long enough to pass for a paragraph of a story, " * 4
    days = "".join(
        f"<p>[07.{d:02}.08]</p>"
        + "".join(f"<p><a href='/s{d}{n}.htm'>Story {n}</a></p><p>{teaser}.</p>" for n in range(3))
        for d in (21, 22, 23)
    )
    raw = f"<html><body><h1>E-News Archives</h1><h2>July 2008</h2>{days}</body></html>"
    with pytest.raises(NotAStory, match="E-News Archives month index"):
        parse_story(raw.encode(), "index.html")


@pytest.mark.parametrize(
    ("raw", "error", "reason"),
    [
        (b"\x00\x01\x02\x03" * 500, PageError, "binary file"),
        (b"\xff\xfe" + b"\x00\xd8" * 3, PageError, "cannot decode: invalid UTF-16"),
        (b"<html><body><p>\xff\xfe\xfd</p></body></html>", NotAStory, "not a story"),
        (b"<html><head><title>x</title></head><body></body></html>", NotAStory, "empty page"),
        (b"   \n", NotAStory, "empty page"),
    ],
    ids=["controls", "broken-utf-16", "no-story", "no-text", "blank"],
)
def test_small_bad_inputs(raw: bytes, error: type[PageError], reason: str) -> None:
    """Literal bytes: binary, a broken BOM page, a page without a story, one without text."""
    with pytest.raises(error, match=f"^{reason}"):
        parse_story(raw, "x.html")


# --- layering -------------------------------------------------------------------------------


def test_extractor_does_not_load_textual_or_whoosh() -> None:
    """Headless paths stay light: importing and using the extractor loads no UI library."""
    code = (
        "import sys; from enews_tui.extract import parse_story; "
        "from enews_tui.extract import markup, decode, recognize, contacts, wayback; "
        f"parse_story(open({str(SEED)!r}, 'rb').read(), 's.txt'); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'whoosh', 'rich')); "
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""
