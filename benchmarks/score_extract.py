"""Extraction quality: enews-tui's extractor against trafilatura alone and against the E-News
recognizer alone (the approach before the general path), on pages whose right answer is known.

    python benchmarks/score_extract.py [--synthetic 200] [--json out.json]

Pages: the hand-written fixtures (`tests/fixtures/pages/{general,enews}/`, each page beside its
`.json` Story), the E-News renderings of the seed (their story is the seed's), and synthetic
generic pages of the second benchmark corpus (their story is the generator's). Figures per
system: the share of stories recognised, of titles, dates, authors and subheading lists exactly
right, and the mean word F1 of the body (headings and paragraphs). Non-stories count as right
when refused.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import make_story
from benchmarks.generic import render_generic
from enews_tui.model import Story

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "pages"
_WORD = re.compile(r"\w+")


@dataclass
class Gold:
    """What a page holds: None for a page that is not a story."""

    title: str
    date: str | None
    author: str | None
    headings: list[str]
    body: str


@dataclass
class Case:
    """One page to score."""

    group: str
    name: str
    raw: bytes
    gold: Gold | None


@dataclass
class Answer:
    """A system's reading of a page: None fields where it found nothing; None if refused."""

    title: str | None
    date: str | None
    author: str | None
    headings: list[str]
    body: str


@dataclass
class Score:
    """Running totals for one system on one group of pages."""

    pages: int = 0
    stories: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    f1: float = 0.0
    seconds: float = 0.0


def _norm(text: str | None) -> str:
    """Case and spacing folded, quotes made plain: what "the same title" means."""
    text = (text or "").replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.casefold().split())


def _names(text: str | None) -> set[str]:
    """The people an author field names ("A and B", "A, B")."""
    return {_norm(n) for n in re.split(r",|;|\band\b|&", text or "") if n.strip()}


def word_f1(got: str, want: str) -> float:
    """F1 of the bags of words of two texts."""
    a = Counter(w.casefold() for w in _WORD.findall(got))
    b = Counter(w.casefold() for w in _WORD.findall(want))
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def _story_gold(data: dict[str, Any]) -> Gold:
    """Gold from a Story in the `show --json` shape."""
    sections = data["sections"]
    return Gold(
        title=data["title"],
        date=data["date"],
        author=(data.get("byline") or {}).get("author"),
        headings=[s["heading"] for s in sections if s["heading"]],
        body="\n".join((s["heading"] or "") + "\n" + "\n".join(s["paragraphs"]) for s in sections),
    )


def cases(synthetic: int) -> Iterator[Case]:
    """Every page with its gold."""
    for folder, group in (
        ("general", "hand-written general pages"),
        ("enews", "E-News variations"),
    ):
        for page in sorted((FIXTURES / folder).iterdir()):
            if page.suffix == ".json":
                continue
            data = json.loads(page.with_suffix(".json").read_text("utf-8"))
            gold = None if "refused" in data else _story_gold(data)
            yield Case(group, page.name, page.read_bytes(), gold)
    from enews_tui.extract import parse_story
    from enews_tui.serialize import story_to_dict

    seed = story_to_dict(
        parse_story((REPO / "archive" / "000_3d400be652883c92.txt").read_bytes(), "s.txt")
    )
    for name in ("seed_table_cp1252.html", "seed_semantic_utf8.html", "seed_wayback.html"):
        yield Case("E-News renderings", name, (FIXTURES / name).read_bytes(), _story_gold(seed))
    for name in ("archives_2008_07.html", "section_science.html"):
        yield Case("E-News renderings", name, (FIXTURES / name).read_bytes(), None)
    for index in range(synthetic):
        story = make_story(1, index)
        layout, html = render_generic(story)
        heads = [h for h, _ in story.sections if h]
        body = "\n".join((h or "") + "\n" + "\n".join(p) for h, p in story.sections)
        author = None if layout == "press_release" else story.author
        gold = Gold(story.title, story.date.isoformat(), author, heads, body)
        yield Case(f"synthetic generic: {layout}", f"{layout}-{index}", html.encode("utf-8"), gold)


def _answer(story: Story) -> Answer:
    """What a story read by enews-tui says, in the fields scored."""
    return Answer(
        story.title,
        story.date.isoformat() if story.date else None,
        story.byline.author if story.byline else None,
        [s.heading for s in story.sections if s.heading],
        "\n".join((s.heading or "") + "\n" + "\n".join(s.paragraphs) for s in story.sections),
    )


