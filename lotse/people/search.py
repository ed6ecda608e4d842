"""Name search that finds spelling variants.

Names of refugees reach German offices in many transliterations (Mohammed,
Muhammad, Mohamad; Yusuf, Youssef). PostgreSQL's trigram similarity finds
typos, but two transliterations of one Arabic name share too few trigrams.
So each person also gets a *folded* name: lower case, without diacritics,
every vowel written as ``a``, common consonant spellings unified and doubled
letters collapsed. Trigram similarity on both the plain and the folded text
then finds "Muhammad" for "Mohammed", ranked by closeness.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

# Applied in order, after lower-casing and stripping diacritics.
_FOLDS: tuple[tuple[str, str], ...] = (
    ("sch", "s"),
    ("ph", "f"),
    ("kh", "h"),
    ("gh", "g"),
    ("dj", "j"),
    ("ck", "k"),
    ("ou", "u"),
    ("ie", "i"),
    ("q", "k"),
    ("c", "k"),
    ("z", "s"),
    ("w", "v"),
    ("y", "i"),
)
_VOWELS = re.compile(r"[aeiou]+")
_DOUBLES = re.compile(r"(.)\1+")
_NON_LETTERS = re.compile(r"[^\w\s]|_|\d")


def plain(text: str) -> str:
    """Lower case without diacritics and punctuation: "Ğül-Şahin" becomes "gul sahin"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NON_LETTERS.sub(" ", stripped).split())


def fold(text: str) -> str:
    words = []
    for word in plain(text).split():
        for source, target in _FOLDS:
            word = word.replace(source, target)
        word = _VOWELS.sub("a", word)
        words.append(_DOUBLES.sub(r"\1", word))
    return " ".join(words)


def search_texts(names: Iterable[str]) -> tuple[str, str]:
    """The plain and the folded search text of a person's names and aliases."""
    return _texts(" ".join(name for name in names if name))


@functools.lru_cache(maxsize=65_536)
def _texts(joined: str) -> tuple[str, str]:
    # Names repeat (a household shares its family name, many share a given name): an import of a county's
    # workbook folds each spelling once.
    return plain(joined), fold(joined)
