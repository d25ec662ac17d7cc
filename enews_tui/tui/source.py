"""What the app needs from the index: a structural type, so the app depends on behaviour only."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Literal, Protocol

from enews_tui.archive import Archive
from enews_tui.model import RefreshReport, SearchResult, Story, StorySummary


class StorySource(Protocol):
    """The part of `enews_tui.index.StoryIndex` the app uses (all of it thread-safe for readers)."""

    archive: Archive
    notices: list[str]

    @property
    def generation(self) -> int:
        """Increments whenever a refresh changed something."""
        ...

    def refresh(
        self,
        *,
        rebuild: bool = False,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        found: Callable[[list[StorySummary]], None] | None = None,
    ) -> RefreshReport:
        """Bring the index up to date with the archive (stopping once `cancelled()` is true);
        a full build hands each batch of new stories to `found` as it goes."""
        ...

    def count(self) -> int:
        """How many stories the index holds."""
        ...

    def summaries(self) -> list[StorySummary]:
        """Every story, newest first."""
        ...

    def story(self, story_id: str) -> Story | None:
        """One full story."""
        ...

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
        """Ranked hits, narrowed to the ids in `only` (unless None) and away from those in
        `without`; raises QueryError for a malformed query."""
        ...

    def related(self, story_id: str, limit: int = 5) -> list[StorySummary]:
        """Stories like this one."""
        ...
