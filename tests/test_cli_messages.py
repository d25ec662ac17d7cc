"""The command line's small messages: an empty archive, one match, where a bad path came from,
and a story id given with its file's extension."""

from __future__ import annotations

from pathlib import Path

import pytest

from enews_tui.cli import main
from tests.support import SEED_ID


def test_an_empty_archive_says_so_on_stderr_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["list", "--archive", str(empty)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert f"no stories in this archive: {empty}" in err


def test_one_match_is_one_story_matches(
    seed_archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "arthroscopic", "--archive", str(seed_archive)]) == 0
    assert capsys.readouterr().out.startswith("1 story matches\n")
    assert main(["search", "zzqqxx", "--archive", str(seed_archive)]) == 0
    assert capsys.readouterr().out.startswith("0 stories match\n")


def test_a_bad_archive_from_the_environment_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENEWS_TUI_ARCHIVE", "/nope")
    assert main(["list"]) == 2
    err = capsys.readouterr().err
    assert "/nope" in err and "ENEWS_TUI_ARCHIVE" in err
    assert len(err.strip().splitlines()) == 1
    assert main(["list", "--archive", "/nope"]) == 2  # given on the command line: no variable
    assert "ENEWS_TUI_ARCHIVE" not in capsys.readouterr().err


def test_show_accepts_the_id_with_its_file_extension(
    seed_archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", f"{SEED_ID}.txt", "--archive", str(seed_archive)]) == 0
    assert capsys.readouterr().out.startswith("One Less Statistic\n")
    assert main(["show", "nothing-here.txt", "--archive", str(seed_archive)]) == 1
