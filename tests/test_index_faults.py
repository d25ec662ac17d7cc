"""The index under faults: kills mid-build, garbage, an unwritable cache, concurrent refreshes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from enews_tui import paths
from enews_tui.archive import Archive
from enews_tui.index import index_name, open_index
from enews_tui.index.build.locking import file_lock
from enews_tui.index.stories.store import Store
from enews_tui.model import Story
from tests.index_support import json_parser, make_story, write_story
from tests.support import REPO

SCRIPT = """
import sys
from pathlib import Path
from enews_tui.archive import Archive
from enews_tui.index import open_index
from tests.index_support import json_parser

def main() -> None:
    with open_index(Archive(Path(sys.argv[1])), parser=json_parser) as ix:
        report = ix.refresh(rebuild=sys.argv[2] == "rebuild")
        print(report.indexed, ix.count(), *report.notices, flush=True)

if __name__ == "__main__":
    main()
"""


def stories(start: int, count: int, word: str = "harbor") -> list[Story]:
    """`count` numbered stories, each mentioning `word` and its own number."""
    return [
        make_story(f"s{n:04d}", f"Story {n}", (f"The {word} story number n{n} of the set.",))
        for n in range(start, start + count)
    ]


def write_all(root: Path, items: list[Story]) -> None:
    """Write every story under `root`."""
    for story in items:
        write_story(root, story)


def start_refresh(root: Path, mode: str = "refresh", delay: float = 0.0) -> subprocess.Popen[str]:
    """A separate process refreshing the index of `root`, optionally slowed per parsed chunk."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    if delay:
        env["ENEWS_TUI_TEST_PARSE_DELAY"] = str(delay)
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(root), mode],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def location(root: Path) -> Path:
    """Where the index of `root` lives."""
    return paths.cache_dir() / index_name(Archive(root))


def check_usable(root: Path, expected: int) -> None:
    """The index opens, lists `expected` stories and answers a search."""
    with open_index(Archive(root), parser=json_parser) as ix:
        assert ix.count() == expected
        assert len(ix.summaries()) == expected
        assert ix.search("harbor", limit=None).total == expected


def kill_when(proc: subprocess.Popen[str], ready: Path, pattern: str, extra: float) -> None:
    """SIGKILL `proc` `extra` seconds after a `pattern` entry appears in `ready`."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        if ready.is_dir() and any(ready.glob(pattern)):
            break
        time.sleep(0.02)
    time.sleep(extra)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def test_a_killed_rebuild_leaves_the_old_index_and_the_next_refresh_completes(
    tmp_path: Path,
) -> None:
    """SIGKILL in the middle of a full build: the previous index still answers."""
    root = tmp_path / "archive"
    write_all(root, stories(0, 40))
    with open_index(Archive(root), parser=json_parser) as ix:
        ix.refresh()
    write_all(root, stories(40, 60))
    proc = start_refresh(root, "rebuild", delay=0.3)
    kill_when(proc, location(root), "tmp-*", 0.2)
    assert proc.returncode == -signal.SIGKILL
    assert any(location(root).glob("tmp-*"))
    check_usable(root, 40)
    with open_index(Archive(root), parser=json_parser) as ix:
        assert ix.refresh().indexed == 60
    check_usable(root, 100)
    assert not any(location(root).glob("tmp-*"))


def test_a_killed_first_build_is_redone(tmp_path: Path) -> None:
    """Killed before any index existed: the listing is empty, then the next refresh builds it."""
    root = tmp_path / "archive"
    write_all(root, stories(0, 70))
    proc = start_refresh(root, delay=0.3)
    kill_when(proc, location(root), "tmp-*", 0.1)
    check_usable(root, 0)
    with open_index(Archive(root), parser=json_parser) as ix:
        assert ix.refresh().indexed == 70
    check_usable(root, 70)


def test_repeated_kills_at_random_moments_lose_nothing(tmp_path: Path) -> None:
    """Kill full builds and incremental refreshes at random moments; every story survives."""
    root = tmp_path / "archive"
    write_all(root, stories(0, 40))
    rng = random.Random(7)
    for round_ in range(8):
        write_all(root, stories(40 + 10 * round_, 10))
        proc = start_refresh(root, "rebuild" if round_ % 2 else "refresh", delay=0.05)
        time.sleep(rng.uniform(0.2, 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with open_index(Archive(root), parser=json_parser) as ix:
            assert ix.count() == len(ix.summaries())
            ix.search("harbor")
    check_usable_after = 40 + 80
    with open_index(Archive(root), parser=json_parser) as ix:
        ix.refresh()
    check_usable(root, check_usable_after)


def test_a_crash_between_whoosh_and_sqlite_is_repaired(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoosh committed, SQLite not: the pending list makes the next refresh redo that work."""
    root = tmp_path / "archive"
    write_all(root, stories(0, 5))
    with open_index(Archive(root), parser=json_parser) as ix:
        ix.refresh()
    write_all(root, stories(5, 3, word="lighthouse"))
    (root / "s0000.txt").unlink()
    real_apply = Store.apply

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Store, "apply", crash)
    with open_index(Archive(root), parser=json_parser) as ix, pytest.raises(KeyboardInterrupt):
        ix.refresh()
    monkeypatch.setattr(Store, "apply", real_apply)
    (root / "s0006.txt").unlink()  # gone before the repair: its Whoosh document must go too
    with open_index(Archive(root), parser=json_parser) as ix:
        report = ix.refresh()
        assert report.removed == 1
        assert sorted(h.id for h in ix.search("lighthouse").hits) == ["s0005", "s0007"]
        assert ix.search("harbor", limit=None).total == 4
        assert ix.search("", limit=None).total == 6


