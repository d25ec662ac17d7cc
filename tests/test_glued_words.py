"""Words glued where a line break was lost ("TwoEngineering students", "the school’sboathouse",
"her.Mitch") are found by a search for each word, and the snippet marks the word itself; the
extractor keeps the text as printed."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from enews_tui.archive import Archive
from enews_tui.index import StoryIndex, open_index
from enews_tui.index.engine.schema import analyze
from tests.support import SEED, SEED_ID

PAGE = """Tufts University e-news

Rowers Build a Boat

Two engineering students spend a winter on a racing shell.

Medford/Somerville, Mass. [02.14.09] TwoEngineering students spent the winter in the \
school’sboathouse building a racing shell from cedar strips, a craft most boatbuilders gave up \
decades ago. They finished it in March, a week before the first race of the season.

The shell weighs just under two hundred pounds, and the crew that rowed it said it felt faster \
than the boats the team bought from a factory last year.

Their adviser, a professor of mechanical engineering, said the project taught them more about \
materials than any course could, and that the department would help fund a second boat.

Story by Jane Doe, Web Communications
"""


@pytest.fixture
def index(tmp_path: Path) -> Iterator[StoryIndex]:
    """An index of the seed and of a story with glued words, read by the real extractor."""
    root = tmp_path / "archive"
    root.mkdir()
    shutil.copy(SEED, root / SEED.name)
    (root / "rowers.txt").write_text(PAGE, "utf-8")
    with open_index(Archive(root)) as ix:
        ix.refresh()
        yield ix


@pytest.mark.parametrize(
    ("query", "story", "marked"),
    [
        ("engineering", "rowers", "Engineering"),
        ("boathouse", "rowers", "boathouse"),
        ('"two engineering students"', "rowers", "Two"),
        ("Mitch", SEED_ID, "Mitch"),
        ("twoengineering", "rowers", "TwoEngineering"),
    ],
)
def test_each_glued_word_is_found_and_marked(
    index: StoryIndex, query: str, story: str, marked: str
) -> None:
    """A search for either word finds the story; the span marks that word, not the whole run."""
    result = index.search(query)
    hits = {h.id: h for h in result.hits}
    assert story in hits, query
    hit = hits[story]
    assert marked in [hit.snippet[a:b] for a, b in hit.spans], (query, hit.snippet, hit.spans)


def test_text_stays_as_printed(index: StoryIndex) -> None:
    """The glue is the page's: the stored story keeps it, only the index splits it."""
    story = index.story("rowers")
    assert story is not None
    assert "TwoEngineering students" in story.sections[0].paragraphs[0]
    assert "school’sboathouse" in story.sections[0].paragraphs[0]


def test_ordinary_words_are_not_split() -> None:
    """Names with inner capitals stay one word (and are also found by their parts); "it’s",
    "Ph.D." and "U.S." are untouched."""
    assert analyze("Taylor McNeil") == ["taylor", "mcneil"]
    assert analyze("PowerPoint")[0] == "powerpoint"
    assert analyze("it’s a Ph.D. from the U.S.") == analyze("it's a Ph.D. from the U.S.")
