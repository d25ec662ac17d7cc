"""Helpers for the index and CLI tests: stories written as JSON files, and a parser for them."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from enews_tui.model import Byline, Contact, NotAStory, PageError, Section, Story
from enews_tui.serialize import story_from_dict, story_to_dict


def json_parser(raw: bytes, name: str, story_id: str | None = None) -> Story:
    """Parse a story written by `write_story` (a test stand-in for the extractor)."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise PageError("not a JSON story") from None
    if not isinstance(data, dict) or "title" not in data:
        raise NotAStory("no title")
    data["id"] = story_id or os.path.splitext(name)[0]
    data["source"] = name
    return story_from_dict(data)


def make_story(
    story_id: str,
    title: str,
    paragraphs: tuple[str, ...] = (),
    *,
    date: dt.date | None = None,
    teaser: str | None = None,
    heading: str | None = None,
    byline: Byline | None = None,
    dateline: str | None = None,
    contacts: tuple[Contact, ...] = (),
) -> Story:
    """A story with one section."""
    sections = (Section(heading, paragraphs),) if paragraphs else ()
    return Story(
        id=story_id,
        source=f"{story_id}.txt",
        title=title,
        teaser=teaser,
        date=date,
        dateline=dateline,
        byline=byline,
        sections=sections,
        contacts=contacts,
    )


def write_story(root: Path, story: Story) -> Path:
    """Write `story` as `<root>/<id>.txt` in the test format."""
    path = root / f"{story.id}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(story_to_dict(story)), "utf-8")
    return path


def bump(path: Path) -> None:
    """Make sure a rewritten file's mtime differs from before (coarse file system clocks)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


#: Word families for `write_corpus`: shared beginnings make prefixes match several words.
_STEMS = ("pro", "sta", "con", "re", "mar", "tel", "bo", "vac", "crew", "lab", "gar", "win")
_ENDS = ("", "s", "ing", "ed", "ter", "mon", "vin", "lia", "dor", "sel", "tum", "ary")
_COMMON = ("the", "of", "and", "a", "to", "in", "college", "students", "school", "research")


def corpus_stories(count: int, seed: int) -> list[Story]:
    """`count` stories of seeded pseudo-random words (common words in most of them, rare ones in
    a few), dated 1999-2011, with bylines and datelines: enough variety for every query kind."""
    import random

    rng = random.Random(f"enews-tests:{seed}")
    vocab = [s + e for s in _STEMS for e in _ENDS]
    stories = []
    for n in range(count):

        def words(k: int) -> str:
            return " ".join(
                rng.choice(_COMMON)
                if rng.random() < 0.4
                else vocab[int(rng.paretovariate(1.2)) % len(vocab)]
                for _ in range(k)
            )

        stories.append(
            make_story(
                f"s{n:04d}",
                words(5).capitalize(),
                tuple(words(rng.randint(20, 60)) + "." for _ in range(rng.randint(1, 3))),
                date=dt.date(1999 + n % 13, 1 + n % 12, 1 + n % 28) if n % 17 else None,
                teaser=words(12) if n % 3 else None,
                heading=words(3) if n % 4 == 0 else None,
                byline=Byline("Story by", f"Writer {vocab[n % len(vocab)]}", "Web Communications"),
                dateline="Medford, Mass." if n % 2 else "Boston, Mass.",
            )
        )
    return stories


def write_corpus(root: Path, count: int, seed: int) -> list[Story]:
    """`corpus_stories` written under `root` in the test format (read with `json_parser`)."""
    stories = corpus_stories(count, seed)
    for story in stories:
        write_story(root, story)
    return stories


def corpus_queries(stories: list[Story], per_kind: int, seed: int) -> dict[str, list[str]]:
    """Queries of every kind drawn from `stories` (so each finds something): a word, two words,
    a phrase of adjacent words, a field, a prefix, a one-letter typo, a date range."""
    import random
    import re

    rng = random.Random(f"enews-test-queries:{seed}")
    texts = [" ".join(p for s in st.sections for p in s.paragraphs) for st in stories]
    words = sorted({w for t in texts for w in re.findall(r"[a-z]{4,}", t)} - set(_COMMON))
    pairs = sorted(
        {
            f'"{a} {b}"'
            for t in texts
            for a, b in zip(t.split(), t.split()[1:], strict=False)
            if a in words and b in words
        }
    )
    titles = sorted({w.lower() for st in stories for w in re.findall(r"[A-Za-z]{4,}", st.title)})
    titles = [w for w in titles if w not in _COMMON]

    def typo(word: str) -> str:
        i = rng.randrange(1, len(word))
        return word[:i] + ("z" if word[i] != "z" else "y") + word[i + 1 :] + "~"

    picks: dict[str, list[str]] = {}
    for kind, make in (
        ("word", lambda: rng.choice(words)),
        ("two words", lambda: f"{rng.choice(words)} {rng.choice(words)}"),
        ("phrase", lambda: rng.choice(pairs)),
        ("field", lambda: f"title:{rng.choice(titles)}"),
        ("prefix", lambda: rng.choice(words)[:3] + "*"),
        ("typo", lambda: typo(rng.choice(words))),
        ("date range", lambda: f"date:[{(y := rng.randint(1999, 2008))} to {y + 2}]"),
    ):
        picks[kind] = [make() for _ in range(per_kind)]
    return picks
