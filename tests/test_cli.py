"""The headless commands through `main([...])`: index, list, show, search, contacts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from enews_tui.cli import main
from tests.support import REPO

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "index" / "archive"
STORY_IDS = {
    "2008/crew-charles",
    "2008/boathouse",
    "vaccine-trial",
    "vaccine-cattle",
    "seed",
}


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """A copy of the fixture archive: five stories, a month index and a binary file."""
    root = tmp_path / "archive"
    shutil.copytree(FIXTURES, root)
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of one command."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    """The JSON a `--json` command prints (and nothing else on stdout)."""
    code, out, _err = run(capsys, *argv, "--json")
    assert code == 0
    return json.loads(out)


def test_index_reports_indexed_unchanged_and_skipped(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`index`: counts on stdout, each skipped file with its reason; then nothing to do."""
    code, out, err = run(capsys, "index", "--archive", str(archive))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "5 indexed, 0 unchanged, 0 removed, 2 skipped"
    assert any(line.startswith("skipped archives-2008.txt: ") for line in lines)
    assert any(line.startswith("skipped broken.txt: ") for line in lines)
    code, out, _ = run(capsys, "index", "--archive", str(archive))
    assert out.splitlines()[0] == "0 indexed, 5 unchanged, 0 removed, 2 skipped"
    (archive / "vaccine-cattle.txt").unlink()
    code, out, _ = run(capsys, "index", "--rebuild", "--archive", str(archive))
    assert code == 0
    assert out.splitlines()[0] == "4 indexed, 0 unchanged, 1 removed, 2 skipped"


