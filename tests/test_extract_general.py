"""Table-driven extraction: news pages of other sites in many layouts and eras (`general/`) and the
E-News site's own variations (`enews/`), each beside the Story it must give (`name.json`, in the
`show --json` shape), or the reason it is refused."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from enews_tui.extract import parse_story
from enews_tui.extract.dates import date_line, url_date
from enews_tui.extract.decode import decode_page
from enews_tui.model import Contact, NotAStory
from enews_tui.serialize import story_to_dict

GENERAL = Path(__file__).parent / "fixtures" / "pages" / "general"
ENEWS = GENERAL.parent / "enews"
PAGES = sorted(p for folder in (GENERAL, ENEWS) for p in folder.iterdir() if p.suffix != ".json")
#: Fields the page alone does not decide (the file it came from) or the index adds.
_NOT_FROM_THE_PAGE = ("id", "source", "related", "archived", "read", "starred", "note")


def expected(page: Path) -> dict[str, Any]:
    """The Story (or refusal) written beside a fixture page."""
    data: dict[str, Any] = json.loads(page.with_suffix(".json").read_text("utf-8"))
    return data


def test_every_page_has_its_expected_story() -> None:
    """No fixture without an expectation, and the table covers the layouts it claims."""
    assert len(PAGES) >= 14
    assert all(p.with_suffix(".json").exists() for p in PAGES)
    refused = [p for p in PAGES if "refused" in expected(p)]
    assert 2 <= len(refused) < len(PAGES) - 6


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_page_gives_its_expected_story(page: Path) -> None:
    """The whole Story: title, teaser, date, dateline, byline, every section and contact."""
    want = expected(page)
    if "refused" in want:
        with pytest.raises(NotAStory) as caught:
            parse_story(page.read_bytes(), page.name)
        assert str(caught.value) == want["refused"]
        return
    got = story_to_dict(parse_story(page.read_bytes(), page.name))
    for key in _NOT_FROM_THE_PAGE:
        got.pop(key, None)
    assert got == want


FURNITURE = (
    "Advertisement",
    "Share on",
    "Most Read",
    "Related",
    "Recent Posts",
    "Comment by",
    "Responses to",
    "Copyright",
    "©",
    "Skip to",
    "cookies",
    "Photo by",
    "More Local News",
    "Posted in",
    "###",
    "-30-",
    "FOR IMMEDIATE RELEASE",
    "CONTACT",
    "Media contact",
    "For more information",
    "Back to News",
    "Watch video",
    "RELATED",
    "Sign up",
    "Comments (",
    "Most Popular",
    "Facebook",
    "Diplomat Comes Home",
    "Stories by School",
    "E-News Archives",
)


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_no_furniture_in_the_body(page: Path) -> None:
    """Menus, ads, share buttons, captions, comments, contacts and footers never become text."""
    want = expected(page)
    if "refused" in want:
        return
    story = parse_story(page.read_bytes(), page.name)
    body = "\n".join(
        [s.heading or "" for s in story.sections]
        + [p for s in story.sections for p in s.paragraphs]
    )
    for text in FURNITURE:
        assert text not in body, text
    assert story.title not in body


def test_latin1_declared_page_stored_as_utf8_reads_as_utf8() -> None:
    """A page declaring ISO-8859-1 whose bytes are UTF-8 (re-saved later) keeps its accents."""
    page = GENERAL / "period_2004_h1.html"
    assert b"charset=ISO-8859-1" in page.read_bytes()
    story = parse_story(page.read_bytes(), page.name)
    text = " ".join(p for s in story.sections for p in s.paragraphs)
    assert "Renée Castillo" in text and "University’s" in text and "Ã" not in text


def test_undeclared_pages_are_detected_not_guessed() -> None:
    """Without a declaration: windows-1252 read as such, Shift-JIS detected as Japanese."""
    story = parse_story((GENERAL / "heavy_nav_undeclared_1252.html").read_bytes(), "p.html")
    assert story.byline is not None and story.byline.author == "Rosalind Pérez"
    sjis = (GENERAL.parent / "story_sjis_undeclared.html").read_bytes()
    assert b"charset" not in sjis
    assert "東京大学の研究者たちは" in decode_page(sjis, markup=True)


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("June 3, 2004", dt.date(2004, 6, 3)),
        ("Posted: Thursday, June 3, 2004 10:32 AM EST", dt.date(2004, 6, 3)),
        ("By Rosalind Pérez · Valley Courier · Posted Feb. 9, 2012", dt.date(2012, 2, 9)),
        ("3 June 2004", dt.date(2004, 6, 3)),
        ("2004-06-03", dt.date(2004, 6, 3)),
        ("Updated June 5, 2004", None),
        ("The mill closed on June 3, 1977 after a long decline in orders from the city.", None),
        ("Copyright June 2004", None),
    ],
)
def test_date_lines(line: str, date: dt.date | None) -> None:
    """A date line is a date with a few words around it; not an update or a sentence."""
    assert date_line(line) == date


@pytest.mark.parametrize(
    ("url", "date"),
    [
        ("http://example.com/news/2002/09/03/story.html", dt.date(2002, 9, 3)),
        ("https://example.com/2021-10-14-bus-routes", dt.date(2021, 10, 14)),
        ("http://example.com/archive/20020903/story.html", dt.date(2002, 9, 3)),
        ("http://enews.tufts.edu/stories/052106Name.htm", dt.date(2006, 5, 21)),
        ("052106Name.htm", dt.date(2006, 5, 21)),
        ("stories/052106Name.htm", dt.date(2006, 5, 21)),
        ("http://example.com/story/12345678.html", None),
        ("http://example.com/news/2002/13/45/x.html", None),
    ],
)
def test_dates_in_addresses(url: str, date: dt.date | None) -> None:
    """/yyyy/mm/dd/, yyyy-mm-dd, yyyymmdd and E-News's mmddyy file names; nothing invented."""
    assert url_date(url) == date


