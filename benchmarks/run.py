"""The enews-tui benchmark: one table of figures, with baselines measured in the same run.

    python benchmarks/run.py --sizes 1000,10000,100000 [--quick] [--out results.json]

For each size it generates (once) a synthetic archive under --workdir, then measures the
project's full build, refreshes, launch, search, keystroke latency and memory, beside Whoosh
alone and SQLite FTS5 on the same pre-parsed text and a bare Textual app. It asserts no times.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import launch
from benchmarks.baselines import write_documents
from benchmarks.generate import generate, make_story, write_story
from benchmarks.generic import generate_generic
from benchmarks.measure import PhaseResult, run_phase
from benchmarks.report import table

DEFAULT_WORKDIR = Path(__file__).resolve().parent / "corpus"
#: Each Whoosh query is stopped after this many seconds and counted at it (a Whoosh prefix
#: query takes seconds at 10k stories and minutes at 100k: uncapped, a full run takes hours).
WHOOSH_CAP = 2.0
#: The second corpus (generic news pages, four layouts) is this share of the first, at least
#: GENERIC_MIN pages: enough for a rate, cheap in the quick CI run.
GENERIC_SHARE = 10
GENERIC_MIN = 100
#: Above this many stories the baselines run the first BIG_BASELINE_QUERIES queries of each kind.
BIG_SIZE = 20_000
BIG_BASELINE_QUERIES = 50


def log(message: str) -> None:
    """Progress on stderr (stdout carries the table only)."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def phase(
    r: dict[str, Any], label: str, name: str, args: dict[str, Any], timeout: float = 7200
) -> dict[str, Any] | None:
    """Run one measured phase in a child; its data plus wall and peak memory, or None (n/a)."""
    started = time.perf_counter()
    res: PhaseResult = run_phase(name, args, timeout)
    log(f"{r.get('size', '')}: {label}: {time.perf_counter() - started:.1f} s")
    if res.error or "error" in res.data:
        r["errors"].append(f"{label}: {res.error or res.data['error']}")
        return None
    return {**res.data, "wall": res.wall, "peak_mb": res.peak_mb, "maxrss_mb": res.maxrss_mb}


def attempt(r: dict[str, Any], label: str, fn: Callable[[], Any]) -> Any:
    """`fn()`, or None with the error noted, so one broken part never stops the run."""
    started = time.perf_counter()
    try:
        return fn()
    except Exception as exc:  # every failure becomes an "n/a" row with its reason
        r["errors"].append(f"{label}: {type(exc).__name__}: {exc}")
        return None
    finally:
        log(f"{r.get('size', '')}: {label}: {time.perf_counter() - started:.1f} s")


def touch_percent(corpus: Path, size: int, seed: int, share: float, revision: int) -> list[int]:
    """Rewrite `share` of the stories with changed text; returns which ones."""
    rng = random.Random(f"enews-bench-touch:{seed}:{size}")
    chosen = sorted(rng.sample(range(size), max(1, round(size * share))))
    for index in chosen:
        write_story(corpus, make_story(seed, index, revision))
    return chosen


def list_limit() -> int:
    """How many hits the app's list asks for (with snippets); the API default if unknown."""
    for module in ("searching", "main"):  # where the app has kept it
        try:
            screen = importlib.import_module(f"enews_tui.tui.screens.{module}")
        except Exception:  # the app is not there (yet): measure the API's default
            continue
        for name in ("SEARCH_PAGE", "SEARCH_LIMIT"):  # the names the app has used
            value = getattr(screen, name, None)
            if isinstance(value, int):
                return value
    return 50


def app_title() -> str:
    """The app's title, which its first frame shows in the header."""
    try:
        from enews_tui.tui.app import EnewsApp
    except Exception:  # the app is not there (yet): the title it was written with
        return "E-News reader"
    return str(EnewsApp.TITLE)


def baseline_queries(opts: argparse.Namespace, size: int) -> int:
    """How many queries of each kind the baselines run at this size."""
    if opts.baseline_queries:
        return int(opts.baseline_queries)
    return int(opts.queries) if size <= BIG_SIZE else min(opts.queries, BIG_BASELINE_QUERIES)


def launch_times(
    cmd: Sequence[str], env: dict[str, str], markers: Sequence[str], runs: int
) -> dict[str, Any]:
    """Median (and every run) of spawn to first frame."""
    times = [launch.first_frame(cmd, env, markers) for _ in range(runs)]
    return {"runs": times, "median": statistics.median(times), "min": min(times)}