def test_list_json_newest_first(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`list --json`: every story with the documented keys, newest first."""
    rows = run_json(capsys, "list", "--archive", str(archive))
    assert {r["id"] for r in rows} == STORY_IDS
    assert set(rows[0]) == {
        "id",
        "title",
        "date",
        "dateline",
        "source",
        "read",
        "starred",
        "note",
    }
    assert (rows[0]["read"], rows[0]["starred"], rows[0]["note"]) == (False, False, None)
    assert [r["date"] for r in rows] == sorted((r["date"] for r in rows), reverse=True)
    assert rows[0]["id"] == "vaccine-cattle"


def test_list_plain(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`list`: one line per story, date, title and id."""
    code, out, _ = run(capsys, "list", "--archive", str(archive))
    assert code == 0
    assert out.splitlines()[0] == (
        "2010-06-01  Veterinary School Tests a Cattle Vaccine  [vaccine-cattle]"
    )


def test_show_json_carries_related_stories(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`show ID --json`: the story in the documented shape, its related stories the rowing one."""
    story = run_json(capsys, "show", "2008/crew-charles", "--archive", str(archive))
    assert set(story) == {
        "id",
        "source",
        "url",
        "title",
        "teaser",
        "date",
        "dateline",
        "byline",
        "sections",
        "contacts",
        "related",
        "archived",
        "read",
        "starred",
        "note",
    }
    assert story["archived"] is None  # a saved page has no capture
    assert (story["read"], story["starred"], story["note"]) == (False, False, None)
    assert story["title"] == "Crew Rows to Victory on the Charles"
    assert story["date"] == "2008-10-20"
    assert story["related"][0] == {
        "id": "2008/boathouse",
        "title": "A New Boathouse for the Rowing Team",
    }
    assert "2008/crew-charles" not in {r["id"] for r in story["related"]}


def test_show_plain_and_missing_id(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`show`: the story as text; an unknown id is exit 1 with one line on stderr."""
    code, out, _ = run(capsys, "show", "seed", "--archive", str(archive))
    assert code == 0 and out.startswith("One Less Statistic\n")
    code, out, err = run(capsys, "show", "nope", "--archive", str(archive))
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "nope" in err


def test_search_json(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`search --json`: hits with snippets whose spans mark the matched words."""
    result = run_json(capsys, "search", "counseling", "--archive", str(archive))
    assert set(result) == {"query", "total", "suggestion", "hits"}
    assert result["total"] == 2
    assert {h["id"] for h in result["hits"]} == {"vaccine-trial", "seed"}
    for hit in result["hits"]:
        assert set(hit) == {"id", "title", "date", "score", "snippet", "spans"}
        marked = {hit["snippet"][a:b].lower() for a, b in hit["spans"]}
        assert marked and marked <= {"counseling", "counseled", "counsel"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("rowing oarsmen", {"2008/crew-charles", "2008/boathouse"}),
        ('"mystic river"', {"2008/crew-charles", "2008/boathouse"}),
        ("vaccine NOT cattle", {"vaccine-trial"}),
        ("cattle OR regatta", {"vaccine-cattle", "2008/crew-charles", "2008/boathouse"}),
        ("author:doe", {"vaccine-trial", "vaccine-cattle"}),
        ("title:boathouse", {"2008/boathouse"}),
        ("dateline:grafton", {"vaccine-cattle"}),
        ("contact:thurler", {"2008/crew-charles", "2008/boathouse", "vaccine-trial", "seed"}),
        ("contact:617.627.4173", {"vaccine-cattle", "seed"}),
        ("immun*", {"vaccine-trial", "vaccine-cattle"}),
        ("vacine~", {"vaccine-trial", "vaccine-cattle"}),
        ("date:2008", {"2008/crew-charles", "seed"}),
        ("date:[2007 to 2008]", {"2008/crew-charles", "2008/boathouse", "seed"}),
        ("date:>2008", {"vaccine-trial", "vaccine-cattle"}),
        ("mentor", {"seed"}),
    ],
)
def test_search_query_forms(
    archive: Path, capsys: pytest.CaptureFixture[str], query: str, expected: set[str]
) -> None:
    """Every query form through the command line."""
    result = run_json(capsys, "search", query, "--archive", str(archive))
    assert {h["id"] for h in result["hits"]} == expected


def test_search_sort_limit_and_plain_output(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--sort date puts the newest first; --limit caps the hits; plain output is readable."""
    result = run_json(
        capsys, "search", "vaccine OR rowing", "--sort", "date", "--archive", str(archive)
    )
    dates = [h["date"] for h in result["hits"]]
    assert dates == sorted(dates, reverse=True)
    result = run_json(capsys, "search", "vaccine", "--limit", "1", "--archive", str(archive))
    assert (len(result["hits"]), result["total"]) == (1, 2)
    code, out, _ = run(capsys, "search", "vaccine", "--limit", "1", "--archive", str(archive))
    assert code == 0 and out.startswith("2 stories match (showing 1)\n")


def test_search_suggestion(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No hits: a corrected query."""
    result = run_json(capsys, "search", "mentr", "--archive", str(archive))
    assert (result["total"], result["suggestion"]) == (0, "mentor")
    code, out, _ = run(capsys, "search", "mentr", "--archive", str(archive))
    assert "Did you mean: mentor" in out


@pytest.mark.parametrize("query", ['"open phrase', "(vaccine", "nosuchfield:x", "date:[2008 to"])
def test_bad_query_is_exit_2_with_one_line(
    archive: Path, capsys: pytest.CaptureFixture[str], query: str
) -> None:
    """A malformed query: exit 2, one line on stderr, nothing on stdout, no traceback."""
    code, out, err = run(capsys, "search", query, "--archive", str(archive), "--json")
    assert (code, out) == (2, "")
    assert err.startswith("enews-tui: bad query: ") and err.count("\n") == 1


def test_contacts_are_merged(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`contacts --json`: Kim Thurler once, with every story that prints her."""
    entries = run_json(capsys, "contacts", "--archive", str(archive))
    thurler = [e for e in entries if e["name"] == "Kim Thurler"]
    assert len(thurler) == 1
    assert set(thurler[0]["stories"]) == {
        "2008/crew-charles",
        "2008/boathouse",
        "vaccine-trial",
        "seed",
    }
    assert thurler[0]["phone"] == "617.627.3175"
    assert set(entries[0]) == {"name", "organization", "phone", "fax", "email", "groups", "stories"}
    code, out, _ = run(capsys, "contacts", "--archive", str(archive))
    assert "Kim Thurler T: 617.627.3175 F: 617.627.4907  [4 stories]" in out


def test_unwritable_cache_still_answers(
    archive: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The cache folder cannot be created: a temporary index and a notice on stderr."""
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))
    code, out, err = run(capsys, "list", "--archive", str(archive))
    assert code == 0 and len(out.splitlines()) == 5
    assert "temporary index" in err


def test_headless_commands_do_not_import_textual(archive: Path) -> None:
    """`list` never loads Textual."""
    code = (
        "import sys; from enews_tui import cli; "
        f"assert cli.main(['list', '--archive', {str(archive)!r}]) == 0; "
        "assert 'textual' not in sys.modules, 'textual imported'"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
