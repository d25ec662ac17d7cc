"""BM25F as Whoosh scores it, with each segment's field lengths read once instead of per match."""

from __future__ import annotations

from typing import Any

from whoosh.scoring import BM25F, BM25FScorer

from enews_tui.index.engine import internals
from enews_tui.index.engine.protocols import Searcher, SegmentReader


def _field_lengths(reader: SegmentReader, fieldname: str) -> list[int] | None:
    """Every document's length of `fieldname` in one segment (cached for the segment), or None
    when the segment does not keep them the usual way (Whoosh's own lookup is used then)."""
    cache = internals.reader_cache(reader)
    if cache is None:
        return None
    lengths: dict[str, list[int] | None] = cache.setdefault("lengths", {})
    if fieldname not in lengths:
        lengths[fieldname] = internals.field_lengths(reader, fieldname)
    return lengths[fieldname]


def field_norms(
    reader: SegmentReader, fieldname: str, avgfl: float, b: float, k1: float
) -> list[float] | None:
    """Every document's BM25 length term `k1 * ((1 - b) + b * fl / avgfl)` for `fieldname` in
    one segment, computed once per distinct length (cached on its reader for the latest
    average length), or None when the lengths are not read the usual way."""
    lengths = _field_lengths(reader, fieldname)
    cache = internals.reader_cache(reader)
    if lengths is None or cache is None:
        return None
    norms_of: dict[str, tuple[tuple[float, float, float], list[float]]] = cache.setdefault(
        "norms", {}
    )
    key = (avgfl, b, k1)
    cached = norms_of.get(fieldname)
    if cached is not None and cached[0] == key:
        return cached[1]
    table = {fl: k1 * ((1 - b) + b * fl / avgfl) for fl in set(lengths)}
    norms = list(map(table.__getitem__, lengths))
    norms_of[fieldname] = (key, norms)
    return norms


class CachedBM25F(BM25F):  # type: ignore[misc]
    """Whoosh's BM25F, the same scores; its length lookup is a list index (a column read per
    matching document was a large part of a common word's search time)."""

    def scorer(self, searcher: Searcher, fieldname: str, text: bytes, qf: int = 1) -> Any:
        """Whoosh's scorer for the term, reading lengths from the segment's cached list."""
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if isinstance(scorer, BM25FScorer) and searcher.is_atomic():
            lengths = _field_lengths(searcher.reader(), fieldname)
            if lengths is not None:
                scorer.dfl = lengths.__getitem__
        return scorer
