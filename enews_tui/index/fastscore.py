"""Scoring every match of a plain query (words, ANDs and ORs of them, expanded typos, prefixes
and date ranges) straight from the posting blocks, with Whoosh's BM25F formula: the same
scores and total as Whoosh's matchers, without a Python call per matcher per document (an AND
of two common words spent most of its time stepping Whoosh's union and intersection matchers).
Anything else (phrases, NOT, ...) returns None and is searched by Whoosh itself."""

from __future__ import annotations

from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.scoring import BM25F

from enews_tui.index.scoring import _field_lengths

Scores = dict[int, float]


class _Unsupported(Exception):
    """A query node this module does not score."""


def score_all(searcher: Any, q: wq.Query) -> Scores | None:
    """Index-wide document number -> score of every document `q` matches, or None when `q`
    holds something only Whoosh can run."""
    weighting = searcher.weighting
    if not isinstance(weighting, BM25F) or weighting._field_B:
        return None
    pattern_types = _pattern_types()
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


def _pattern_types() -> tuple[type, ...]:
    from enews_tui.index.search import FastPattern, FastPatterns  # search imports this module

    return (FastPattern, FastPatterns)


def _node(top: Any, sub: Any, q: wq.Query, weighting: BM25F, patterns: tuple[type, ...]) -> Scores:
    """One segment's scores for the query node `q`."""
    if isinstance(q, wq.Term) and type(q) is wq.Term:
        scores = _term(top, sub, q.fieldname, q.text, weighting)
    elif type(q) is wq.Or and q.scale is None and not q.minmatch:
        scores = {}
        for child in q.subqueries:
            for d, s in _node(top, sub, child, weighting, patterns).items():
                scores[d] = scores.get(d, 0.0) + s
    elif type(q) is wq.And:
        parts: list[Scores] = [
            _node(top, sub, child, weighting, patterns) for child in q.subqueries
        ]
        if not parts:
            return {}
        smallest: Scores = min(parts, key=len)
        common = set(smallest)
        for part in parts:
            common.intersection_update(part)
        scores = {}
        for d in common:
            total = 0.0
            for part in parts:
                total += part[d]
            scores[d] = total
    elif isinstance(q, patterns):
        m = q.matcher(sub)  # type: ignore[attr-defined]
        scores = {}
        while m.is_active():
            scores[m.id()] = m.score()
            m.next()
        return scores  # the pattern's boost is in its weights already
    elif q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return {}
    else:
        raise _Unsupported(type(q).__name__)
    if q.boost != 1.0:
        boost = q.boost
        scores = {d: s * boost for d, s in scores.items()}
    return scores


def _term(top: Any, sub: Any, fieldname: str, text: Any, weighting: BM25F) -> Scores:
    """BM25F scores of one term's postings in one segment, as Whoosh's BM25FScorer gives them."""
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
    m = reader.postings(fieldname, text)
    scores: Scores = {}
    if isinstance(m, W3LeafMatcher) and lengths is not None:
        while m.is_active():
            if m._ids is None:
                m._read_ids()
            if m._weights is None:
                m._read_weights()
            ids, weights = m._ids, m._weights
            for i in range(m._i, len(ids)):
                tf = weights[i]
                fl = lengths[ids[i]]
                scores[ids[i]] = idf * ((tf * k1p1) / (tf + k1 * ((1 - b) + b * fl / avgfl)))
            m._next_block()
        return scores
    while m.is_active():  # e.g. a segment with deletions: Whoosh filters its postings
        d = m.id()
        tf = m.weight()
        fl = lengths[d] if lengths is not None else reader.doc_field_length(d, fieldname, 1)
        scores[d] = idf * ((tf * k1p1) / (tf + k1 * ((1 - b) + b * fl / avgfl)))
        m.next()
    return scores
