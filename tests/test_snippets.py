"""Snippet matching: the fast search for words starting like a query term (a `str.find` per
term) marks exactly the words a plain walk over every word of the text marks."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from enews_tui.index.engine.schema import WORD, fold, glued_parts
from enews_tui.index.query.parser import Terms
from enews_tui.index.query.snippets import (
    _MAX_MATCHES,
    make_snippet,
    stem,
    word_matches,
)
from tests.test_fuzz import FUZZ

_WORDS = [
    "rowing",
    "rowers",
    "Rowed",
    "crew",
    "boathouse",
    "boat",
    "row",
    "the",
    "tufts",
    "u.s.",
    "e-news",
    "Medford",
    "x_y",
    "rowing.club",
    "boats",
    "rowingrowing",
    "arrow",
]


def _plain(text: str, terms: Terms) -> list[tuple[int, int, str]]:
    """Every word of the text, checked one by one."""
    prefixes = tuple(terms.prefixes)
    found = []
    for m in WORD.finditer(text):
        # The word itself, else the first of the words it glues together ("TwoEngineering").
        for a, b in [(0, len(m[0])), *glued_parts(m[0])]:
            word = m[0][a:b]
            s = stem(word)
            if (s and s in terms.stems) or (prefixes and fold(word).startswith(prefixes)):
                found.append((m.start() + a, m.start() + b, s or fold(word)))
                break
        if len(found) >= _MAX_MATCHES:
            break
    return found


_texts = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(_WORDS), st.text(alphabet=".,-_'\"(abR", max_size=3)),
        st.sampled_from(["", " ", ".", ". ", "-", "\n", "_"]),
    ),
    max_size=120,
).map(lambda pieces: "".join(w + sep for w, sep in pieces))
_terms = st.builds(
    Terms,
    stems=st.sets(st.sampled_from(_WORDS).map(stem).filter(bool), max_size=3),
    prefixes=st.sets(st.sampled_from(["ro", "row", "boat", "u.", "med", "x"]), max_size=2),
)


@FUZZ
@given(_texts, _terms)
def test_fast_matching_marks_what_a_plain_walk_marks(text: str, terms: Terms) -> None:
    assert word_matches(text, terms) == _plain(text, terms)


def test_a_snippet_marks_inflected_words_ignoring_case() -> None:
    """`rowing` marks the words of its stem in any case, not arrow, rowers (another stem) or
    rowingrowing (one longer word)."""
    text = "An arrow. Rowing crews rowed past the rowers; rowingrowing, ROWING. " + "filler " * 60
    snippet, spans = make_snippet(text, Terms(stems={stem("rowing")}))
    assert [snippet[a:b] for a, b in spans] == ["Rowing", "rowed", "ROWING"]
