"""Benchmark phases, each run in its own child process: `python -m benchmarks.phases NAME ARGS OUT`.

ARGS is a JSON object; the phase writes its JSON result to the file OUT. Running each phase in a
fresh process keeps one phase's memory and caches out of the next one's figures.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import baselines
from benchmarks.measure import summary_ms
from benchmarks.queries import KINDS, make_queries


def _open(args: dict[str, Any]) -> Any:
    """The project's index for the benchmark archive, in the benchmark's cache folder."""
    from enews_tui.archive import Archive
    from enews_tui.index import open_index

    return open_index(Archive(Path(args["archive"])), cache_root=Path(args["cache"]))


def build(args: dict[str, Any]) -> dict[str, Any]:
    """Full build through the project's index API: parse and index every page."""
    started = time.perf_counter()
    with _open(args) as ix:
        opened = time.perf_counter()
        report = ix.refresh(rebuild=True)
        done = time.perf_counter()
        count = ix.count()
        summaries = ix.summaries()
        listed = time.perf_counter()
        newest = summaries[0] if summaries else None
        story = ix.story(newest.id) if newest else None
    return {
        "open": opened - started,
        "seconds": done - opened,
        "indexed": report.indexed,
        "skipped": len(report.skipped),
        "skip_reasons": sorted({s.reason for s in report.skipped})[:5],
        "count": count,
        "list_seconds": listed - done,
        "newest_title": newest.title if newest else None,
        "newest_teaser": story.teaser if story else None,
    }


def refresh(args: dict[str, Any]) -> dict[str, Any]:
    """One incremental refresh (open timed apart), and a bare stat scan of the archive after it."""
    from enews_tui.archive import Archive

    started = time.perf_counter()
    with _open(args) as ix:
        opened = time.perf_counter()
        report = ix.refresh()
        done = time.perf_counter()
    Archive(Path(args["archive"])).scan()  # the floor: a bare stat scan of the archive
    scanned = time.perf_counter()
    return {
        "open": opened - started,
        "seconds": done - opened,
        "scan_seconds": scanned - done,
        "indexed": report.indexed,
        "unchanged": report.unchanged,
        "removed": report.removed,
    }


def whoosh_build(args: dict[str, Any]) -> dict[str, Any]:
    """Whoosh alone on the pre-parsed documents, default or multi-process writer."""
    started = time.perf_counter()
    n = baselines.whoosh_build(Path(args["docs"]), Path(args["dir"]), int(args["procs"]))
    return {"seconds": time.perf_counter() - started, "indexed": n}


def fts_build(args: dict[str, Any]) -> dict[str, Any]:
    """SQLite FTS5 on the pre-parsed documents."""
    started = time.perf_counter()
    n = baselines.fts_build(Path(args["docs"]), Path(args["db"]))
    return {"seconds": time.perf_counter() - started, "indexed": n}


def _latencies(
    queries: list[Any], run: Callable[[Any], object], warm: int = 2
) -> tuple[list[float], int, list[object]]:
    """Seconds per query (after a few warm-up queries), how many failed, and the answers."""
    for q in queries[:warm]:
        try:
            run(q)
        except Exception:  # a failing query is counted below
            pass
    times: list[float] = []
    answers: list[object] = []
    failed = 0
    for q in queries:
        started = time.perf_counter()
        try:
            answer = run(q)
        except baselines.Capped:  # counted at the time it ran: the percentiles are lower bounds
            times.append(time.perf_counter() - started)
            continue
        except Exception:  # reported as a count; the run goes on
            failed += 1
            continue
        times.append(time.perf_counter() - started)
        answers.append(answer)
    return times, failed, answers


def search(args: dict[str, Any]) -> dict[str, Any]:
    """In-process search latency per query kind: the project, Whoosh alone, FTS5."""
    queries = make_queries(int(args["seed"]), int(args["count"]), int(args["per_kind"]))
    limit = int(args.get("limit", baselines.LIMIT))
    quick = bool(args.get("quick"))  # CI: skip the variants without snippets / highlights
    out: dict[str, Any] = {"limit": limit}
    ix = _open(args)
    try:
        for kind in KINDS:
            times, failed, answers = _latencies(
                queries[kind], lambda q: ix.search(q.text, limit=limit)
            )
            totals = sorted(int(getattr(a, "total", 0)) for a in answers)
            nosnip: list[float] = []
            if not quick:
                nosnip, _, _ = _latencies(
                    queries[kind], lambda q: ix.search(q.text, limit=limit, snippets=False)
                )
            out[f"app/{kind}"] = {
                **summary_ms(times),
                "failed": failed,
                "median_hits": totals[len(totals) // 2] if totals else 0,
                "nosnippets": summary_ms(nosnip),
                "examples": [q.text for q in queries[kind][:3]],
            }
    finally:
        ix.close()
    # The baselines may run fewer queries of each kind (the first ones), and Whoosh's may be
    # stopped at a cap: at 100k stories one Whoosh prefix query can take minutes.
    base = {kind: queries[kind][: int(args.get("baseline_per_kind") or len(queries[kind]))]
            for kind in KINDS}  # fmt: skip
    cap = float(args["whoosh_cap"]) if args.get("whoosh_cap") else None
    if args.get("whoosh"):
        ws = baselines.WhooshSearch(Path(args["whoosh"]))
        try:
            for kind in KINDS:
                hl, failed, answers = _latencies(
                    base[kind], lambda q: ws.search(q.text, True, limit, cap)
                )
                capped = len(hl) - len(answers)
                out[f"whoosh/{kind}"] = {**summary_ms(hl), "failed": failed, "capped": capped}
                if not quick:
                    plain, _, answers = _latencies(
                        base[kind], lambda q: ws.search(q.text, False, limit, cap)
                    )
                    capped = len(plain) - len(answers)
                    out[f"whoosh-nohl/{kind}"] = {**summary_ms(plain), "capped": capped}
        finally:
            ws.close()
    if args.get("fts"):
        fts = baselines.FtsSearch(Path(args["fts"]))
        try:
            for kind in KINDS:
                if kind == "typo":
                    continue
                times, failed, _ = _latencies(base[kind], lambda q: fts.search(q, limit))
                out[f"fts/{kind}"] = {**summary_ms(times), "failed": failed}
        finally:
            fts.close()
    return out


def keystroke(args: dict[str, Any]) -> dict[str, Any]:
    """Keystroke to updated list in the app, through Textual's Pilot."""
    from benchmarks.pilot import measure_keystrokes

    return measure_keystrokes(args)


def warc_read(args: dict[str, Any]) -> dict[str, Any]:
    """Scan, read and index a WARC file of the corpus's pages."""
    from benchmarks.webarchive import warc_read as run

    return run(args)


def fetch_pywb(args: dict[str, Any]) -> dict[str, Any]:
    """Fetch from a local pywb with the rate limits lifted."""
    from benchmarks.webarchive import fetch_pywb as run

    return run(args)


PHASES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "build": build,
    "refresh": refresh,
    "whoosh_build": whoosh_build,
    "fts_build": fts_build,
    "search": search,
    "keystroke": keystroke,
    "warc_read": warc_read,
    "fetch_pywb": fetch_pywb,
}


def main(argv: list[str]) -> int:
    """Run the phase named in `argv` and write its result."""
    name, raw, out = argv
    result = PHASES[name](json.loads(raw))
    Path(out).write_text(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
