"""Measuring tools: phases in child processes with the peak RSS of their whole tree, percentiles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
_PAGE = os.sysconf("SC_PAGE_SIZE")


def descendants(root: int) -> list[int]:
    """`root` and every process below it (from /proc; empty off Linux)."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def tree_rss(root: int) -> int:
    """Resident bytes of `root` and its descendants, now."""
    total = 0
    for pid in descendants(root):
        try:
            with open(f"/proc/{pid}/statm", "rb") as fh:
                total += int(fh.read().split()[1]) * _PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


class RssSampler:
    """Samples the RSS of a process tree in a thread; `peak` is the largest sum seen."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        """Start sampling `pid`'s tree every `interval` seconds."""
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)
        self._thread.start()

    def _run(self, interval: float) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self._stop.wait(interval)

    def stop(self) -> int:
        """Stop sampling; the peak in bytes."""
        self._stop.set()
        self._thread.join()
        return self.peak


@dataclass
class PhaseResult:
    """What a phase child returned, its wall time and its peak memory."""

    data: dict[str, Any]
    wall: float
    peak_tree_mb: float  # largest sum of RSS over the child and its descendants (sampled)
    maxrss_mb: float  # ru_maxrss of the child (its largest waited-for process), from wait4
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def peak_mb(self) -> float:
        """The best peak estimate: the sampled tree sum, or maxrss if the phase was too short."""
        return max(self.peak_tree_mb, self.maxrss_mb)


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a child: this checkout first on the import path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.pop("NO_COLOR", None)
    env.update(extra or {})
    return env


def run_phase(phase: str, args: dict[str, Any], timeout: float = 3600) -> PhaseResult:
    """Run `benchmarks.phases <phase>` in a child process and measure its memory."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out_path = Path(fh.name)
    cmd = [sys.executable, "-m", "benchmarks.phases", phase, json.dumps(args), str(out_path)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, env=child_env(), stderr=subprocess.PIPE, text=True)
    sampler = RssSampler(proc.pid)
    stderr: list[str] = []
    reader = threading.Thread(
        target=lambda: stderr.append(proc.stderr.read() if proc.stderr else "")
    )
    reader.start()
    deadline = started + timeout
    status, usage = 0, None
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.01)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    peak = sampler.stop()
    reader.join()
    try:
        data = json.loads(out_path.read_text() or "{}")
    except (OSError, ValueError):
        data = {}
    finally:
        out_path.unlink(missing_ok=True)
    error = None
    if proc.returncode != 0:
        tail = "".join(stderr).strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
        error = f"{phase}: {tail[0][:200]}"
    maxrss = (usage.ru_maxrss / 1024) if usage is not None else 0.0
    return PhaseResult(data, wall, peak / 2**20, maxrss, error)


def percentile(values: Sequence[float], q: float) -> float:
    """The `q`-th percentile (0-100) by nearest rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    """p50, p95 and max of `seconds`, in milliseconds, and how many."""
    ms = [s * 1000 for s in seconds]
    return {
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "max": max(ms) if ms else float("nan"),
        "n": float(len(ms)),
    }
