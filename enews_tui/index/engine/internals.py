"""Whoosh's private names, all in this one module, behind a version gate.

The fast read path (posting blocks decoded by a few C calls, field lengths read as one column,
a posting list's documents read a block at a time) and the parallel full build (each worker
process writing and finishing its own segment) rely on how Whoosh lays out its files and names
its attributes: nothing Whoosh promises. Every such name is used here and nowhere else, and
`active()` is true only on the Whoosh release these uses are tested on (TESTED_RELEASE). On any
other release each function here answers None (or False), and the callers use Whoosh's public
API instead: the same stories, scores and totals, more slowly.
"""

from __future__ import annotations

import io
import operator
import pickle
import struct
import zlib
from collections.abc import Iterable, Iterator
from itertools import accumulate
from typing import Any

import whoosh
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3LeafMatcher, W3TermsReader
from whoosh.util.numeric import byte_to_length
from whoosh.writing import PostingPool, SegmentWriter

from enews_tui.index.engine.mapped import MappedFile
from enews_tui.index.engine.protocols import (
    Index,
    Matcher,
    SegmentReader,
    TermInfo,
    TermsReader,
    Weighting,
)

#: The Whoosh release every name below was read from and is tested on.
TESTED_RELEASE = (2, 7, 4)


def is_tested_release(version: tuple[int | str, ...]) -> bool:
    """Whether `version` (as `whoosh.__version__` gives it) is the tested release."""
    return tuple(version) == TESTED_RELEASE


_ACTIVE = is_tested_release(whoosh.__version__)


def active() -> bool:
    """Whether the private names may be used: the installed Whoosh is the tested release."""
    return _ACTIVE


# Reading a segment's postings straight from its mapped file (engine/postings.py).

_INT = struct.Struct("!i")
#: Bytes a block's pickled header can take (a 6-tuple of small numbers): read in one slice.
_HEADER_MAX = 96
_AFTER_COUNT = operator.itemgetter(slice(4, None))

#: One block: document numbers, weights, values (a tuple or list of each posting's bytes; None
#: when the format stores none, or fixed-size values in a block with deletions).
RawBlock = tuple[list[int], list[float], Any]


def segment_terms(reader: SegmentReader) -> tuple[TermsReader, memoryview] | None:
    """A segment's terms reader and its postings file as one mapped buffer, or None when the
    segment is not read the way the direct reader knows (another codec, a file not mapped)."""
    if not _ACTIVE:
        return None
    terms = getattr(reader, "_terms", None)
    if not isinstance(terms, W3TermsReader):
        return None
    postfile = getattr(terms, "_postfile", None)
    if not isinstance(postfile, MappedFile):
        return None
    return terms, postfile.buffer


def postings_offset(info: TermInfo) -> int | None:
    """Where a term's postings start in the postings file (None when they are inlined)."""
    if info.is_inlined():
        return None
    return int(info.extent()[0])


def raw_blocks(buf: memoryview, info: TermInfo) -> Iterator[RawBlock]:
    """Each block of a term's postings, deleted documents included, weights as lists: the W3
    layout is a header tag, then per block a signed length (negative for the last block), a
    pickled header (its fourth item the compression level) and the pickled (deltas, weights,
    values), zlib-compressed when the level says so."""
    if info.is_inlined():
        ids, weights, values = info.inlined_postings()
        yield list(ids), list(weights), values
        return
    pos = int(info.extent()[0]) + 4  # after the header tag
    while True:
        length = _INT.unpack_from(buf, pos)[0]
        pos += 4
        end = pos + abs(length)
        head = io.BytesIO(buf[pos : min(end, pos + _HEADER_MAX)])
        compression = pickle.load(head)[3]
        data = buf[pos + head.tell() : end]
        deltas, weights, values = pickle.loads(zlib.decompress(data) if compression else data)
        ids = list(accumulate(deltas))
        if weights is None:  # every weight 1.0
            weights = [1.0] * len(ids)
        elif isinstance(weights, float):  # every weight the same
            weights = [weights] * len(ids)
        yield ids, weights, values
        if length < 0:
            return
        pos = end


def positions_of(values: Iterable[bytes]) -> Iterator[Iterator[int]] | None:
    """The positions each posting value holds (Whoosh's Positions format: a 4-byte count, then
    the pickled deltas), decoded by C calls alone, no Python frame per value; None when the
    format is not known to be that (the caller decodes through the field's format); an
    UnpicklingError for a value in another format."""
    if not _ACTIVE:
        return None
    return map(accumulate, map(pickle.loads, map(_AFTER_COUNT, values)))


def leaf_ids(m: Matcher) -> list[int] | None:
    """Every document of a posting list read a block at a time (Whoosh's `all_ids` steps
    through them one Python call per document); None when `m` is not a plain W3 leaf."""
    if not _ACTIVE or not isinstance(m, W3LeafMatcher):  # e.g. filtered by deletions
        return None
    ids: list[int] = []
    while m.is_active():
        if m._ids is None:
            m._read_ids()
        ids.extend(m._ids[m._i :])
        m._next_block()
    return ids


