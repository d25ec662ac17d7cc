"""Where an archive's pages are: the folder scan (saved pages and web-archive files), story ids,
reading bytes and provenance, the bundled archive."""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from enews_tui.archive import warc
from enews_tui.model import ArchiveError, PageError, Story
from enews_tui.text import one_line

#: The page types an archive holds; anything else in the folder is ignored.
PAGE_SUFFIXES = frozenset({".html", ".htm", ".txt", ".shtml", ".xhtml"})
#: A page larger than this is skipped unread: no real story page comes near it.
MAX_PAGE_BYTES = 8 * 1024 * 1024
ENV_ARCHIVE = "ENEWS_TUI_ARCHIVE"
#: The site `fetch` brings in by default, and whose fetched archive opens by default.
ENEWS_HOST = "enews.tufts.edu"
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
    #: For a page inside a web-archive file: which record, and its capture.
    record: warc.RecordRef | None = None


def with_provenance(story: Story, file: ArchiveFile) -> Story:
    """`story` with the original URL and capture of the web-archive record it was read from."""
    if file.record is None or file.record.problem is not None:
        return story
    return dataclasses.replace(story, url=file.record.url, archived=file.record.archived())


@dataclass(frozen=True)
class Archive:
    """A folder of saved pages and web-archive files, searched recursively, or one such file."""

    root: Path

    @classmethod
    def bundled(cls) -> Archive:
        """The archive shipped inside the package (or beside it, in a source checkout)."""
        packaged = resources.files("enews_tui") / "_archive"
        if packaged.is_dir():
            return cls(Path(str(packaged)))
        return cls(Path(__file__).resolve().parents[2] / "archive")

    @classmethod
    def choose(cls, path: str | os.PathLike[str] | None = None) -> Archive:
        """`--archive PATH`, else `$ENEWS_TUI_ARCHIVE`, else the fetched E-News archive when
        `fetch` has brought one in, else the bundled archive."""
        chosen = path if path is not None else os.environ.get(ENV_ARCHIVE) or None
        if chosen is not None:
            return cls(Path(chosen).expanduser())
        fetched = cls.fetched()
        return fetched if fetched is not None else cls.bundled()

    @classmethod
    def fetched(cls, host: str = ENEWS_HOST) -> Archive | None:
        """The archive `fetch` writes for `host`, if it holds any WARC file yet."""
        from enews_tui import paths

        folder = paths.archives_dir(host)
        return cls(folder) if cls.holds_web_archives(folder) else None

    @staticmethod
    def holds_web_archives(folder: Path) -> bool:
        """True when `folder` has a web-archive file at its top level."""
        try:
            with os.scandir(folder) as entries:
                return any(warc.is_web_archive(e.name) and e.is_file() for e in entries)
        except OSError:
            return False

    @property
    def is_bundled(self) -> bool:
        """True for the one-story archive shipped with the package."""
        return self.root.resolve() == Archive.bundled().root.resolve()

    @property
    def key(self) -> str:
        """The resolved path, which names this archive's index."""
        return str(self.root.resolve())

    def check(self) -> None:
        """Raise `ArchiveError` with a one-line message unless the root is a readable folder or
        web-archive file."""
        if not self.root.exists():
            raise ArchiveError(f"archive not found: {self.root}")
        if self.root.is_file() and warc.is_web_archive(self.root.name):
            if not os.access(self.root, os.R_OK):
                raise ArchiveError(f"archive is not readable: {self.root}")
            return
        if not self.root.is_dir():
            raise ArchiveError(
                f"archive is not a folder or a .warc, .warc.gz, .arc.gz or .wacz file: {self.root}"
            )
        if not os.access(self.root, os.R_OK | os.X_OK):
            raise ArchiveError(f"archive is not readable: {self.root}")

    def scan(self, cache: Path | None = None) -> list[ArchiveFile]:
        """Every page below the root, sorted by source, with unique ids: each saved page, and
        the latest HTML capture of each URL in the web-archive files (whose scans are kept in
        `cache`, so a file that has not changed is not read again).

        What a web-archive file holds that is not a page, or is damaged, comes as entries whose
        `read` raises `PageError` with the reason, so the index lists them as skipped."""
        self.check()
        found = sorted(self._walk(), key=lambda item: item[0])
        pages = [f for f in found if not warc.is_web_archive(f[0])]
        files: list[ArchiveFile] = []
        taken: set[str] = set()
        for rel, path, size, mtime_ns in pages:
            stem, suffix = os.path.splitext(rel)
            files.append(ArchiveFile(_unique(stem, rel, taken), rel, path, size, mtime_ns))
        webs = [f for f in found if warc.is_web_archive(f[0])]
        if webs:
            files += self._records(webs, taken, cache)
            files.sort(key=lambda f: f.source)
        return files

    def _records(
        self, webs: list[tuple[str, str, int, int]], taken: set[str], cache: Path | None
    ) -> list[ArchiveFile]:
        """The entries of the web-archive files: pages, then what was skipped and why."""
        scans = [warc.scan_file(path, size, mtime, cache) for _rel, path, size, mtime in webs]
        best, unresolved = warc.pick_pages(scans)
        files: list[ArchiveFile] = []
        for key in sorted(best):
            n, capture, payload = best[key]
            rel, path, _size, _mtime = webs[n]
            ref = warc.ref_for(capture, payload)
            story_id = _unique(_printable(key), "", taken)
            source = f"{rel}#{_printable(capture.url)}"
            files.append(ArchiveFile(story_id, source, path, ref.length, warc.state_of(ref), ref))
        problems: list[tuple[int, str, int, str]] = [
            (n, member, offset, reason)
            for n, scan in enumerate(scans)
            for member, offset, reason in scan.problems
        ]
        problems += [(n, c.member, c.offset, reason) for n, c, reason in unresolved]
        for n, member, offset, reason in problems:
            rel, path, size, mtime = webs[n]
            where = f"{rel}!{member}" if member else rel
            ref = warc.RecordRef(member, offset, 0, "", "", "", problem=reason)
            source = f"{where}@{offset}"
            files.append(ArchiveFile(source, source, path, size, mtime, ref))
        for n, scan in enumerate(scans):
            if scan.others:
                rel, path, size, mtime = webs[n]
                reason = warc.others_reason(scan.others)
                ref = warc.RecordRef("", 0, 0, "", "", "", problem=reason)
                files.append(ArchiveFile(rel, rel, path, size, mtime, ref))
        return files

    def _walk(self) -> Iterator[tuple[str, str, int, int]]:
        """(relative path, path, size, mtime_ns) of each page file; links to folders not followed.

        Plain strings and the folder listing's own entries: a Path and a separate stat per file
        were most of the time a refresh with nothing changed took."""
        root = str(self.root)
        if os.path.isfile(root):  # a single web-archive file
            st = os.stat(root)
            yield _printable(os.path.basename(root)), root, st.st_size, st.st_mtime_ns
            return
        skip = len(os.path.join(root, ""))
        for entries in _folders(root):
            for entry in entries:
                suffix = os.path.splitext(entry.name)[1].lower()
                if suffix not in PAGE_SUFFIXES and not warc.is_web_archive(entry.name):
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
        if file.record is not None:
            return warc.read_payload(file.path, file.record)
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
            raise PageError(f"cannot read: {exc.strerror or one_line(exc)}") from None
        if len(raw) > MAX_PAGE_BYTES:
            raise PageError(f"too large (over {MAX_PAGE_BYTES // (1024 * 1024)} MiB)")
        return raw


def _unique(stem: str, rel: str, taken: set[str]) -> str:
    """`stem` as an id, or (taken) `rel`, or (taken too) `rel~2`, `rel~3`, ...; now taken."""
    story_id = stem if stem not in taken else (rel or f"{stem}~2")
    n = 2
    while story_id in taken:  # both stem and stem+ext taken: number it
        story_id = f"{rel or stem}~{n}"
        n += 1
    taken.add(story_id)
    return story_id


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
