"""The reader's library: read state, stars and notes per story, kept in SQLite in the data folder.

Keyed by archive and story id, never stored in the index: rebuilding, refreshing or re-fetching
an archive leaves it as it was. Every change is one transaction in a WAL database with full
syncs, so a kill at any moment keeps every change that was reported saved, and never leaves half
of one (SQLite rolls an unfinished transaction back when the file is next opened).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from enews_tui import paths
from enews_tui.archive import Archive
from enews_tui.model import LibraryError, Mark
from enews_tui.text import one_line, sanitize

#: A note longer than this is cut: a note is a few lines, not a copy of the story.
MAX_NOTE_CHARS = 20_000
#: How long a write waits for another process's write to finish (milliseconds).
BUSY_TIMEOUT_MS = 5_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS marks (
    archive TEXT NOT NULL,      -- which archive (see archive_key)
    story TEXT NOT NULL,        -- the story id inside it
    read_at TEXT,               -- ISO UTC time it was marked read; NULL: unread
    starred_at TEXT,            -- ISO UTC time it was starred; NULL: no star
    note TEXT,                  -- the reader's note; NULL: none
    note_at TEXT,               -- ISO UTC time the note was last saved
    PRIMARY KEY (archive, story)
) WITHOUT ROWID;
"""
_COLUMNS = "story, read_at, starred_at, note, note_at"


def archive_key(archive: Archive) -> str:
    """What names an archive in the library: `bundled` for the archive shipped with the package
    (its path changes with every reinstall), else the archive's resolved path."""
    try:
        if archive.root.resolve() == Archive.bundled().root.resolve():
            return "bundled"
    except OSError:
        pass
    return archive.key


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def _mark(row: tuple[str, str | None, str | None, str | None, str | None]) -> Mark:
    story, read_at, starred_at, note, note_at = row
    return Mark(story, _time(read_at), _time(starred_at), note, _time(note_at))


def clean_note(text: str | None) -> str | None:
    """A note as it is kept: control characters removed, trailing space trimmed, capped; None
    when nothing is left."""
    if text is None:
        return None
    text = sanitize(text).rstrip()[:MAX_NOTE_CHARS]
    return text if text.strip() else None


