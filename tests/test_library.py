"""The reader's library: marks kept across reopening, kills and index rebuilds; its query terms."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from enews_tui import libsearch, paths
from enews_tui.archive import Archive
from enews_tui.index import open_index
from enews_tui.library import MAX_NOTE_CHARS, Library, archive_key, open_library, open_or_memory
from enews_tui.model import LibraryError, QueryError
from tests.support import REPO

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "index" / "archive"


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    """A copy of the fixture archive (five stories)."""
    root = tmp_path / "archive"
    shutil.copytree(FIXTURES, root)
    return Archive(root)


def test_marks_are_kept_with_their_times(tmp_path: Path) -> None:
    """Read, star and note, closed and opened again: all there, each with the time it was set;
    undoing them leaves no row behind."""
    path = tmp_path / "lib.sqlite"
    with Library(path, "a") as lib:
        lib.set_read(["s1", "s2"])
        lib.set_starred("s1")
        assert lib.set_note("s2", "Call back\nabout the budget  ") == "Call back\nabout the budget"
    with Library(path, "a") as lib:
        marks = lib.marks()
        assert set(marks) == {"s1", "s2"}
        assert marks["s1"].read and marks["s1"].starred and marks["s1"].note is None
        assert marks["s2"].note == "Call back\nabout the budget" and not marks["s2"].starred
        first_read = marks["s1"].read_at
        assert first_read is not None and marks["s2"].note_at is not None
        time.sleep(1.1)
        lib.set_read(["s1"])  # read again: the first read time stays
        assert lib.mark("s1").read_at == first_read
        lib.set_read(["s1", "s2"], False)
        lib.set_starred("s1", False)
        lib.set_note("s2", "   ")
        assert lib.marks() == {}
        assert lib.mark("s1").read is False


def test_archives_do_not_share_marks(tmp_path: Path) -> None:
    """Two archives with the same story id: a star on one is not on the other."""
    path = tmp_path / "lib.sqlite"
    with Library(path, "one") as one, Library(path, "two") as two:
        one.set_starred("seed")
        assert one.starred() == ["seed"] and two.starred() == []


def test_notes_are_cleaned_and_capped(tmp_path: Path) -> None:
    """A note keeps its lines and tabs but no escape sequence, and is cut at the cap."""
    with Library(tmp_path / "lib.sqlite", "a") as lib:
        assert (
            lib.set_note("s", "line one\n\tline \x1b]52;c;SGk=\x07two\x00")
            == "line one\n\tline two"
        )
        assert len(lib.set_note("s", "x" * (MAX_NOTE_CHARS + 50)) or "") == MAX_NOTE_CHARS


def test_bundled_archive_key_survives_a_reinstall() -> None:
    """The bundled archive is named `bundled`, not by the path it is installed at."""
    assert archive_key(Archive.bundled()) == "bundled"
    assert archive_key(Archive(FIXTURES)) == str(FIXTURES.resolve())


def test_a_file_that_is_not_a_library_is_one_line_and_left_alone(tmp_path: Path) -> None:
    """A corrupt library file: LibraryError in one line; the fallback works in memory and the
    file is not touched."""
    path = tmp_path / "lib.sqlite"
    path.write_bytes(b"this is not a database, but someone's file" * 100)
    before = path.read_bytes()
    with pytest.raises(LibraryError) as caught:
        Library(path, "a")
    assert "\n" not in str(caught.value)
    lib, notice = open_or_memory(Archive(tmp_path), path)
    assert notice is not None and "will not be kept" in notice
    lib.set_starred("s")
    assert lib.starred() == ["s"]
    lib.close()
    assert path.read_bytes() == before


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from enews_tui.library import Library

    lib = Library(Path(sys.argv[1]), "archive")
    i = 0
    while True:
        lib.set_note(f"story-{i}", f"note {i} " + "words " * 200 + "end")
        lib.set_starred(f"story-{i}")
        print(i, flush=True)
        i += 1
    """
)


def test_a_kill_mid_write_loses_nothing_saved(tmp_path: Path) -> None:
    """A process writing notes and stars as fast as it can is SIGKILLed: every change it had
    reported saved is there, whole, and the database passes SQLite's integrity check."""
    path = tmp_path / "lib.sqlite"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert proc.stdout is not None
    reported = -1
    deadline = time.monotonic() + 60
    while reported < 40 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        reported = int(line)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert reported >= 40, "the writer did not get going"
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()
    with Library(path, "archive") as lib:
        noted = lib.noted()
        starred = set(lib.starred())
    for i in range(reported + 1):
        assert noted[f"story-{i}"] == f"note {i} " + "words " * 200 + "end"
        assert f"story-{i}" in starred
    for story, note in noted.items():  # the one being written when killed: whole or absent
        n = int(story.split("-")[1])
        assert note == f"note {n} " + "words " * 200 + "end"


def test_the_library_lives_in_the_data_folder_and_survives_a_rebuild(archive: Archive) -> None:
    """Marks are in the data folder, not the index: a rebuild, and even deleting the whole
    cache, keeps them, and `is:starred` finds the story again."""
    with open_index(archive) as index:
        index.refresh()
        with open_library(archive) as lib:
            lib.set_starred("vaccine-trial")
            lib.set_note("seed", "Ask about the M2M budget")
            lib.set_read(["seed"])
        index.refresh(rebuild=True)
    assert paths.library_path().is_file()
    assert paths.data_dir() in paths.library_path().parents
    shutil.rmtree(paths.cache_dir())
    with open_index(archive) as index, open_library(archive) as lib:
        index.refresh()
        found = libsearch.search(index, lib, "is:starred")
        assert [h.id for h in found.hits] == ["vaccine-trial"]
        assert [h.id for h in libsearch.search(index, lib, "note:budget").hits] == ["seed"]
        assert lib.mark("seed").read


