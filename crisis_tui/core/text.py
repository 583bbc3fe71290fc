"""Text normalisation shared by every matcher: case, accents, punctuation, spaces, a plural s."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")
# single letters joined by dots, "C.H.A." "I.F.A.C." "C.S.L" (the last dot, if any, is left: it ends the word)
_DOTTED_ACRONYM = re.compile(r"(?<![^\W_])[^\W\d_](?:\.[^\W\d_])+(?![^\W_])")
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "ı": "i"})


def fold(text: object) -> str:
    """Lower case, no accents (Ø Æ Œ ß... as their Latin letters), punctuation as spaces, single spaces."""
    if text is None:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", bare.casefold().translate(_LETTERS)).split())


def singular(token: str) -> str:
    return token[:-1] if len(token) > 3 and token.endswith("s") and not token.endswith("ss") else token


def tokens(text: object) -> tuple[str, ...]:
    """The folded words of a text, each without a plural s."""
    return tuple(singular(t) for t in fold(text).split())


def key(text: object) -> str:
    """A comparison key: folded, singular words joined by single spaces."""
    return " ".join(tokens(text))


def place_tokens(text: object) -> tuple[str, ...]:
    """`tokens` of a place or activity name, a dotted acronym read as one word ("C.H.A." -> cha). Not for people's
    names, whose stored keys have their initials ("J.P." -> j p) as separate words."""
    if text is None:
        return ()
    return tokens(_DOTTED_ACRONYM.sub(lambda acronym: acronym.group().replace(".", ""), str(text)))
