"""Scoring every match of a plain query (words, phrases, ANDs and ORs of them, expanded typos,
prefixes and date ranges) straight from the posting blocks, with Whoosh's BM25F formula: the
same scores and total as Whoosh's matchers, without a Python call per matcher per document (an
AND of two common words spent most of its time stepping Whoosh's union and intersection
matchers; a phrase, its span matchers). Anything else (NOT, ...) returns None and is searched
by Whoosh itself."""

from __future__ import annotations

import pickle
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from itertools import repeat
from operator import add, mul, truediv
from typing import Any

from whoosh import query as wq
from whoosh.scoring import BM25F

from enews_tui.index.engine import internals
from enews_tui.index.engine.patterns import FastPattern, FastPatterns
from enews_tui.index.engine.postings import PostingBlock, direct_reader, positions_of
from enews_tui.index.engine.protocols import Searcher, SegmentReader
from enews_tui.index.engine.scoring import field_norms

Scores = dict[int, float]
#: Per thread, the posting blocks decoded and the phrases matched during the current search.
_local = threading.local()


class _Unsupported(Exception):
    """A query node this module does not score."""


def score_all(searcher: Searcher, q: wq.Query) -> Scores | None:
    """Index-wide document number -> score of every document `q` matches, or None when `q`
    holds something only Whoosh can run."""
    weighting = searcher.weighting
    if not isinstance(weighting, BM25F) or internals.per_field_b(weighting):
        return None
    pattern_types = (FastPattern, FastPatterns)
    _local.blocks = {}
    _local.phrases = {}
    try:
        scores: Scores = {}
        for sub, offset in searcher.leaf_searchers():
            part = _node(searcher, sub, q, weighting, pattern_types)
            if offset:
                scores.update(zip(map(offset.__add__, part), part.values(), strict=True))
            else:
                scores.update(part)
        return scores
    except _Unsupported:
        return None
    finally:
        _local.blocks = _local.phrases = None


def _node(
    top: Searcher,
    sub: Searcher,
    q: wq.Query,
    weighting: BM25F,
    patterns: tuple[type, ...],
    only: set[int] | None = None,
) -> Scores:
    """One segment's scores for the query node `q` (of the documents in `only`, when given)."""
    if isinstance(q, wq.Term) and type(q) is wq.Term:
        scores = _term(top, sub, q.fieldname, q.text, weighting, only)
    elif type(q) is wq.Or and q.scale is None and not q.minmatch:
        # The largest part (a dict made for this node) is taken whole; the others are added
        # into it one match at a time.
        found = [_node(top, sub, child, weighting, patterns, only) for child in q.subqueries]
        found.sort(key=len, reverse=True)
        scores = found[0] if found else {}
        for part in found[1:]:
            for d, s in part.items():
                scores[d] = scores.get(d, 0.0) + s
    elif type(q) is wq.Phrase:
        # Whoosh scores a phrase as the AND of its words: the sum of their BM25F scores.
        docs = set(_phrase_docs(top, sub, q))
        if only is not None:
            docs &= only
        parts = [_term(top, sub, q.fieldname, w, weighting, docs) for w in q.words] if docs else []
        scores = {d: sum(part[d] for part in parts) for d in docs}
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
        # The documents every part scored, and the sum of their parts, with C calls alone.
        matched = list(common.intersection(*parts))
        summed: Iterator[float] = map(parts[0].__getitem__, matched)
        for part in parts[1:]:
            summed = map(add, summed, map(part.__getitem__, matched))
        scores = dict(zip(matched, summed, strict=True))
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


def _docs(top: Searcher, sub: Searcher, q: wq.Query, patterns: tuple[type, ...]) -> set[int]:
    """The documents of one segment that `q` matches, unscored."""
    if isinstance(q, wq.Term) and type(q) is wq.Term:
        text = _term_bytes(top, q.fieldname, q.text)
        if text is None:
            return set()
        docs: set[int] = set()
        for ids, _weights, _values in _blocks(sub.reader(), q.fieldname, text):
            docs.update(ids)
        return docs
    if type(q) is wq.Phrase:
        return set(_phrase_docs(top, sub, q))
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


def _term_bytes(top: Searcher, fieldname: str, text: Any) -> bytes | None:
    """The indexed form of a query word, None when the field cannot hold it."""
    if fieldname not in top.schema:
        return None
    try:
        return bytes(top.schema[fieldname].to_bytes(text))
    except ValueError:
        return None


def _blocks(reader: SegmentReader, fieldname: str, text: bytes) -> list[PostingBlock]:
    """The posting blocks of a term in one segment (none when it lacks the term), decoded once
    per search: an AND or a phrase reads its terms' documents first, then scores them."""
    direct = direct_reader(reader)
    if direct is None:
        raise _Unsupported("a segment without a direct reader")
    cache: dict[tuple[int, str, bytes], list[PostingBlock]] | None = getattr(_local, "blocks", None)
    key = (id(reader), fieldname, text)
    if cache is not None and key in cache:
        return cache[key]
    info = direct.term_info(fieldname, text)
    found = direct.decoded(info) if info is not None else []
    if cache is not None:
        cache[key] = found
    return found


