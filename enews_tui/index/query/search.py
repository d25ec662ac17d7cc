"""Searching: parse, run, build hits with snippets; suggestions and related stories."""

from __future__ import annotations

import heapq
import logging
import re
import weakref
from collections.abc import Collection
from itertools import compress
from typing import Literal, NamedTuple

from whoosh import query as wq
from whoosh.codec.base import Automata
from whoosh.collectors import FilterCollector, TopCollector
from whoosh.qparser.default import QueryParser
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from enews_tui.index.engine.fastscore import score_all
from enews_tui.index.engine.patterns import fast_patterns
from enews_tui.index.engine.schema import DEFAULT_FIELDS, body_text, fold
from enews_tui.index.query.parser import Terms, check_and_rewrite, collect_terms, make_parser
from enews_tui.index.query.snippets import SNIPPET_CHARS, make_snippet, stem
from enews_tui.index.stories.store import Store
from enews_tui.model import QueryError, SearchFault, SearchHit, SearchResult, StorySummary
from enews_tui.text import one_line

__all__ = ["make_parser", "check", "search", "highlight_terms", "related"]

_log = logging.getLogger(__name__)
_OPERATORS = frozenset({"AND", "OR", "NOT", "TO", "ANDNOT", "ANDMAYBE"})
_SUGGEST_WORD = re.compile(r"(?<![\w*?~])([^\W\d_]{3,})(?![\w:*?~])")


def check(text: str) -> None:
    """Raise QueryError for a query that cannot be read (used when the index is empty)."""
    if text.strip():
        check_and_rewrite(text)


def parse(qparser: QueryParser, text: str) -> wq.Query:
    """The Whoosh query for `text`; QueryError with one line when it cannot be read."""
    rewritten = check_and_rewrite(text)
    try:
        q = qparser.parse(rewritten)
    except QueryError:
        raise
    except Exception as exc:
        raise QueryError(one_line(exc)) from None
    return _tune(q)


def _tune(q: wq.Query) -> wq.Query:
    """Typo queries keep their first letter: scanning every term of a large index is slow."""
    if isinstance(q, wq.FuzzyTerm) and q.prefixlength == 0 and len(q.text) > 3:
        q.prefixlength = 1
    elif not q.is_leaf():
        for child in q.children():
            _tune(child)
    return q


def expand_fuzzy(reader: IndexReader, q: wq.Query) -> wq.Query:
    """Typo terms replaced by the indexed terms within their distance: one automaton per word
    for all six fields (Whoosh builds one per field per segment, slow in pure Python)."""
    dfas: dict[tuple[str, int, int], object] = {}

    def within(fieldname: str, text: str, maxdist: int, prefix: int) -> set[str]:
        key = (text, maxdist, prefix)
        if key not in dfas:
            dfas[key] = Automata.levenshtein_dfa(text, maxdist, prefix)
        found: set[str] = set()
        for leaf, _base in reader.leaf_readers():
            if fieldname not in leaf.indexed_field_names():
                continue
            try:
                found.update(Automata.find_matches(dfas[key], leaf.cursor(fieldname)))
            except NotImplementedError:  # a segment without this field
                continue
        return found

    def walk(node: wq.Query) -> wq.Query:
        if isinstance(node, wq.FuzzyTerm):
            found = within(node.fieldname, node.text, node.maxdist, node.prefixlength)
            if not found:
                return wq.NullQuery
            return wq.Or([wq.Term(node.fieldname, t, boost=node.boost) for t in sorted(found)])
        if node.is_leaf():
            return node
        return node.apply(walk)

    return walk(q)


def _reader_terms(text: str, terms: Terms) -> tuple[str, ...]:
    """Query words as typed (when they match) plus stems and prefixes: the reader marks words
    starting with any of them."""
    words = {fold(w) for w in re.findall(r"\w+", text) if stem(w) in terms.stems}
    return tuple(sorted(words | terms.stems | terms.prefixes))


