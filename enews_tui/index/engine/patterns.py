"""Prefix, wildcard and date range queries answered from their terms' document lists: Whoosh
runs them as a union of one matcher per term (hundreds for a short prefix), each stepped one
Python call per document; reading the lists straight from the postings takes a fraction of it."""

from __future__ import annotations

import math
from collections.abc import Iterator
from itertools import repeat
from operator import add

from whoosh import query as wq
from whoosh.matching import ListMatcher, Matcher, NullMatcher
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from enews_tui.index.engine import internals
from enews_tui.index.engine.postings import direct_reader
from enews_tui.index.engine.schema import START_CHARS, STARTS, TEXT_FIELDS, start_term


class _UnprunedListMatcher(ListMatcher):  # type: ignore[misc]
    """A list matcher the collector never prunes: with every score alike, Whoosh's "cannot beat
    the lowest kept score" test would drop documents from the total."""

    def max_quality(self) -> float:
        """No bound: never replaced by a null matcher."""
        return math.inf


class FastPattern(wq.Query):  # type: ignore[misc]
    """A prefix, wildcard or date range query answered from its terms' document lists, with a
    constant score (as Whoosh scores them anyway): Whoosh's union of hundreds of term matchers
    steps each one document at a time; reading their lists is a few C-speed calls per term."""

    def __init__(self, inner: wq.PatternQuery | wq.NumericRange) -> None:
        self.inner = inner
        self.fieldname = inner.fieldname
        self.boost = inner.boost

    def __repr__(self) -> str:
        return f"FastPattern({self.inner!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FastPattern) and other.inner == self.inner

    def __hash__(self) -> int:
        return hash(("FastPattern", self.inner))

    def is_leaf(self) -> bool:
        """A leaf: nothing below it to rewrite."""
        return True

    def estimate_size(self, reader: IndexReader) -> int:
        """Whoosh's estimate for the pattern (used to order intersections)."""
        return int(self.inner.estimate_size(reader))

    def indexed_terms(self, reader: IndexReader) -> Iterator[bytes]:
        """The indexed terms the query stands for."""
        if isinstance(self.inner, wq.NumericRange):
            terms = internals.numeric_range_terms(self.inner, reader)
            if terms is None:  # not made for another release: see `fast_patterns`
                raise RuntimeError("a date range read through Whoosh's private names")
            yield from terms
            return
        for _fieldname, btext in self.inner.expanded_terms(reader):
            yield btext

    def matching_ids(self, reader: IndexReader) -> list[int]:
        """The segment's documents holding one of the terms, ascending."""
        starts = self._start_term(reader)
        if starts is not None:  # one list of documents instead of every term's postings
            return self._term_ids(reader, STARTS, starts)
        direct = direct_reader(reader)
        if direct is not None:
            if isinstance(self.inner, wq.Prefix):
                prefix = reader.schema[self.fieldname].to_bytes(self.inner.text)
                infos = direct.prefix_infos(self.fieldname, prefix)
            else:
                found = (direct.term_info(self.fieldname, t) for t in self.indexed_terms(reader))
                infos = (info for info in found if info is not None)
            return sorted(direct.union(infos))
        docs: set[int] = set()
        for btext in self.indexed_terms(reader):
            if (self.fieldname, btext) in reader:
                docs.update(_posting_ids(reader.postings(self.fieldname, btext)))
        return sorted(docs)

    def _start_term(self, reader: IndexReader) -> bytes | None:
        """The STARTS term that lists this prefix's documents, None when it has none (not a
        text field's prefix of START_CHARS letters)."""
        inner = self.inner
        if (
            type(inner) is not wq.Prefix
            or len(inner.text) != START_CHARS
            or self.fieldname not in TEXT_FIELDS
            or STARTS not in reader.schema
        ):
            return None
        return start_term(self.fieldname, inner.text).encode("utf-8")

    @staticmethod
    def _term_ids(reader: IndexReader, fieldname: str, btext: bytes) -> list[int]:
        """The documents of one term of the segment, ascending."""
        direct = direct_reader(reader)
        if direct is not None:
            info = direct.term_info(fieldname, btext)
            return direct.ids(info) if info is not None else []
        if (fieldname, btext) not in reader:
            return []
        return _posting_ids(reader.postings(fieldname, btext))

    def docs(self, searcher: Searcher, deleting: bool = False) -> Iterator[int]:
        """The matching document numbers of this (sub)searcher."""
        return iter(self.matching_ids(searcher.reader()))

    def segment_scores(self, reader: IndexReader) -> dict[int, float]:
        """Document number -> score in one segment: the boost for every match (1.0 for none,
        as Whoosh's list matcher takes a zero boost)."""
        if self.fieldname not in reader.indexed_field_names():
            return {}
        return dict.fromkeys(self.matching_ids(reader), self.boost or 1.0)

    def matcher(self, searcher: Searcher, context: object = None) -> Matcher:
        """A list matcher over the segment's matching documents, all scored alike."""
        reader = searcher.reader()
        if self.fieldname not in reader.indexed_field_names():
            return NullMatcher()
        ids = self.matching_ids(reader)
        if not ids:
            return NullMatcher()
        return _UnprunedListMatcher(ids, all_weights=self.boost)


