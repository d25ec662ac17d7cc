"""The Whoosh schema, its analyzer, and the searchable text of a story."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.fields import DATETIME, ID, TEXT, Schema
from whoosh.support.charset import accent_map

from enews_tui.model import Contact, Story

#: Bump when the schema, the analyzer or the SQLite layout changes: it names the index folder.
SCHEMA_VERSION = 1

#: The fields a bare word searches, and the names `field:value` accepts (aliases included).
DEFAULT_FIELDS = ("title", "teaser", "body", "byline", "dateline", "contact")
FIELD_ALIASES = {"author": "byline", "contacts": "contact", "text": "body"}
QUERY_FIELDS = frozenset(DEFAULT_FIELDS) | {"date"} | frozenset(FIELD_ALIASES)

_WORD = re.compile(r"\w+(?:\.?\w+)*")


def make_analyzer() -> Analyzer:
    """Words, lowercased, accents folded (before stemming: `résumé` == `resume`), stemmed."""
    return (
        RegexTokenizer(_WORD.pattern)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter()
        | StemFilter(cachesize=100_000)
    )


def make_schema() -> Schema:
    """The index schema; the story itself lives in the SQLite sidecar, not in stored fields."""
    analyzer = make_analyzer()
    return Schema(
        # Key of every update/delete and how a hit finds its SQLite row; the only stored field.
        id=ID(stored=True, unique=True),
        # Titles say what a story is about: a match there outranks one in the body.
        title=TEXT(analyzer=analyzer, field_boost=3.0, spelling=True),
        # The one-sentence summary under the title.
        teaser=TEXT(analyzer=analyzer, field_boost=1.5),
        # Paragraphs and subheadings; positions kept for phrases; not stored (listing stays fast).
        body=TEXT(analyzer=analyzer, spelling=True),
        # `author:melanson` / `byline:"web communications"`: who wrote it.
        byline=TEXT(analyzer=analyzer),
        # `dateline:medford`: where it was filed.
        dateline=TEXT(analyzer=analyzer),
        # `contact:thurler`: names, organizations, groups, phones and emails of the contacts.
        contact=TEXT(analyzer=analyzer),
        # `date:2008`, `date:[2007 to 2008]`, `date:>2005`, and sorting by date.
        date=DATETIME(sortable=True),
    )


def body_text(story: Story) -> str:
    """Teaser-less body: subheadings and paragraphs, one per line."""
    parts: list[str] = []
    for section in story.sections:
        if section.heading:
            parts.append(section.heading)
        parts.extend(section.paragraphs)
    return "\n".join(parts)


def byline_text(story: Story) -> str:
    """`Profile Kaitlin Melanson Web Communications`, or the empty string."""
    b = story.byline
    if b is None:
        return ""
    return " ".join(x for x in (b.kind, b.author, b.organization) if x)


def contact_text(contacts: tuple[Contact, ...]) -> str:
    """Every contact's name, organization, group, phone, fax and email, one contact per line."""
    return "\n".join(
        " ".join(x for x in (c.name, c.organization, c.group, c.phone, c.fax, c.email) if x)
        for c in contacts
    )


def story_fields(story: Story) -> dict[str, Any]:
    """The document Whoosh indexes for `story`."""
    fields: dict[str, Any] = {
        "id": story.id,
        "title": story.title,
        "teaser": story.teaser or "",
        "body": body_text(story),
        "byline": byline_text(story),
        "dateline": story.dateline or "",
        "contact": contact_text(story.contacts),
    }
    if story.date is not None:
        fields["date"] = dt.datetime(story.date.year, story.date.month, story.date.day)
    return fields