def highlight_terms(qparser: QueryParser, searcher: Searcher | None, text: str) -> tuple[str, ...]:
    """The words to mark in the reader for `text` (empty for a blank or unreadable query)."""
    if not text.strip():
        return ()
    try:
        q = parse(qparser, text)
        if searcher is not None:
            q = expand_fuzzy(searcher.reader(), q)
        return _reader_terms(text, collect_terms(q))
    except Exception:  # the reader marks nothing rather than fail
        return ()


def search(
    qparser: QueryParser,
    searcher: Searcher,
    store: Store,
    text: str,
    *,
    limit: int | None,
    sort: Literal["relevance", "date"],
    snippets: bool,
    only: Collection[str] | None = None,
    without: Collection[str] = (),
) -> SearchResult:
    """Run one query against an open searcher and the SQLite sidecar; `only` (when not None) and
    `without` narrow it to, and away from, those story ids (the reader's library filters)."""
    if not text.strip():
        return _everything(store, text, limit, snippets, only, without)
    q = parse(qparser, text)  # the only step that raises QueryError
    try:
        docs = _DocFilter(_docnums(searcher, only), _docnums(searcher, without) or None)
        wanted = _Wanted(limit, sort, docs)
        found, total, terms = _ranked_fast(searcher, q, wanted)
    except Exception as exc:  # noqa: BLE001 - a fault of our read path: Whoosh's matchers answer
        _fast_path_failed(exc)
        try:
            docs = _DocFilter(_docnums(searcher, only), _docnums(searcher, without) or None)
            found, total, terms = _ranked_whoosh(searcher, q, _Wanted(limit, sort, docs))
        except Exception as inner:  # noqa: BLE001 - Whoosh itself failed: the index is damaged
            raise SearchFault(
                f"the index failed on this search ({one_line(inner)}); "
                "'enews-tui index --rebuild' rebuilds it"
            ) from inner
    heads = store.heads([i for i, _ in found], text=snippets)
    hits = []
    for story_id, score in found:
        if story_id not in heads:
            continue  # a Whoosh document whose row a killed refresh had not written yet
        title, date, plain = heads[story_id]
        snippet = ""
        spans: tuple[tuple[int, int], ...] = ()
        if snippets:
            snippet, spans = make_snippet(plain, terms)
        hits.append(SearchHit(story_id, title, date, score, snippet, spans))
    # Documents a killed refresh left without their row are not stories yet: not counted either
    # (exact for every hit fetched; the next refresh removes the rest).
    total -= len(found) - len(hits)
    suggestion = _suggest(qparser, searcher, store, text) if total == 0 else None
    return SearchResult(text, total, tuple(hits), suggestion, _reader_terms(text, terms))


_Found = tuple[list[tuple[str, float]], int, Terms]


class _DocFilter(NamedTuple):
    """Document numbers a search keeps (`allow`, unless None) and drops (`deny`, unless None)."""

    allow: set[int] | None = None
    deny: set[int] | None = None

    def keeps(self, doc: int) -> bool:
        """Whether `doc` passes."""
        return (self.allow is None or doc in self.allow) and (
            self.deny is None or doc not in self.deny
        )


_NO_FILTER = _DocFilter()


class _Wanted(NamedTuple):
    """What a search asks for besides its query: how many hits, in which order, of which
    documents."""

    limit: int | None
    sort: Literal["relevance", "date"]
    docs: _DocFilter = _NO_FILTER


#: Story id -> document number (None: not indexed), remembered per searcher: each is a term lookup
#: and a posting read, and `is:unread` asks for every read story at each keystroke.
_DOCNUMS: weakref.WeakKeyDictionary[Searcher, dict[str, int | None]] = weakref.WeakKeyDictionary()


def _docnums(searcher: Searcher, ids: Collection[str] | None) -> set[int] | None:
    """The document numbers of the stories `ids` (those in the index)."""
    if ids is None:
        return None
    known = _DOCNUMS.setdefault(searcher, {})
    found: set[int] = set()
    for i in ids:
        if i not in known:
            known[i] = searcher.document_number(id=i)
        if (d := known[i]) is not None:
            found.add(d)
    return found


