"""The index's own search paths give Whoosh's answers: posting lists read straight from the
mapped files, prefixes and date ranges answered as document lists, plain queries scored from
the posting blocks. Same stories, same scores, same totals, over an index of three segments
with deleted documents (a parallel full build, then a refresh that rewrote some pages).

These tests look inside on purpose: Whoosh's own answer to a query needs the index's open
searcher and query parser (`_searcher`, `_qparser`; StoryIndex has no public way to run a query
through Whoosh's matchers alone), and the set-up they compare over (segments, deletions) is
only visible there."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from whoosh import index as windex
from whoosh import query as wq
from whoosh.fields import ID, TEXT, Schema
from whoosh.searching import Searcher

from enews_tui.archive import Archive
from enews_tui.index import open_index
from enews_tui.index.build.pages import PARALLEL_MIN
from enews_tui.index.core import StoryIndex
from enews_tui.index.engine import postings
from enews_tui.index.engine.mapped import open_mapped
from enews_tui.index.engine.patterns import FastPattern
from enews_tui.index.engine.postings import direct_reader, positions_of
from enews_tui.index.engine.schema import START_CHARS, STARTS, start_term
from enews_tui.index.query.search import parse
from tests.index_support import bump, corpus_queries, corpus_stories, json_parser, write_corpus

SEED = 5
COUNT = PARALLEL_MIN + 40  # a full build by two worker processes: two segments
REWRITTEN = (3, 50, 130, 201)


@pytest.fixture(scope="module", params=["built", "refreshed"])
def index(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StoryIndex]:
    """Two worker segments read directly ("built"); then with a third segment holding
    rewritten pages, whose old documents are deleted from the others ("refreshed"), so both
    the direct reader and Whoosh's filtered matchers are used."""
    root = tmp_path_factory.mktemp("corpus")
    write_corpus(root, COUNT, seed=SEED)
    ix = open_index(Archive(root), tmp_path_factory.mktemp("cache"), parser=json_parser)
    # The test parser is so fast that the first worker could take every run of files before
    # the second has started: slowed, each writes a segment.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ENEWS_TUI_TEST_PARSE_DELAY", "0.3")
        ix.refresh()
    if request.param == "refreshed":
        for i in REWRITTEN:  # each page now holds the next story's text
            path = root / f"s{i:04d}.txt"
            path.write_bytes((root / f"s{i + 1:04d}.txt").read_bytes())
            bump(path)
        assert ix.refresh().indexed == len(REWRITTEN)
    yield ix
    ix.close()


def _searcher(ix: StoryIndex) -> Searcher:
    """The index's open Whoosh searcher, read inside on purpose (the module docstring says why):
    the only way to Whoosh's own matchers and to the segments the comparison runs over."""
    assert ix._searcher is not None
    return ix._searcher


def _parsed(ix: StoryIndex, text: str) -> wq.Query:
    """`text` as the index's own query parser (private, for the same reason) parses it."""
    return parse(ix._qparser, text)


def _whoosh(ix: StoryIndex, text: str) -> dict[str, float]:
    """Story id -> score from Whoosh's own matchers for the same parsed query."""
    results = _searcher(ix).search(_parsed(ix, text), limit=None)
    return {hit["id"]: float(hit.score) for hit in results}


def _ours(ix: StoryIndex, text: str) -> tuple[int, dict[str, float]]:
    result = ix.search(text, limit=None, snippets=False)
    return result.total, {hit.id: hit.score for hit in result.hits}


def _queries(*kinds: str, per_kind: int = 6) -> list[str]:
    drawn = corpus_queries(corpus_stories(COUNT, SEED), per_kind, SEED)
    return [q for kind in kinds for q in drawn[kind]]


def test_the_index_has_the_segments_meant(index: StoryIndex) -> None:
    """The set-up the comparison needs, read from the open searcher."""
    readers = [sub.reader() for sub, _ in _searcher(index).leaf_searchers()]
    assert all(direct_reader(r) is not None for r in readers)
    deletions = [r.has_deletions() for r in readers]
    assert deletions == ([False, False] if len(readers) == 2 else deletions)
    assert len(readers) == 2 or (len(readers) == 3 and any(deletions))


