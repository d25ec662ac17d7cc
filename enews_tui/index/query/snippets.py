"""Snippets with match spans, found by stem (as the index matches), not by exact spelling."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from enews_tui.index.engine.schema import WORD, fold, glued_parts, is_glue_start, term_of
from enews_tui.index.query.parser import Terms

SNIPPET_CHARS = 200
#: Before a position, what makes it the inside of a word: a word character, or a dot right
#: after one (`u.s` is one word; in `u.s..rowing` the second dot ends it).
_INSIDE_WORD = re.compile(r"\w|(?<=\w)\.")
_ELLIPSIS = "…"
#: Matches looked at per text: the densest window among the first ones is a good snippet.
_MAX_MATCHES = 64


@functools.lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The term the index holds for `word` ("" for a stop word, which never matches)."""
    return term_of(word)


def word_matches(text: str, terms: Terms) -> list[tuple[int, int, str]]:
    """(start, end, stem) of the first words of `text` the terms match, in text order."""
    if terms.patterns or not text.isascii():
        candidates: Iterable[re.Match[str]] = WORD.finditer(text)
    else:  # only words starting like a term can match: find those with str.find
        heads = {t[: max(3, len(t) - 2)] for t in terms.stems} | terms.prefixes
        candidates = _words_starting(text, sorted(h for h in heads if h))
    prefixes = tuple(terms.prefixes)
    found: list[tuple[int, int, str]] = []
    for m in candidates:
        whole = m[0]
        if found and m.start() < found[-1][1]:
            continue  # a glued part of a word already marked whole
        for a, b in [(0, len(whole)), *glued_parts(whole)]:
            word = whole[a:b]
            s = stem(word)
            if (s and s in terms.stems) or (
                (prefixes or terms.patterns)
                and (
                    fold(word).startswith(prefixes)
                    or any(p.fullmatch(fold(word)) for p in terms.patterns)
                )
            ):
                found.append((m.start() + a, m.start() + b, s or fold(word)))
                break  # the whole word or its first matching part: one span per word
        if len(found) >= _MAX_MATCHES:
            break
    return found


def _words_starting(text: str, heads: list[str]) -> list[re.Match[str]]:
    """The words (as the index cuts them) of ASCII `text` beginning with one of `heads`,
    ignoring case, in text order: a C-speed find per head instead of a regex trying every
    position of the text."""
    lower = text.lower()
    starts: set[int] = set()
    for head in heads:
        pos = lower.find(head)
        while pos >= 0:
            if pos == 0 or not _INSIDE_WORD.match(lower, pos - 1) or is_glue_start(text, pos):
                starts.add(pos)
            pos = lower.find(head, pos + 1)
    words = []
    for pos in sorted(starts):
        m = WORD.match(text, pos)
        if m is not None:
            words.append(m)
    return words


def make_snippet(text: str, terms: Terms) -> tuple[str, tuple[tuple[int, int], ...]]:
    """About SNIPPET_CHARS of `text` around its densest run of matches, and their spans."""
    matches = word_matches(text, terms) if not terms.empty() else []
    if not matches:
        return _cut(text, 0), ()
    best, best_end, best_score = 0, 0, (-1, -1)
    j = 0
    for i, (start, _end, _s) in enumerate(matches):  # two pointers: the window [i, j)
        j = max(j, i)
        while j < len(matches) and matches[j][1] <= start + SNIPPET_CHARS:
            j += 1
        score = (len({m[2] for m in matches[i:j]}), j - i)
        if score > best_score:
            best, best_end, best_score = i, j, score
    first = matches[best][0]
    used = matches[max(best, best_end - 1)][1] - first
    start = max(0, first - max(20, (SNIPPET_CHARS - used) // 2))
    if start > 0:  # begin at a word
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if space >= 0 and first - space < SNIPPET_CHARS // 2 else first
    snippet = _cut(text, start)
    shift = (len(_ELLIPSIS) if start > 0 else 0) - start
    limit = len(snippet) - (1 if snippet.endswith(_ELLIPSIS) else 0)
    spans = tuple(
        (s + shift, e + shift) for s, e, _ in matches if s >= start and e + shift <= limit
    )
    return snippet, spans


def _cut(text: str, start: int) -> str:
    """SNIPPET_CHARS of `text` from `start`, ended at a word, with ellipses where cut."""
    end = start + SNIPPET_CHARS
    if end >= len(text):
        piece = text[start:]
    else:
        space = text.rfind(" ", start, end + 1)
        piece = text[start : space if space > start else end].rstrip() + _ELLIPSIS
    return (_ELLIPSIS if start > 0 else "") + piece