def _ranked_fast(searcher: Searcher, q: wq.Query, wanted: _Wanted) -> _Found:
    """(story id, score) of the first `limit` matches, the total and the words to mark, by our
    read path: typo words expanded once for every field, patterns and BM25 from the postings."""
    q = expand_fuzzy(searcher.reader(), q)
    terms = collect_terms(q)
    q = fast_patterns(q)
    scores = score_all(searcher, q) if wanted.sort == "relevance" else None
    if scores is None:
        found, total = _collected(searcher, q, wanted)
        return found, total, terms
    if wanted.docs != _NO_FILTER:
        keeps = wanted.docs.keeps
        scores = {d: s for d, s in scores.items() if keeps(d)}
    ranked = _best(scores, wanted.limit)
    return [(searcher.stored_fields(d)["id"], s) for d, s in ranked], len(scores), terms


def _best(scores: dict[int, float], limit: int | None) -> list[tuple[int, float]]:
    """The first `limit` (document, score) in Whoosh's order: best score first, then the lower
    document number."""
    if limit is None or limit >= len(scores):
        return sorted(scores.items(), key=_rank)
    if limit <= 0:
        return []
    # The limit-th best score first (floats compared in C); the matches above it are fewer than
    # `limit`, ordered by a key; those tied with it (a prefix scores most of its matches alike)
    # only need their lowest document numbers, sorted as plain numbers.
    lowest = heapq.nlargest(limit, scores.values())[-1]
    above = sorted(compress(scores.items(), map(lowest.__lt__, scores.values())), key=_rank)
    tied = sorted(compress(scores.keys(), map(lowest.__eq__, scores.values())))
    return above + [(d, lowest) for d in tied[: limit - len(above)]]


def _ranked_whoosh(searcher: Searcher, q: wq.Query, wanted: _Wanted) -> _Found:
    """What `_ranked_fast` gives, by Whoosh's own matchers alone (slower, same stories)."""
    found, total = _collected(searcher, q, wanted)
    return found, total, collect_terms(q)


def _collected(
    searcher: Searcher, q: wq.Query, wanted: _Wanted
) -> tuple[list[tuple[str, float]], int]:
    """(story id, score) of the first `limit` matches and the total, by Whoosh's collectors
    (narrowed by `docs`)."""
    limit, sort, docs = wanted
    allow, deny = docs
    if sort == "date":
        results = searcher.search(
            q, limit=limit, sortedby="newest", reverse=True, filter=allow, mask=deny
        )
    elif limit is None:
        results = searcher.search(q, limit=None, filter=allow, mask=deny)
    else:
        # One pass scoring every match counts the total too (Whoosh's default skips blocks,
        # then runs the query again to count); no matcher replacement, which drops parts of an
        # OR that cannot beat the lowest kept score from the total.
        collector = TopCollector(limit=limit, usequality=False, replace=0)
        wrapped = collector
        if docs != _NO_FILTER:
            wrapped = FilterCollector(collector, allow=allow, restrict=deny)
        searcher.search_with_collector(q, wrapped)
        results = collector.results()
    return [(hit["id"], float(hit.score or 0.0)) for hit in results], len(results)


_fast_faults_logged: set[str] = set()


def _fast_path_failed(exc: BaseException) -> None:
    """Log a fault of the fast path once per kind of fault (the search goes on through Whoosh)."""
    kind = f"{type(exc).__name__}: {one_line(exc)}"
    if kind not in _fast_faults_logged:
        _fast_faults_logged.add(kind)
        _log.warning("fast search path failed, answered by Whoosh instead: %s", kind)


def _rank(item: tuple[int, float]) -> tuple[float, int]:
    """Sort key: best score first, then the lower document number."""
    return -item[1], item[0]


