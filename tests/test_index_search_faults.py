"""A fault in the index's own read path is not the query's fault: Whoosh's matchers answer it,
the fault is logged once, and only a failure of Whoosh itself is an error (never 'bad query')."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from whoosh.searching import Searcher

from enews_tui.archive import Archive
from enews_tui.cli import EXIT_INTERNAL, main
from enews_tui.index import open_index
from enews_tui.index.core import StoryIndex
from enews_tui.index.query import search as searching
from enews_tui.model import QueryError, SearchFault

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "index" / "archive"
QUERIES = ["rowing", "vaccine OR crew", '"mentor mothers"', "boat*", "vacine~", "date:2008"]


@pytest.fixture
def index(tmp_path: Path) -> Iterator[StoryIndex]:
    """The fixture archive, indexed."""
    root = tmp_path / "archive"
    shutil.copytree(FIXTURES, root)
    ix = open_index(Archive(root))
    ix.refresh()
    try:
        yield ix
    finally:
        ix.close()


def _broken_read_path(*_args: Any, **_kwargs: Any) -> Any:
    raise ValueError("could not decode a posting block")


def _answers(ix: StoryIndex, query: str) -> tuple[int, list[str]]:
    result = ix.search(query, limit=10)
    return result.total, [hit.id for hit in result.hits]


@pytest.mark.parametrize("query", QUERIES)
def test_a_fault_in_the_fast_path_gives_whooshs_answer(
    index: StoryIndex, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the fast scorer failing, the same stories and total come back through Whoosh."""
    expected = _answers(index, query)
    assert expected[0] > 0, query
    monkeypatch.setattr(searching, "score_all", _broken_read_path)
    monkeypatch.setattr(searching, "expand_fuzzy", _broken_read_path)
    total, ids = _answers(index, query)
    assert total == expected[0]
    assert sorted(ids) == sorted(expected[1])


def test_the_fast_path_fault_is_logged_once(
    index: StoryIndex, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Three searches over a broken fast path: one warning naming the fault, not three."""
    monkeypatch.setattr(searching, "score_all", _broken_read_path)
    # The once-per-kind memory is private and lives as long as the process: emptied on purpose,
    # so that the same fault logged by an earlier test does not hide this test's warning.
    monkeypatch.setattr(searching, "_fast_faults_logged", set())
    with caplog.at_level(logging.WARNING, logger=searching.__name__):
        for query in ("rowing", "crew", "vaccine"):
            index.search(query)
    warnings = [r for r in caplog.records if "could not decode a posting block" in r.getMessage()]
    assert len(warnings) == 1


def test_a_malformed_query_is_still_a_query_error(
    index: StoryIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parser's refusal is unchanged by a broken read path."""
    monkeypatch.setattr(searching, "score_all", _broken_read_path)
    with pytest.raises(QueryError):
        index.search('"unclosed phrase')


def test_a_fault_of_whoosh_itself_is_a_search_fault(
    index: StoryIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both paths failing: an internal error that says how to mend it, not 'bad query'."""
    monkeypatch.setattr(searching, "score_all", _broken_read_path)
    monkeypatch.setattr(Searcher, "search_with_collector", _broken_read_path)
    with pytest.raises(SearchFault, match="rebuild"):
        index.search("rowing")


def test_the_cli_reports_a_damaged_index_with_its_own_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`search` on an index whose Whoosh files fail: exit 3 and one line, no 'bad query'."""
    root = tmp_path / "archive"
    shutil.copytree(FIXTURES, root)
    assert main(["index", "--archive", str(root)]) == 0
    capsys.readouterr()
    monkeypatch.setattr(searching, "score_all", _broken_read_path)
    monkeypatch.setattr(Searcher, "search_with_collector", _broken_read_path)
    code = main(["search", "rowing", "--archive", str(root)])
    err = capsys.readouterr().err
    assert code == EXIT_INTERNAL
    assert "bad query" not in err
    assert len(err.strip().splitlines()) == 1 and "index --rebuild" in err
