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
