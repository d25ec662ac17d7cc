"""Bad pages: each one is indexed or skipped with a reason, the good stories beside them all load,
and no page costs more than a few seconds or a few hundred MB (bounds that catch a hang or an
explosion, not speed targets)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from enews_tui.archive import PAGE_SUFFIXES, Archive
from enews_tui.cli import main
from tests.badinput import DEEP_FOLDERS, Corpus, console_script, make_corpus, unsafe_chars
from tests.support import REPO

#: Generous bounds: a page that needs more than this has hung or exploded.
PAGE_SECONDS = 10.0
PEAK_MB = 500

#: A process's own peak memory. Not ru_maxrss: Linux carries the spawning process's high-water
#: mark across exec, so a child of a large pytest process would report pytest's size.
PEAK_OF_SELF = """
def peak_mb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
"""

#: Runs a command and writes the peak memory of it and its descendants to a file: a small
#: process of its own spawns the command, so the figure is the command's, not pytest's.
PEAK_OF_COMMAND = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    out.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024))
sys.exit(done.returncode)
"""

MEASURE = """
import json, resource, sys, time
from pathlib import Path
from enews_tui.archive import Archive
from enews_tui.extract import parse_story
from enews_tui.model import PageError

archive = Archive(Path(sys.argv[1]))
for f in archive.scan():
    start = time.perf_counter()
    try:
        story = parse_story(archive.read(f), f.source, f.id)
        outcome, reason = "story", story.title
    except PageError as exc:
        outcome, reason = type(exc).__name__, str(exc)
    except BaseException as exc:
        outcome, reason = "CRASH", f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    print(json.dumps([f.source, outcome, reason, seconds, peak_mb()]), flush=True)
"""


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    """The bad-input corpus (with its 50 MB page), generated once for the session."""
    made = make_corpus(tmp_path_factory.mktemp("badinput") / "archive")
    yield made
    made.remove_deep_folders()


