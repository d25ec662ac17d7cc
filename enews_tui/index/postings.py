"""Reading posting lists straight from a segment's memory-mapped postings file.

Whoosh reads a posting list through a matcher object: a term lookup, a header check, a pickled
block header per block, then the document numbers delta-decoded one Python generator step at a
time. A prefix such as `pro*` stands for some 500 terms of the body alone at 10k stories, so
that per-term and per-posting overhead was most of the search. Here a term's statistics answer
for it when they can (one document: its number is the term's first and last; a run of
consecutive documents: the range), and otherwise the blocks are decoded with C-speed calls. Any
segment these shortcuts cannot read exactly (deleted documents, a file not memory-mapped)
returns None and the caller uses Whoosh's matcher."""

from __future__ import annotations

import io
import pickle
import struct
import zlib
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

from whoosh.codec.whoosh3 import W3TermInfo, W3TermsReader
from whoosh.reading import TermNotFound

from enews_tui.index.storage import MappedFile

_INT = struct.Struct("!i")
#: Bytes a block's pickled header can take (a 6-tuple of small numbers): read in one slice.
_HEADER_MAX = 96


class DirectReader:
    """Posting lists of one segment, read from its mapped postings file."""

    def __init__(self, terms: W3TermsReader, postfile: MappedFile) -> None:
        self._terms = terms
        self._buf = postfile._buf

    def term_info(self, fieldname: str, btext: bytes) -> W3TermInfo | None:
        """The term's statistics, None when the segment lacks it."""
        try:
            return self._terms.term_info(fieldname, btext)
        except TermNotFound:
            return None

    def doc_ids(self, info: W3TermInfo) -> Iterator[int] | range | tuple[int, ...]:
        """Every document number of the term, ascending, from its statistics when they tell."""
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
        return (d for ids, _data in self.blocks(info) for d in ids)

    def blocks(self, info: W3TermInfo) -> Iterator[tuple[list[int], tuple[Any, ...]]]:
        """(document numbers, the block's data tuple: ids, weights, values) of each block."""
        if info.is_inlined():
            ids, weights, values = info.inlined_postings()
            yield list(ids), (ids, weights, values)
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
            block = pickle.loads(zlib.decompress(data) if compression else data)
            yield list(accumulate(block[0])), block
            if length < 0:
                return
            pos = end


def weights_of(block: tuple[Any, ...], count: int) -> Any:
    """A block's weights as Whoosh's matcher gives them (1.0 when not stored)."""
    weights = block[1]
    if weights is None:
        return [1.0] * count
    if isinstance(weights, float):
        return [weights] * count
    return weights


def direct_reader(reader: Any) -> DirectReader | None:
    """The direct reader of a segment's reader, None when only Whoosh's matchers read it
    exactly (deleted documents to filter, another codec, a file not mapped)."""
    cached: DirectReader | None | bool = getattr(reader, "_enews_direct", False)
    if not isinstance(cached, bool):
        return cached
    found: DirectReader | None = None
    terms = getattr(reader, "_terms", None)
    if (
        isinstance(terms, W3TermsReader)
        and isinstance(terms._postfile, MappedFile)
        and not reader.has_deletions()
    ):
        found = DirectReader(terms, terms._postfile)
    reader._enews_direct = found
    return found
