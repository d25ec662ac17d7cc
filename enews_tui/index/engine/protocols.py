"""What the engine uses of Whoosh's objects, as protocols (Whoosh ships no type hints)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol


class TermInfo(Protocol):
    """A term's statistics in one segment (Whoosh's W3TermInfo)."""

    def doc_frequency(self) -> int:
        """How many documents hold the term."""

    def min_id(self) -> int | None:
        """The first document holding it."""

    def max_id(self) -> int | None:
        """The last document holding it."""

    def is_inlined(self) -> bool:
        """Whether its postings are kept in the term index itself."""

    def extent(self) -> tuple[int, int]:
        """(offset, length) of its postings in the postings file."""

    def inlined_postings(self) -> tuple[Any, Any, Any]:
        """(ids, weights, values) of inlined postings."""


class TermsReader(Protocol):
    """A segment's term index (Whoosh's W3TermsReader)."""

    def term_info(self, fieldname: str, text: bytes) -> TermInfo:
        """The term's statistics; TermNotFound when the segment lacks it."""

    def items_from(
        self, fieldname: str, prefix: bytes
    ) -> Iterator[tuple[tuple[str, bytes], TermInfo]]:
        """((field, term), statistics) of every term from `prefix` on, in order."""


class Matcher(Protocol):
    """A posting list being read (Whoosh's matchers)."""

    def is_active(self) -> bool:
        """Whether any posting is left."""

    def all_ids(self) -> Iterator[int]:
        """Every remaining document number."""


class Segment(Protocol):
    """One segment's description."""

    def deleted_docs(self) -> Iterable[int]:
        """The segment's deleted document numbers."""


class SegmentReader(Protocol):
    """A reader of one segment (or, where said, of the whole index)."""

    schema: Any

    def segment(self) -> Segment:
        """The segment it reads."""

    def has_deletions(self) -> bool:
        """Whether some of its documents are deleted."""

    def indexed_field_names(self) -> Iterable[str]:
        """The fields it holds terms of."""

    def postings(self, fieldname: str, text: bytes) -> Matcher:
        """A matcher over the term's postings."""

    def __contains__(self, term: tuple[str, bytes]) -> bool:
        """Whether it holds the term."""


class Searcher(Protocol):
    """A searcher of the index, or (from `leaf_searchers`) of one segment."""

    schema: Any
    weighting: Any

    def reader(self) -> SegmentReader:
        """Its reader."""

    def leaf_searchers(self) -> Iterable[tuple[Searcher, int]]:
        """(searcher, first document number) of each segment."""

    def avg_field_length(self, fieldname: str, default: float | None = None) -> float:
        """The index-wide average length of the field."""

    def idf(self, fieldname: str, text: bytes) -> float:
        """The term's inverse document frequency, index-wide."""

    def is_atomic(self) -> bool:
        """Whether it reads a single segment."""


class Weighting(Protocol):
    """A scoring model (Whoosh's BM25F)."""

    B: float
    K1: float


class Writer(Protocol):
    """An index's writer."""

    def add_document(self, **fields: Any) -> None:
        """Add one document."""

    def delete_by_term(self, fieldname: str, text: str) -> int:
        """Delete the documents holding the term; how many."""

    def commit(self, **kwargs: Any) -> None:
        """Write the new segment and release the lock."""

    def cancel(self) -> None:
        """Drop what was written and release the lock."""


class Index(Protocol):
    """An open index folder."""

    storage: Any

    def writer(self, **kwargs: Any) -> Writer:
        """Its writer (Whoosh's lock held until commit or cancel)."""

    def close(self) -> None:
        """Let go of its files."""