class Library:
    """One archive's marks in the library file; every method is thread-safe."""

    def __init__(self, path: Path | None, archive: str) -> None:
        """Open (creating) the library at `path` (None: in memory) for archive key `archive`;
        LibraryError with one line when the file cannot be opened or is not a library."""
        self.archive = archive
        self.path = path
        self._lock = threading.Lock()
        try:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                ":memory:" if path is None else str(path),
                isolation_level=None,  # transactions are explicit: BEGIN IMMEDIATE ... COMMIT
                check_same_thread=False,
                timeout=BUSY_TIMEOUT_MS / 1000,
            )
        except (OSError, sqlite3.Error) as exc:
            raise LibraryError(f"cannot open the library {path}: {one_line(exc)}") from None
        try:
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._db.execute("PRAGMA journal_mode = WAL")
            # FULL: a commit is on disk when it returns (NORMAL could lose the last ones to a
            # power cut; a kill loses nothing either way).
            self._db.execute("PRAGMA synchronous = FULL")
            with self._write():
                self._db.execute(_SCHEMA)
        except sqlite3.Error as exc:
            self._db.close()
            raise LibraryError(f"cannot read the library {path}: {one_line(exc)}") from None

    def __enter__(self) -> Library:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the file (every change is already committed)."""
        with self._lock:
            self._db.close()

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One transaction: all of it is saved, or (on an error or a kill) none of it."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _change(self, sql: str, rows: Iterable[tuple[object, ...]]) -> None:
        """Run `sql` over `rows` in one transaction, then drop rows left with no mark at all."""
        with self._lock:
            try:
                with self._write():
                    self._db.executemany(sql, rows)
                    self._db.execute(
                        "DELETE FROM marks WHERE archive = ? AND read_at IS NULL "
                        "AND starred_at IS NULL AND note IS NULL",
                        (self.archive,),
                    )
            except sqlite3.Error as exc:
                raise LibraryError(f"cannot save to the library: {one_line(exc)}") from None

    def _upsert(self, column: str, values: Iterable[tuple[str, object]]) -> None:
        """Set `column` (and nothing else) for each (story, value)."""
        sql = (
            f"INSERT INTO marks (archive, story, {column}) VALUES (?, ?, ?) "
            f"ON CONFLICT (archive, story) DO UPDATE SET {column} = excluded.{column}"
        )
        self._change(sql, ((self.archive, story, value) for story, value in values))

    def set_read(self, story_ids: Iterable[str], read: bool = True) -> None:
        """Mark stories read (now) or unread; a story already read keeps its first read time."""
        if read:
            sql = (
                "INSERT INTO marks (archive, story, read_at) VALUES (?, ?, ?) "
                "ON CONFLICT (archive, story) DO UPDATE SET "
                "read_at = coalesce(marks.read_at, excluded.read_at)"
            )
            now = _now()
            self._change(sql, ((self.archive, s, now) for s in story_ids))
        else:
            self._upsert("read_at", ((s, None) for s in story_ids))

    def set_starred(self, story_id: str, starred: bool = True) -> None:
        """Star a story (now) or take its star away."""
        self._upsert("starred_at", [(story_id, _now() if starred else None)])

    def set_note(self, story_id: str, text: str | None) -> str | None:
        """Save a story's note (a blank one removes it); returns the note as kept."""
        note = clean_note(text)
        sql = (
            "INSERT INTO marks (archive, story, note, note_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (archive, story) DO UPDATE SET note = excluded.note, "
            "note_at = excluded.note_at"
        )
        self._change(sql, [(self.archive, story_id, note, _now() if note else None)])
        return note

    def _select(self, where: str = "", params: tuple[object, ...] = ()) -> list[Mark]:
        with self._lock:
            try:
                rows = self._db.execute(
                    f"SELECT {_COLUMNS} FROM marks WHERE archive = ? {where}",
                    (self.archive, *params),
                ).fetchall()
            except sqlite3.Error as exc:
                raise LibraryError(f"cannot read the library: {one_line(exc)}") from None
        return [_mark(row) for row in rows]

    def mark(self, story_id: str) -> Mark:
        """The marks of one story (all unset when it has none)."""
        found = self._select("AND story = ?", (story_id,))
        return found[0] if found else Mark(story_id)

    def marks(self) -> dict[str, Mark]:
        """Every marked story of this archive, by id."""
        return {m.story_id: m for m in self._select()}

    def starred(self) -> list[str]:
        """The starred stories, the most recently starred first."""
        found = self._select("AND starred_at IS NOT NULL ORDER BY starred_at DESC, story")
        return [m.story_id for m in found]

    def read_ids(self) -> set[str]:
        """The stories marked read."""
        return {m.story_id for m in self._select("AND read_at IS NOT NULL")}

    def noted(self) -> dict[str, str]:
        """Story id -> note, for every story with a note."""
        return {m.story_id: m.note for m in self._select("AND note IS NOT NULL") if m.note}


def open_library(archive: Archive, path: Path | None = None) -> Library:
    """The library for `archive` (default file: `paths.library_path()`); LibraryError when it
    cannot be opened."""
    return Library(path if path is not None else paths.library_path(), archive_key(archive))


def open_or_memory(archive: Archive, path: Path | None = None) -> tuple[Library, str | None]:
    """The library, or (when the file cannot be opened) one in memory and the notice saying so:
    the reader still works, and the file on disk is left untouched."""
    try:
        return open_library(archive, path), None
    except LibraryError as exc:
        notice = f"{one_line(exc)}; marks made now will not be kept"
        return Library(None, archive_key(archive)), notice