def _posting_ids(m: Matcher) -> list[int]:
    """Every document of a posting list, a block at a time where the engine can (Whoosh's
    `all_ids` steps through them one Python call per document)."""
    ids = internals.leaf_ids(m)
    return ids if ids is not None else list(m.all_ids())


class FastPatterns(wq.Query):  # type: ignore[misc]
    """One pattern over several fields (`pro*` in every default field): a single list of
    documents, each scored as Whoosh's union of the fields' patterns would (the sum of the
    boosts of the fields it matches in), without a union matcher stepping through each."""

    def __init__(self, parts: list[FastPattern], boost: float = 1.0) -> None:
        self.parts = parts
        self.boost = boost

    def __repr__(self) -> str:
        return f"FastPatterns({self.parts!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FastPatterns) and other.parts == self.parts

    def __hash__(self) -> int:
        return hash(("FastPatterns", tuple(self.parts)))

    def is_leaf(self) -> bool:
        """A leaf: nothing below it to rewrite."""
        return True

    def estimate_size(self, reader: IndexReader) -> int:
        """The sum of the parts' estimates."""
        return sum(p.estimate_size(reader) for p in self.parts)

    def scores_in(self, reader: IndexReader) -> dict[int, float]:
        """Document number -> the sum of the boosts of the parts matching it, by C calls alone
        (a short prefix matches most of the archive in the body)."""
        scores: dict[int, float] = {}
        fields = reader.indexed_field_names()
        for part in self.parts:
            if part.fieldname not in fields:
                continue
            docs = part.matching_ids(reader)
            boost = part.boost
            if not scores:
                scores = dict.fromkeys(docs, boost)
                continue
            again = list(scores.keys() & docs)
            summed = list(map(add, map(scores.__getitem__, again), repeat(boost)))
            scores.update(dict.fromkeys(docs, boost))
            scores.update(zip(again, summed, strict=True))
        return scores

    def segment_scores(self, reader: IndexReader) -> dict[int, float]:
        """Document number -> score in one segment, as the matcher gives them."""
        boost = self.boost
        scores = self.scores_in(reader)
        return scores if boost == 1.0 else {d: s * boost for d, s in scores.items()}

    def docs(self, searcher: Searcher, deleting: bool = False) -> Iterator[int]:
        """The matching document numbers of this (sub)searcher."""
        return iter(sorted(self.scores_in(searcher.reader())))

    def matcher(self, searcher: Searcher, context: object = None) -> Matcher:
        """A list matcher over the segment's matching documents and their scores."""
        scores = self.segment_scores(searcher.reader())
        if not scores:
            return NullMatcher()
        ids = sorted(scores)
        return _UnprunedListMatcher(ids, weights=[scores[d] for d in ids])


def fast_patterns(q: wq.Query) -> wq.Query:
    """`q` with its prefix, wildcard and date range leaves answered by FastPattern (and an OR of
    such leaves only by one FastPatterns)."""
    if isinstance(q, wq.PatternQuery) or (isinstance(q, wq.NumericRange) and internals.active()):
        return FastPattern(q)  # (a date range's terms are read through Whoosh's private names)
    if q.is_leaf():
        return q
    q = q.apply(fast_patterns)
    if (
        type(q) is wq.Or
        and q.scale is None
        and not q.minmatch
        and len(q.subqueries) > 1
        and all(isinstance(c, FastPattern) for c in q.subqueries)
    ):
        return FastPatterns(list(q.subqueries), q.boost)
    return q
