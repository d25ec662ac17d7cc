"""Check the generator against the project's extractor: parsed pages should equal the stories."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.generate import SynthStory, make_story, story_path


def expected(story: SynthStory) -> dict[str, Any]:
    """The fields the extractor should read from the page of `story`."""
    return {
        "title": story.title,
        "teaser": story.teaser,
        "date": story.date,
        "dateline": story.dateline,
        "sections": [(h, list(ps)) for h, ps in story.sections],
        "byline": (story.byline_kind.split()[0], story.author, story.organization),
        "contacts": [
            (label, c.name, c.phone, c.fax, c.email)
            for label, entries in story.contacts
            for c in entries
        ],
    }


def parsed(raw: bytes, name: str) -> dict[str, Any]:
    """The same fields as `expected`, from the project's extractor."""
    from enews_tui.extract import parse_story

    s = parse_story(raw, name)
    b = s.byline
    return {
        "title": s.title,
        "teaser": s.teaser,
        "date": s.date,
        "dateline": s.dateline,
        "sections": [(sec.heading, list(sec.paragraphs)) for sec in s.sections],
        "byline": (b.kind, b.author, b.organization) if b else None,
        "contacts": [(c.group, c.name, c.phone, c.fax, c.email) for c in s.contacts],
    }


def verify(root: Path, seed: int, sample: int) -> list[str]:
    """One line per field that differs, over the first `sample` stories below `root`."""
    problems: list[str] = []
    for index in range(sample):
        story = make_story(seed, index)
        path = story_path(root, index)
        name = path.relative_to(root).as_posix()
        try:
            got = parsed(path.read_bytes(), name)
        except Exception as exc:  # the extractor's own errors are findings here
            problems.append(f"{name}: {type(exc).__name__}: {exc}")
            continue
        want = expected(story)
        for key, value in want.items():
            if got[key] != value:
                kind = "byline kind" if key == "byline" else key
                problems.append(f"{name}: {kind}: got {got[key]!r:.160} want {value!r:.160}")
    return problems
