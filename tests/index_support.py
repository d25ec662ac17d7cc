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