def _phrase_docs(top: Searcher, sub: Searcher, q: wq.Phrase) -> list[int]:
    """The documents of one segment holding the phrase's words at consecutive positions:
    Whoosh's SpanNear2 with slop 1, ordered (what its Phrase runs), read from the same blocks
    the scores come from; once per search (an AND asks for them, then scores them)."""
    cache: dict[tuple[int, str, tuple[Any, ...]], list[int]] | None = getattr(
        _local, "phrases", None
    )
    key = (id(sub.reader()), q.fieldname, tuple(q.words))
    if cache is not None and key in cache:
        return cache[key]
    found = _match_phrase(top, sub, q)
    if cache is not None:
        cache[key] = found
    return found


def _match_phrase(top: Searcher, sub: Searcher, q: wq.Phrase) -> list[int]:
    """`_phrase_docs`, uncached."""
    field = top.schema[q.fieldname] if q.fieldname in top.schema else None
    if q.slop != 1 or field is None or not field.format.supports("positions"):
        raise _Unsupported("phrase")
    reader = sub.reader()
    postings: list[dict[int, bytes]] = []
    for word in q.words:
        text = _term_bytes(top, q.fieldname, word)
        if text is None:
            return []
        values: dict[int, bytes] = {}
        for ids, _weights, block_values in _blocks(reader, q.fieldname, text):
            if not isinstance(block_values, (tuple, list)):
                raise _Unsupported("positions")
            values.update(zip(ids, block_values, strict=True))
        if not values:
            return []
        postings.append(values)
    if not postings:
        return []
    smallest: dict[int, bytes] = min(postings, key=len)
    common = sorted(set(smallest).intersection(*postings))
    if len(postings) == 1:
        return common
    shifts = [(-k).__add__ for k in range(len(postings))]
    found = []
    try:
        # One decoding pass per word over the common documents; then per document the start
        # positions of the first word that every next word follows at its offset.
        decoded = []
        for values in postings:
            positions = positions_of(map(values.__getitem__, common))
            if positions is None:
                raise _Unsupported("positions")
            decoded.append(positions)
        for d, first, *rest in zip(common, *decoded, strict=True):
            starts = set(first)
            for k, later in enumerate(rest, 1):
                starts.intersection_update(map(shifts[k], later))
                if not starts:
                    break
            else:
                found.append(d)
    except (pickle.UnpicklingError, EOFError, ValueError):  # not Whoosh's Positions values
        raise _Unsupported("positions") from None
    return found


def _term(
    top: Searcher,
    sub: Searcher,
    fieldname: str,
    text: Any,
    weighting: BM25F,
    only: set[int] | None = None,
) -> Scores:
    """BM25F scores of one term's postings in one segment, as Whoosh's BM25FScorer gives them
    (of the documents in `only`, when given)."""
    reader = sub.reader()
    if fieldname not in top.schema or not top.schema[fieldname].scorable:
        raise _Unsupported(fieldname)
    btext = _term_bytes(top, fieldname, text)
    b, k1 = weighting.B, weighting.K1
    norms = field_norms(reader, fieldname, top.avg_field_length(fieldname) or 1, b, k1)
    if norms is None:
        raise _Unsupported("field lengths")
    if btext is None:
        return {}
    blocks = _blocks(reader, fieldname, btext)
    if not blocks:
        return {}
    idf = top.idf(fieldname, btext)
    k1p1 = k1 + 1
    scores: Scores = {}
    if only is not None and len(only) * 16 < sum(len(ids) for ids, _w, _v in blocks):
        # A few documents of a long list (a phrase's matches): look each up in its block.
        wanted = sorted(only)
        for ids, weights, _values in blocks:
            for d in wanted[bisect_left(wanted, ids[0]) : bisect_right(wanted, ids[-1])]:
                i = bisect_left(ids, d)
                if ids[i] == d:
                    tf = weights[i]
                    scores[d] = idf * ((tf * k1p1) / (tf + norms[d]))
        return scores
    # idf * ((tf * (k1 + 1)) / (tf + norm)) for every posting, by C calls alone.
    for ids, weights, _values in blocks:
        numerators = map(mul, weights, repeat(k1p1))
        denominators = map(add, weights, map(norms.__getitem__, ids))
        scores.update(
            zip(ids, map(mul, repeat(idf), map(truediv, numerators, denominators)), strict=True)
        )
    if only is not None:
        kept = scores.keys() & only
        scores = dict(zip(kept, map(scores.__getitem__, kept), strict=True))
    return scores
