"""The one markdown table the benchmark prints, from its JSON results."""

from __future__ import annotations

import math
from typing import Any

from benchmarks.queries import KINDS

Row = tuple[str, str, str, str, str, str]
HEADER: Row = ("figure", "enews-tui", "baseline", "ratio", "SQLite FTS5", "ratio")


def num(value: Any, digits: int = 1) -> str:
    """`value` rounded, or "n/a" when it is missing or not a number."""
    if value is None or isinstance(value, str):
        return "n/a"
    x = float(value)
    if math.isnan(x):
        return "n/a"
    return f"{x:,.{digits}f}"


def ratio(a: Any, b: Any) -> str:
    """`a / b` as "1.23x", or "n/a"."""
    try:
        x, y = float(a), float(b)
    except (TypeError, ValueError):
        return "n/a"
    if math.isnan(x) or math.isnan(y) or y == 0:
        return "n/a"
    return f"{x / y:.2f}x"


def _get(data: dict[str, Any], *path: str) -> Any:
    """data[path[0]][path[1]]..., or None where a step is missing."""
    cur: Any = data
    for key in path:
        if not isinstance(cur, dict) or key not in cur:
            return None
        cur = cur[key]
    return cur


def _lat(stats: Any) -> str:
    """ "p50 / p95 / max" in ms."""
    if not isinstance(stats, dict):
        return "n/a"
    return f"{num(stats.get('p50'))} / {num(stats.get('p95'))} / {num(stats.get('max'))}"


def _rate(build: Any) -> float | None:
    """Stories per second of a build phase."""
    if not isinstance(build, dict) or not build.get("seconds"):
        return None
    return float(build.get("indexed") or 0) / float(build["seconds"])


