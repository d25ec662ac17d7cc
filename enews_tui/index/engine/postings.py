"""Reading posting lists straight from a segment's memory-mapped postings file.

Whoosh reads a posting list through a matcher object: a term lookup, a header check, a pickled
block header per block, then the document numbers delta-decoded one Python generator step at a
time. A prefix such as `pro*` stands for some 500 terms of the body alone at 10k stories, so
that per-term and per-posting overhead was most of the search. Here a term's statistics answer
for it when they can (one document: its number is the term's first and last; a run of
consecutive documents: the range), and otherwise the blocks are decoded with C-speed calls;
deleted documents are left out, as Whoosh's filtered matcher does. A segment not read through a
memory map gets no direct reader: the caller uses Whoosh's matcher."""

from __future__ import annotations

import io
import operator
import pickle
import struct
import threading
import zlib
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from itertools import accumulate
from typing import Any

from whoosh.codec.whoosh3 import W3TermInfo, W3TermsReader
from whoosh.reading import TermNotFound

from enews_tui.index.engine.mapped import MappedFile

_INT = struct.Struct("!i")
#: Postings each segment keeps decoded between searches, the most recently used terms first:
#: typing re-runs the query with the same finished words on every key (a word in most stories
#: of a 50k-story segment is ~36k postings, ~23 ms to decode, ~4 MB decoded).
KEEP_POSTINGS = 200_000
#: Bytes a block's pickled header can take (a 6-tuple of small numbers): read in one slice.
_HEADER_MAX = 96


#: One block: document numbers, weights, values (a tuple or list of each posting's bytes; None
#: when the format stores none, or fixed-size values in a block with deletions).
PostingBlock = tuple[list[int], list[float], Any]


class DirectReader:
    """Posting lists of one segment, read from its mapped postings file, without the
    segment's deleted documents."""

    def __init__(self, terms: W3TermsReader, postfile: MappedFile, deleted: frozenset[int]) -> None:
        self._terms = terms
        self._buf = postfile._buf
        self._deleted = deleted
        self._kept: OrderedDict[int, tuple[int, list[PostingBlock]]] = OrderedDict()
        self._kept_postings = 0
        self._lock = threading.Lock()

    def term_info(self, fieldname: str, btext: bytes) -> W3TermInfo | None:
        """The term's statistics, None when the segment lacks it."""
        try:
            return self._terms.term_info(fieldname, btext)
        except TermNotFound:
            return None

    def prefix_infos(self, fieldname: str, prefix: bytes) -> Iterator[W3TermInfo]:
        """The statistics of every term of the field starting with `prefix`, read in the same
        walk over the term index that finds them (no second lookup per term)."""
        for (name, btext), info in self._terms.items_from(fieldname, prefix):
            if name != fieldname or not btext.startswith(prefix):
                return
            yield info

    def union(self, infos: Iterable[W3TermInfo]) -> set[int]:
        """Every document one of the terms holds; deleted documents taken out once at the end."""
        docs: set[int] = set()
        for info in infos:
            docs.update(self._all_ids(info))
        return docs.difference(self._deleted) if self._deleted else docs

    def _all_ids(self, info: W3TermInfo) -> Iterable[int]:
        """Every document number of the term, deleted or not, ascending: from its statistics
        when they tell."""
        if info.is_inlined():
            return tuple(info.inlined_postings()[0])
        df, first, last = info._df, info._minid, info._maxid
        if first is not None and last is not None:
            if df == 1:
                return (first,)
            if df == 2:
                return (first, last)
            if last - first + 1 == df:
                return range(first, last + 1)
        return (d for ids, _weights, _values in self.blocks(info) for d in ids)

    def decoded(self, info: W3TermInfo) -> list[PostingBlock]:
        """Every block of the term's postings (not to be changed by the caller); the most
        recently asked terms are kept decoded, up to KEEP_POSTINGS postings in all."""
        if info.is_inlined():
            return list(self.blocks(info))
        key = info.extent()[0]
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

    def blocks(self, info: W3TermInfo) -> Iterator[PostingBlock]:
        """Each block of the term's postings, as Whoosh's matcher reads them."""
        for ids, weights, values in self._raw_blocks(info):
            count = len(ids)
            if weights is None:
                weights = [1.0] * count
            elif isinstance(weights, float):
                weights = [weights] * count
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

    def _raw_blocks(self, info: W3TermInfo) -> Iterator[tuple[list[int], Any, Any]]:
        if info.is_inlined():
            ids, weights, values = info.inlined_postings()
            yield list(ids), list(weights), values
            return
        buf = self._buf
        pos = info.extent()[0] + 4  # after the header tag
        while True:
            length = _INT.unpack_from(buf, pos)[0]
            pos += 4
            end = pos + abs(length)
            head = io.BytesIO(buf[pos : min(end, pos + _HEADER_MAX)])
            compression = pickle.load(head)[3]
            data = buf[pos + head.tell() : end]
            ids, weights, values = pickle.loads(zlib.decompress(data) if compression else data)
            yield list(accumulate(ids)), weights, values
            if length < 0:
                return
            pos = end


_AFTER_COUNT = operator.itemgetter(slice(4, None))


def positions_of(values: Iterable[bytes]) -> Iterator[Iterator[int]]:
    """The positions each posting value holds (Whoosh's Positions format: a 4-byte count, then
    the pickled deltas), decoded by C calls alone, no Python frame per value; UnpicklingError
    for a value in another format."""
    return map(accumulate, map(pickle.loads, map(_AFTER_COUNT, values)))


def direct_reader(reader: Any) -> DirectReader | None:
    """The direct reader of a segment's reader, None when only Whoosh's matchers read it
    (another codec, a file not mapped)."""
    cached: DirectReader | None | bool = getattr(reader, "_enews_direct", False)
    if not isinstance(cached, bool):
        return cached
    found: DirectReader | None = None
    terms = getattr(reader, "_terms", None)
    if isinstance(terms, W3TermsReader) and isinstance(terms._postfile, MappedFile):
        deleted = (
            frozenset(reader._perdoc.deleted_docs()) if reader.has_deletions() else frozenset()
        )
        found = DirectReader(terms, terms._postfile, deleted)
    reader._enews_direct = found
    return found
