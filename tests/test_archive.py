"""Finding an archive's pages: ids, the bundled archive, and files that cannot be read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from enews_tui.archive import MAX_PAGE_BYTES, Archive
from enews_tui.model import ArchiveError, PageError
from tests.support import SEED_ID


def _touch(root: Path, rel: str, data: bytes = b"x") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def test_bundled_archive_holds_the_seed() -> None:
    """With no path and no environment variable, the bundled archive is read."""
    files = Archive.choose(None).scan()
    assert [f.id for f in files] == [SEED_ID]


def test_environment_variable_chooses_the_archive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ENEWS_TUI_ARCHIVE` is used when no `--archive` is given; `--archive` wins over it."""
    monkeypatch.setenv("ENEWS_TUI_ARCHIVE", str(tmp_path))
    assert Archive.choose(None).root == tmp_path
    assert Archive.choose("/elsewhere").root == Path("/elsewhere")


def test_ids_are_relative_paths_without_extension(tmp_path: Path) -> None:
    """Nested folders keep `/` separators; only page files count."""
    _touch(tmp_path, "2008/07/one.html")
    _touch(tmp_path, "two.TXT")
    _touch(tmp_path, "notes.pdf")
    _touch(tmp_path, "image.gif")
    assert [(f.id, f.source) for f in Archive(tmp_path).scan()] == [
        ("2008/07/one", "2008/07/one.html"),
        ("two", "two.TXT"),
    ]


def test_clashing_ids_get_their_extension_back(tmp_path: Path) -> None:
    """`a.htm` and `a.html` would both be `a`: the later one keeps its extension."""
    _touch(tmp_path, "a.htm")
    _touch(tmp_path, "a.html")
    _touch(tmp_path, "a.txt")
    assert [f.id for f in Archive(tmp_path).scan()] == ["a", "a.html", "a.txt"]


def test_a_folder_named_like_a_page_is_not_a_page(tmp_path: Path) -> None:
    """A directory called `x.html` is walked into, not read."""
    _touch(tmp_path, "x.html/inner.html")
    assert [f.id for f in Archive(tmp_path).scan()] == ["x.html/inner"]


def test_symlink_loop_does_not_hang_the_scan(tmp_path: Path) -> None:
    """A link to its own folder is not followed; a link to itself reads as an error."""
    _touch(tmp_path, "real.html")
    os.symlink(tmp_path, tmp_path / "loop")
    os.symlink(tmp_path / "self.html", tmp_path / "self.html")
    archive = Archive(tmp_path)
    real, loop = archive.scan()
    assert (real.id, loop.id) == ("real", "self")
    with pytest.raises(PageError, match="link loop"):
        archive.read(loop)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing", "archive not found"),
        (lambda p: (p / "file.txt").write_text("x") and p / "file.txt", "not a folder"),
    ],
)
def test_missing_archive_is_a_one_line_error(tmp_path: Path, make: object, message: str) -> None:
    """A missing archive or a file in its place raises ArchiveError naming the path."""
    root = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(ArchiveError, match=message):
        Archive(root).scan()


def test_read_reports_vanished_and_oversized_files(tmp_path: Path) -> None:
    """A file gone since the scan, or too large, is a PageError with a reason."""
    _touch(tmp_path, "gone.html")
    _touch(tmp_path, "huge.html", b"a" * (MAX_PAGE_BYTES + 1))
    archive = Archive(tmp_path)
    gone, huge = archive.scan()
    (tmp_path / "gone.html").unlink()
    with pytest.raises(PageError, match="vanished"):
        archive.read(gone)
    with pytest.raises(PageError, match="too large"):
        archive.read(huge)
