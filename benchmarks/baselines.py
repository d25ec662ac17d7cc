"""Baselines on the same pre-parsed text: Whoosh alone (plain schema) and SQLite FTS5.

They index `generate.documents()` as read back from a JSON-lines file, so their build rate
counts indexing only (no page parsing and no text generation).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.collectors import TimeLimit, TimeLimitCollector
from whoosh.fields import DATETIME, ID, TEXT, Schema
from whoosh.qparser import FuzzyTermPlugin, MultifieldParser

from benchmarks.generate import Document, documents
from benchmarks.queries import Query

#: The fields a plain query searches, title first (it is boosted in the schema).
TEXT_FIELDS = ("title", "teaser", "body", "byline", "dateline", "contacts")
LIMIT = 50


def write_documents(path: Path, count: int, seed: int) -> None:
    """Write the pre-parsed corpus to `path` as JSON lines, unless it is already complete."""
    done = path.with_name(path.name + ".done")
    if done.exists() and done.read_text().strip() == f"{count} {seed}":
        return
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        for doc in documents(count, seed):
            fh.write(json.dumps({**doc, "date": doc["date"].isoformat()}) + "\n")
    tmp.replace(path)
    done.write_text(f"{count} {seed}\n")


def read_documents(path: Path) -> Iterator[Document]:
    """The documents written by `write_documents`, streamed."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            raw = json.loads(line)
            raw["date"] = dt.date.fromisoformat(raw["date"])
            yield Document(**raw)  # type: ignore[typeddict-item]


def whoosh_schema() -> Schema:
    """A plain schema: every text field stored (for highlights), title boosted, a date."""
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(stored=True, field_boost=2.0),
        teaser=TEXT(stored=True),
        body=TEXT(stored=True),
        byline=TEXT(stored=True),
        dateline=TEXT(stored=True),
        contacts=TEXT(stored=True),
        date=DATETIME(stored=True, sortable=True),
    )


def whoosh_build(docs_path: Path, index_dir: Path, procs: int = 1) -> int:
    """Index every document with the default writer (`procs=1`) or a multi-process one."""
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(index_dir), whoosh_schema())
    writer = ix.writer(procs=procs, limitmb=128) if procs > 1 else ix.writer()
    n = 0
    for doc in read_documents(docs_path):
        d = doc["date"]
        writer.add_document(**{**doc, "date": dt.datetime(d.year, d.month, d.day)})
        n += 1
    writer.commit()
    ix.close()
    return n


class Capped(Exception):
    """A baseline query stopped at its time cap (its latency counts as the cap: a lower bound)."""


class WhooshSearch:
    """Whoosh alone: one searcher kept open, the default parser plus fuzzy terms."""

    def __init__(self, index_dir: Path) -> None:
        """Open the index built by `whoosh_build`."""
        self.ix = whoosh_index.open_dir(str(index_dir))
        self.parser = MultifieldParser(list(TEXT_FIELDS), self.ix.schema)
        self.parser.add_plugin(FuzzyTermPlugin())
        self.searcher = self.ix.searcher()

    def search(
        self, text: str, highlights: bool, limit: int = LIMIT, cap: float | None = None
    ) -> int:
        """Run one query (top `limit` and the total); with `highlights`, a fragment per hit.
        With `cap`, Capped when collecting the matches takes longer than `cap` seconds."""
        q = self.parser.parse(text)
        if cap is None:
            results = self.searcher.search(q, limit=limit)
        else:
            collector = TimeLimitCollector(self.searcher.collector(limit=limit), timelimit=cap)
            try:
                self.searcher.search_with_collector(q, collector)
            except TimeLimit:
                raise Capped(cap) from None
            results = collector.results()
        total = len(results)
        for hit in results:
            _ = hit["title"], hit.get("date")
            if highlights:
                _ = hit.highlights("body", top=1)
        return int(total)

    def close(self) -> None:
        """Close the searcher and the index."""
        self.searcher.close()
        self.ix.close()


def fts_build(docs_path: Path, db_path: Path) -> int:
    """Index every document in an SQLite FTS5 table (one transaction) and a date table."""
    db_path.unlink(missing_ok=True)
    con = sqlite3.connect(db_path)
    con.execute(f"CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, {', '.join(TEXT_FIELDS)})")
    con.execute("CREATE TABLE meta (rowid INTEGER PRIMARY KEY, date TEXT)")
    n = 0
    with con:
        for n, doc in enumerate(read_documents(docs_path), 1):
            con.execute(
                "INSERT INTO docs (rowid, id, title, teaser, body, byline, dateline, contacts) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (n, doc["id"], *(doc[f] for f in TEXT_FIELDS)),  # type: ignore[literal-required]
            )
            con.execute("INSERT INTO meta VALUES (?, ?)", (n, doc["date"].isoformat()))
    con.execute("CREATE INDEX meta_date ON meta (date)")
    con.commit()
    con.close()
    return n


class FtsSearch:
    """SQLite FTS5: bm25 with the title weighted 2, the top hits with a snippet, and the total."""

    def __init__(self, db_path: Path) -> None:
        """Open the database built by `fts_build`."""
        self.con = sqlite3.connect(db_path)

    def search(self, query: Query, limit: int = LIMIT) -> int | None:
        """Run the FTS5 form of `query`; None when FTS5 has no equivalent (typos)."""
        if query.years is not None:
            a, b = f"{query.years[0]}-01-01", f"{query.years[1]}-12-31"
            rows = self.con.execute(
                "SELECT d.id, d.title FROM meta m JOIN docs d ON d.rowid = m.rowid "
                "WHERE m.date BETWEEN ? AND ? ORDER BY m.date DESC LIMIT ?",
                (a, b, limit),
            ).fetchall()
            (total,) = self.con.execute(
                "SELECT count(*) FROM meta WHERE date BETWEEN ? AND ?", (a, b)
            ).fetchone()
            return int(total) if rows is not None else 0
        if query.fts is None:
            return None
        self.con.execute(
            "SELECT id, title, snippet(docs, 3, '', '', '...', 16) FROM docs "
            "WHERE docs MATCH ? ORDER BY bm25(docs, 0, 2.0, 1, 1, 1, 1, 1) LIMIT ?",
            (query.fts, limit),
        ).fetchall()
        (total,) = self.con.execute(
            "SELECT count(*) FROM docs WHERE docs MATCH ?", (query.fts,)
        ).fetchone()
        return int(total)

    def close(self) -> None:
        """Close the database."""
        self.con.close()


def timed(fn: Callable[[], Any]) -> float:
    """Seconds `fn()` took."""
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started
