"""Generate a synthetic E-News archive: seeded, deterministic, sharded, fast and idempotent.

    python benchmarks/generate.py --count 10000 --out benchmarks/corpus/10000 --seed 1

Story `i` of seed `s` is drawn from its own `random.Random`, so any story can be rebuilt alone
(the benchmark restores the files it modified that way) and shards are generated in parallel.
`documents()` yields the same stories pre-parsed, for the baselines that index text directly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import random
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.pages import render_page
from benchmarks.wordmodel import WordModel, word_model

#: Bump when the output changes, so an old corpus on disk is regenerated.
GENERATOR_VERSION = 4
SHARD_SIZE = 1000
MANIFEST = "manifest.json"

_FIRST_DAY = dt.date(1999, 1, 4).toordinal()
_LAST_DAY = dt.date(2011, 2, 25).toordinal()
_PLACES = ("Medford/Somerville", "Medford/Somerville", "Boston", "Grafton", "Medford")
_ORGS = (
    "Web Communications", "Public Relations", "University Relations", "Office of Communications",
    "Office of Alumni Relations", "University Advancement", "Tufts Daily",
)  # fmt: skip
_KINDS = ("Story by", "Story by", "Story by", "Profile by")
_LABELS = ("For More Information", "Media Inquiries")


@dataclass(frozen=True)
class SynthContact:
    """One entry of a contact block: a person or office and its numbers."""

    name: str
    phone: str
    fax: str | None
    email: str | None


@dataclass(frozen=True)
class SynthStory:
    """One synthetic story, before it is rendered to a page."""

    index: int
    title: str
    teaser: str
    date: dt.date
    date_text: str  # as printed: `[07.23.08]` or `[12-31-02]`
    dateline: str  # `Medford/Somerville, Mass.`
    sections: tuple[tuple[str | None, tuple[str, ...]], ...]
    byline_kind: str
    author: str
    organization: str
    contacts: tuple[tuple[str, tuple[SynthContact, ...]], ...]
    glued_teaser: bool  # render the seed's `TitleTeaser` caption glue
    heading_tag: str  # "h3" or "b": how subheadings are marked up

    @property
    def id(self) -> str:
        """The story id the archive gives this file."""
        return story_id(self.index)

    @property
    def words(self) -> int:
        """Words in the body (paragraphs only)."""
        return sum(len(p.split()) for _, paras in self.sections for p in paras)


class Document(TypedDict):
    """A story as plain fields, for indexing without parsing HTML (the baselines)."""

    id: str
    title: str
    teaser: str
    date: dt.date
    dateline: str
    byline: str
    body: str
    contacts: str


def story_id(index: int) -> str:
    """`0001/story_001234`: the id of story `index` (its path without extension)."""
    return f"{index // SHARD_SIZE:04d}/story_{index:06d}"


def story_path(root: Path, index: int) -> Path:
    """Where story `index` lives below `root`."""
    return root / f"{story_id(index)}.html"


def make_story(seed: int, index: int, revision: int = 0) -> SynthStory:
    """Story `index` of corpus `seed`; `revision` > 0 gives a changed version of it."""
    model = word_model(seed)
    rng = random.Random(seed * 10_000_019 + index * 7 + revision * 1_000_003_001)
    date = dt.date.fromordinal(rng.randint(_FIRST_DAY, _LAST_DAY))
    sep = "." if rng.random() < 0.7 else "-"
    date_text = f"[{date.month:02d}{sep}{date.day:02d}{sep}{date.year % 100:02d}]"
    place = rng.choice(_PLACES) if rng.random() < 0.8 else model.content_word(rng).capitalize()
    title = model.title_words(rng, rng.randint(3, 7))
    if revision:
        title += f" Revised {revision}"
    return SynthStory(
        index=index,
        title=title,
        teaser=model.sentence(rng, rng.randint(12, 28)),
        date=date,
        date_text=date_text,
        dateline=f"{place}, Mass.",
        sections=_sections(model, rng),
        byline_kind=rng.choice(_KINDS),
        author=model.person(rng),
        organization=rng.choice(_ORGS),
        contacts=_contact_blocks(model, rng),
        glued_teaser=rng.random() < 0.4,
        heading_tag="h3" if rng.random() < 0.4 else "b",
    )


def _sections(
    model: WordModel, rng: random.Random
) -> tuple[tuple[str | None, tuple[str, ...]], ...]:
    """400-1200 words of paragraphs, split into 2-5 sections under 1-4 subheadings."""
    target = rng.randint(400, 1200)
    paragraphs: list[str] = []
    words = 0
    while words < target:
        sentences = [model.sentence(rng, rng.randint(7, 24)) for _ in range(rng.randint(1, 5))]
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        words += paragraph.count(" ") + 1
    headings = min(rng.randint(1, 4), len(paragraphs) - 1)
    cuts = sorted(rng.sample(range(1, len(paragraphs)), headings))
    bounds = [0, *cuts, len(paragraphs)]
    sections: list[tuple[str | None, tuple[str, ...]]] = []
    for n, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False)):
        heading = None if n == 0 else model.title_words(rng, rng.randint(2, 5))
        sections.append((heading, tuple(paragraphs[a:b])))
    return tuple(sections)


def _contact_blocks(
    model: WordModel, rng: random.Random
) -> tuple[tuple[str, tuple[SynthContact, ...]], ...]:
    """1-4 labelled blocks of 1-3 entries each (a person or an office, T:, F:, sometimes E:)."""
    blocks: list[tuple[str, tuple[SynthContact, ...]]] = []
    for _ in range(rng.randint(1, 4)):
        entries: list[SynthContact] = []
        for _ in range(rng.randint(1, 3)):
            name = model.person(rng) if rng.random() < 0.75 else rng.choice(_ORGS)
            email = None
            if rng.random() < 0.3:
                email = name.lower().replace(" ", ".") + "@tufts.edu"
            fax = f"617.627.{rng.randint(3000, 4999)}" if rng.random() < 0.9 else None
            entries.append(SynthContact(name, f"617.627.{rng.randint(3000, 4999)}", fax, email))
        blocks.append((rng.choice(_LABELS), tuple(entries)))
    return tuple(blocks)


def to_document(story: SynthStory) -> Document:
    """The story as the plain fields a search engine indexes."""
    body: list[str] = []
    for heading, paragraphs in story.sections:
        if heading:
            body.append(heading)
        body.extend(paragraphs)
    contacts = [
        " ".join(x for x in (label, c.name, c.phone, c.fax, c.email) if x)
        for label, entries in story.contacts
        for c in entries
    ]
    return Document(
        id=story.id,
        title=story.title,
        teaser=story.teaser,
        date=story.date,
        dateline=story.dateline,
        byline=f"{story.author}, {story.organization}",
        body="\n\n".join(body),
        contacts="\n".join(contacts),
    )


def documents(count: int, seed: int = 1) -> Iterator[Document]:
    """The `count` stories of corpus `seed`, pre-parsed (the same text the pages hold)."""
    for index in range(count):
        yield to_document(make_story(seed, index))


def write_story(root: Path, story: SynthStory) -> Path:
    """Render `story` and write it to its place below `root`."""
    path = story_path(root, story.index)
    path.write_bytes(render_page(story).encode("cp1252"))
    return path


def _write_range(args: tuple[str, int, int, int]) -> int:
    """Worker: write stories [start, stop) of `seed` below `root`; returns how many."""
    root, seed, start, stop = args
    for shard in range(start // SHARD_SIZE, (stop - 1) // SHARD_SIZE + 1):
        (Path(root) / f"{shard:04d}").mkdir(parents=True, exist_ok=True)
    for index in range(start, stop):
        write_story(Path(root), make_story(seed, index))
    return stop - start


def _manifest(count: int, seed: int) -> dict[str, int]:
    return {"generator": GENERATOR_VERSION, "count": count, "seed": seed}


def is_generated(root: Path, count: int, seed: int) -> bool:
    """True when `root` already holds exactly this corpus (manifest and file count agree)."""
    try:
        manifest = json.loads((root / MANIFEST).read_text())
    except (OSError, ValueError):
        return False
    if manifest != _manifest(count, seed):
        return False
    return sum(1 for _ in root.glob("[0-9][0-9][0-9][0-9]/story_*.html")) == count


def generate(root: Path, count: int, seed: int = 1, jobs: int | None = None) -> bool:
    """Write the corpus below `root` unless it is already there; returns True if it wrote."""
    if is_generated(root, count, seed):
        return False
    if root.is_dir() and any(root.iterdir()) and not (root / MANIFEST).exists():
        raise FileExistsError(f"{root} holds files but no {MANIFEST}: not a generated corpus")
    root.mkdir(parents=True, exist_ok=True)
    (root / MANIFEST).unlink(missing_ok=True)
    for old in root.glob("[0-9][0-9][0-9][0-9]"):  # only our own shard folders
        shutil.rmtree(old)
    chunk = 500
    tasks = [(str(root), seed, a, min(a + chunk, count)) for a in range(0, count, chunk)]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    if jobs == 1:
        for task in tasks:
            _write_range(task)
    else:
        word_model(seed)  # built once here, inherited by the forked workers
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for _ in pool.imap_unordered(_write_range, tasks):
                pass
    (root / MANIFEST).write_text(json.dumps(_manifest(count, seed)) + "\n")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """`python benchmarks/generate.py --count N --out DIR --seed S [--jobs J] [--verify K]`."""
    parser = argparse.ArgumentParser(description="Generate a synthetic E-News archive.")
    parser.add_argument("--count", type=int, required=True, help="number of stories")
    parser.add_argument("--out", type=Path, required=True, help="archive folder to write")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: CPUs)")
    parser.add_argument(
        "--verify", type=int, default=0, metavar="K",
        help="parse K pages with the project's extractor and compare with the generated stories",
    )  # fmt: skip
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        wrote = generate(args.out, args.count, args.seed, args.jobs)
    except FileExistsError as exc:
        print(f"generate.py: {exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    what = "wrote" if wrote else "already there:"
    print(f"{what} {args.count} stories in {args.out} ({elapsed:.1f} s)", file=sys.stderr)
    if args.verify:
        from benchmarks.verify import verify

        checked = min(args.verify, args.count)
        problems = verify(args.out, args.seed, checked)
        for line in problems:
            print(line, file=sys.stderr)
        print(f"verified {checked} pages: {len(problems)} differences", file=sys.stderr)
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
