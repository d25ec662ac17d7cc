"""The Whoosh schema, its analyzer, and the searchable text of a story."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import STOP_WORDS, Token, Tokenizer
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.formats import Existence, Positions
from whoosh.lang.porter import stem as _stem
from whoosh.support.charset import accent_map

from enews_tui.model import Contact, Story

#: Bump when the schema, the analyzer or the SQLite layout changes: it names the index folder.
SCHEMA_VERSION = 5

#: The fields a bare word searches, and the names `field:value` accepts (aliases included).
DEFAULT_FIELDS = ("title", "teaser", "body", "byline", "dateline", "contact")
FIELD_ALIASES = {"author": "byline", "contacts": "contact", "text": "body"}
TEXT_FIELDS = DEFAULT_FIELDS
QUERY_FIELDS = frozenset(DEFAULT_FIELDS) | {"date"} | frozenset(FIELD_ALIASES)
#: The hidden field that lists, per story, the first START_CHARS letters of every term of each
#: text field (`body:dre`): a prefix of that length (`dre*`, what typing three letters asks)
#: reads one list of documents instead of the postings of every term it stands for (hundreds,
#: each decoded with its positions). Not searchable by name.
STARTS = "starts"
START_CHARS = 3

#: A word as the analyzer cuts it (`u.s.` and `e-mail` parts alike); snippet spans cut the same
#: words, so the marks fall on what the index matched. An "s" after an apostrophe is a word of
#: its own, so "school’sboathouse" (a line break lost after "school’s") gives "boathouse".
WORD = re.compile(r"(?<=\w[’'])s(?=[a-z]{3})|\w+(?:\.?\w+)*")
#: Inside a word, where a lost line break glued two: "TwoEngineering", "her.Mitch".
_GLUE = re.compile(r"(?<=[a-z]{2})(?=[A-Z][a-z]{2})|(?<=[a-z]\.)(?=[A-Z][a-z])")
_CACHE_MAX = 200_000


def glued_parts(word: str) -> list[tuple[int, int]]:
    """(start, end) in `word` of the words it glues together, [] for an ordinary word. The
    analyzer indexes the parts after the word itself, so each is found alone ("TwoEngineering"
    by "engineering") and the word still by itself ("PowerPoint" by "powerpoint")."""
    if len(word) < 5 or word.islower() or _GLUE.search(word) is None:
        return []
    bounds = [0, *(m.start() for m in _GLUE.finditer(word)), len(word)]
    parts = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        if word[b - 1 : b] == "." and b < len(word):
            b -= 1  # "her." of "her.Mitch": the sentence's full stop is not part of the word
        if b - a >= 2:
            parts.append((a, b))
    return parts


def is_glue_start(text: str, pos: int) -> bool:
    """Whether a glued part of a word starts at `pos` of `text` (see `glued_parts` and `WORD`)."""
    if pos < 3:
        return False
    if text[pos - 1] == "s" and text[pos - 2] in "’'" and text[pos - 3].isalnum():
        return True  # "school's|boathouse"
    if not text[pos : pos + 1].isupper():
        return False
    before = text[pos - 2 : pos]
    return (before.isalpha() and before.islower()) or (before[1:] == "." and before[:1].islower())


def fold(word: str) -> str:
    """Lowercase and strip accents, as the analyzer does."""
    return word.lower().translate(accent_map)


def term_of(word: str, *, morph: bool = True) -> str:
    """The indexed form of one word: lowercased, accents folded, stemmed; "" for a stop word."""
    folded = word.lower().translate(accent_map)
    if len(folded) < 2 or folded in STOP_WORDS:
        return ""
    return str(_stem(folded)) if morph else folded


class FoldingStemAnalyzer(Tokenizer):  # type: ignore[misc]
    """Words, lowercased, accents folded (before stemming: `résumé` == `resume`), stop words
    dropped, stemmed: what StemmingAnalyzer | CharsetFilter(accent_map) does, in one pass with
    one cache lookup per word (Whoosh's chain of generators costs several times as much)."""

    is_morph = True

    def __init__(self) -> None:
        self._cache: dict[str, str] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {}  # the schema is pickled into every index's table of contents: no cache there

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._cache = {}

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def clean(self) -> None:
        """Forget cached words."""
        self._cache.clear()

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        no_morph: bool = False,
        **kwargs: Any,
    ) -> Iterator[Token]:
        """Yield one reused Token per indexed word, as Whoosh analyzers do."""
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        cache = self._cache if not no_morph else {}
        pos = start_pos
        matches = WORD.finditer(value) if tokenize else [_Whole(value)]
        for m in matches:
            whole = m.group(0)
            spans = [(0, len(whole))]
            if tokenize:
                spans += glued_parts(whole)
            for a, b in spans:
                word = whole[a:b]
                term = cache.get(word)
                if term is None:
                    term = term_of(word, morph=not no_morph)
                    if len(cache) < _CACHE_MAX:
                        cache[word] = term
                if not term:
                    if removestops:
                        continue
                    t.stopped, t.text = True, word.lower()
                else:
                    t.stopped, t.text = False, term
                t.boost = 1.0
                if keeporiginal:
                    t.original = word
                if positions:
                    t.pos = pos
                    pos += 1
                if chars:
                    t.startchar = start_char + m.start() + a
                    t.endchar = start_char + m.start() + b
                yield t


