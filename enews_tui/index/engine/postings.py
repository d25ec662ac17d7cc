"""Reading posting lists straight from a segment's memory-mapped postings file.

Whoosh reads a posting list through a matcher object: a term lookup, a header check, a pickled
block header per block, then the document numbers delta-decoded one Python generator step at a
time. A short prefix such as `pro*` stands for hundreds of terms, so that per-term and
per-posting overhead was most of the search. Here a term's statistics answer
for it when they can (one document: its number is the term's first and last; a run of
consecutive documents: the range), and otherwise the blocks are decoded with C-speed calls;
deleted documents are left out, as Whoosh's filtered matcher does. A segment not read through a
memory map gets no direct reader: the caller uses Whoosh's matcher."""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterable, Iterator

from whoosh.reading import TermNotFound

from enews_tui.index.engine import internals
from enews_tui.index.engine.internals import RawBlock as PostingBlock
from enews_tui.index.engine.internals import positions_of
from enews_tui.index.engine.protocols import SegmentReader, TermInfo, TermsReader

__all__ = ["KEEP_POSTINGS", "DirectReader", "PostingBlock", "direct_reader", "positions_of"]

#: Postings each segment keeps decoded between searches, the most recently used terms first:
#: typing re-runs the query with the same finished words on every key (a common word of a
#: large segment is tens of thousands of postings, milliseconds to decode, megabytes decoded).
KEEP_POSTINGS = 200_000


class DirectReader:
    """Posting lists of one segment, read from its mapped postings file, without the
    segment's deleted documents."""

    def __init__(self, terms: TermsReader, buf: memoryview, deleted: frozenset[int]) -> None:
        self._terms = terms
        self._buf = buf
        self._deleted = deleted
        self._kept: OrderedDict[int, tuple[int, list[PostingBlock]]] = OrderedDict()
        self._kept_postings = 0
        self._lock = threading.Lock()

    def term_info(self, fieldname: str, btext: bytes) -> TermInfo | None:
        """The term's statistics, None when the segment lacks it."""
        try:
            return self._terms.term_info(fieldname, btext)
        except TermNotFound:
            return None

    def prefix_infos(self, fieldname: str, prefix: bytes) -> Iterator[TermInfo]:
        """The statistics of every term of the field starting with `prefix`, read in the same
        walk over the term index that finds them (no second lookup per term)."""
        for (name, btext), info in self._terms.items_from(fieldname, prefix):
            if name != fieldname or not btext.startswith(prefix):
                return
            yield info

    def union(self, infos: Iterable[TermInfo]) -> set[int]:
        """Every document one of the terms holds; deleted documents taken out once at the end."""
        docs: set[int] = set()
        for info in infos:
            docs.update(self._all_ids(info))
        return docs.difference(self._deleted) if self._deleted else docs

    def ids(self, info: TermInfo) -> list[int]:
        """Every document of one term, ascending, without the deleted ones."""
        found = list(self._all_ids(info))
        if self._deleted and not self._deleted.isdisjoint(found):
            found = [d for d in found if d not in self._deleted]
        return found

    def _all_ids(self, info: TermInfo) -> Iterable[int]:
        """Every document number of the term, deleted or not, ascending: from its statistics
        when they tell."""
        if info.is_inlined():
            return tuple(info.inlined_postings()[0])
        df, first, last = info.doc_frequency(), info.min_id(), info.max_id()
        if first is not None and last is not None:
            if df == 1:
                return (first,)
            if df == 2:
                return (first, last)
            if last - first + 1 == df:
                return range(first, last + 1)
        return (d for ids, _weights, _values in self.blocks(info) for d in ids)

    def decoded(self, info: TermInfo) -> list[PostingBlock]:
        """Every block of the term's postings (not to be changed by the caller); the most
        recently asked terms are kept decoded, up to KEEP_POSTINGS postings in all."""
        key = internals.postings_offset(info)
        if key is None:  # inlined: nothing to decode
            return list(self.blocks(info))
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
                return kept[1]
        found = list(self.blocks(info))
        size = sum(len(ids) for ids, _weights, _values in found)
        if size <= KEEP_POSTINGS // 4:  # one term never pushes out most of the others
            with self._lock:
                if key not in self._kept:
                    self._kept[key] = (size, found)
                    self._kept_postings += size
                    while self._kept_postings > KEEP_POSTINGS:
                        self._kept_postings -= self._kept.popitem(last=False)[1][0]
        return found

    def blocks(self, info: TermInfo) -> Iterator[PostingBlock]:
        """Each block of the term's postings, as Whoosh's matcher reads them."""
        for ids, weights, values in internals.raw_blocks(self._buf, info):
            if self._deleted:
                # A few deleted documents at most per block: found by one set intersection,
                # then taken out one by one (no Python step per posting).
                dead = self._deleted.intersection(ids)
                if dead:
                    weights = list(weights)
                    values = list(values) if isinstance(values, tuple) else None
                    for d in sorted(dead, reverse=True):
                        i = bisect_left(ids, d)
                        del ids[i], weights[i]
                        if values is not None:
                            del values[i]
            yield ids, weights, values


def direct_reader(reader: SegmentReader) -> DirectReader | None:
    """The direct reader of a segment's reader, None when only Whoosh's matchers read it
    (another codec, a file not mapped, another Whoosh release)."""
    cache = internals.reader_cache(reader)
    if cache is None:
        return None
    if "direct" in cache:
        found: DirectReader | None = cache["direct"]
        return found
    found = None
    segment = internals.segment_terms(reader)
    if segment is not None:
        terms, buf = segment
        deleted = (
            frozenset(reader.segment().deleted_docs()) if reader.has_deletions() else frozenset()
        )
        found = DirectReader(terms, buf, deleted)
    cache["direct"] = found
    return found