def size_rows(r: dict[str, Any]) -> list[Row]:
    """The table rows for one corpus size."""
    b = r.get("build", {})
    app, w1, w2, fts = (b.get(k) for k in ("app", "whoosh", "whoosh2", "fts"))
    rows: list[Row] = []
    a_rate, w1_rate, w2_rate, f_rate = (_rate(x) for x in (app, w1, w2, fts))
    rows.append(
        (
            "full build, stories/s (vs Whoosh 2-proc on pre-parsed docs)",
            num(a_rate),
            num(w2_rate),
            ratio(a_rate, w2_rate),
            num(f_rate),
            ratio(a_rate, f_rate),
        )
    )
    generic = b.get("generic")
    g_rate = _rate(generic)
    pages = _get(generic or {}, "pages")
    stories = _get(generic or {}, "indexed")
    rows.append(
        (
            f"full build, generic news pages (4 layouts, {num(pages, 0)} pages, "
            f"{num(stories, 0)} read as stories), stories/s (vs Whoosh 2-proc)",
            num(g_rate),
            num(w2_rate),
            ratio(g_rate, w2_rate),
            num(f_rate),
            ratio(g_rate, f_rate),
        )
    )
    rows.append(
        (
            "full build, stories/s (vs Whoosh default writer)",
            num(a_rate),
            num(w1_rate),
            ratio(a_rate, w1_rate),
            "",
            "",
        )
    )
    sec = [_get(x or {}, "seconds") for x in (app, w2, fts)]
    rows.append(
        (
            "full build wall, s (vs Whoosh 2-proc)",
            num(sec[0], 2),
            num(sec[1], 2),
            ratio(sec[0], sec[1]),
            num(sec[2], 2),
            ratio(sec[0], sec[2]),
        )
    )
    mem = [_get(x or {}, "peak_mb") for x in (app, w2, fts)]
    rows.append(
        (
            "full build peak RSS, MB, process + children (vs Whoosh 2-proc)",
            num(mem[0], 0),
            num(mem[1], 0),
            ratio(mem[0], mem[1]),
            num(mem[2], 0),
            ratio(mem[0], mem[2]),
        )
    )
    unchanged = _get(r, "refresh_unchanged", "seconds")
    scan = _get(r, "refresh_unchanged", "scan_seconds")
    rows.append(
        (
            "refresh, nothing changed, s (vs a bare stat scan: Archive.scan())",
            num(unchanged, 3),
            num(scan, 3),
            ratio(unchanged, scan),
            "",
            "",
        )
    )
    changed = _get(r, "refresh_1pct", "seconds")
    rows.append(
        (
            "refresh, 1% of files changed, s (vs full build)",
            num(changed, 3),
            num(sec[0], 2),
            ratio(changed, sec[0]),
            "",
            "",
        )
    )
    listed = _get(app or {}, "list_seconds")
    rows.append(("list every title and date (summaries()), s", num(listed, 3), "", "", "", ""))
    la, lb = _get(r, "launch", "app", "median"), _get(r, "launch", "bare", "median")
    rows.append(
        (
            "launch to first frame, s, median (vs bare Textual app)",
            num(la, 3),
            num(lb, 3),
            ratio(la, lb),
            "",
            "",
        )
    )
    s = r.get("search", {})
    for kind in KINDS:
        mine, whoosh, lite = s.get(f"app/{kind}"), s.get(f"whoosh/{kind}"), s.get(f"fts/{kind}")
        hits = _get(s, f"app/{kind}", "median_hits")
        label = (
            f"search '{kind}' p50/p95/max ms, top {num(s.get('limit'), 0)} + snippets, "
            f"{num(hits, 0)} hits median (vs Whoosh + highlights)"
        )
        base_n = _get(whoosh or lite or {}, "n")
        if base_n and base_n != _get(mine or {}, "n"):
            label += f"; baselines: the first {num(base_n, 0)} queries"
        rows.append(
            (
                label,
                _lat(mine),
                _capped_lat(whoosh),
                _capped_ratio(_get(mine or {}, "p95"), whoosh),
                _lat(lite),
                ratio(_get(mine or {}, "p95"), _get(lite or {}, "p95")),
            )
        )
    for kind in KINDS:
        mine, whoosh = _get(s, f"app/{kind}", "nosnippets"), s.get(f"whoosh-nohl/{kind}")
        if not whoosh or not mine or not mine.get("n"):
            continue  # measured in full runs only
        rows.append(
            (
                f"search '{kind}' without snippets, ms (vs Whoosh, no highlights)",
                _lat(mine),
                _capped_lat(whoosh),
                _capped_ratio(mine.get("p95"), whoosh),
                "",
                "",
            )
        )
    k = r.get("keystroke", {})
    painted = None if "error" in k else k.get("painted")
    word = s.get("app/word")
    rows.append(
        (
            "keystroke to list painted, ms, Pilot (vs the in-process 'word' search)",
            _lat(painted),
            _lat(word),
            ratio(_get(painted or {}, "p95"), _get(word or {}, "p95")),
            "",
            "",
        )
    )
    ba, bb = _get(r, "browse", "app", "peak_mb"), _get(r, "browse", "bare", "peak_mb")
    rows.append(
        (
            "browsing peak RSS, MB: list + a story open (vs bare Textual app)",
            num(ba, 0),
            num(bb, 0),
            ratio(ba, bb),
            "",
            "",
        )
    )
    return rows


def table(results: dict[str, Any]) -> str:
    """All sizes in one markdown table."""
    lines = [
        "| stories | " + " | ".join(HEADER) + " |",
        "|---:|" + "|".join(["---"] + ["---:"] * (len(HEADER) - 1)) + "|",
    ]
    for size, r in results["sizes"].items():
        for row in size_rows(r):
            lines.append(f"| {int(size):,} | " + " | ".join(row) + " |")
    notes = [f"- {size}: {e}" for size, r in results["sizes"].items() for e in r.get("errors", [])]
    if notes:
        lines += ["", "Not measured (n/a):", *notes]
    return "\n".join(lines)


def _capped_lat(d: dict[str, Any] | None) -> str:
    """A baseline's latencies, saying how many of its queries were stopped at the time cap
    (then its percentiles are lower bounds)."""
    text = _lat(d)
    if d and d.get("capped"):
        text += f" ({d['capped']} of {num(d.get('n'), 0)} stopped at the cap: at least)"
    return text


def _capped_ratio(mine: Any, d: dict[str, Any] | None) -> str:
    """Our p95 over the baseline's; an upper bound (<=) when the baseline was capped."""
    text = ratio(mine, _get(d or {}, "p95"))
    return f"<= {text}" if text and d and d.get("capped") else text
