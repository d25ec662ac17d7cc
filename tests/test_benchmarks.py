"""The benchmark's corpus generator: deterministic for a seed, and its pages read back as the
stories it generated (else every benchmark figure measures the wrong thing). No timings.
The only test importing benchmarks/: it is what is tested (the index tests write their own
corpus with tests/index_support.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from benchmarks.generate import documents, generate, make_story, story_path
from benchmarks.generic import LAYOUTS, generate_generic, generic_path, render_generic
from benchmarks.queries import KINDS, make_queries
from benchmarks.score_extract import word_f1
from benchmarks.verify import verify
from enews_tui.extract import parse_story

COUNT = 20


def _digest(root: Path) -> str:
    """One hash over every generated page (names and bytes)."""
    h = hashlib.sha256()
    for path in sorted(root.rglob("story_*.html")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def test_the_same_seed_writes_the_same_archive(tmp_path: Path) -> None:
    """Two corpora of one seed are byte for byte the same; another seed differs."""
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    assert generate(a, COUNT, seed=7, jobs=1)
    assert generate(b, COUNT, seed=7, jobs=1)
    assert generate(c, COUNT, seed=8, jobs=1)
    assert _digest(a) == _digest(b) != _digest(c)
    assert not generate(a, COUNT, seed=7, jobs=1), "a complete corpus is not written again"
    assert make_story(7, 3) == make_story(7, 3)
    assert [d["id"] for d in documents(3, 7)] == [make_story(7, i).id for i in range(3)]


def test_generated_pages_parse_back_to_the_generated_stories(tmp_path: Path) -> None:
    """The project's extractor reads every field of 20 pages as the generator wrote them."""
    root = tmp_path / "corpus"
    generate(root, COUNT, seed=3, jobs=1)
    assert all(story_path(root, i).is_file() for i in range(COUNT))
    assert verify(root, 3, COUNT) == []


def test_queries_are_deterministic_and_cover_every_kind() -> None:
    """The same seed draws the same queries, some of every kind."""
    first, second = make_queries(3, 100, 5), make_queries(3, 100, 5)
    assert first == second
    assert set(first) == set(KINDS)
    assert all(len(first[kind]) == 5 for kind in KINDS)


def test_generic_pages_read_back_as_their_stories(tmp_path: Path) -> None:
    """The second corpus: every layout is used, and each page reads as its story (title, date,
    every paragraph), so its build rate measures real extraction, not refusals."""
    root = tmp_path / "generic"
    assert generate_generic(root, 8, seed=3)
    assert not generate_generic(root, 8, seed=3), "a complete corpus is not written again"
    layouts = set()
    for index in range(8):
        story = make_story(3, index)
        layout, _ = render_generic(story)
        layouts.add(layout)
        got = parse_story(generic_path(root, index).read_bytes(), "page.html")
        assert (got.title, got.date) == (story.title, story.date), layout
        body = "\n".join(p for s in got.sections for p in s.paragraphs)
        want = "\n".join(p for _, paragraphs in story.sections for p in paragraphs)
        assert word_f1(body, want) > 0.99, layout
        assert b"E-News" not in generic_path(root, index).read_bytes()
    assert layouts == {name for name, _ in LAYOUTS}
