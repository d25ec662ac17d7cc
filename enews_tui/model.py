"""The shared vocabulary: frozen dataclasses of plain values, and the errors the core raises."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Byline:
    """Who wrote a story: `Profile by Kaitlin Melanson, Web Communications`."""

    kind: str | None
    author: str | None
    organization: str | None


@dataclass(frozen=True)
class Contact:
    """One person or office printed under a story, in the group the page put it in."""

    group: str
    name: str
    organization: str | None = None
    phone: str | None = None
    fax: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Section:
    """A run of paragraphs, under a subheading or (the first one) under none."""

    heading: str | None
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Archived:
    """Where a story's page was captured: the web archive's copy of it, and when."""

    captured: dt.datetime  # UTC, as the capture's 14-digit timestamp gives it
    replay_url: str


@dataclass(frozen=True)
class Story:
    """One archived story, as the extractor read it from its page."""

    id: str
    source: str
    title: str
    url: str | None = None
    teaser: str | None = None
    date: dt.date | None = None
    dateline: str | None = None
    byline: Byline | None = None
    sections: tuple[Section, ...] = ()
    contacts: tuple[Contact, ...] = ()
    archived: Archived | None = None


@dataclass(frozen=True)
class StorySummary:
    """What a list row needs: a story without its body."""

    id: str
    title: str
    date: dt.date | None
    dateline: str | None
    source: str


@dataclass(frozen=True)
class SearchHit:
    """One ranked hit; spans are (start, end) offsets of matched words into `snippet`."""

    id: str
    title: str
    date: dt.date | None
    score: float
    snippet: str
    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class SearchResult:
    """The answer to one query: hits in order, the total, and the words to mark in the reader."""

    query: str
    total: int
    hits: tuple[SearchHit, ...]
    suggestion: str | None = None
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class DirectoryEntry:
    """One person or office across the archive, merged from every story that prints it."""

    name: str
    organization: str | None
    phone: str | None
    fax: str | None
    email: str | None
    groups: tuple[str, ...] = ()
    stories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mark:
    """What the reader's library holds for one story: read, starred, a note, and when each was set
    (UTC; None when not set)."""

    story_id: str
    read_at: dt.datetime | None = None
    starred_at: dt.datetime | None = None
    note: str | None = None
    note_at: dt.datetime | None = None

    @property
    def read(self) -> bool:
        """Whether the story was read."""
        return self.read_at is not None

    @property
    def starred(self) -> bool:
        """Whether the story carries a star."""
        return self.starred_at is not None


@dataclass(frozen=True)
class Skipped:
    """A file that was not indexed, and why."""

    source: str
    reason: str


@dataclass(frozen=True)
class RefreshReport:
    """What one refresh of the index did."""

    indexed: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: tuple[Skipped, ...] = ()
    notices: tuple[str, ...] = field(default=())


class PageError(Exception):
    """A page that cannot be read, or is not a story; the message is the one-line reason."""


class NotAStory(PageError):
    """A readable page that is not a story (a month index, a section front, an empty page)."""


class QueryError(ValueError):
    """A query the parser cannot read; the message is one line for the user."""


class LibraryError(Exception):
    """The reader's library cannot be read or written; the message is one line for the user."""


class SearchFault(RuntimeError):
    """The index failed while answering a readable query (damaged files): not the query's fault."""


class ArchiveError(OSError):
    """The archive folder is missing or unreadable."""
