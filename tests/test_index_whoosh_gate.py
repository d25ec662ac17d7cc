"""On a Whoosh release other than the one its private names are tested on, the index uses
Whoosh's public API alone: the same stories, scores and totals, builds and refreshes included.
The gate is turned off here the way another release turns it off (`internals.active()` false)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from enews_tui.archive import Archive
from enews_tui.index import StoryIndex, open_index
from enews_tui.index.build.pages import PARALLEL_MIN
from enews_tui.index.engine import internals
from enews_tui.model import SearchResult
from tests.index_support import bump, corpus_stories, json_parser, write_corpus, write_story

COUNT = PARALLEL_MIN + 40  # enough files for a parallel full build when the gate is on
QUERIES = [
    "college",
    "students research",
    "proter",
    '"college students"',
    "title:sta*",
    "pro*",
    "vacine~",
    "date:[2003 to 2006]",
    "crew* OR boter",
    "proed NOT school",
    "byline:writer",
]


def _gate_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(internals, "_ACTIVE", False)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded test corpus, written once."""
    root = tmp_path_factory.mktemp("corpus")
    write_corpus(root, COUNT, seed=3)
    return root


@pytest.fixture(scope="module")
def built(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoryIndex]:
    """The corpus indexed with the gate on (worker processes write its segments)."""
    ix = open_index(Archive(corpus), tmp_path_factory.mktemp("cache"), parser=json_parser)
    with pytest.MonkeyPatch.context() as patch:  # slowed: both workers get files to write
        patch.setenv("ENEWS_TUI_TEST_PARSE_DELAY", "0.3")
        ix.refresh()
    yield ix
    ix.close()


def _answer(ix: StoryIndex, text: str, **kwargs: Any) -> SearchResult:
    return ix.search(text, limit=None, snippets=False, **kwargs)


def _same(ours: SearchResult, theirs: SearchResult) -> None:
    assert ours.total == theirs.total
    assert {h.id for h in ours.hits} == {h.id for h in theirs.hits}
    scores = {h.id: h.score for h in theirs.hits}
    for hit in ours.hits:
        assert math.isclose(hit.score, scores[hit.id], rel_tol=1e-6), hit.id


@pytest.mark.parametrize("text", QUERIES)
def test_searches_give_the_same_answers_with_the_gate_off(
    built: StoryIndex, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every kind of query: the same stories, scores and total through Whoosh's public API,
    and the W3 posting layout is never read."""
    fast = _answer(built, text)
    assert fast.total > 0, text
    read: list[int] = []
    real = internals.raw_blocks

    def counted(*args: Any) -> Any:
        read.append(1)
        return real(*args)

    monkeypatch.setattr(internals, "raw_blocks", counted)
    _gate_off(monkeypatch)
    slow = _answer(built, text)
    _same(slow, fast)
    assert _answer(built, text, sort="date").total == fast.total
    assert not read


def test_the_gate_is_open_on_the_tested_release_only() -> None:
    """The release pinned in pyproject.toml opens the gate; any other keeps it shut."""
    import whoosh

    assert internals.is_tested_release(whoosh.__version__)
    assert internals.active()
    for other in [(2, 7, 3), (2, 7, 5), (2, 8, 0), (3, 0, 0), (2, 7)]:
        assert not internals.is_tested_release(other)
    pinned = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text("utf-8")
    assert '"Whoosh==' + ".".join(map(str, internals.TESTED_RELEASE)) + '"' in pinned


def test_a_build_and_a_refresh_with_the_gate_off(
    corpus: Path, built: StoryIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoosh's own writer builds the whole index (no worker segments), and a refresh picks up
    a rewritten and a new page; searches answer as over the index built with the gate on."""
    root = tmp_path / "corpus"
    root.mkdir()
    for path in corpus.iterdir():
        (root / path.name).write_bytes(path.read_bytes())
    _gate_off(monkeypatch)

    def never(*_args: Any) -> None:
        raise AssertionError("worker segments committed with the gate off")

    monkeypatch.setattr(internals, "commit_segments", never)
    with open_index(Archive(root), tmp_path / "cache", parser=json_parser) as ix:
        report = ix.refresh()
        assert report.indexed == built.count() == ix.count()
        for text in QUERIES:
            _same(_answer(ix, text), _answer(built, text))
        story = replace(corpus_stories(2, seed=3)[1], title="Zeppelin harbour regatta", sections=())
        bump(write_story(root, story))  # s0001, rewritten
        write_story(root, replace(story, id="zz-new", source="zz-new.txt"))
        again = ix.refresh()
        assert again.indexed == 2
        found = ix.search("zeppelin regatta", limit=None)
        assert sorted(h.id for h in found.hits) == ["s0001", "zz-new"]
        assert ix.count() == built.count() + 1