class _Whole:
    """A stand-in match for the whole value (`tokenize=False`)."""

    def __init__(self, value: str) -> None:
        self.value = value

    def group(self, _n: int) -> str:
        return self.value

    def start(self) -> int:
        return 0

    def end(self) -> int:
        return len(self.value)


_GLUED_TERMS: dict[str, tuple[str, ...]] = {}


def analyze(text: str) -> list[str]:
    """The terms of `text` in order, exactly as the analyzer makes them; Whoosh indexes such a
    list as is, so the parsing processes analyze and the writer only files postings."""
    cache = _GLUED_TERMS
    out: list[str] = []
    for word in WORD.findall(text):
        terms = cache.get(word)
        if terms is None:
            terms = tuple(
                t for a, b in [(0, len(word)), *glued_parts(word)] if (t := term_of(word[a:b]))
            )
            if len(cache) < _CACHE_MAX:
                cache[word] = terms
        out.extend(terms)
    return out


class TermPositions(Positions):  # type: ignore[misc]
    """Whoosh's positions format, reading a list of analyzed terms without making a Token per
    word (the same postings, several times faster); text still goes through the analyzer."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[Any]:
        """(term, frequency, weight, encoded positions) per distinct term."""
        if not isinstance(value, list):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        poses: dict[str, list[int]] = {}
        for pos, term in enumerate(value, kwargs.get("start_pos", 0)):
            found = poses.get(term)
            if found is None:
                poses[term] = [pos]
            else:
                found.append(pos)
        boost = self.field_boost
        encode = self.encode
        single = _single_positions()
        for term, poslist in poses.items():
            if len(poslist) == 1 and poslist[0] < _SINGLE_MAX:
                yield term, 1, boost, single[poslist[0]]
            else:
                yield term, len(poslist), len(poslist) * boost, encode(poslist)


#: Positions below this have their one-position encodings made once (most terms occur once).
_SINGLE_MAX = 4096
_SINGLE: list[bytes] = []


def _single_positions() -> list[bytes]:
    """Whoosh's encoding of `[p]` for every p below _SINGLE_MAX."""
    if not _SINGLE:
        encode = Positions().encode
        _SINGLE.extend(encode([p]) for p in range(_SINGLE_MAX))
    return _SINGLE


