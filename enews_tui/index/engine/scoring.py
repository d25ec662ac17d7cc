"""BM25F as Whoosh scores it, with each segment's field lengths read once instead of per match."""

from __future__ import annotations

from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.scoring import BM25F, BM25FScorer
from whoosh.util.numeric import byte_to_length

#: Whoosh stores a field's length in one byte; this is what each byte stands for.
_LENGTHS = [byte_to_length(b) for b in range(256)]


def _field_lengths(reader: Any, fieldname: str) -> list[int] | None:
    """Every document's length of `fieldname` in one segment (cached on its reader), or None
    when the segment does not keep them the usual way (Whoosh's own lookup is used then)."""
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is None:
        return None
    cache: dict[str, list[int] | None] = perdoc.__dict__.setdefault("_enews_lengths", {})
    if fieldname in cache:
        return cache[fieldname]
    lengths: list[int] | None = None
    try:
        column = perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
        if column is not None and column._fixedlen == 1:
            raw = column._dbfile.get(column._basepos, column._count)
            lengths = [_LENGTHS[b] for b in raw]
            lengths += [0] * (column._doccount - len(lengths))
    except Exception:  # another codec or layout: fall back to Whoosh's per-document reads
        lengths = None
    cache[fieldname] = lengths
    return lengths


def _field_norms(
    reader: Any, fieldname: str, avgfl: float, b: float, k1: float
) -> list[float] | None:
    """Every document's BM25 length term `k1 * ((1 - b) + b * fl / avgfl)` for `fieldname` in
    one segment, computed once per distinct length (cached on its reader for the latest
    average length), or None when the lengths are not read the usual way."""
    lengths = _field_lengths(reader, fieldname)
    if lengths is None:
        return None
    cache: dict[str, tuple[tuple[float, float, float], list[float]]] = (
        reader._perdoc.__dict__.setdefault("_enews_norms", {})
    )
    key = (avgfl, b, k1)
    cached = cache.get(fieldname)
    if cached is not None and cached[0] == key:
        return cached[1]
    table = {fl: k1 * ((1 - b) + b * fl / avgfl) for fl in set(lengths)}
    norms = list(map(table.__getitem__, lengths))
    cache[fieldname] = (key, norms)
    return norms


class CachedBM25F(BM25F):  # type: ignore[misc]
    """Whoosh's BM25F, the same scores; its length lookup is a list index (a column read per
    matching document was a fifth of a common word's search time)."""

    def scorer(self, searcher: Any, fieldname: str, text: Any, qf: int = 1) -> Any:
        """Whoosh's scorer for the term, reading lengths from the segment's cached list."""
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if isinstance(scorer, BM25FScorer) and searcher.is_atomic():
            lengths = _field_lengths(searcher.reader(), fieldname)
            if lengths is not None:
                scorer.dfl = lengths.__getitem__
        return scorer
