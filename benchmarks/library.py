"""What the reader's library costs: a saved mark, and searches narrowed by library terms.

    python benchmarks/library.py --sizes 1000,10000 [--read-share 0.1] [--starred 50]

On the synthetic corpus (benchmarks/generate.py, kept under benchmarks/corpus/), with a share of
the stories marked read and some starred: the time one change takes to commit (a transaction
with a full sync), and search p50/p95 for a word alone, the same word with `is:unread` and with
`is:starred`, and `is:unread` / `is:starred` alone (every story they keep, newest first). Prints
one markdown table on stdout; nothing asserts a time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.generate import generate  # noqa: E402
from enews_tui import libsearch  # noqa: E402
from enews_tui.archive import Archive  # noqa: E402
from enews_tui.index import open_index  # noqa: E402
from enews_tui.library import Library  # noqa: E402


def _percentiles(samples: Sequence[float]) -> tuple[float, float]:
    """p50 and p95 of `samples`, in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return statistics.median(ordered) * 1000, p95 * 1000


def _timed(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return _percentiles(samples)


def measure(count: int, read_share: float, starred: int, repeat: int) -> list[tuple[str, str]]:
    """(figure, value) rows for one corpus size."""
    corpus = HERE / "corpus" / f"seed1-{count}"
    generate(corpus, count, seed=1)
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="enews-library-bench-") as tmp:
        archive = Archive(corpus)
        with open_index(archive, cache_root=Path(tmp) / "cache") as index:
            print(f"[library] {count}: building the index…", file=sys.stderr)
            index.refresh()
            ids = [s.id for s in index.summaries()]
            rng = random.Random(1)
            library = Library(Path(tmp) / "library.sqlite", archive.key)
            library.set_read(rng.sample(ids, int(len(ids) * read_share)))
            chosen = rng.sample(ids, min(starred, len(ids)))
            for story_id in chosen:
                library.set_starred(story_id)
            word = index.story(ids[0]).title.split()[0].lower()  # type: ignore[union-attr]

            flip = iter(range(10**9))
            p50, p95 = _timed(lambda: library.set_starred(ids[-1], next(flip) % 2 == 0), repeat)
            rows.append(("a star saved (one transaction, full sync)", f"{p50:.1f} / {p95:.1f} ms"))
            for label, query in (
                (f"`{word}`", word),
                (f"`{word} is:unread`", f"{word} is:unread"),
                (f"`{word} is:starred`", f"{word} is:starred"),
                ("`is:unread` alone", "is:unread"),
                ("`is:starred` alone", "is:starred"),
            ):
                libsearch.search(index, library, query, limit=30)  # warm the caches

                def run(q: str = query) -> object:
                    return libsearch.search(index, library, q, limit=30)

                p50, p95 = _timed(run, repeat)
                rows.append((f"search {label}, first 30 hits", f"{p50:.1f} / {p95:.1f} ms"))
            library.close()
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Measure each size and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated corpus sizes")
    parser.add_argument("--read-share", type=float, default=0.1, help="share marked read")
    parser.add_argument("--starred", type=int, default=50, help="stories starred")
    parser.add_argument("--repeat", type=int, default=50, help="runs per figure")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    results = {n: measure(n, args.read_share, args.starred, args.repeat) for n in sizes}
    print("| figure (p50 / p95) | " + " | ".join(f"{n:,} stories" for n in sizes) + " |")
    print("|---|" + "---:|" * len(sizes))
    for i, (label, _value) in enumerate(results[sizes[0]]):
        print(f"| {label} | " + " | ".join(results[n][i][1] for n in sizes) + " |")
    print(
        f"\n{args.read_share:.0%} of the stories read, {args.starred} starred; "
        f"{args.repeat} runs per figure."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