class TermSet(Existence):  # type: ignore[misc]
    """Whoosh's existence format (documents only: no frequencies, no positions), reading a list
    of terms as they are to be indexed."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[Any]:
        """(term, 1, boost, no value) per distinct term."""
        if not isinstance(value, list):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for term in set(value):
            yield term, 1, boost, b""


def start_term(fieldname: str, prefix: str) -> str:
    """The term of the STARTS field standing for the terms of `fieldname` that begin with
    `prefix` (START_CHARS letters)."""
    return f"{fieldname}:{prefix}"


def start_terms(fields: dict[str, Any]) -> list[str]:
    """The STARTS terms of a document whose text fields are term lists."""
    found: set[str] = set()
    for name in TEXT_FIELDS:
        found.update({f"{name}:{t[:START_CHARS]}" for t in fields[name] if len(t) >= START_CHARS})
    return list(found)


def _starts() -> KEYWORD:
    """The STARTS field: a set of terms per document, unscored."""
    field = KEYWORD(scorable=False)
    field.format = TermSet()
    return field


def _text(analyzer: FoldingStemAnalyzer, field_boost: float = 1.0) -> TEXT:
    """A text field with positions (phrases), its format reading pre-analyzed term lists."""
    field = TEXT(analyzer=analyzer, field_boost=field_boost)
    field.format = TermPositions(field_boost=field_boost)
    return field


def make_analyzer() -> FoldingStemAnalyzer:
    """The analyzer of every text field."""
    return FoldingStemAnalyzer()


def make_schema() -> Schema:
    """The index schema; the story itself lives in the SQLite sidecar, not in stored fields."""
    analyzer = make_analyzer()
    return Schema(
        # Key of every update/delete and how a hit finds its SQLite row; the only stored field.
        id=ID(stored=True, unique=True),
        # Titles say what a story is about: a match there outranks one in the body.
        title=_text(analyzer, 3.0),
        # The one-sentence summary under the title.
        teaser=_text(analyzer, 1.5),
        # Paragraphs and subheadings; positions kept for phrases; not stored (listing stays fast).
        body=_text(analyzer),
        # `author:melanson` / `byline:"web communications"`: who wrote it.
        byline=_text(analyzer),
        # `dateline:medford`: where it was filed.
        dateline=_text(analyzer),
        # `contact:thurler`: names, organizations, groups, phones and emails of the contacts.
        contact=_text(analyzer),
        # `date:2008`, `date:[2007 to 2008]`, `date:>2005` (clauses rewritten to exact day ranges).
        date=DATETIME(),
        # `--sort date`: yyyymmdd, 0 when undated, so newest first puts undated stories last
        # (a missing DATETIME value sorts as the largest).
        newest=NUMERIC(int, bits=32, sortable=True),
        # What prefix search reads for the first letters of a word (see STARTS).
        starts=_starts(),
    )


def body_text(story: Story) -> str:
    """Teaser-less body: subheadings and paragraphs, one per line."""
    parts: list[str] = []
    for section in story.sections:
        if section.heading:
            parts.append(section.heading)
        parts.extend(section.paragraphs)
    return "\n".join(parts)


def story_text(story: Story) -> str:
    """The text a snippet is cut from: teaser, then the body, on one line."""
    text = "\n".join(x for x in (story.teaser or "", body_text(story)) if x)
    return " ".join(text.split())


def byline_text(story: Story) -> str:
    """`Profile Kaitlin Melanson Web Communications`, or the empty string."""
    b = story.byline
    if b is None:
        return ""
    return " ".join(x for x in (b.kind, b.author, b.organization) if x)


def contact_text(contacts: tuple[Contact, ...]) -> str:
    """Every contact's name, organization, group, phone, fax and email, one contact per line."""
    return "\n".join(
        " ".join(x for x in (c.name, c.organization, c.group, c.phone, c.fax, c.email) if x)
        for c in contacts
    )


def story_fields(story: Story, *, analyzed: bool = True) -> dict[str, Any]:
    """The document Whoosh indexes for `story` (text fields as term lists when `analyzed`)."""
    fields: dict[str, Any] = {
        "id": story.id,
        "title": story.title,
        "teaser": story.teaser or "",
        "body": body_text(story),
        "byline": byline_text(story),
        "dateline": story.dateline or "",
        "contact": contact_text(story.contacts),
    }
    if analyzed:
        for name in TEXT_FIELDS:
            fields[name] = analyze(fields[name])
        fields[STARTS] = start_terms(fields)
    else:
        fields[STARTS] = start_terms({name: analyze(fields[name]) for name in TEXT_FIELDS})
    fields["newest"] = 0
    if story.date is not None:
        fields["date"] = dt.datetime(story.date.year, story.date.month, story.date.day)
        fields["newest"] = int(story.date.strftime("%Y%m%d"))
    return fields
