"""Scoring every match of a plain query (words, ANDs and ORs of them, expanded typos, prefixes
and date ranges) straight from the posting blocks, with Whoosh's BM25F formula: the same
scores and total as Whoosh's matchers, without a Python call per matcher per document (an AND
of two common words spent most of its time stepping Whoosh's union and intersection matchers).
Anything else (phrases, NOT, ...) returns None and is searched by Whoosh itself."""

from __future__ import annotations

import threading
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.scoring import BM25F

from enews_tui.index.postings import direct_reader, weights_of
from enews_tui.index.scoring import _field_lengths

Scores = dict[int, float]
#: Per thread, the posting blocks decoded during the current search.
_local = threading.local()


class _Unsupported(Exception):
    """A query node this module does not score."""


def score_all(searcher: Any, q: wq.Query) -> Scores | None:
    """Index-wide document number -> score of every document `q` matches, or None when `q`
    holds something only Whoosh can run."""
    weighting = searcher.weighting
    if not isinstance(weighting, BM25F) or weighting._field_B:
        return None
    pattern_types = _pattern_types()
    _local.blocks = {}
    try:
        scores: Scores = {}
        for sub, offset in searcher.leaf_searchers():
            part = _node(searcher, sub, q, weighting, pattern_types)
            if offset:
                scores.update((d + offset, s) for d, s in part.items())
            else:
                scores.update(part)
        return scores
    except _Unsupported:
        return None
    finally:
        _local.blocks = None


def _pattern_types() -> tuple[type, ...]:
    from enews_tui.index.search import FastPattern, FastPatterns  # search imports this module

    return (FastPattern, FastPatterns)


def _node(
    top: Any,
    sub: Any,
    q: wq.Query,
    weighting: BM25F,
    patterns: tuple[type, ...],
    only: set[int] | None = None,
) -> Scores:
    """One segment's scores for the query node `q` (of the documents in `only`, when given)."""
    if isinstance(q, wq.Term) and type(q) is wq.Term:
        scores = _term(top, sub, q.fieldname, q.text, weighting, only)
    elif type(q) is wq.Or and q.scale is None and not q.minmatch:
        scores = {}
        for child in q.subqueries:
            for d, s in _node(top, sub, child, weighting, patterns, only).items():
                scores[d] = scores.get(d, 0.0) + s
    elif type(q) is wq.And:
        if not q.subqueries:
            return {}
        # The documents first (reading posting lists is cheap), then scores for those only.
        common = _docs(top, sub, q, patterns)
        if only is not None:
            common &= only
        if not common:
            return {}
        parts = [_node(top, sub, child, weighting, patterns, common) for child in q.subqueries]
        scores = {}
        for d in common:
            total = 0.0
            for part in parts:
                if d not in part:
                    break
                total += part[d]
            else:
                scores[d] = total
    elif isinstance(q, patterns):
        # The same scores as the pattern's list matcher, read from its lists in one go.
        scores = q.segment_scores(sub.reader())  # type: ignore[attr-defined]
        if only is not None:
            scores = {d: s for d, s in scores.items() if d in only}
        return scores  # the pattern's boost is in them already
    elif q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return {}
    else:
        raise _Unsupported(type(q).__name__)
    if q.boost != 1.0:
        boost = q.boost
        scores = {d: s * boost for d, s in scores.items()}
    return scores


def _docs(top: Any, sub: Any, q: wq.Query, patterns: tuple[type, ...]) -> set[int]:
    """The documents of one segment that `q` matches, unscored."""
    from enews_tui.index.search import _posting_ids  # search imports this module

    if isinstance(q, wq.Term) and type(q) is wq.Term:
        reader = sub.reader()
        if q.fieldname not in top.schema:
            return set()
        text = top.schema[q.fieldname].to_bytes(q.text)
        if (q.fieldname, text) not in reader:
            return set()
        blocks = _blocks(reader, q.fieldname, text)
        if blocks is None:
            return set(_posting_ids(reader.postings(q.fieldname, text)))
        docs: set[int] = set()
        for ids, _weights in blocks:
            docs.update(ids)
        return docs
    if type(q) is wq.Or and q.scale is None and not q.minmatch:
        found: set[int] = set()
        for child in q.subqueries:
            found |= _docs(top, sub, child, patterns)
        return found
    if type(q) is wq.And:
        sets = [_docs(top, sub, child, patterns) for child in q.subqueries]
        return min(sets, key=len).intersection(*sets) if sets else set()
    if isinstance(q, patterns):
        return set(q.docs(sub))  # type: ignore[attr-defined]
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return set()
    raise _Unsupported(type(q).__name__)


def _blocks(reader: Any, fieldname: str, text: bytes) -> list[tuple[Any, Any]] | None:
    """(ids, weights) of each posting block of a term, decoded once per search (an AND reads
    its terms' documents first, then scores them); None when the postings are filtered."""
    cache: dict[tuple[int, str, bytes], Any] | None = getattr(_local, "blocks", None)
    key = (id(reader), fieldname, text)
    if cache is not None and key in cache:
        return cache[key]  # type: ignore[no-any-return]
    direct = direct_reader(reader)
    found: list[tuple[Any, Any]] | None = None
    if direct is not None:
        info = direct.term_info(fieldname, text)
        found = []
        if info is not None:
            found = [(ids, weights_of(data, len(ids))) for ids, data in direct.blocks(info)]
        if cache is not None:
            cache[key] = found
        return found
    m = reader.postings(fieldname, text)
    if isinstance(m, W3LeafMatcher):
        found = []
        while m.is_active():
            if m._ids is None:
                m._read_ids()
            if m._weights is None:
                m._read_weights()
            start = m._i
            found.append((m._ids[start:], m._weights[start:]))
            m._next_block()
    if cache is not None:
        cache[key] = found
    return found


def _term(
    top: Any, sub: Any, fieldname: str, text: Any, weighting: BM25F, only: set[int] | None = None
) -> Scores:
    """BM25F scores of one term's postings in one segment, as Whoosh's BM25FScorer gives them
    (of the documents in `only`, when given)."""
    reader = sub.reader()
    if fieldname not in top.schema or not top.schema[fieldname].scorable:
        raise _Unsupported(fieldname)
    text = top.schema[fieldname].to_bytes(text)
    if (fieldname, text) not in reader:
        return {}
    idf = top.idf(fieldname, text)
    avgfl = top.avg_field_length(fieldname) or 1
    b, k1 = weighting.B, weighting.K1
    k1p1 = k1 + 1
    lengths = _field_lengths(reader, fieldname)
    blocks = _blocks(reader, fieldname, text) if lengths is not None else None
    scores: Scores = {}
    if blocks is not None and lengths is not None:
        for ids, weights in blocks:
            for i in range(len(ids)):
                if only is not None and ids[i] not in only:
                    continue
                tf = weights[i]
                fl = lengths[ids[i]]
                scores[ids[i]] = idf * ((tf * k1p1) / (tf + k1 * ((1 - b) + b * fl / avgfl)))
        return scores
    m = reader.postings(fieldname, text)
    while m.is_active():  # e.g. a segment with deletions: Whoosh filters its postings
        d = m.id()
        if only is not None and d not in only:
            m.next()
            continue
        tf = m.weight()
        fl = lengths[d] if lengths is not None else reader.doc_field_length(d, fieldname, 1)
        scores[d] = idf * ((tf * k1p1) / (tf + k1 * ((1 - b) + b * fl / avgfl)))
        m.next()
    return scores
