"""Plain-text renderings and the JSON shapes shared by the CLI and the clipboard."""

from __future__ import annotations

import datetime as dt

from enews_tui.model import Byline, Contact, Section, Story, StorySummary
from enews_tui.render import format_contact, format_contacts, render_story
from enews_tui.serialize import story_from_dict, story_to_dict

STORY = Story(
    id="2008/rowing",
    source="2008/rowing.html",
    url="http://enews.tufts.edu/stories/rowing.htm",
    title="Jumbos on the Water",
    teaser="The crew team rows at dawn.",
    date=dt.date(2008, 7, 23),
    dateline="Medford/Somerville, Mass.",
    byline=Byline("Story", "Ann Lee", "Web Communications"),
    sections=(
        Section(None, ("First paragraph.", "Second paragraph.")),
        Section("On the River", ("Third paragraph.",)),
    ),
    contacts=(
        Contact("Media Inquiries", "Kim Thurler", None, "617.627.3175", "617.627.4907"),
        Contact("Want to help?", "Robin Smalley"),
        Contact("For More Information", "Pat Doe", "Athletics", None, None, "pat@tufts.edu"),
    ),
)


def test_contact_line_is_what_the_clipboard_gets() -> None:
    """The issue's example format: name, group, then the numbers as printed."""
    assert format_contact(STORY.contacts[0]) == (
        "Kim Thurler (Media Inquiries) T: 617.627.3175 F: 617.627.4907"
    )
    assert format_contact(STORY.contacts[1]) == "Robin Smalley (Want to help?)"
    assert format_contacts(STORY.contacts).splitlines()[2] == (
        "Pat Doe - Athletics (For More Information) E: pat@tufts.edu"
    )


def test_story_json_round_trips() -> None:
    """`show --json` carries every field, and reads back to the same Story."""
    data = story_to_dict(STORY, [StorySummary("x", "Other", None, None, "x.txt")])
    assert data["date"] == "2008-07-23"
    assert data["byline"] == {
        "kind": "Story",
        "author": "Ann Lee",
        "organization": "Web Communications",
    }
    assert data["sections"][1] == {"heading": "On the River", "paragraphs": ["Third paragraph."]}
    assert data["contacts"][1]["phone"] is None
    assert data["related"] == [{"id": "x", "title": "Other"}]
    assert story_from_dict(data) == STORY


def test_plain_rendering_reads_in_order() -> None:
    """Title, date line, teaser, body with headings, byline, contacts by group, source."""
    text = render_story(STORY)
    order = [
        "Jumbos on the Water",
        "July 23, 2008 · Medford/Somerville, Mass.",
        "The crew team rows at dawn.",
        "First paragraph.",
        "On the River",
        "Third paragraph.",
        "Story by Ann Lee, Web Communications",
        "Media Inquiries",
        "  Kim Thurler",
        "    T: 617.627.3175",
        "Want to help?",
        "Source: http://enews.tufts.edu/stories/rowing.htm",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)


def test_a_capture_round_trips_through_the_json_shape() -> None:
    """`archived` is written as the contract's UTC timestamp and read back as the same capture."""
    import datetime as dt

    from enews_tui.model import Archived, Story
    from enews_tui.serialize import story_from_dict, story_to_dict

    captured = dt.datetime(2008, 7, 24, 3, 5, 9, tzinfo=dt.UTC)
    replay = "https://web.archive.org/web/20080724030509/http://enews.tufts.edu/x"
    story = Story(id="x", source="x.html", title="T", archived=Archived(captured, replay))
    data = story_to_dict(story)
    assert data["archived"] == {"captured": "2008-07-24T03:05:09Z", "replay_url": replay}
    assert story_from_dict(data) == story