def _everything(
    store: Store,
    text: str,
    limit: int | None,
    snippets: bool,
    only: Collection[str] | None = None,
    without: Collection[str] = (),
) -> SearchResult:
    """A blank query: every story (or every one the id filters keep), newest first."""
    if only is None and without:
        # `is:unread`: the first stories of the list, past the denied ones (never the whole
        # list), and the total from how many of the denied the store holds.
        deny = set(without)
        present = len(store.summaries_of(list(deny)))
        reach = None if limit is None else max(limit, 0) + len(deny)
        rows = [r for r in store.ordered(reach) if r[0] not in deny]
        rows = rows if limit is None else rows[: max(limit, 0)]
        hits = tuple(SearchHit(i, t, d, 0.0, _lead(ld) if snippets else "") for i, t, d, ld in rows)
        return SearchResult(text, store.count() - present, hits)
    if only is not None:
        deny = set(without)
        # A few starred or noted stories: read by id, in the list's order.
        kept = [
            s for s in sorted(store.summaries_of(list(only)), key=_newest_first) if s.id not in deny
        ]
        shown = kept if limit is None else kept[: max(limit, 0)]
        heads = store.heads([s.id for s in shown], text=snippets) if snippets else {}
        leads = {i: _lead(head[2]) for i, head in heads.items()}
        found = tuple(SearchHit(s.id, s.title, s.date, 0.0, leads.get(s.id, "")) for s in shown)
        return SearchResult(text, len(kept), found)
    hits = tuple(
        SearchHit(i, t, d, 0.0, _lead(lead) if snippets else "")
        for i, t, d, lead in store.ordered(limit)
    )
    return SearchResult(text, store.count(), hits)


def _newest_first(summary: StorySummary) -> tuple[int, str]:
    """The story store's list order: newest first, undated last, then by id."""
    date = summary.date
    return (-(date.year * 10000 + date.month * 100 + date.day) if date else 0, summary.id)


def _lead(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SNIPPET_CHARS:
        return text
    cut = text.rfind(" ", 0, SNIPPET_CHARS)
    return text[: cut if cut > 0 else SNIPPET_CHARS] + "…"


def _known(searcher: Searcher, word: str) -> bool:
    """Whether any default field holds the word (as its stem)."""
    reader = searcher.reader()
    term = stem(word)
    return any(reader.doc_frequency(f, term) for f in DEFAULT_FIELDS)


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance with transpositions, giving up (limit + 1) past `limit`."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _correct(store: Store, word: str) -> str | None:
    """The closest known word (then the most common), within two edits (one for short words)."""
    folded = fold(word)
    limit = 1 if len(folded) <= 4 else 2
    best: tuple[int, int, str] | None = None
    for candidate, n in store.similar_words(folded):
        d = _distance(folded, candidate, limit)
        if 0 < d <= limit and (best is None or (d, -n) < best[:2]):
            best = (d, -n, candidate)
    return best[2] if best else None


def _suggest(qparser: QueryParser, searcher: Searcher, store: Store, text: str) -> str | None:
    """The query with its unknown words corrected, when that finds something."""
    pieces: list[str] = []
    last = 0
    changed = False
    for m in _SUGGEST_WORD.finditer(text):
        word = m[1]
        if word in _OPERATORS or _known(searcher, word):
            continue
        fixed = _correct(store, word)
        if fixed is None:
            continue
        if word[:1].isupper():
            fixed = fixed[:1].upper() + fixed[1:]
        pieces += [text[last : m.start()], fixed]
        last = m.end()
        changed = True
    if not changed:
        return None
    corrected = "".join(pieces) + text[last:]
    try:  # the search's own path: Whoosh's matchers are much slower on a large archive
        q = fast_patterns(expand_fuzzy(searcher.reader(), parse(qparser, corrected)))
        scores = score_all(searcher, q)
        found = bool(scores) if scores is not None else _any_hit(searcher, q)
    except Exception:
        return None
    return corrected if found else None


def _any_hit(searcher: Searcher, q: wq.Query) -> bool:
    """Whether Whoosh's matchers find anything for `q`."""
    return bool(searcher.search(q, limit=1).scored_length())


def related(searcher: Searcher, store: Store, story_id: str, limit: int) -> list[StorySummary]:
    """Stories most like `story_id`, by the key terms of its text (not itself)."""
    docnum = searcher.document_number(id=story_id)
    story = store.story(story_id)
    if docnum is None or story is None:
        return []
    text = "\n".join(x for x in (story.title, story.teaser or "", body_text(story)) if x)
    try:
        results = searcher.more_like(docnum, "body", text=text, top=limit, numterms=12)
        ids = [hit["id"] for hit in results if hit["id"] != story_id]
    except Exception:
        return []
    return store.summaries_of(ids[:limit])
