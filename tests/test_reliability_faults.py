"""Faults around the index, through the real commands: SIGKILL at random moments, garbage over
the index files, an index folder the user cannot write, a cache folder that cannot be created,
the archive vanishing under the app, and several instances at once."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from enews_tui import paths
from enews_tui.archive import Archive
from enews_tui.cli import main
from enews_tui.index import index_name, open_index
from enews_tui.model import Story
from tests.badinput import console_script, write_good
from tests.support import REPO

if TYPE_CHECKING:  # Textual loads only in the tests that run the app
    from textual.app import App
    from textual.pilot import Pilot

#: Pages in the kill archive: enough that a full build uses the worker pool (200 and up).
PAGES = 200
SEED = 2026


def _command() -> list[str]:
    """The installed console script, else `python -m enews_tui` from the checkout."""
    script = console_script()
    return [script] if script else [sys.executable, "-m", "enews_tui"]


def _env(cache: Path, **extra: str) -> dict[str, str]:
    """The environment for a subprocess: this cache, this checkout."""
    env = dict(os.environ, XDG_CACHE_HOME=str(cache), PYTHONPATH=str(REPO), **extra)
    env.pop("ENEWS_TUI_ARCHIVE", None)
    return env


def _run(
    args: Sequence[str], env: dict[str, str], *, prefix: Sequence[str] = ()
) -> subprocess.CompletedProcess[str]:
    """Run `enews-tui ARGS` to completion (a hang fails the test, it does not block the suite)."""
    return subprocess.run(
        [*prefix, *_command(), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _listed(root: Path, env: dict[str, str]) -> dict[str, str]:
    """`enews-tui list --json` as {id: title}; the command must succeed."""
    done = _run(["list", "--json", "--archive", str(root)], env)
    assert done.returncode == 0, done.stderr[-3000:]
    return {row["id"]: row["title"] for row in json.loads(done.stdout)}


def _kill_at(command: list[str], env: dict[str, str], after: float) -> tuple[bool, int]:
    """Start `command`, SIGKILL it `after` seconds later: (was it still running, its group)."""
    proc = subprocess.Popen(
        command,
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + after
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    alive = proc.poll() is None
    proc.send_signal(signal.SIGKILL)  # only the indexer: its workers must notice on their own
    proc.wait()
    return alive, proc.pid


def _orphans(groups: list[int], timeout: float = 10.0) -> list[int]:
    """The process groups of killed indexers that still have members after `timeout` seconds
    (worker processes that outlived their parent); they are killed before returning."""
    deadline = time.monotonic() + timeout
    left = list(groups)
    while left and time.monotonic() < deadline:
        for group in list(left):
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                left.remove(group)
        time.sleep(0.05)
    for group in left:
        os.killpg(group, signal.SIGKILL)
    return left


def _check_after_kill(root: Path) -> None:
    """Before any repair, the index a kill left behind opens and reads consistently."""
    with open_index(Archive(root)) as index:
        count = index.count()
        assert count == len(index.summaries())
        assert index.search("story", limit=None).total <= count


KILLS = 22


def test_sigkill_during_builds_and_refreshes_loses_nothing(tmp_path: Path) -> None:
    """`enews-tui index` SIGKILLed at seeded random moments, 22 times: first builds, rebuilds
    and incremental refreshes of a changing archive. After each, `enews-tui list` works and
    shows every story with its latest title, and no worker process is left behind."""
    rng = random.Random(SEED)
    root = tmp_path / "archive"
    env = _env(Path(os.environ["XDG_CACHE_HOME"]))
    expected = {g.id: g.title for g in write_good(root, 0, PAGES)}
    index_dir = paths.cache_dir() / index_name(Archive(root))
    next_new = PAGES

    def prepare(kind: str, round_: int) -> list[str]:
        """Set the scene for one run of `kind`; its arguments."""
        nonlocal next_new
        # Mostly the console script; every fourth run as `python -m enews_tui`.
        launcher = [sys.executable, "-m", "enews_tui"] if round_ % 4 == 3 else _command()
        args = [*launcher, "index", "--archive", str(root)]
        if kind == "first":
            shutil.rmtree(index_dir, ignore_errors=True)
        elif kind == "rebuild":
            args.append("--rebuild")
        else:
            for story_id in rng.sample(sorted(expected), 120):  # rewritten, new titles
                for suffix in (".html", ".txt"):
                    (root / f"{story_id}{suffix}").unlink(missing_ok=True)
                (good,) = write_good(root, int(story_id[1:]), 1, rev=round_ + 1)
                expected[good.id] = good.title
            for story_id in rng.sample(sorted(expected), 5):  # deleted
                for suffix in (".html", ".txt"):
                    (root / f"{story_id}{suffix}").unlink(missing_ok=True)
                del expected[story_id]
            for good in write_good(root, next_new, 10):  # added
                expected[good.id] = good.title
            next_new += 10
        return args

    kinds = ("first", "rebuild", "refresh")
    window = {}
    for kind in kinds:  # how long an undisturbed run of each kind takes here, now
        args = prepare(kind, 0)
        start = time.monotonic()
        assert subprocess.run(args, env=env, cwd=REPO, capture_output=True).returncode == 0
        window[kind] = time.monotonic() - start
    kills, runs = 0, 0
    groups: list[int] = []
    while kills < KILLS and runs < 2 * KILLS:
        kind = kinds[runs % 3]
        runs += 1
        after = rng.uniform(0.1, 0.9) * window[kind]
        killed, group = _kill_at(prepare(kind, runs), env, after)
        kills += killed
        groups.append(group)
        if not killed:  # it finished sooner than expected: aim earlier next time
            window[kind] = after
        _check_after_kill(root)
        assert _listed(root, env) == expected, f"run {runs} ({kind}, killed={killed})"
    print(f"\n{kills} of {runs} indexer runs killed mid-way; 0 stories lost")
    assert kills >= KILLS
    assert not _orphans(groups), "worker processes outlived the killed indexer"
    assert not any(index_dir.glob("tmp-*")), "a later refresh removes killed builds' leftovers"


def _built(root: Path, count: int = 12) -> dict[str, str]:
    """`count` stories under `root`, indexed through `main`; {id: title}."""
    expected = {g.id: g.title for g in write_good(root, 0, count)}
    assert main(["index", "--archive", str(root)]) == 0
    return expected


def _garbage_cases() -> list[str]:
    """Which index files get garbage (or a folder) written over them."""
    return [
        "everything",
        "CURRENT",
        "sqlite",
        "toc",
        "segments-empty",
        "build-is-a-file",
        "CURRENT-is-a-folder",
        "lock-is-a-folder",
    ]


@pytest.mark.parametrize("case", _garbage_cases())
def test_garbage_over_the_index_is_rebuilt_with_a_notice(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Noise written over index files: `list` still works, says so, and shows every story."""
    root = tmp_path / "archive"
    expected = _built(root)
    capsys.readouterr()
    folder = paths.cache_dir() / index_name(Archive(root))
    build = folder / (folder / "CURRENT").read_text().strip()
    rng = random.Random(case)
    noise = bytes(rng.getrandbits(8) for _ in range(4096))
    if case == "everything":
        targets = [p for p in folder.rglob("*") if p.is_file()]
    elif case == "CURRENT":
        targets = [folder / "CURRENT"]
    elif case == "sqlite":
        targets = list(build.glob("*.sqlite*"))
    elif case == "toc":
        targets = list(build.glob("*.toc"))
    elif case == "segments-empty":
        targets = list(build.glob("*.seg"))
        noise = b""
    elif case == "build-is-a-file":
        shutil.rmtree(build)
        build.write_bytes(noise)
        targets = []
    else:
        target = (
            folder / "CURRENT" if case == "CURRENT-is-a-folder" else folder.with_suffix(".lock")
        )
        target.unlink()
        (target / "junk").mkdir(parents=True)
        targets = []
    for target in targets:
        target.write_bytes(noise)
    assert main(["list", "--json", "--archive", str(root)]) == 0
    out, err = capsys.readouterr()
    assert {row["id"]: row["title"] for row in json.loads(out)} == expected
    if case != "lock-is-a-folder":
        assert "rebuild" in err.lower(), err
    assert "Traceback" not in err and "could not update" not in err, err
    assert main(["search", "story", "--archive", str(root)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"{len(expected)} stories match") and not err


def test_an_uncreatable_cache_folder_still_runs_with_a_warning(tmp_path: Path) -> None:
    """The cache path lies under a regular file: commands work on a temporary index, say so,
    and leave nothing behind."""
    root = tmp_path / "archive"
    expected = {g.id: g.title for g in write_good(root, 0, 8)}
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    env = _env(blocker / "cache")
    before = set(Path(tempfile.gettempdir()).glob("enews-tui-index-*"))
    assert _listed(root, env) == expected
    done = _run(["index", "--archive", str(root)], env)
    assert done.returncode == 0 and "8 indexed" in done.stdout
    assert "temporary index" in done.stderr
    assert set(Path(tempfile.gettempdir()).glob("enews-tui-index-*")) == before


async def test_the_app_runs_on_a_temporary_index_when_the_cache_cannot_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same fault in the reader: a warning toast, every story listed."""
    from enews_tui.tui.app import EnewsApp
    from enews_tui.tui.widgets.story_list import StoryList
    from tests.tui_support import notices

    root = tmp_path / "archive"
    expected = {g.id for g in write_good(root, 0, 8)}
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))
    archive = Archive(root)
    with open_index(archive) as index:
        app = EnewsApp(archive, index)
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            await _settle(app, pilot, lambda: len(app.screen.query_one(StoryList).rows) == 8)
            assert {r.id for r in app.screen.query_one(StoryList).rows} == expected
            messages = notices(app)
            assert any("temporary index" in m for m in messages), messages


def _nobody_can_run() -> str | None:
    """Why the read-only test cannot run here (None when it can)."""
    if os.geteuid() != 0:
        return "needs root to run a command as another user"
    if shutil.which("setpriv") is None:
        return "setpriv is not installed"
    probe = subprocess.run(
        [*_AS_NOBODY, sys.executable, "-c", "import enews_tui.cli, whoosh"],
        capture_output=True,
        cwd="/",
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        timeout=60,
    )
    if probe.returncode != 0:
        return "user nobody cannot import the package here"
    return None


_AS_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A world-readable scratch folder (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="enews-ro-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_read_only_index_folder_still_runs_with_a_warning(shared_dir: Path) -> None:
    """The index was built by another user (root) and cannot be written by this one (nobody):
    `list` and `index` work on a temporary index and warn; the real index is untouched."""
    why = _nobody_can_run()
    if why:
        pytest.skip(why)
    root = shared_dir / "archive"
    expected = {g.id: g.title for g in write_good(root, 0, 8)}
    for path in [root, *root.iterdir()]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    cache = shared_dir / "cache"
    env = _env(cache, HOME="/nonexistent", XDG_STATE_HOME=str(shared_dir / "state"))
    assert _listed(root, env) == expected  # as root: builds the index
    folder = cache / "enews-tui" / index_name(Archive(root))
    for path in [cache, *cache.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    before = sorted((p.name, p.stat().st_mtime_ns) for p in folder.rglob("*"))
    for args in (["list", "--archive", str(root)], ["index", "--archive", str(root)]):
        done = _run(args, env, prefix=_AS_NOBODY)
        assert done.returncode == 0, done.stderr[-3000:]
        assert "temporary index" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    done = _run(["list", "--json", "--archive", str(root)], env, prefix=_AS_NOBODY)
    assert {row["id"] for row in json.loads(done.stdout)} == set(expected)
    app = subprocess.run(  # the reader too, as nobody: a warning toast, every story
        [*_AS_NOBODY, sys.executable, "-c", APP, str(root), str(len(expected))],
        env=env,
        cwd="/",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert app.returncode == 0, app.stderr[-3000:]
    seen = json.loads(app.stdout.strip().splitlines()[-1])
    assert seen["rows"] == len(expected) and seen["opened"] in expected, seen
    assert any("temporary index" in n for n in seen["notices"]), seen
    assert sorted((p.name, p.stat().st_mtime_ns) for p in folder.rglob("*")) == before


async def _settle(
    app: App[int], pilot: Pilot[int], done: Callable[[], bool], timeout: float = 30.0
) -> None:
    """Pause until `done()` holds and the screen's workers are idle (polling, no blind sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        if done() and not any(w.is_running for w in app.screen.workers):
            await pilot.pause()
            return
    raise AssertionError("the app did not settle")


@pytest.mark.parametrize("fault", ["removed", "replaced-by-a-file"])
async def test_the_archive_vanishing_under_the_app_is_a_message(tmp_path: Path, fault: str) -> None:
    """Delete the archive while the reader runs, refresh: an error toast, the app keeps going
    (the list, search and reader work from the index)."""
    from enews_tui.tui.app import EnewsApp
    from enews_tui.tui.screens.main import MainScreen
    from enews_tui.tui.widgets.reader import Reader
    from enews_tui.tui.widgets.story_list import StoryList
    from tests.tui_support import notices

    root = tmp_path / "archive"
    write_good(root, 0, 10)
    archive = Archive(root)
    with open_index(archive) as index:
        app = EnewsApp(archive, index)
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            stories = app.screen.query_one(StoryList)
            await _settle(app, pilot, lambda: len(stories.rows) == 10)
            shutil.rmtree(root)
            if fault == "replaced-by-a-file":
                root.write_text("the archive is gone")
            screen = app.screen
            assert isinstance(screen, MainScreen)
            screen.action_refresh_index()
            await _settle(app, pilot, lambda: bool(notices(app)))
            messages = notices(app)
            assert any("refresh failed" in m and "archive" in m for m in messages), messages
            assert len(stories.rows) == 10
            await pilot.press("enter")
            await _settle(app, pilot, lambda: screen.query_one(Reader).story is not None)
            await pilot.press("slash", *"story")
            await _settle(
                app, pilot, lambda: "of 10" in str(screen.query_one("#search-status").render())
            )
            assert app.is_running


def test_commands_on_a_missing_or_unreadable_archive_say_so(tmp_path: Path) -> None:
    """No archive folder, or a file in its place: exit 2 and one line on stderr."""
    env = _env(tmp_path / "cache")
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    for where, words in ((tmp_path / "missing", "not found"), (not_a_folder, "not a folder")):
        for command in ("list", "index", "search", "contacts"):
            args = [command, *(["x"] if command == "search" else []), "--archive", str(where)]
            done = _run(args, env)
            assert done.returncode == 2, (args, done.stderr)
            assert words in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr


def test_the_archive_vanishing_during_a_refresh_skips_the_rest(tmp_path: Path) -> None:
    """The folder is deleted while pages are being parsed: the refresh ends, the lost pages are
    skipped with a reason, and the next refresh (archive back) indexes them."""
    from enews_tui.extract import parse_story

    root = tmp_path / "archive"
    expected = {g.id for g in write_good(root, 0, 40)}
    backup = tmp_path / "backup"
    shutil.copytree(root, backup)
    calls = 0

    def parse_then_delete(raw: bytes, name: str, story_id: str | None = None) -> Story:
        """The extractor, with the archive deleted at the fifth page."""
        nonlocal calls
        calls += 1
        if calls == 5:
            shutil.rmtree(root)
        return parse_story(raw, name, story_id)

    with open_index(Archive(root), parser=parse_then_delete) as index:
        report = index.refresh()
        assert report.indexed == 5 and len(report.skipped) == 35
        assert all("vanished" in s.reason for s in report.skipped)
    shutil.copytree(backup, root)
    with open_index(Archive(root)) as index:
        index.refresh()
        assert {s.id for s in index.summaries()} == expected


APP = """
import asyncio, json, sys, time
from pathlib import Path
from enews_tui.archive import Archive
from enews_tui.index import open_index
from enews_tui.tui.app import EnewsApp
from enews_tui.tui.widgets.reader import Reader
from enews_tui.tui.widgets.story_list import StoryList
from tests.tui_support import notices

async def main() -> None:
    archive, want = Archive(Path(sys.argv[1])), int(sys.argv[2])
    with open_index(archive) as index:
        app = EnewsApp(archive, index)
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            deadline = time.monotonic() + 150
            stories = app.screen.query_one(StoryList)
            while len(stories.rows) < want and time.monotonic() < deadline:
                await pilot.pause(0.1)
            await app.screen.workers.wait_for_complete()
            await pilot.press("enter")
            await app.screen.workers.wait_for_complete()
            await pilot.pause()
            story = app.screen.query_one(Reader).story
            print(json.dumps({"rows": len(stories.rows), "opened": story and story.id,
                              "notices": notices(app)}))

asyncio.run(main())
"""


def test_two_apps_and_an_index_command_at_once_all_work(tmp_path: Path) -> None:
    """Two readers and `enews-tui index` start together on an archive with no index yet: one
    builds, the others wait or read what exists, and all three end with every story."""
    root = tmp_path / "archive"
    expected = {g.id: g.title for g in write_good(root, 0, PAGES)}
    env = _env(tmp_path / "cache")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", APP, str(root), str(PAGES)],
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    procs.append(
        subprocess.Popen(
            [*_command(), "index", "--archive", str(root)],
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    )
    outputs = [p.communicate(timeout=200) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err[-2000:] for _out, err in outputs]
    for out, _err in outputs[:2]:
        seen = json.loads(out.strip().splitlines()[-1])
        assert seen["rows"] == PAGES and seen["opened"] in expected, seen
    summary = outputs[2][0].splitlines()[0]
    assert summary in {
        f"{PAGES} indexed, 0 unchanged, 0 removed, 0 skipped",
        f"0 indexed, {PAGES} unchanged, 0 removed, 0 skipped",
    }, summary
    assert _listed(root, env) == expected


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs (root only; skipped where mounting is not allowed)."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_a_message_and_keeps_the_index(small_disk: Path, tmp_path: Path) -> None:
    """The cache's disk fills up: `index` says so (exit 1, no traceback), `list` still shows
    what was indexed; once there is room again the next refresh completes."""
    root = tmp_path / "archive"
    env = _env(small_disk / "cache")
    first = {g.id: g.title for g in write_good(root, 0, 8)}
    assert _listed(root, env) == first
    filler = small_disk / "filler"
    with open(filler, "wb", buffering=0) as fh:  # fill the disk to the last byte
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    fh.write(b"\0" * size)
            except OSError:
                pass
    more = {g.id: g.title for g in write_good(root, 8, 60)}
    done = _run(["index", "--rebuild", "--archive", str(root)], env)
    assert done.returncode == 1 and "could not update the index" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    done = _run(["list", "--json", "--archive", str(root)], env)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert {row["id"] for row in json.loads(done.stdout)} >= set(first), done.stderr
    filler.unlink()
    assert _listed(root, env) == first | more


def test_unreadable_pages_and_archive_for_another_user(shared_dir: Path) -> None:
    """As user nobody: a page it may not read is skipped with the reason; an archive folder it
    may not read is one line on stderr and exit 2."""
    why = _nobody_can_run()
    if why:
        pytest.skip(why)
    root = shared_dir / "archive"
    expected = {g.id for g in write_good(root, 0, 6)}
    root.chmod(0o755)
    for path in root.iterdir():
        path.chmod(0o644)
    (root / "s00001.txt").chmod(0o600)
    env = _env(shared_dir / "cache", HOME="/nonexistent")
    (shared_dir / "cache").mkdir(mode=0o777)
    (shared_dir / "cache").chmod(0o777)
    done = _run(["index", "--archive", str(root)], env, prefix=_AS_NOBODY)
    assert done.returncode == 0, done.stderr
    assert "skipped s00001.txt: cannot read: Permission denied" in done.stdout, done.stdout
    done = _run(["list", "--json", "--archive", str(root)], env, prefix=_AS_NOBODY)
    assert {row["id"] for row in json.loads(done.stdout)} == expected - {"s00001"}
    (root / "s00001.txt").chmod(0o644)  # fixed: the next refresh reads it (same mtime)
    done = _run(["list", "--json", "--archive", str(root)], env, prefix=_AS_NOBODY)
    assert {row["id"] for row in json.loads(done.stdout)} == expected
    root.chmod(0o700)
    for command in (["list"], ["index"], ["search", "story"]):
        done = _run([*command, "--archive", str(root)], env, prefix=_AS_NOBODY)
        assert done.returncode == 2 and "not readable" in done.stderr, done.stderr
        assert len(done.stderr.splitlines()) == 1, done.stderr