def bench_size(size: int, opts: argparse.Namespace) -> dict[str, Any]:
    """Every figure for one corpus size."""
    r: dict[str, Any] = {"size": size, "errors": [], "build": {}}
    seed = opts.seed
    corpus = opts.workdir / f"seed{seed}-{size}"
    docs = opts.workdir / f"seed{seed}-{size}.jsonl"
    started = time.perf_counter()
    generate(corpus, size, seed)
    write_documents(docs, size, seed)
    log(f"corpus ready in {time.perf_counter() - started:.1f} s ({corpus})")
    tmp = Path(tempfile.mkdtemp(prefix="enews-bench-"))
    xdg = tmp / "xdg"
    project = {"archive": str(corpus), "cache": str(xdg / "enews-tui"), "size": size}
    try:
        r["build"]["app"] = app = phase(r, "enews-tui full build", "build", project)
        generic_count = max(GENERIC_MIN, size // GENERIC_SHARE)
        generic = opts.workdir / f"generic-seed{seed}-{generic_count}"
        generate_generic(generic, generic_count, seed)
        generic_project = {
            "archive": str(generic),
            "cache": str(tmp / "xdg-generic" / "enews-tui"),
            "size": generic_count,
        }
        r["build"]["generic"] = phase(
            r, "enews-tui full build, generic pages", "build", generic_project
        )
        if r["build"]["generic"]:
            r["build"]["generic"]["pages"] = generic_count
        r["refresh_unchanged"] = phase(r, "refresh, unchanged", "refresh", project)
        touched = touch_percent(corpus, size, seed, 0.01, revision=1)
        try:
            r["refresh_1pct"] = phase(r, "refresh, 1% changed", "refresh", project)
        finally:
            touch_percent(corpus, size, seed, 0.01, revision=0)  # back to the generated text
        r["refresh_1pct_files"] = len(touched)
        phase(r, "refresh back to the corpus (not timed)", "refresh", project)
        if not opts.quick:  # the slowest baseline; CI skips it
            args = {"docs": str(docs), "dir": str(tmp / "whoosh1"), "procs": 1}
            r["build"]["whoosh"] = phase(r, "Whoosh default writer", "whoosh_build", args)
        args = {"docs": str(docs), "dir": str(tmp / "whoosh2"), "procs": 2}
        r["build"]["whoosh2"] = phase(r, "Whoosh procs=2", "whoosh_build", args)
        args = {"docs": str(docs), "db": str(tmp / "fts.sqlite")}
        r["build"]["fts"] = phase(r, "SQLite FTS5 build", "fts_build", args)
        built = [d for d, k in (("whoosh1", "whoosh"), ("whoosh2", "whoosh2")) if r["build"].get(k)]
        whoosh_dir = tmp / built[0] if built else None
        search_args = {
            **project,
            "seed": seed,
            "count": size,
            "per_kind": opts.queries,
            "baseline_per_kind": baseline_queries(opts, size),
            "whoosh_cap": opts.whoosh_cap,
            "limit": list_limit(),
            "quick": opts.quick,
            "whoosh": str(whoosh_dir or ""),
            "fts": str(tmp / "fts.sqlite") if r["build"]["fts"] else "",
        }
        r["search"] = phase(r, "search latency", "search", search_args) or {}
        measure_terminal(r, size, opts, xdg, corpus, app)
        keys = {**project, "seed": seed, "count": size, "samples": opts.keystrokes}
        r["keystroke"] = phase(r, "keystroke (Pilot)", "keystroke", keys, 1800) or {"error": "n/a"}
        measure_web_archives(r, size, opts, corpus, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return r


def measure_web_archives(
    r: dict[str, Any], size: int, opts: argparse.Namespace, corpus: Path, tmp: Path
) -> None:
    """A WARC of the corpus's pages (at most 10k records): scan, read and build; then fetch
    from a local pywb over it with the rate limits lifted (200 pages quick, 2,000 otherwise)."""
    from benchmarks.webarchive import MAX_RECORDS, write_warc

    records = min(size, MAX_RECORDS)
    warc = opts.workdir / f"seed{opts.seed}-{records}.warc.gz"
    written = attempt(r, "WARC of the corpus", lambda: write_warc(corpus, records, warc))
    if written is None:
        return
    args = {"warc": str(warc), "cache": str(tmp / "warc-cache")}
    r["warc"] = phase(r, f"WARC read + build ({records:,} records)", "warc_read", args)
    pages = min(records, 200 if opts.quick else 2000)
    fetch_args: dict[str, Any] = {"warc": str(warc), "pages": pages}
    r["fetch"] = phase(r, f"fetch from pywb ({pages:,} pages)", "fetch_pywb", fetch_args, 1800)


def measure_terminal(
    r: dict[str, Any],
    size: int,
    opts: argparse.Namespace,
    xdg: Path,
    corpus: Path,
    app: dict[str, Any] | None,
) -> None:
    """Launch to first frame (ours and a bare Textual app) and browsing memory, in a pty."""
    cmd = launch.installed_command()
    env = {"XDG_CACHE_HOME": str(xdg), "ENEWS_TUI_ARCHIVE": str(corpus)}
    bare = launch.bare_command()
    r["launch"] = {}
    r["launch"]["bare"] = attempt(
        r,
        "launch, bare Textual",
        lambda: launch_times(bare, env, ["bare textual app"], opts.launch_runs),
    )
    if cmd is None:
        r["errors"].append("launch/browse: the enews-tui command is not installed")
        return
    r["launch"]["app"] = attempt(
        r,
        "launch, enews-tui",
        lambda: launch_times(cmd, env, opts.markers, opts.launch_runs),
    )
    title = (app or {}).get("newest_title") or ""
    teaser = (app or {}).get("newest_teaser") or ""
    r["browse"] = {
        "app": attempt(
            r,
            "browsing RSS, enews-tui",
            lambda: launch.browse_rss(cmd, env, title[:14] or opts.markers[0], teaser[:16]),
        ),
        "bare": attempt(
            r,
            "browsing RSS, bare Textual",
            lambda: launch.browse_rss(bare, env, "bare textual app", None),
        ),
    }
    if r["browse"]["app"] and not r["browse"]["app"]["story_opened"]:
        r["errors"].append("browsing RSS: the story did not show after enter (figure kept)")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(description="Benchmark enews-tui against Whoosh, FTS5, Textual.")
    p.add_argument("--sizes", default="1000,10000,100000", help="comma-separated story counts")
    p.add_argument("--quick", action="store_true", help="few queries and runs (CI)")
    p.add_argument("--out", type=Path, default=None, help="write the JSON results here")
    p.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help="where corpora live")
    p.add_argument("--seed", type=int, default=1, help="corpus seed")
    p.add_argument("--queries", type=int, default=None, help="queries per kind (200; quick 20)")
    p.add_argument(
        "--baseline-queries", type=int, default=None,
        help=f"queries per kind for the Whoosh and FTS5 baselines (default: --queries, "
        f"at most {BIG_BASELINE_QUERIES} above {BIG_SIZE:,} stories)",
    )  # fmt: skip
    p.add_argument(
        "--whoosh-cap", type=float, default=WHOOSH_CAP,
        help=f"stop each Whoosh query after this many seconds, counted at that time "
        f"(default {WHOOSH_CAP:g}; 0: never)",
    )  # fmt: skip
    p.add_argument("--keystrokes", type=int, default=None, help="keystroke samples (100; 20)")
    p.add_argument("--launch-runs", type=int, default=None, help="launches per app (5; quick 3)")
    p.add_argument(
        "--marker", dest="markers", action="append", default=None,
        help="text that shows the app's first frame has painted (default: its title)",
    )  # fmt: skip
    opts = p.parse_args(argv)
    opts.sizes = [int(s) for s in opts.sizes.split(",") if s.strip()]
    opts.queries = opts.queries or (20 if opts.quick else 200)
    opts.keystrokes = opts.keystrokes or (20 if opts.quick else 100)
    opts.launch_runs = opts.launch_runs or (3 if opts.quick else 5)
    opts.markers = opts.markers or [app_title()]
    return opts


def main(argv: Sequence[str] | None = None) -> int:
    """Run every size, print the table, write the JSON."""
    opts = parse_args(argv)
    opts.workdir.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "options": {
            "quick": opts.quick,
            "seed": opts.seed,
            "queries_per_kind": opts.queries,
            "baseline_queries": opts.baseline_queries,
            "whoosh_cap": opts.whoosh_cap,
        },
        "sizes": {},
    }
    started = time.perf_counter()
    for size in opts.sizes:
        results["sizes"][str(size)] = bench_size(size, opts)
        results["seconds"] = time.perf_counter() - started
        if opts.out:  # after each size: a long run that stops later keeps what it measured
            opts.out.write_text(json.dumps(results, indent=2, default=str) + "\n")
            log(f"results so far written to {opts.out}")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