@pytest.fixture
def vanishing(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """Every scan of the corpus deletes the vanishing file after listing it; yields the sources
    an undisturbed scan lists."""
    corpus.plant_vanishing()
    sources = _page_sources(corpus)
    scan = Archive.scan
    assert corpus.vanishing is not None
    gone = corpus.vanishing

    def scan_then_vanish(self: Archive, cache: Path | None = None) -> list[object]:
        """The real scan, then the file goes."""
        found = scan(self, cache)
        gone.unlink(missing_ok=True)
        return found  # type: ignore[return-value]

    monkeypatch.setattr(Archive, "scan", scan_then_vanish)
    yield sources
    corpus.plant_vanishing()


def _page_sources(corpus: Corpus) -> set[str]:
    """The sources a scan of the corpus lists (file-like names with a page suffix)."""
    return {f.source for f in Archive(corpus.root).scan()}


def _skips(out: str) -> dict[str, str]:
    """`skipped SOURCE: REASON` lines of `enews-tui index` as {source: reason}."""
    found = {}
    for line in out.splitlines():
        if line.startswith("skipped "):
            source, _, reason = line.removeprefix("skipped ").partition(": ")
            found[source] = reason
    return found


def test_every_page_parses_or_fails_cleanly_within_bounds(corpus: Corpus) -> None:
    """In a fresh process, each page's read+parse: a Story or a PageError, < 10 s, < 500 MB."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK_OF_SELF + MEASURE, str(corpus.root)],
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert {r[0] for r in rows} == _page_sources(corpus)
    worst = sorted(rows, key=lambda r: -r[3])[:5]
    print("\nslowest pages:", *(f"{r[0]} {r[3]:.2f}s ({r[1]})" for r in worst), sep="\n  ")
    print(f"peak RSS {rows[-1][4]} MB over {len(rows)} pages")
    for source, outcome, reason, seconds, peak in rows:
        assert outcome != "CRASH", f"{source}: {reason}"
        assert outcome == "story" or reason.strip(), f"{source}: empty reason"
        assert "\n" not in reason and not unsafe_chars(reason), (source, reason)
        assert seconds < PAGE_SECONDS, f"{source} took {seconds:.1f} s"
        assert peak < PEAK_MB, f"{source}: peak RSS {peak} MB"
    outcomes = {r[0]: r[1] for r in rows}
    for good in corpus.good:
        assert outcomes[good.source] == "story", good
    assert outcomes["bad/huge.html"] == "PageError"
    assert outcomes["bad/fifo.html"] == "PageError"


def test_index_command_lists_every_skip_and_keeps_the_good_stories(
    corpus: Corpus, vanishing: set[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """`enews-tui index` through `main`: exit 0, one reason per skipped file, nothing lost."""
    assert main(["index", "--archive", str(corpus.root)]) == 0
    out, err = capsys.readouterr()
    skips = _skips(out)
    assert "vanished" in skips["bad/vanishing.html"]
    assert main(["list", "--json", "--archive", str(corpus.root)]) == 0
    listed = json.loads(capsys.readouterr().out)
    indexed = {row["source"] for row in listed}
    sources = vanishing
    assert indexed | set(skips) == sources, "every page file is indexed or skipped"
    assert not indexed & set(skips)
    for reason in skips.values():
        assert reason.strip() and not unsafe_chars(reason)
    titles = {row["id"]: row["title"] for row in listed}
    for good in corpus.good:
        assert titles.get(good.id) == good.title, good
    # Bad inputs the scan lists are all accounted for; folders and folder loops are not pages.
    for source, what in corpus.bad.items():
        if os.path.splitext(source)[1] in PAGE_SUFFIXES and not (corpus.root / source).is_dir():
            printable = source.isprintable()
            assert not printable or source in sources, f"{what} ({source}) was not scanned"
    for must_skip in ("bad/empty.html", "bad/noise.html", "bad/huge.html", "bad/loop.html"):
        assert must_skip in skips, must_skip
    deep = "bad/deep/" + "d/" * DEEP_FOLDERS + "deep"
    for must_load in (
        deep,
        *("bad/huge-word", "bad/many-words", "bad/utf16-bom", "bad/utf32", "bad/rot13"),
        *("bad/undefined", "bad/utf16le-nobom", "bad/utf16be-nobom", "bad/contacts"),
    ):
        assert must_load in titles, must_load
    assert f"{len(skips)} skipped" in out.splitlines()[0]
    assert not unsafe_chars(out) and not unsafe_chars(err)


def test_installed_command_indexes_the_corpus_within_bounds(corpus: Corpus, tmp_path: Path) -> None:
    """The console script in a subprocess: exit 0, skips listed, bounded time and memory."""
    script = console_script()
    if script is None:
        pytest.skip("the enews-tui console script is not installed")
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    peak_file = tmp_path / "peak"
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", PEAK_OF_COMMAND, str(peak_file), script, "index", "--archive"]
        + [str(corpus.root)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    seconds = time.monotonic() - start
    peak = int(peak_file.read_text())
    assert done.returncode == 0, done.stderr[-2000:]
    print(f"\nenews-tui index over {len(_page_sources(corpus))} files: {seconds:.1f} s")
    assert seconds < 120 and peak < PEAK_MB, (seconds, peak)
    skips = _skips(done.stdout)
    assert {"bad/empty.html", "bad/huge.html", "bad/fifo.html", "bad/nuls.txt"} <= set(skips)
    assert not unsafe_chars(done.stdout) and not unsafe_chars(done.stderr)
    again = subprocess.run(
        [script, "list", "--archive", str(corpus.root)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    for good in corpus.good:
        assert f"{good.title}  [{good.id}]" in again.stdout
    assert not unsafe_chars(again.stdout)


async def test_the_app_loads_the_good_stories_beside_the_bad(
    corpus: Corpus, tmp_path: Path
) -> None:
    """The reader over the corpus: every good story listed, the skips counted, nothing crashes."""
    from enews_tui.index import open_index
    from enews_tui.tui.app import EnewsApp
    from enews_tui.tui.widgets.story_list import StoryList

    archive = Archive(corpus.root)
    with open_index(archive, tmp_path / "cache") as index:
        app = EnewsApp(archive, index)
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            for _ in range(300):
                await pilot.pause(0.05)
                if index.count() and not app.screen.workers:
                    break
            await app.screen.workers.wait_for_complete()
            await pilot.pause()
            listed = {row.id for row in app.screen.query_one(StoryList).rows}
            assert corpus.good_ids <= listed
            status = str(app.screen.query_one("#refresh-status").render())
            assert "pages skipped" in status
            await pilot.press("enter")
            await app.screen.workers.wait_for_complete()
            await pilot.pause()
            assert app.is_running


def _tree(root: Path) -> dict[str, tuple[int, int, int, str]]:
    """Every entry under `root` (links not followed): mode, size, mtime and a content digest."""
    import hashlib
    import stat

    found = {}
    stack = [root]
    while stack:  # not os.walk: the corpus nests folders deeper than its recursion allows
        path = stack.pop()
        st = path.lstat()
        digest = ""
        if stat.S_ISREG(st.st_mode):
            digest = hashlib.sha1(path.read_bytes()).hexdigest()
        elif stat.S_ISDIR(st.st_mode):
            stack.extend(path.iterdir())
        found[str(path)] = (st.st_mode, st.st_size, st.st_mtime_ns, digest)
    return found


async def test_the_archive_folder_is_never_written(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every command and the reader (open, copy) leave the archive byte for byte as it was."""
    from enews_tui.index import open_index
    from enews_tui.tui.app import EnewsApp

    corpus.plant_vanishing()
    before = _tree(corpus.root)
    where = ["--archive", str(corpus.root)]
    for args in (["index"], ["index", "--rebuild"], ["list"], ["contacts", "--json"]):
        assert main([*args, *where]) == 0
    assert main(["show", corpus.good[0].id, *where]) == 0
    assert main(["search", "story", *where]) == 0
    capsys.readouterr()
    archive = Archive(corpus.root)
    with open_index(archive) as index:
        app = EnewsApp(archive, index)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.screen.workers.wait_for_complete()
            await pilot.press("enter")
            await app.screen.workers.wait_for_complete()
            await pilot.press("C")
            await app.screen.workers.wait_for_complete()
            await pilot.pause()
    assert _tree(corpus.root) == before


async def test_the_longest_story_opens_in_seconds(corpus: Corpus, tmp_path: Path) -> None:
    """A story of 20,000 paragraphs opens, and n walks its marks, within generous bounds
    (one widget per paragraph froze the app for half a minute)."""
    from enews_tui.index import open_index
    from enews_tui.tui.app import EnewsApp
    from enews_tui.tui.widgets.reader import Reader

    archive = Archive(corpus.root)
    with open_index(archive, tmp_path / "cache") as index:
        index.refresh()
        story = index.story("bad/many-paragraphs")
        assert story is not None
        app = EnewsApp(archive, index, refresh_on_mount=False)
        async with app.run_test(size=(120, 40)) as pilot:
            reader = app.screen.query_one(Reader)
            for _ in range(200):  # the list's first story lands in the reader first (preview)
                await app.screen.workers.wait_for_complete()
                await pilot.pause(0.05)
                if reader.story is not None:
                    break
            start = time.monotonic()
            reader.show_story(story, [], ("paragraph",))
            await pilot.pause()
            opened = time.monotonic() - start
            reader.focus()
            start = time.monotonic()
            await pilot.press("n", "n", "N")
            await pilot.pause()
            walked = time.monotonic() - start
            print(f"\n{reader.hit_count} marks: opened in {opened:.1f} s, n n N in {walked:.1f} s")
            assert reader.hit_count > 10_000
            assert opened < PAGE_SECONDS and walked < PAGE_SECONDS
            assert len(reader.children) < 1000