def test_garbage_over_the_index_is_rebuilt_with_a_notice(tmp_path: Path) -> None:
    """Every index file overwritten with noise: a one-line notice, then a full rebuild."""
    root = tmp_path / "archive"
    write_all(root, stories(0, 12))
    with open_index(Archive(root), parser=json_parser) as ix:
        ix.refresh()
    for path in location(root).rglob("*"):
        if path.is_file():
            path.write_bytes(os.urandom(64))
    with open_index(Archive(root), parser=json_parser) as ix:
        assert len(ix.notices) == 1 and "rebuild" in ix.notices[0]
        assert ix.count() == 0
        assert ix.refresh().indexed == 12
    check_usable(root, 12)


def test_a_missing_toc_is_rebuilt(tmp_path: Path) -> None:
    """The Whoosh table of contents deleted: rebuilt with a notice."""
    root = tmp_path / "archive"
    write_all(root, stories(0, 3))
    with open_index(Archive(root), parser=json_parser) as ix:
        ix.refresh()
    for toc in location(root).glob("b-*/*.toc"):
        toc.unlink()
    with open_index(Archive(root), parser=json_parser) as ix:
        assert any("rebuild" in n for n in ix.notices)
        ix.refresh()
    check_usable(root, 3)


def test_an_uncreatable_cache_folder_gives_a_temporary_index(tmp_path: Path) -> None:
    """The cache path is a file: a temporary index, with a notice, removed on close."""
    root = tmp_path / "archive"
    write_all(root, stories(0, 3))
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    ix = open_index(Archive(root), blocker / "cache", parser=json_parser)
    assert len(ix.notices) == 1 and "temporary" in ix.notices[0]
    assert ix.refresh().indexed == 3
    assert ix.search("harbor").total == 3
    temp = ix.location
    ix.close()
    assert not temp.exists()


def test_two_processes_refreshing_at_once_both_succeed(tmp_path: Path) -> None:
    """One builds while the other waits for the lock, then finds the work done."""
    root = tmp_path / "archive"
    write_all(root, stories(0, 80))
    procs = [start_refresh(root, delay=0.05) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    counts = sorted(out.split()[:2] for out, _err in outputs)
    assert counts == [["0", "80"], ["80", "80"]]
    check_usable(root, 80)


def test_a_refresh_that_cannot_get_the_lock_reads_what_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds the lock past the timeout: no error, a notice, the old index."""
    root = tmp_path / "archive"
    write_all(root, stories(0, 4))
    with open_index(Archive(root), parser=json_parser) as ix:
        ix.refresh()
    write_all(root, stories(4, 2))
    monkeypatch.setenv("ENEWS_TUI_LOCK_TIMEOUT", "0.2")
    lockfile = paths.cache_dir() / f"{index_name(Archive(root))}.lock"
    with file_lock(lockfile, 1) as held, open_index(Archive(root), parser=json_parser) as ix:
        assert held
        report = ix.refresh()
        assert report.notices and "another" in report.notices[0]
        assert ix.count() == 4
