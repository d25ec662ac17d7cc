"""The library's words in the query language: `is:starred`, `is:unread`, `is:read`, `has:note`
and `note:word`, taken out of a query before the index parses it and applied as story-id filters.

Each such term narrows the whole query (as if joined with AND, whatever stands around it);
`NOT is:starred` or `-is:starred` turns it around. Everything else in the query is the index's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

from enews_tui.library import Library
from enews_tui.model import QueryError, SearchResult

# A library term (quoted notes included), else a quoted phrase, which is passed on untouched.
_TOKEN = re.compile(
    r"(?P<term>(?<![\w.:])(?P<neg>NOT\s+|-)?"
    r'(?P<word>is|has|note):(?P<value>"[^"]*"|[^\s()"]*)(?![\w:]))'
    r'|(?P<quoted>"[^"]*")',
    re.I,
)
_IS = frozenset({"starred", "unread", "read"})
_LEADING = re.compile(r"^\s*(?:AND|OR)\b\s*")
_TRAILING = re.compile(r"\s*\b(?:AND|OR|NOT)\s*$")
_DOUBLED = re.compile(r"\b(AND|OR)\s+(?:AND|OR)\b")
_EMPTY_PARENS = re.compile(r"\(\s*\)")


@dataclass(frozen=True)
class LibraryTerm:
    """One library term of a query: what it asks (`starred`, `unread`, `read`, `note`, or a
    note word) and whether it is negated."""

    kind: Literal["starred", "unread", "read", "note", "note-word"]
    negated: bool = False
    word: str = ""
    text: str = ""  # as typed, for putting it back into a suggestion


def split_query(text: str) -> tuple[str, tuple[LibraryTerm, ...]]:
    """The query without its library terms (for the index), and those terms.

    QueryError for a library word the language does not have (`is:flagged`, `has:` alone)."""
    terms: list[LibraryTerm] = []
    pieces: list[str] = []
    last = 0
    for m in _TOKEN.finditer(text):
        if m["term"] is None:
            continue
        word, value, negated = m["word"].lower(), m["value"], m["neg"] is not None
        if word == "is":
            if value.lower() not in _IS:
                raise QueryError(f"is:{value} is not known (is:starred, is:unread, is:read)")
            kind: Any = value.lower()
            terms.append(LibraryTerm(kind, negated, text=m["term"]))
        elif word == "has":
            if value.lower() != "note":
                raise QueryError(f"has:{value} is not known (has:note)")
            terms.append(LibraryTerm("note", negated, text=m["term"]))
        else:
            phrase = value[1:-1] if value.startswith('"') else value
            if not phrase.strip():
                raise QueryError("nothing after 'note:' (note:word or note:\"some words\")")
            terms.append(LibraryTerm("note-word", negated, phrase, m["term"]))
        pieces.append(text[last : m.start()])
        last = m.end()
    if not terms:
        return text, ()
    pieces.append(text[last:])
    rest = " ".join("".join(pieces).split())
    for _ in range(3):  # operators left dangling by what was taken out
        rest = _EMPTY_PARENS.sub("", rest)
        rest = _DOUBLED.sub(r"\1", rest)
        rest = _TRAILING.sub("", _LEADING.sub("", rest)).strip()
    return rest, tuple(terms)


def _fold(text: str) -> str:
    """Casefolded, accents removed: note words match as the index's words do."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def note_matches(note: str, words: str) -> bool:
    """Whether `note` holds `words` in order, each a word start (`fund` finds `funding`)."""
    parts = [re.escape(w) for w in _fold(words).rstrip("*").split()]
    if not parts:
        return False
    pattern = r"(?<!\w)" + r"\w*\W+".join(parts)
    return re.search(pattern, _fold(note)) is not None


@dataclass(frozen=True)
class IdFilter:
    """Story ids a query is narrowed to (`only`, unless None) and away from (`without`)."""

    only: frozenset[str] | None
    without: frozenset[str]


def resolve(terms: Collection[LibraryTerm], library: Library) -> IdFilter:
    """The id filter the terms stand for, read from the library now."""
    only: set[str] | None = None
    without: set[str] = set()
    cache: dict[str, Any] = {}

    def starred() -> set[str]:
        if "starred" not in cache:
            cache["starred"] = set(library.starred())
        return set(cache["starred"])

    def read() -> set[str]:
        if "read" not in cache:
            cache["read"] = library.read_ids()
        return set(cache["read"])

    def noted() -> dict[str, str]:
        if "noted" not in cache:
            cache["noted"] = library.noted()
        return dict(cache["noted"])

    for term in terms:
        if term.kind == "starred":
            ids, keep = starred(), not term.negated
        elif term.kind == "read":
            ids, keep = read(), not term.negated
        elif term.kind == "unread":
            ids, keep = read(), term.negated
        elif term.kind == "note":
            ids, keep = set(noted()), not term.negated
        else:
            ids = {i for i, note in noted().items() if note_matches(note, term.word)}
            keep = not term.negated
        if keep:
            only = ids if only is None else only & ids
        else:
            without |= ids
    return IdFilter(None if only is None else frozenset(only), frozenset(without))


class Searchable(Protocol):
    """An index that takes id filters (`enews_tui.index.StoryIndex`)."""

    def search(
        self,
        query: str,
        *,
        limit: int | None = 50,
        sort: Literal["relevance", "date"] = "relevance",
        snippets: bool = True,
        only: Collection[str] | None = None,
        without: Collection[str] = (),
    ) -> SearchResult:
        """Ranked hits, narrowed by the id filters."""
        ...


def search(
    index: Searchable,
    library: Library,
    query: str,
    *,
    limit: int | None = 50,
    sort: Literal["relevance", "date"] = "relevance",
    snippets: bool = True,
) -> SearchResult:
    """`index.search(query)` with the library's terms understood (the result keeps the query as
    typed; a suggestion keeps its library terms)."""
    rest, terms = split_query(query)
    if not terms:
        return index.search(query, limit=limit, sort=sort, snippets=snippets)
    ids = resolve(terms, library)
    result = index.search(
        rest, limit=limit, sort=sort, snippets=snippets, only=ids.only, without=ids.without
    )
    suggestion = result.suggestion
    if suggestion:
        suggestion = " ".join([suggestion, *(t.text for t in terms)])
    return replace(result, query=query, suggestion=suggestion)