@pytest.mark.parametrize(
    "text",
    _queries("word", "two words", "phrase", "field")
    + ["title:staff OR body:college", '"of the" OR title:"a b"', 'body:"the the"']
    + [f"{q.split()[0].strip(chr(34))} AND {q}" for q in _queries("phrase", per_kind=3)],
)
def test_same_stories_scores_and_total_as_whoosh(index: StoryIndex, text: str) -> None:
    """Words, phrases, ANDs, ORs and fields: scored from the posting blocks exactly as Whoosh
    does (in the refreshed index, without the deleted documents)."""
    total, ours = _ours(index, text)
    theirs = _whoosh(index, text)
    assert total == len(theirs) == len(ours)
    assert ours.keys() == theirs.keys()
    for story_id, score in theirs.items():
        assert math.isclose(ours[story_id], score, rel_tol=1e-6), story_id


@pytest.mark.parametrize(
    "text",
    _queries("prefix", "typo", "date range")
    + ["pro* OR sta*", "title:a* AND date:[2003 to 2008]", "date:>2009", "s*"],
)
def test_same_stories_and_total_as_whoosh(index: StoryIndex, text: str) -> None:
    """Prefixes, typos and date ranges find the stories Whoosh finds, and count them all.
    Scores differ on purpose: a prefix or range scores each field it matches in as 1 (Whoosh
    does too, except when it stands for a single term, which it scores as that word); a typo
    scores as the words it stands for."""
    total, ours = _ours(index, text)
    assert total == len(ours)
    assert ours.keys() == _whoosh(index, text).keys()


@pytest.mark.parametrize("deleted", [(), (0, 1, 2, 5, 299, 300, 301, 650)])
def test_posting_lists_read_directly_are_whoosh_postings(
    tmp_path: Path, deleted: tuple[int, ...]
) -> None:
    """Document numbers, weights and positions of every term, block by block, as Whoosh's
    matcher reads them: terms of one or two postings, of consecutive documents, inlined, of many
    blocks; with deleted documents left out as Whoosh's filtered matcher leaves them."""
    ix = windex.create_in(str(tmp_path), Schema(id=ID(stored=True), body=TEXT))
    with ix.writer() as writer:
        for n in range(700):
            words = ["every"] * (1 + n % 3) + ["even" if n % 2 else "odd", f"n{n}", f"m{n // 300}"]
            words += ["seven"] if n % 7 == 0 else []
            writer.add_document(id=str(n), body=" ".join(words))
    if deleted:
        with ix.writer() as writer:
            for n in deleted:
                writer.delete_document(n)
    kinds: set[str] = set()
    with open_mapped(str(tmp_path), ix.schema).reader() as reader:
        direct = direct_reader(reader)
        assert direct is not None
        for btext in list(reader.lexicon("body")):
            info = direct.term_info("body", btext)
            assert info is not None
            m = reader.postings("body", btext)
            ids, weights, places = [], [], []
            while m.is_active():
                ids.append(m.id())
                weights.append(m.weight())
                places.append(list(m.value_as("positions")))
                m.next()
            assert sorted(direct.union([info])) == ids, btext
            blocks = list(direct.blocks(info))
            assert [d for got, _, _ in blocks for d in got] == ids
            assert [w for _, got, _ in blocks for w in got] == weights
            decoded = [positions_of(got) for _, _, got in blocks]
            assert [list(p) for got in decoded if got is not None for p in got] == places
            assert None not in decoded
            # Which shortcut answered (each is asked for; the answer alone cannot tell them
            # apart, so the reader's private `_all_ids` is read on purpose).
            kinds.add(type(direct._all_ids(info)).__name__)
            kinds.add("blocks" if len(blocks) > 1 else "block")
        assert direct.term_info("body", b"zzzznotaword") is None
    assert {"blocks", "block"} <= kinds
    assert kinds >= {"tuple", "range", "generator"}


