"""Reading a query: checks Whoosh is too lenient to make, date clauses, highlight terms."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.qparser import (
    FieldAliasPlugin,
    FuzzyTermPlugin,
    GtLtPlugin,
    MultifieldParser,
)
from whoosh.qparser.default import QueryParser

from enews_tui.index.engine.schema import DEFAULT_FIELDS, FIELD_ALIASES, QUERY_FIELDS
from enews_tui.model import QueryError

_QUOTED = re.compile(r'"[^"]*"')
_FIELD = re.compile(r"(?<![\w.])([A-Za-z_]\w*):")
_DATE_CLAUSE = re.compile(
    r"(?<![\w.])date:(?:(?P<op>>=|=>|<=|=<|>|<)?(?P<value>[^\s()\[\]{}]+)"
    r"|(?P<open>[\[{])(?P<range>[^\]}]*)(?P<close>[\]}]))",
    re.I,
)
_DATE_VALUE = re.compile(r"(\d{4})(?:[-/.]?(\d{1,2})(?:[-/.]?(\d{1,2}))?)?")
_ONE_DAY = dt.timedelta(days=1)


def make_parser(schema: Schema) -> QueryParser:
    """Whoosh's parser over the default fields: AND between words, fuzzy `~`, `>`/`<`, aliases."""
    parser = MultifieldParser(list(DEFAULT_FIELDS), schema)
    parser.add_plugin(FuzzyTermPlugin())
    parser.add_plugin(GtLtPlugin())
    aliases: dict[str, list[str]] = {}
    for alias, target in FIELD_ALIASES.items():
        aliases.setdefault(target, []).append(alias)
    parser.add_plugin(FieldAliasPlugin(aliases))
    return parser


def _date_bounds(text: str) -> tuple[dt.date, dt.date]:
    """First and last day of `2008`, `2008-03` or `2008-03-14`; QueryError otherwise."""
    m = _DATE_VALUE.fullmatch(text.strip())
    if m is None:
        raise QueryError(f"not a date: {text!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = int(m[1]), m[2], m[3]
    try:
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if day is None:
            first = dt.date(year, int(month), 1)
            nxt = dt.date(year + (first.month == 12), first.month % 12 + 1, 1)
            return first, nxt - _ONE_DAY
        d = dt.date(year, int(month), int(day))
        return d, d
    except ValueError:
        raise QueryError(f"not a date: {text!r}") from None


def _ymd(d: dt.date | None) -> str:
    return "" if d is None else d.strftime("%Y%m%d")


def _rewrite_date(m: re.Match[str]) -> str:
    """One `date:` clause as a day range Whoosh reads exactly (its own `>2005` includes 2005)."""
    start: dt.date | None
    end: dt.date | None
    if m["value"] is not None:
        lo, hi = _date_bounds(m["value"])
        op = m["op"] or ""
        start, end = {
            "": (lo, hi),
            ">": (hi + _ONE_DAY, None),
            ">=": (lo, None),
            "=>": (lo, None),
            "<": (None, lo - _ONE_DAY),
            "<=": (None, hi),
            "=<": (None, hi),
        }[op]
    else:
        parts = re.split(r"\s+to\s+|\s+to$|^to\s+", m["range"].strip(), flags=re.I)
        if len(parts) != 2 or not any(p.strip() for p in parts):
            raise QueryError(f"a date range reads date:[2007 to 2008], not {m[0]!r}")
        a, b = (p.strip() for p in parts)
        start = end = None
        if a:
            lo, hi = _date_bounds(a)
            start = hi + _ONE_DAY if m["open"] == "{" else lo
        if b:
            lo, hi = _date_bounds(b)
            end = lo - _ONE_DAY if m["close"] == "}" else hi
    if start is None and end is None:
        raise QueryError(f"a date range needs a start or an end: {m[0]!r}")
    if start is None:
        return f"date:[to {_ymd(end)}]"
    if end is None:
        return f"date:[{_ymd(start)} to]"
    return f"date:[{_ymd(start)} to {_ymd(end)}]"


def _outside_quotes(text: str) -> list[tuple[bool, str]]:
    """The query cut into (quoted, piece) runs."""
    pieces: list[tuple[bool, str]] = []
    last = 0
    for m in _QUOTED.finditer(text):
        pieces.append((False, text[last : m.start()]))
        pieces.append((True, m[0]))
        last = m.end()
    pieces.append((False, text[last:]))
    return pieces


def check_and_rewrite(text: str) -> str:
    """The query with its date clauses made exact; QueryError for what Whoosh would misread."""
    if text.count('"') % 2:
        raise QueryError('unbalanced quote: close the phrase with "')
    out: list[str] = []
    depth = {"(": 0, "[": 0}
    pieces = _outside_quotes(text)
    for n, (quoted, piece) in enumerate(pieces):
        if quoted:
            out.append(piece)
            continue
        for m in _FIELD.finditer(piece):
            name = m[1].lower()
            if name not in QUERY_FIELDS:
                known = ", ".join(sorted(QUERY_FIELDS))
                raise QueryError(f"unknown field {m[1]!r} (fields: {known})")
            rest = piece[m.end() :]
            phrase_next = not rest and n + 1 < len(pieces)  # byline:"web communications"
            if phrase_next and name == "date":  # Whoosh would fail on it while searching
                raise QueryError(
                    "a date is not a phrase: write date:2008, date:2008-07 or date:[2007 to 2008]"
                )
            if not phrase_next and (not rest or rest[0].isspace() or rest[0] in ")"):
                raise QueryError(f"nothing after {m[0]!r}")
        for ch in piece:
            if ch in "([{":
                depth["(" if ch == "(" else "["] += 1
            elif ch in ")]}":
                key = "(" if ch == ")" else "["
                depth[key] -= 1
                if depth[key] < 0:
                    raise QueryError(f"unbalanced {ch!r}")
        out.append(_DATE_CLAUSE.sub(_rewrite_date, piece))
    if depth["("]:
        raise QueryError("unbalanced parenthesis: a '(' is never closed")
    if depth["["]:
        raise QueryError("unbalanced bracket: a '[' is never closed")
    return "".join(out)


@dataclass
class Terms:
    """What a query looks for in text, for snippets and the reader's highlights."""

    stems: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    patterns: list[re.Pattern[str]] = field(default_factory=list)

    def empty(self) -> bool:
        """Nothing to mark."""
        return not (self.stems or self.prefixes or self.patterns)


def collect_terms(q: wq.Query, terms: Terms | None = None) -> Terms:
    """The positive text terms of a parsed query (what NOT excludes is not highlighted)."""
    terms = terms if terms is not None else Terms()
    if isinstance(q, wq.Not):
        return terms
    if isinstance(q, wq.FuzzyTerm):  # not expanded (no index yet): the word as typed
        terms.stems.add(q.text)
    elif isinstance(q, wq.Prefix):
        terms.prefixes.add(q.text)
    elif isinstance(q, wq.Wildcard):
        pattern = re.escape(q.text).replace(r"\*", r"\w*").replace(r"\?", r"\w")
        terms.patterns.append(re.compile(pattern))
    elif isinstance(q, wq.Phrase):
        terms.stems.update(w for w in q.words if isinstance(w, str))
    elif isinstance(q, wq.Term) and q.fieldname != "date" and isinstance(q.text, str):
        terms.stems.add(q.text)
    elif q.is_leaf():
        return terms
    else:
        for child in q.children():
            collect_terms(child, terms)
    return terms
