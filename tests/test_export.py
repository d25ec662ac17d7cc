"""Export with a citation (Markdown, text, JSON) and vCards, each parsed back and checked."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any, cast

import pytest
import vobject
from markdown_it import MarkdownIt

from enews_tui.archive import Archive
from enews_tui.cli import main
from enews_tui.export import export, md_escape, to_dict, to_markdown, to_text
from enews_tui.library import open_library
from enews_tui.model import Archived, Byline, Contact, DirectoryEntry, Mark, Section, Story
from enews_tui.vcard import to_vcard, to_vcards

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "index" / "archive"
EXPORTED = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
REPLAY = "https://web.archive.org/web/20080724030509/http://enews.tufts.edu/stories/072308.htm"

STORY = Story(
    id="2008/one-less",
    source="2008/one-less.html",
    title="One Less *Statistic* [draft]",
    url="http://enews.tufts.edu/stories/072308.htm",
    teaser="Robin Smalley (J'77) on <b>Mothers2Mothers</b>",
    date=dt.date(2008, 7, 23),
    dateline="Medford/Somerville, Mass.",
    byline=Byline("Profile", "Kaitlin Melanson", "Web Communications"),
    sections=(
        Section(None, ("She said _yes_ & [click](javascript:alert(1)) now.", "1. Not a list")),
        Section("# Not a heading", ("- not an item", "---", "`code` <script>x</script>")),
    ),
    contacts=(Contact("Media Inquiries", "Kim Thurler", "Tufts", "617.627.3175", "617.627.4907"),),
    archived=Archived(dt.datetime(2008, 7, 24, 3, 5, 9, tzinfo=dt.UTC), REPLAY),
)


def _tokens(text: str) -> list[Any]:
    return MarkdownIt("commonmark").parse(text)


def _headings(text: str) -> list[tuple[str, str]]:
    """(tag, text) of every heading the Markdown renders."""
    tokens = _tokens(text)
    return [
        (tok.tag, tokens[i + 1].content)
        for i, tok in enumerate(tokens)
        if tok.type == "heading_open"
    ]


def _links(text: str) -> list[str]:
    """The href of every link the Markdown renders."""
    found = []
    for tok in _tokens(text):
        for child in tok.children or ():
            if child.type == "link_open":
                found.append(str(child.attrs["href"]))
    return found


def test_markdown_renders_page_text_literally() -> None:
    """Page text with Markdown in it renders as that text: no emphasis, link, list, rule,
    heading or HTML comes out of it; the headings are the title, the sections, the contacts
    and the citation."""
    md = to_markdown(STORY, EXPORTED)
    html = MarkdownIt("commonmark").render(md)
    assert "<script>" not in html and "javascript:" not in _links(md)
    assert "<ol>" not in html and "<hr" not in html
    assert "She said _yes_ &amp; [click](javascript:alert(1)) now." in html
    assert "`code` &lt;script&gt;x&lt;/script&gt;" in html
    assert _headings(md) == [
        ("h1", "One Less \\*Statistic\\* \\[draft\\]"),
        ("h2", "\\# Not a heading"),
        ("h2", "Contacts"),
        ("h2", "Citation"),
    ]
    assert "<h1>One Less *Statistic* [draft]</h1>" in html


def test_markdown_citation_carries_both_addresses_and_the_dates() -> None:
    """The citation links the original address and the archived copy, and gives the capture
    and export dates."""
    md = to_markdown(STORY, EXPORTED)
    citation = md.split("## Citation", 1)[1]
    assert _links(citation) == [STORY.url, REPLAY]
    assert "Captured: July 24, 2008, 03:05 UTC" in citation
    assert "Exported: December 1, 2026, 09:30 UTC" in citation
    assert "Byline: Profile by Kaitlin Melanson, Web Communications" in citation
    assert "Dateline: Medford/Somerville, Mass." in citation
    assert "Date: July 23, 2008 \\(2008-07-23\\)" in citation


def test_markdown_note_is_a_quote_and_contacts_keep_their_numbers() -> None:
    """The reader's note becomes a quoted section; phone numbers are not escaped into 617\\."""
    mark = Mark(STORY.id, note="Call *Kim*\n\n1. about funding")
    md = to_markdown(STORY, EXPORTED, mark)
    assert ("h2", "Note") in _headings(md)
    html = MarkdownIt("commonmark").render(md)
    assert "<blockquote>" in html and "Call *Kim*" in html and "<ol>" not in html
    assert "T: 617.627.3175 F: 617.627.4907" in md