def test_a_prefix_scores_one_per_field_it_matches(index: StoryIndex) -> None:
    """`pro*` ranks stories matching in more fields first, each field counting 1."""
    q = _parsed(index, "pro*")
    assert isinstance(q, wq.Or)
    assert all(isinstance(c, wq.Prefix) for c in q.subqueries)
    result = index.search("pro*", limit=None, snippets=False)
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True)
    assert set(scores) <= {1.0, 2.0, 3.0, 4.0, 5.0, 6.0}
    assert len(set(scores)) > 1
    # One field: every story counts 1, however many "pro" words it holds. (Whoosh's own
    # matchers do too, except in a segment where the prefix stands for a single word, which
    # they score as that word: segments vary with the parallel build, so that is not asked.)
    titles = index.search("title:pro*", limit=None, snippets=False)
    assert titles.hits and {hit.score for hit in titles.hits} == {1.0}
    words = [w.decode() for w in _searcher(index).reader().lexicon("title")]
    lone = next(w[:5] for w in words if len(w) > 5 and sum(v[:5] == w[:5] for v in words) == 1)
    single = index.search(f"title:{lone}*", limit=None, snippets=False)
    assert single.hits and {hit.score for hit in single.hits} == {1.0}


def test_a_three_letter_prefix_reads_the_list_of_its_first_letters(index: StoryIndex) -> None:
    """Typing three letters asks for `dre*`: each segment answers it from one list of the
    STARTS field (the stories with a word beginning so), which holds exactly the stories that
    the postings of every word it stands for hold, deleted documents left out."""
    assert index._searcher is not None
    checked = 0
    for sub, _offset in index._searcher.leaf_searchers():
        reader = sub.reader()
        direct = direct_reader(reader)
        assert direct is not None
        for field in ("title", "body", "contact"):
            words = [w.decode() for w in reader.lexicon(field)]
            for start in sorted({w[:START_CHARS] for w in words if len(w) >= START_CHARS}):
                infos = [direct.term_info(field, w.encode()) for w in words if w.startswith(start)]
                want = direct.union(i for i in infos if i is not None)
                listed = direct.term_info(STARTS, start_term(field, start).encode())
                assert listed is not None, (field, start)
                assert direct.ids(listed) == sorted(want), (field, start)
                checked += 1
    assert checked > 50
    prefix = FastPattern(wq.Prefix("body", "sta"))
    assert prefix._start_term(index._searcher.reader()) is not None
    assert FastPattern(wq.Prefix("body", "stat"))._start_term(index._searcher.reader()) is None


@pytest.mark.parametrize("text", _queries("word", "two words", "prefix") + ["date:>2009"])
def test_the_first_hits_of_a_limited_search_are_the_best_of_all(
    index: StoryIndex, text: str
) -> None:
    """A search for the first few hits (the list's first page) gives the same stories in the
    same order, ties by index order, as ranking every match, and counts them all."""
    everything = index.search(text, limit=None, snippets=False)
    for limit in (1, 7, 30):
        page = index.search(text, limit=limit, snippets=False)
        assert page.total == everything.total
        assert [h.id for h in page.hits] == [h.id for h in everything.hits[:limit]]


def test_decoded_posting_lists_are_kept_for_the_next_searches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typing re-runs the query with the same finished words: their decoded blocks are kept
    (the same postings, not decoded again), the most recently used first, within a budget."""
    ix = windex.create_in(str(tmp_path), Schema(id=ID(stored=True), body=TEXT))
    with ix.writer() as writer:
        for n in range(600):
            tenth = " tenth" if n % 10 == 0 else ""
            writer.add_document(id=str(n), body=f"every {'even' if n % 2 else 'odd'}{tenth}")
    # One term is kept when it takes at most a quarter of the budget: "even" and "odd" (300
    # postings each) are, "every" (600) is not.
    monkeypatch.setattr(postings, "KEEP_POSTINGS", 1200)
    with open_mapped(str(tmp_path), ix.schema).reader() as reader:
        direct = direct_reader(reader)
        assert direct is not None
        even, odd, every = (direct.term_info("body", w) for w in (b"even", b"odd", b"every"))
        assert even is not None and odd is not None and every is not None
        first = direct.decoded(even)
        assert first == list(direct.blocks(even))
        assert [d for ids, _, _ in first for d in ids] == list(range(1, 600, 2))
        assert direct.decoded(even) is first  # kept
        assert direct.decoded(every) is not direct.decoded(every)
        direct.decoded(odd)
        monkeypatch.setattr(postings, "KEEP_POSTINGS", 500)
        tens = direct.term_info("body", b"tenth")
        assert tens is not None and not tens.is_inlined()
        direct.decoded(tens)  # over the budget: the least recently used (even) goes
        assert direct.decoded(odd) is direct.decoded(odd)
        assert direct.decoded(even) is not first
