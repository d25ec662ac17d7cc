"""The SQLite sidecar: one row per story (what the list and the reader need), contacts, skips."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from enews_tui.index.engine.schema import story_text
from enews_tui.model import Contact, Story, StorySummary
from enews_tui.serialize import story_from_dict, story_to_dict

DB_NAME = "stories.sqlite"

#: The two covering indexes answer the list (`summaries`) and a refresh's stat comparison
#: (`file_states`) without reading the rows, whose stored story makes them large (a full table
#: scan of a large archive reads every stored story).
_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stories (
    id TEXT PRIMARY KEY, source TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    title TEXT NOT NULL, date TEXT, dateline TEXT, sortkey INTEGER NOT NULL, lead TEXT NOT NULL,
    data BLOB NOT NULL, text BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS stories_list ON stories (sortkey, id, title, date, dateline, source);
CREATE INDEX IF NOT EXISTS stories_files ON stories (source, id, size, mtime_ns);
CREATE TABLE IF NOT EXISTS skipped (
    source TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    reason TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS contacts (
    story_id TEXT NOT NULL, ord INTEGER NOT NULL, grp TEXT NOT NULL, name TEXT NOT NULL,
    organization TEXT, phone TEXT, fax TEXT, email TEXT);
CREATE INDEX IF NOT EXISTS contacts_story ON contacts (story_id);
CREATE TABLE IF NOT EXISTS pending (id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS words (word TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
"""


class FileState(NamedTuple):
    """What the index knows of one archive file: its story id (None when skipped) and stat
    (a tuple: a refresh builds one per file, and tuples are much cheaper to make)."""

    id: str | None
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class StoryRow:
    """One parsed story, ready for SQLite; built in the parsing process."""

    id: str
    source: str
    size: int
    mtime_ns: int
    title: str
    date: str | None
    dateline: str | None
    lead: str
    data: bytes
    text: bytes
    contacts: tuple[Contact, ...]

    def summary(self) -> StorySummary:
        """What a list row shows of this story."""
        return StorySummary(self.id, self.title, _date(self.date), self.dateline, self.source)


@dataclass(frozen=True)
class SkipRow:
    """A file that could not be indexed, remembered so an unchanged one is not parsed again."""

    source: str
    size: int
    mtime_ns: int
    reason: str


def make_row(story: Story, size: int, mtime_ns: int) -> StoryRow:
    """The SQLite row of `story` (JSON compressed: it is read back only for the reader)."""
    lead = story.teaser or next((p for s in story.sections for p in s.paragraphs), "")
    blob = zlib.compress(json.dumps(story_to_dict(story), ensure_ascii=False).encode(), 6)
    return StoryRow(
        id=story.id,
        source=story.source,
        size=size,
        mtime_ns=mtime_ns,
        title=story.title,
        date=story.date.isoformat() if story.date else None,
        dateline=story.dateline,
        lead=lead[:300],
        data=blob,
        text=zlib.compress(story_text(story).encode(), 1),
        contacts=story.contacts,
    )


def _sortkey(date: str | None) -> int:
    """Ascending order is newest first, undated last."""
    return -int(date.replace("-", "")) if date else 0


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