def test_library_terms_combine_with_words_dates_and_negation(archive: Archive) -> None:
    """Each library term narrows the query; NOT or - turns it around; unread is every story
    not read; an empty rest lists what the terms keep, newest first."""
    with open_index(archive) as index, open_library(archive) as lib:
        index.refresh()
        lib.set_starred("vaccine-trial")
        lib.set_starred("2008/crew-charles")
        lib.set_read(["vaccine-cattle", "seed"])
        lib.set_note("2008/boathouse", "Funding for the new boathouse, ask Kim")

        def ids(query: str, **kw: object) -> list[str]:
            return sorted(h.id for h in libsearch.search(index, lib, query, **kw).hits)  # type: ignore[arg-type]

        assert ids("is:starred") == ["2008/crew-charles", "vaccine-trial"]
        assert ids("vaccine is:starred") == ["vaccine-trial"]
        assert ids("vaccine AND NOT is:starred") == ["vaccine-cattle"]
        assert ids("vaccine -is:starred") == ["vaccine-cattle"]
        assert ids("is:unread") == ["2008/boathouse", "2008/crew-charles", "vaccine-trial"]
        assert ids("is:read") == ["seed", "vaccine-cattle"]
        assert ids("is:starred date:2008") == ["2008/crew-charles"]
        assert ids("is:starred date:2008", sort="date") == ["2008/crew-charles"]
        assert ids("has:note") == ["2008/boathouse"]
        assert ids("note:fund") == ["2008/boathouse"]
        assert ids('note:"ask kim"') == ["2008/boathouse"]
        assert ids('note:"kim ask"') == []
        assert ids("is:unread NOT has:note is:starred") == ["2008/crew-charles", "vaccine-trial"]
        result = libsearch.search(index, lib, "is:starred", limit=1)
        assert result.total == 2 and len(result.hits) == 1 and result.query == "is:starred"
        assert result.hits[0].id == "vaccine-trial"  # newest first (2009 before 2008)
        unread = libsearch.search(index, lib, "is:unread", limit=1)
        assert unread.total == 3 and [h.id for h in unread.hits] == ["vaccine-trial"]
        with pytest.raises(QueryError):
            libsearch.search(index, lib, "is:flagged")


@pytest.mark.parametrize(
    ("query", "rest", "kinds"),
    [
        ("vaccine", "vaccine", []),
        ("is:starred", "", ["starred"]),
        ("vaccine AND is:starred", "vaccine", ["starred"]),
        ("is:starred AND vaccine", "vaccine", ["starred"]),
        ("NOT is:read date:2008", "date:2008", ["-read"]),
        ('"is:starred in a phrase" rowing', '"is:starred in a phrase" rowing', []),
        ('note:"two words" crew', "crew", ["note-word"]),
        ("(is:starred) OR crew", "crew", ["starred"]),
        ("this:starred", "this:starred", []),
    ],
)
def test_split_query(query: str, rest: str, kinds: list[str]) -> None:
    """Library terms come out of the query; what is left is a query the index reads."""
    got_rest, terms = libsearch.split_query(query)
    assert got_rest == rest
    assert [("-" if t.negated else "") + t.kind for t in terms] == kinds


@pytest.mark.parametrize("query", ["is:flagged", "has:", "has:star", "note:", 'note:""'])
def test_unknown_library_words_are_query_errors(query: str) -> None:
    """A library word the language does not have is one line saying what it knows."""
    with pytest.raises(QueryError) as caught:
        libsearch.split_query(query)
    assert "\n" not in str(caught.value)


def test_note_matches_word_starts_folding_case_and_accents() -> None:
    """`fund` finds Funding; `resume` finds Résumé; a word inside another does not match."""
    assert libsearch.note_matches("Funding for the boathouse", "fund")
    assert libsearch.note_matches("Send the Résumé", "resume")
    assert not libsearch.note_matches("refund", "fund")
    assert libsearch.note_matches("ask Kim about it", "ask kim")


def test_filters_follow_the_index_through_a_refresh(archive: Archive) -> None:
    """A starred story removed from the archive drops out of `is:starred`; put back, it is
    found again (the id-to-document cache belongs to one state of the index)."""
    page = archive.root / "vaccine-trial.txt"
    saved = page.read_bytes()
    with open_index(archive) as index, open_library(archive) as lib:
        index.refresh()
        lib.set_starred("vaccine-trial")
        assert [h.id for h in libsearch.search(index, lib, "vaccine is:starred").hits] == [
            "vaccine-trial"
        ]
        page.unlink()
        index.refresh()
        assert libsearch.search(index, lib, "vaccine is:starred").total == 0
        assert [h.id for h in libsearch.search(index, lib, "vaccine -is:starred").hits] == [
            "vaccine-cattle"
        ]
        page.write_bytes(saved)
        index.refresh()
        assert [h.id for h in libsearch.search(index, lib, "vaccine is:starred").hits] == [
            "vaccine-trial"
        ]
