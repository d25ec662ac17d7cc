"""Where an archive's files are: the folder scan, story ids, reading bytes, the bundled archive."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from enews_tui.model import ArchiveError, PageError

#: The page types an archive holds; anything else in the folder is ignored.
PAGE_SUFFIXES = frozenset({".html", ".htm", ".txt", ".shtml", ".xhtml"})
#: A page larger than this is skipped unread: no real story page comes near it.
MAX_PAGE_BYTES = 8 * 1024 * 1024
ENV_ARCHIVE = "ENEWS_TUI_ARCHIVE"
#: The size recorded for a name that cannot even be stat'ed (a broken link, a link loop).
_UNREADABLE = -1


@dataclass(frozen=True)
class ArchiveFile:
    """One page file found by a scan, with the stat data that decides whether it changed."""

    id: str
    source: str
    path: str  # a plain string: a scan makes one per file, and only `read` opens it
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class Archive:
    """A folder of saved pages, searched recursively."""

    root: Path

    @classmethod
    def bundled(cls) -> Archive:
        """The archive shipped inside the package (or beside it, in a source checkout)."""
        packaged = resources.files("enews_tui") / "_archive"
        if packaged.is_dir():
            return cls(Path(str(packaged)))
        return cls(Path(__file__).resolve().parent.parent / "archive")

    @classmethod
    def choose(cls, path: str | os.PathLike[str] | None = None) -> Archive:
        """`--archive PATH`, else `$ENEWS_TUI_ARCHIVE`, else the bundled archive."""
        chosen = path if path is not None else os.environ.get(ENV_ARCHIVE) or None
        return cls(Path(chosen).expanduser()) if chosen is not None else cls.bundled()

    @property
    def key(self) -> str:
        """The resolved path, which names this archive's index."""
        return str(self.root.resolve())

    def check(self) -> None:
        """Raise `ArchiveError` with a one-line message unless the root is a readable folder."""
        if not self.root.exists():
            raise ArchiveError(f"archive not found: {self.root}")
        if not self.root.is_dir():
            raise ArchiveError(f"archive is not a folder: {self.root}")
        if not os.access(self.root, os.R_OK | os.X_OK):
            raise ArchiveError(f"archive is not readable: {self.root}")

    def scan(self) -> list[ArchiveFile]:
        """Every page file below the root, sorted by path, with unique ids."""
        self.check()
        found = sorted(self._walk(), key=lambda item: item[0])
        files: list[ArchiveFile] = []
        taken: set[str] = set()
        for rel, path, size, mtime_ns in found:
            stem, suffix = os.path.splitext(rel)
            story_id = stem if stem not in taken else rel
            n = 2
            while story_id in taken:  # both stem and stem+ext taken: number it
                story_id = f"{rel}~{n}"
                n += 1
            taken.add(story_id)
            files.append(ArchiveFile(story_id, rel, path, size, mtime_ns))
        return files

    def _walk(self) -> Iterator[tuple[str, str, int, int]]:
        """(relative path, path, size, mtime_ns) of each page file; links to folders not followed.

        Plain strings and the folder listing's own entries: a Path and a separate stat per file
        were most of the time a refresh with nothing changed took."""
        root = str(self.root)
        skip = len(os.path.join(root, ""))
        for entries in _folders(root):
            for entry in entries:
                if os.path.splitext(entry.name)[1].lower() not in PAGE_SUFFIXES:
                    continue
                try:
                    st = entry.stat()
                    size, mtime_ns = st.st_size, st.st_mtime_ns
                except OSError:
                    # A dangling link or a link loop: listed, so that reading it reports why.
                    size, mtime_ns = _UNREADABLE, 0
                rel = entry.path[skip:]
                if os.sep != "/":
                    rel = rel.replace(os.sep, "/")
                yield _printable(rel), entry.path, size, mtime_ns

    def read(self, file: ArchiveFile) -> bytes:
        """The page's bytes; `PageError` with a one-line reason when it cannot be read."""
        if file.size == _UNREADABLE:
            raise PageError("broken link or link loop")
        try:
            # Non-blocking open: a named pipe must not hang the scan; only regular files are read.
            fd = os.open(file.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            with open(fd, "rb") as fh:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    raise IsADirectoryError
                raw = fh.read(MAX_PAGE_BYTES + 1)
        except FileNotFoundError:
            raise PageError("file vanished before it could be read") from None
        except IsADirectoryError:
            raise PageError("not a file") from None
        except OSError as exc:
            raise PageError(f"cannot read: {exc.strerror or exc}") from None
        if len(raw) > MAX_PAGE_BYTES:
            raise PageError(f"too large (over {MAX_PAGE_BYTES // (1024 * 1024)} MiB)")
        return raw


def _printable(rel: str) -> str:
    """A relative path as printable text: odd bytes and control characters as `\\xNN`."""
    # It becomes the story id, which is printed, stored as UTF-8 and typed back by the user.
    text = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() else (f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}")
        for c in text
    )


def _folders(root: str) -> Iterator[list[os.DirEntry[str]]]:
    """The non-folder entries of each folder below `root`, like `os.walk` but without
    recursion, so folders nested thousands deep cannot exhaust the stack; links to folders are
    not followed."""
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as entries:
                found = sorted(entries, key=lambda e: e.name)
        except OSError:
            continue  # unreadable, vanished or a path too long: nothing to list there
        files: list[os.DirEntry[str]] = []
        below: list[str] = []
        for entry in found:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                files.append(entry)
            elif not entry.is_symlink():
                below.append(entry.path)
        yield files
        stack.extend(reversed(below))
