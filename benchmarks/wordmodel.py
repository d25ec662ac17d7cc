"""A synthetic word model: syllable-built pseudo-words with Zipf frequencies, plus function words.

The text it makes is clearly not English (no prose is copied from anywhere), but its statistics
are close enough to a news archive for search benchmarks: a few very common words, a long tail of
rare ones, so one-word, two-word, phrase, prefix and typo queries have realistic hit-set sizes.
"""

from __future__ import annotations

import functools
import random

#: Common English function words; they take the top ranks, as in real text.
FUNCTION_WORDS = (
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "on",
    "by", "he", "she", "at", "from", "his", "her", "they", "are", "be", "this", "have", "an",
    "or", "which", "their", "not", "had", "but", "were", "has", "will", "who", "all", "we",
    "can", "more", "one", "about", "its", "also", "new", "after", "into", "than", "said",
)  # fmt: skip

_ONSETS = (
    "b", "br", "c", "ch", "d", "dr", "f", "fl", "g", "gr", "h", "j", "k", "l", "m", "n", "p",
    "pl", "pr", "r", "s", "sh", "st", "t", "tr", "v", "w", "z", "",
)  # fmt: skip
_VOWELS = ("a", "e", "i", "o", "u", "a", "e", "o", "ai", "ou", "ea", "y")
_CODAS = ("", "", "", "", "n", "r", "s", "l", "m", "t", "nd", "rk", "x", "sh", "th", "ck")

#: How many sampling slots the frequency table has; words rarer than one slot get one anyway.
_TABLE_SLOTS = 1 << 22


class WordModel:
    """A ranked vocabulary of pseudo-words and a table to draw running text from it quickly."""

    def __init__(self, seed: int, size: int = 60_000, exponent: float = 1.0) -> None:
        """Build `size` pseudo-words (rank 0 most common) deterministically from `seed`."""
        rng = random.Random(f"enews-bench-words:{seed}")
        self.exponent = exponent
        taken = set(FUNCTION_WORDS)
        self.words: list[str] = []
        while len(self.words) < size:
            rank = len(self.words)
            syllables = rng.choice((1, 2, 2)) if rank < 300 else rng.choice((2, 2, 3, 3, 4))
            word = "".join(_syllable(rng) for _ in range(syllables))
            if len(word) < 3 or len(word) > 14 or word in taken:
                continue
            taken.add(word)
            self.words.append(word)
        self.first_names = _names(rng, 300, taken)
        self.last_names = _names(rng, 1500, taken)
        self.table = self._table()

    def _table(self) -> list[str]:
        """A list in which each word appears in proportion to its Zipf frequency over all ranks.

        Function words take ranks 1-50 and so about 40% of running text, as in English news.
        """
        ranked = [*FUNCTION_WORDS, *self.words]
        weights = [1.0 / (rank + 1) ** self.exponent for rank in range(len(ranked))]
        scale = _TABLE_SLOTS / sum(weights)
        table: list[str] = []
        for word, weight in zip(ranked, weights, strict=True):
            table.extend([word] * max(1, round(weight * scale)))
        return table

    def running(self, rng: random.Random, n: int) -> list[str]:
        """`n` words of running text, drawn by frequency."""
        return rng.choices(self.table, k=n)

    def content_word(self, rng: random.Random, lo: int = 30, hi: int = 20_000) -> str:
        """A pseudo-word whose rank is log-uniform in [lo, hi): common through rare."""
        rank = int(lo * (hi / lo) ** rng.random())
        return self.words[min(rank, len(self.words) - 1)]

    def sentence(self, rng: random.Random, n: int) -> str:
        """One sentence of `n` words: capitalized, a comma now and then, a full stop."""
        words = self.running(rng, n)
        if n > 9 and rng.random() < 0.5:
            cut = rng.randrange(3, n - 3)
            words[cut] += ","
        words[0] = words[0].capitalize()
        return " ".join(words) + "."

    def title_words(self, rng: random.Random, n: int) -> str:
        """A title-cased phrase of `n` words, mostly content words, without closing punctuation."""
        words = [self.content_word(rng, 20, 8_000) for _ in range(n)]
        if n > 3:
            words.insert(rng.randrange(1, n - 1), rng.choice(("of", "and", "the", "for", "in")))
        return " ".join(w if w in FUNCTION_WORDS else w.capitalize() for w in words)

    def person(self, rng: random.Random) -> str:
        """A pseudo person's name, first and last; common names recur (Zipf over names)."""
        return f"{_zipf_pick(rng, self.first_names)} {_zipf_pick(rng, self.last_names)}"


def _syllable(rng: random.Random) -> str:
    return rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)


def _names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = "".join(_syllable(rng) for _ in range(rng.choice((2, 2, 3))))
        if 4 <= len(name) <= 10 and name not in taken:
            taken.add(name)
            names.append(name.capitalize())
    return names


def _zipf_pick(rng: random.Random, items: list[str]) -> str:
    """An item whose rank is roughly Zipf-distributed (log-uniform, which is Zipf with s=1)."""
    return items[min(int(len(items) ** rng.random()) - 1, len(items) - 1)]


@functools.lru_cache(maxsize=4)
def word_model(seed: int) -> WordModel:
    """The (cached) word model for `seed`."""
    return WordModel(seed)
