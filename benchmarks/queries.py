"""Benchmark queries of each kind, drawn deterministically from the word model and the corpus."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from benchmarks.generate import make_story
from benchmarks.wordmodel import FUNCTION_WORDS, word_model

#: The query kinds, in table order.
KINDS = ("word", "two words", "phrase", "prefix", "typo", "date range", "field")

_FUNCTION = frozenset(FUNCTION_WORDS)
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Query:
    """One query in the project's (Whoosh) syntax, and its SQLite FTS5 equivalent if any."""

    kind: str
    text: str  # Whoosh / enews-tui syntax
    fts: str | None  # FTS5 MATCH expression; None: FTS5 has no equivalent
    years: tuple[int, int] | None = None  # date range kind: answered by SQL, not MATCH


def make_queries(seed: int, count: int, per_kind: int) -> dict[str, list[Query]]:
    """`per_kind` queries of every kind for the corpus (`seed`, `count` stories)."""
    model = word_model(seed)
    rng = random.Random(f"enews-bench-queries:{seed}:{count}")
    out: dict[str, list[Query]] = {kind: [] for kind in KINDS}
    for _ in range(per_kind):
        w = model.content_word(rng)
        out["word"].append(Query("word", w, w))
        a, b = model.content_word(rng, 30, 5000), model.content_word(rng, 30, 5000)
        out["two words"].append(Query("two words", f"{a} {b}", f"{a} {b}"))
        phrase = _phrase(rng, seed, count)
        out["phrase"].append(Query("phrase", f'"{phrase}"', f'"{phrase}"'))
        stem = model.content_word(rng, 30, 20_000)[: rng.choice((3, 4, 4, 5))]
        out["prefix"].append(Query("prefix", f"{stem}*", f"{stem}*"))
        out["typo"].append(
            Query("typo", _typo(rng, model.content_word(rng, 30, 20_000)) + "~", None)
        )
        first = rng.randint(1999, 2010)
        last = min(2011, first + rng.randint(0, 2))
        out["date range"].append(
            Query("date range", f"date:[{first} to {last}]", None, years=(first, last))
        )
        if rng.random() < 0.5:
            t = model.content_word(rng, 20, 8000)
            out["field"].append(Query("field", f"title:{t}", f"title : {t}"))
        else:
            name = model.person(rng).split()[-1]
            out["field"].append(Query("field", f"byline:{name}", f"byline : {name}"))
    return out


def _phrase(rng: random.Random, seed: int, count: int) -> str:
    """Two or three adjacent content words from a paragraph of a random story of the corpus."""
    while True:
        story = make_story(seed, rng.randrange(count))
        paragraphs = [p for _, paras in story.sections for p in paras]
        words = _WORD.findall(rng.choice(paragraphs).lower())
        size = rng.choice((2, 2, 3))
        for _ in range(20):
            start = rng.randrange(max(1, len(words) - size))
            chunk = words[start : start + size]
            if len(chunk) == size and not _FUNCTION.intersection(chunk):
                return " ".join(chunk)


def _typo(rng: random.Random, word: str) -> str:
    """`word` with one edit: a letter changed, dropped, doubled or two letters swapped."""
    i = rng.randrange(1, len(word) - 1)
    edit = rng.randrange(4)
    if edit == 0:
        letter = rng.choice([c for c in "aeioulnrst" if c != word[i]])
        return word[:i] + letter + word[i + 1 :]
    if edit == 1:
        return word[:i] + word[i + 1 :]
    if edit == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