PRESS_FORMS = [
    (
        "<p>CONTACT: Gina Fann, 615-898-2449, gfann@midstate.edu</p>",
        [Contact("CONTACT", "Gina Fann", None, "615-898-2449", None, "gfann@midstate.edu")],
    ),
    (
        "<p>EDITORIAL CONTACT: Dana Whitfield, (617) 627-3175</p>",
        [Contact("EDITORIAL CONTACT", "Dana Whitfield", None, "(617) 627-3175")],
    ),
    (
        "<p>Media contact:<br>Priya Natarajan<br>312.555.0142<br>pn@lakeshore.edu</p>",
        [
            Contact(
                "Media contact", "Priya Natarajan", None, "312.555.0142", None, "pn@lakeshore.edu"
            )
        ],
    ),
    (
        "<p>For more information, contact Tom Alvarez at (312) 555-0187 or tal@lake.edu.</p>",
        [
            Contact(
                "For more information", "Tom Alvarez", None, "(312) 555-0187", None, "tal@lake.edu"
            )
        ],
    ),
    (
        "<p>Contacts: Jane Doe, 617-555-0100; John Roe, 617.555.0101</p>",
        [
            Contact("Contacts", "Jane Doe", None, "617-555-0100"),
            Contact("Contacts", "John Roe", None, "617.555.0101"),
        ],
    ),
    ("<p>The hotline, 1-800-555-0199, is open to any parent around the clock.</p>", []),
]


@pytest.mark.parametrize(("form", "contacts"), PRESS_FORMS)
def test_press_release_contact_forms(form: str, contacts: list[Contact]) -> None:
    """Each press-release form, on one line or many, one person or several; a hotline is none."""
    paragraph = (
        "<p>Researchers at the college said on Tuesday that the new program would begin in the "
        "fall, and that students from every department would be welcome to apply for it.</p>"
    )
    raw = (
        f"<html><head><title>News release</title></head><body><h1>A Release</h1>{form}"
        f"{paragraph * 3}</body></html>"
    ).encode()
    assert list(parse_story(raw, "r.html").contacts) == contacts