@pytest.mark.parametrize(
    "text", ["*a*", "[x](y)", "<i>", "# h", "- item", "1. one", "a | b", "`c`", "&amp;", "~~s~~"]
)
def test_md_escape_round_trips(text: str) -> None:
    """Escaped text renders back to itself."""
    html = MarkdownIt("commonmark").render(md_escape(text))
    plain = html.removeprefix("<p>").removesuffix("</p>\n")
    assert plain.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">") == text


def test_text_and_json_exports() -> None:
    """Text ends with the citation block; JSON is the show shape with marks and a citation."""
    mark = Mark(STORY.id, starred_at=EXPORTED, note="why")
    text = to_text(STORY, EXPORTED, mark)
    assert text.startswith("One Less *Statistic* [draft]\n")
    assert f"Archived copy:    {REPLAY}\n" in text
    assert "Original address: http://enews.tufts.edu/stories/072308.htm\n" in text
    data = to_dict(STORY, EXPORTED, mark)
    assert data["starred"] is True and data["note"] == "why" and data["read"] is False
    assert data["citation"] == {
        "title": STORY.title,
        "date": "2008-07-23",
        "dateline": "Medford/Somerville, Mass.",
        "byline": "Profile by Kaitlin Melanson, Web Communications",
        "url": STORY.url,
        "archived": {"captured": "2008-07-24T03:05:09Z", "replay_url": REPLAY},
        "exported": "2026-12-01T09:30:00Z",
    }
    many = json.loads(export([(STORY, None)], "json", EXPORTED, many=True))
    assert isinstance(many, list) and many[0]["id"] == STORY.id


ENTRY = DirectoryEntry(
    name="Kim Thurler",
    organization="Tufts; Media, Relations",
    phone="617.627.3175",
    fax="617.627.4907",
    email="kim.thurler@tufts.edu",
    groups=("Media Inquiries", "For More Information"),
    stories=("2008/one-less", "vaccine-trial"),
)


def test_vcard_parses_back_field_by_field() -> None:
    """vobject reads its vCard back: version 3.0, FN and N, ORG with its punctuation, TEL as
    work voice and work fax, EMAIL, CATEGORIES, and a NOTE naming each story by title."""
    titles = {"2008/one-less": "One Less Statistic; a profile", "vaccine-trial": "Vaccine Trial"}
    card = vobject.readOne(to_vcard(ENTRY, titles))
    assert card.version.value == "3.0"
    assert card.fn.value == "Kim Thurler"
    assert (card.n.value.given, card.n.value.family) == ("Kim", "Thurler")
    assert card.org.value == ["Tufts; Media, Relations"]
    phones = {tuple(sorted(t.params["TYPE"])): t.value for t in card.contents["tel"]}
    assert phones == {("VOICE", "WORK"): "617.627.3175", ("FAX", "WORK"): "617.627.4907"}
    assert card.email.value == "kim.thurler@tufts.edu"
    assert card.categories.value == ["Media Inquiries", "For More Information"]
    note = card.note.value
    assert "One Less Statistic; a profile (2008/one-less)" in note
    assert "Vaccine Trial (vaccine-trial)" in note


