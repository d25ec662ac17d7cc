"""An in-memory stand-in for the index, for UI tests that need sizes or text the extractor
would never produce (100k stories; unsanitized markup to prove the widgets render it inertly)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Literal

from enews_tui.archive import Archive
from enews_tui.model import (
    Byline,
    Contact,
    QueryError,
    RefreshReport,
    SearchHit,
    SearchResult,
    Section,
    Story,
    StorySummary,
)


def make_story(n: int, *, title: str | None = None, body: str | None = None) -> Story:
    """A plain synthetic story number `n`, newest first by number."""
    return Story(
        id=f"story-{n:06d}",
        source=f"story-{n:06d}.html",
        title=title if title is not None else f"Synthetic story {n} on campus life",
        date=dt.date(2010, 12, 31) - dt.timedelta(days=n % 4000),
        dateline="Medford/Somerville, Mass.",
        teaser="A synthetic teaser.",
        sections=(Section(None, (body or "Words about campus life and research.",)),),
        byline=Byline("Story", "A. Writer", "Web Communications"),
        contacts=(Contact("Media Inquiries", "Kim Thurler", phone="617.627.3175"),),
    )


class FakeIndex:
    """Same methods as `StoryIndex`; search is a substring filter, snippets are the title."""

    def __init__(self, stories: Sequence[Story], root: Path = Path("/nonexistent")) -> None:
        self.archive = Archive(root)
        self.notices: list[str] = []
        self.generation = 1
        self.stories = list(stories)
        self.by_id = {s.id: s for s in self.stories}
        self._summaries = [
            StorySummary(s.id, s.title, s.date, s.dateline, s.source) for s in self.stories
        ]
        self.searches: list[str] = []

    def refresh(
        self,
        *,
        rebuild: bool = False,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        found: Callable[[list[StorySummary]], None] | None = None,
    ) -> RefreshReport:
        """Nothing to do."""
        if progress is not None:
            progress(len(self.stories), len(self.stories))
        return RefreshReport(unchanged=len(self.stories))

    def count(self) -> int:
        """How many stories."""
        return len(self.stories)

    def summaries(self) -> list[StorySummary]:
        """All summaries, in the given order."""
        return list(self._summaries)

    def story(self, story_id: str) -> Story | None:
        """One story."""
        return self.by_id.get(story_id)

    def search(
        self,
        query: str,
        *,
        limit: int | None = 50,
        sort: Literal["relevance", "date"] = "relevance",
        snippets: bool = True,
        only: Collection[str] | None = None,
        without: Collection[str] = (),
    ) -> SearchResult:
        """Stories whose title contains every word (within the id filters); `(` is a malformed
        query."""
        self.searches.append(query)
        if "(" in query:
            raise QueryError("missing closing parenthesis")
        words = [w.rstrip("*") for w in query.lower().split()]  # `cou*` while typing: a prefix
        found = [
            s
            for s in self._summaries
            if all(w in s.title.lower() for w in words)
            and (only is None or s.id in only)
            and s.id not in without
        ]
        return self._result(query, found, limit, tuple(words))

    def _result(
        self, query: str, found: list[StorySummary], limit: int | None, terms: tuple[str, ...]
    ) -> SearchResult:
        """The answer listing `found` (the first `limit`); "campus" is offered for none."""
        shown = found if limit is None else found[:limit]
        hits = tuple(SearchHit(s.id, s.title, s.date, 1.0, s.title, ()) for s in shown)
        return SearchResult(query, len(found), hits, None if found else "campus", terms)

    def related(self, story_id: str, limit: int = 5) -> list[StorySummary]:
        """The first few other stories."""
        return [s for s in self._summaries[: limit + 1] if s.id != story_id][:limit]

    def close(self) -> None:
        """Nothing to close."""