def ours(raw: bytes, name: str) -> Answer | None:
    """enews-tui's extractor."""
    from enews_tui.extract import parse_story
    from enews_tui.model import PageError

    try:
        story = parse_story(raw, name)
    except PageError:
        return None
    return _answer(story)


def enews_only(raw: bytes, name: str) -> Answer | None:
    """The E-News recognizer on every page (what the extractor did before the general path)."""
    from enews_tui.extract.decode import decode_page
    from enews_tui.extract.markup import html_page
    from enews_tui.extract.recognize import recognize
    from enews_tui.model import PageError

    try:
        story = recognize(html_page(decode_page(raw, markup=True)), name, name)
    except PageError:
        return None
    return _answer(story)


def trafilatura_alone(raw: bytes, name: str) -> Answer | None:
    """trafilatura's own reading: its text, title, author and date (htmldate)."""
    from trafilatura import bare_extraction

    doc: Any = bare_extraction(
        raw, with_metadata=True, include_comments=False, include_formatting=True
    )
    if doc is None or not doc.text:
        return None
    heads = []
    if doc.body is not None:
        heads = [" ".join("".join(h.itertext()).split()) for h in doc.body.iter("head")]
    return Answer(doc.title, doc.date, doc.author, heads, doc.text)


def ours_fast(raw: bytes, name: str) -> Answer | None:
    """enews-tui's extractor with trafilatura in its fast mode (no fallback extractors)."""
    from enews_tui.extract import general

    general.TRAFILATURA_FAST = True
    try:
        return ours(raw, name)
    finally:
        general.TRAFILATURA_FAST = False


SYSTEMS: dict[str, Callable[[bytes, str], Answer | None]] = {
    "enews-tui": ours,
    "enews-tui, trafilatura fast": ours_fast,
    "trafilatura": trafilatura_alone,
    "E-News recognizer alone": enews_only,
}
FIELDS = ("story", "title", "date", "author", "subheadings")


def score(case: Case, answer: Answer | None, total: Score) -> None:
    """Add one page's outcome to the totals."""
    total.pages += 1
    gold = case.gold
    if gold is None:
        total.counts["refused"] += answer is None
        return
    total.stories += 1
    if answer is None:
        return
    total.counts["story"] += 1
    total.counts["title"] += _norm(answer.title) == _norm(gold.title)
    total.counts["date"] += answer.date == gold.date
    if gold.author is None:
        total.counts["author"] += not answer.author
    else:
        total.counts["author"] += _names(answer.author) == _names(gold.author)
    total.counts["subheadings"] += [_norm(h) for h in answer.headings] == [
        _norm(h) for h in gold.headings
    ]
    total.f1 += word_f1(answer.body, gold.body)


def run(synthetic: int) -> dict[str, dict[str, Score]]:
    """Score every system on every page, by group."""
    results: dict[str, dict[str, Score]] = {}
    for case in cases(synthetic):
        for system, read in SYSTEMS.items():
            started = time.perf_counter()
            answer = read(case.raw, case.name)
            total = results.setdefault(case.group, {}).setdefault(system, Score())
            total.seconds += time.perf_counter() - started
            score(case, answer, total)
    return results


def table(results: dict[str, dict[str, Score]]) -> str:
    """The figures as one markdown table."""
    head = (
        "| pages | system | stories | title | date | author | subheadings | body F1 "
        "| non-stories refused | ms/page |"
    )
    lines = [head, "|" + "---|" * 10]
    for group, systems in results.items():
        for system, s in systems.items():
            n = s.stories or 1
            refused = s.pages - s.stories
            cells = [f"{100 * s.counts[f] / n:.0f}%" for f in FIELDS]
            lines.append(
                f"| {group} ({s.stories}) | {system} | "
                + " | ".join(cells)
                + f" | {s.f1 / n:.3f} | "
                + (f"{s.counts['refused']}/{refused}" if refused else "")
                + f" | {1000 * s.seconds / max(1, s.pages):.1f} |"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table (and write the figures as JSON when asked)."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--synthetic", type=int, default=200, help="synthetic generic pages")
    p.add_argument("--json", type=Path, default=None)
    opts = p.parse_args(argv)
    results = run(opts.synthetic)
    print(table(results))
    if opts.json:
        plain = {
            g: {k: {**vars(v), "counts": dict(v.counts)} for k, v in s.items()}
            for g, s in results.items()
        }
        opts.json.write_text(json.dumps(plain, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