def numeric_range_terms(q: Any, reader: SegmentReader) -> Iterator[bytes] | None:
    """The indexed terms a numeric or date range stands for (its trie terms, and the terms of
    its term ranges), or None when inactive: Whoosh compiles the range in a private method."""
    if not _ACTIVE:
        return None
    return _numeric_range_terms(q, reader)


def _numeric_range_terms(q: Any, reader: SegmentReader) -> Iterator[bytes]:
    compiled = q._compile_query(reader)  # trie terms and term ranges
    for leaf in compiled.leaves() if not compiled.is_leaf() else [compiled]:
        if isinstance(leaf, wq.Term):
            yield leaf.text
        elif isinstance(leaf, wq.MultiTerm):
            yield from leaf._btexts(reader)


def reader_cache(reader: SegmentReader) -> dict[str, Any] | None:
    """A dict that lives as long as the segment's per-document reader (kept by a refreshed
    searcher for an unchanged segment), for what is read once per segment; None when inactive."""
    if not _ACTIVE:
        return None
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is None:
        return None
    cache: dict[str, Any] = perdoc.__dict__.setdefault("_enews_cache", {})
    return cache


#: Whoosh stores a field's length in one byte; this is what each byte stands for.
_LENGTHS = [byte_to_length(b) for b in range(256)]


def field_lengths(reader: SegmentReader, fieldname: str) -> list[int] | None:
    """Every document's length of `fieldname` in one segment, read from the lengths column in
    one slice, or None when it is not kept the usual way (Whoosh's own lookup is used then)."""
    if not _ACTIVE:
        return None
    try:
        column = reader._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)  # type: ignore[attr-defined]
        if column is None or column._fixedlen != 1:
            return None
        raw = column._dbfile.get(column._basepos, column._count)
        lengths = [_LENGTHS[b] for b in raw]
        lengths += [0] * (column._doccount - len(lengths))
    except Exception:  # another codec or layout: Whoosh's per-document reads
        return None
    return lengths


def per_field_b(weighting: Weighting) -> bool:
    """Whether a BM25F weighting has a B of its own for some field (the fast path has not)."""
    return bool(getattr(weighting, "_field_B", True))


# A full build's worker processes, each writing its own segment (build/segments.py).

#: Postings pickled together when a worker's memory is full (Whoosh pickles them one by one).
_RUN_BATCH = 4096
#: zlib level of posting blocks: level 1 is much faster to write than Whoosh's 3, and reads alike.
_COMPRESSION = 1


class _BatchedPool(PostingPool):  # type: ignore[misc]
    """Whoosh's posting pool, its sorted runs pickled in batches: spilling and reading back a
    run costs a fraction of one pickle call per posting."""

    def add(self, item: Any) -> None:
        """Whoosh's `add` without its per-posting checks (the items come from its own writer)."""
        self.currentsize += 170 + len(item[1]) * 2 + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)

    def _write_run(self, f: Any, items: Any) -> None:
        batch: list[Any] = []
        for item in items:
            batch.append(item)
            if len(batch) >= _RUN_BATCH:
                pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
                batch = []
        if batch:
            pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path: str) -> Iterator[Any]:
        f = self._open_run(path)
        try:
            while True:
                try:
                    batch = pickle.load(f)
                except EOFError:
                    return
                yield from batch
        finally:
            f.close()
            self._remove_run(path)


class _Lengths:
    """A segment's field lengths read once per field: Whoosh looks one up per posting."""

    def __init__(self, reader: Any, doccount: int) -> None:
        self.reader = reader
        self.doccount = doccount
        self.fields: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        """The length of `fieldname` in `docnum` (as the per-document reader gives it)."""
        lengths = self.fields.get(fieldname)
        if lengths is None:
            get = self.reader.doc_field_length
            lengths = [get(d, fieldname) or 0 for d in range(self.doccount)]
            self.fields[fieldname] = lengths
        return lengths[docnum]


class WorkerWriter(SegmentWriter):  # type: ignore[misc]
    """A worker's segment writer: batched runs, cached lengths, faster block compression
    (no compound file: readers map each file, and copying them all would take time); it takes
    no lock (the main process holds the index's) and its segment is committed by the main
    process (`commit_segments`)."""

    def __init__(self, ix: Index, temp: Any, limitmb: int) -> None:
        codec = W3Codec(compression=_COMPRESSION)
        super().__init__(ix, _lk=False, limitmb=limitmb, codec=codec, compound=False)
        self._tempstorage = temp  # its own folder: the shared one is removed by the main writer
        self.pool = _BatchedPool(temp, self.newsegment, limitmb=limitmb)

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        pdr = self.per_document_reader()
        try:
            lengths = _Lengths(pdr, self.docnum)
            self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
            self.fieldwriter.close()
        finally:
            pdr.close()

    def finish(self) -> Any:
        """Sort and file the postings here, in the worker; the finished segment (None when no
        document was added), to hand to `commit_segments`."""
        if self._added:
            return self._finalize_segment()
        self._close_segment()
        return None


def commit_segments(ix: Index, segments: list[Any]) -> None:
    """Make the workers' segments the index's content (the main writer holds the lock)."""
    writer: Any = ix.writer()  # a SegmentWriter
    try:
        writer._close_segment()
        writer._commit_toc(segments)
    finally:
        writer._finish()