def test_an_office_is_a_company_card_and_many_cards_are_one_file() -> None:
    """An office has its name as FN and ORG and an empty N; several entries read back as
    several cards in order."""
    office = DirectoryEntry("Office of Publications", None, "617.627.4271", None, None, (), ("x",))
    cards = list(vobject.readComponents(to_vcards([ENTRY, office])))
    assert [c.fn.value for c in cards] == ["Kim Thurler", "Office of Publications"]
    assert cards[1].org.value == ["Office of Publications"]
    assert cards[1].n.value.family == "" and cards[1].x_abshowas.value == "COMPANY"
    assert "fax" not in str(cards[1].serialize()).lower()


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """A copy of the fixture archive."""
    root = tmp_path / "archive"
    shutil.copytree(FIXTURES, root)
    return root


def test_cli_export_one_story_and_the_starred_ones(
    archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`export ID` prints Markdown; `export --starred -o FILE` writes every starred story to
    one file; an unknown id is exit 1; nothing starred is an empty export and a message."""
    assert main(["export", "seed", "--archive", str(archive)]) == 0
    out, _ = capsys.readouterr()
    assert _headings(out)[0] == ("h1", "One Less Statistic")
    assert ("h2", "Citation") in _headings(out)
    assert main(["export", "--starred", "--archive", str(archive)]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "no starred stories" in err
    with open_library(Archive(archive)) as lib:
        lib.set_starred("seed")
        lib.set_starred("vaccine-trial")
    target = tmp_path / "starred.md"
    assert main(["export", "--starred", "-o", str(target), "--archive", str(archive)]) == 0
    capsys.readouterr()
    titles = [t for tag, t in _headings(target.read_text("utf-8")) if tag == "h1"]
    assert sorted(titles) == ["One Less Statistic", "Vaccine Trial Enrolls Volunteers"]
    assert main(["export", "--starred", "--format", "json", "--archive", str(archive)]) == 0
    data = json.loads(capsys.readouterr()[0])
    assert {d["id"] for d in data} == {"seed", "vaccine-trial"}
    assert all(d["starred"] and "citation" in d for d in data)
    assert main(["export", "nope", "--archive", str(archive)]) == 1
    assert main(["export", "seed", "--format", "text", "--archive", str(archive)]) == 0
    assert "\nCitation\n--------\n" in capsys.readouterr()[0]


def test_cli_contacts_vcard(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`contacts --vcard`: one card per directory entry, as `contacts --json` lists them."""
    assert main(["contacts", "--json", "--archive", str(archive)]) == 0
    entries = json.loads(capsys.readouterr()[0])
    assert main(["contacts", "--vcard", "--archive", str(archive)]) == 0
    cards = list(vobject.readComponents(capsys.readouterr()[0]))
    assert [c.fn.value for c in cards] == [e["name"] for e in entries]
    for card, entry in zip(cards, entries, strict=True):
        tels = {cast(Any, t).value for t in card.contents.get("tel", [])}
        assert tels == {v for v in (entry["phone"], entry["fax"]) if v}


def test_cli_show_json_and_search_see_the_library(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A star and a note set in the library show in `show --json` and `list --json`, and
    `search is:starred` finds the story."""
    with open_library(Archive(archive)) as lib:
        lib.set_starred("seed")
        lib.set_note("seed", "Mothers2Mothers follow-up")
    assert main(["show", "seed", "--json", "--archive", str(archive)]) == 0
    story = json.loads(capsys.readouterr()[0])
    assert (story["starred"], story["read"], story["note"]) == (
        True,
        False,
        "Mothers2Mothers follow-up",
    )
    assert main(["list", "--json", "--archive", str(archive)]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr()[0])}
    assert rows["seed"]["starred"] and not rows["vaccine-trial"]["starred"]
    assert main(["search", "is:starred note:follow", "--json", "--archive", str(archive)]) == 0
    result = json.loads(capsys.readouterr()[0])
    assert [h["id"] for h in result["hits"]] == ["seed"]
    assert main(["search", "is:bogus", "--archive", str(archive)]) == 2