class Store:
    """A connection to one index's SQLite file."""

    def __init__(self, path: Path, *, create: bool = False) -> None:
        if not create and not path.is_file():
            raise FileNotFoundError(f"no {path.name}")
        self.path = path
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            if create:
                self.db.executescript(_TABLES)
            self.db.execute("SELECT count(*) FROM meta").fetchone()
        except sqlite3.OperationalError as exc:
            if create or "locked" in str(exc):  # a writer at work: not a snapshot to read
                raise
            # No room for the WAL's side files (a full disk): read the file as it stands, so
            # the stories stay readable; writing fails later, with a message.
            self.db.close()
            uri = f"{path.resolve().as_uri()}?immutable=1"
            self.db = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
            self.db.execute("SELECT count(*) FROM meta").fetchone()

    def close(self) -> None:
        """Close the connection (a WAL file is merged back on the last close)."""
        self.db.close()

    def get_meta(self, key: str) -> str | None:
        """A value from the meta table."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Set a value in the meta table."""
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def count(self) -> int:
        """How many stories."""
        return int(self.db.execute("SELECT count(*) FROM stories").fetchone()[0])

    def file_states(self) -> dict[str, FileState]:
        """Every file the index knows, indexed or skipped, by source."""
        states = {
            src: FileState(sid, size, mtime)
            for sid, src, size, mtime in self.db.execute(
                "SELECT id, source, size, mtime_ns FROM stories"
            )
        }
        for src, size, mtime in self.db.execute("SELECT source, size, mtime_ns FROM skipped"):
            states.setdefault(src, FileState(None, size, mtime))
        return states

    def skipped(self) -> list[tuple[str, str]]:
        """(source, reason) of every skipped file, by source."""
        rows = self.db.execute("SELECT source, reason FROM skipped ORDER BY source")
        return [(str(s), str(r)) for s, r in rows]

    def pending(self) -> set[str]:
        """Ids a refresh was writing when it stopped: their Whoosh documents are suspect."""
        return {str(r[0]) for r in self.db.execute("SELECT id FROM pending")}

    def mark_pending(self, ids: Iterable[str]) -> None:
        """Record the ids about to change in Whoosh (committed before Whoosh is touched)."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT OR IGNORE INTO pending VALUES (?)", ((i,) for i in ids))

    def apply(
        self,
        rows: Iterable[StoryRow],
        skips: Iterable[SkipRow],
        removed_sources: Iterable[str],
        removed_ids: Iterable[str],
        *,
        clear_pending: bool = True,
        fresh: bool = False,
    ) -> None:
        """Remove, then add, in one transaction (which clears the pending list when told to);
        `fresh`: a new database being filled, with nothing to replace."""
        db = self.db
        if fresh:
            self._insert(rows, skips)
            return
        with db:
            db.execute("BEGIN")
            for source in removed_sources:
                db.execute("DELETE FROM skipped WHERE source = ?", (source,))
                db.execute("DELETE FROM stories WHERE source = ?", (source,))
            for sid in removed_ids:
                db.execute("DELETE FROM stories WHERE id = ?", (sid,))
                db.execute("DELETE FROM contacts WHERE story_id = ?", (sid,))
            for r in rows:
                db.execute("DELETE FROM skipped WHERE source = ?", (r.source,))
                db.execute("DELETE FROM stories WHERE source = ?", (r.source,))
                db.execute("DELETE FROM contacts WHERE story_id = ?", (r.id,))
                db.execute(
                    "INSERT OR REPLACE INTO stories VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    _story_values(r),
                )
                db.executemany(
                    "INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        (r.id, n, c.group, c.name, c.organization, c.phone, c.fax, c.email)
                        for n, c in enumerate(r.contacts)
                    ),
                )
            for s in skips:
                db.execute("DELETE FROM stories WHERE source = ?", (s.source,))
                db.execute(
                    "INSERT OR REPLACE INTO skipped VALUES (?, ?, ?, ?)",
                    (s.source, s.size, s.mtime_ns, s.reason),
                )
            if clear_pending:
                db.execute("DELETE FROM pending")

    def _insert(self, rows: Iterable[StoryRow], skips: Iterable[SkipRow]) -> None:
        """Add rows to a database known not to hold them (a full build)."""
        rows = list(rows)
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany(
                "INSERT INTO stories VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (_story_values(r) for r in rows),
            )
            self.db.executemany(
                "INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (r.id, n, c.group, c.name, c.organization, c.phone, c.fax, c.email)
                    for r in rows
                    for n, c in enumerate(r.contacts)
                ),
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO skipped VALUES (?, ?, ?, ?)",
                ((s.source, s.size, s.mtime_ns, s.reason) for s in skips),
            )

    def summaries(self) -> list[StorySummary]:
        """Every story, newest first, undated last."""
        rows = self.db.execute(
            "SELECT id, title, date, dateline, source FROM stories ORDER BY sortkey, id"
        )
        return [StorySummary(i, t, _date(d), dl, s) for i, t, d, dl, s in rows]

    def ordered(self, limit: int | None) -> list[tuple[str, str, dt.date | None, str]]:
        """(id, title, date, lead) of the first `limit` stories, newest first."""
        rows = self.db.execute(
            "SELECT id, title, date, lead FROM stories ORDER BY sortkey, id LIMIT ?",
            (-1 if limit is None else limit,),
        )
        return [(i, t, _date(d), ld) for i, t, d, ld in rows]

    def heads(
        self, ids: list[str], *, text: bool = False
    ) -> dict[str, tuple[str, dt.date | None, str]]:
        """(title, date, snippet text or "") by id, for the hits of a search."""
        found: dict[str, tuple[str, dt.date | None, str]] = {}
        column = "text" if text else "NULL"
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for i, t, d, x in self.db.execute(
                f"SELECT id, title, date, {column} FROM stories WHERE id IN ({marks})", chunk
            ):
                found[i] = (t, _date(d), zlib.decompress(x).decode() if x is not None else "")
        return found

    def story(self, story_id: str) -> Story | None:
        """The full story, from its stored JSON."""
        row = self.db.execute("SELECT data FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            return None
        return story_from_dict(json.loads(zlib.decompress(row[0])))

    def contacts(self) -> list[tuple[str, Contact]]:
        """(story id, contact) for every contact of every story, newest story first."""
        rows = self.db.execute(
            "SELECT c.story_id, c.grp, c.name, c.organization, c.phone, c.fax, c.email "
            "FROM contacts c JOIN stories s ON s.id = c.story_id "
            "ORDER BY s.sortkey, s.id, c.ord"
        )
        return [(sid, Contact(g, n, o, p, f, e)) for sid, g, n, o, p, f, e in rows]

    def summaries_of(self, ids: list[str]) -> list[StorySummary]:
        """The summaries of `ids`, in that order (unknown ids left out)."""
        found: dict[str, StorySummary] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for i, t, d, dl, s in self.db.execute(
                f"SELECT id, title, date, dateline, source FROM stories WHERE id IN ({marks})",
                chunk,
            ):
                found[i] = StorySummary(i, t, _date(d), dl, s)
        return [found[i] for i in ids if i in found]

    def add_words(self, counts: dict[str, int]) -> None:
        """Count words for spelling suggestions (never decremented: suggestions are re-checked)."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany(
                "INSERT INTO words VALUES (?, ?) "
                "ON CONFLICT (word) DO UPDATE SET n = n + excluded.n",
                counts.items(),
            )

    def similar_words(self, word: str) -> list[tuple[str, int]]:
        """(word, count) of known words with the same first letter and a length within two."""
        rows = self.db.execute(
            "SELECT word, n FROM words "
            "WHERE word >= ? AND word < ? AND length(word) BETWEEN ? AND ?",
            (word[0], word[0] + "\U0010ffff", len(word) - 2, len(word) + 2),
        )
        return [(str(w), int(n)) for w, n in rows]

    def checkpoint(self) -> None:
        """Fold the WAL back into the database file (before the folder is renamed into place)."""
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _story_values(r: StoryRow) -> tuple[object, ...]:
    """A row's values in the `stories` table's column order."""
    return (
        r.id,
        r.source,
        r.size,
        r.mtime_ns,
        r.title,
        r.date,
        r.dateline,
        _sortkey(r.date),
        r.lead,
        r.data,
        r.text,
    )
