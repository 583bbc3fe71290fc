"""SMS text: which alphabet a message needs, how many parts it costs, and how to bring it back to GSM-7.

GSM 03.38: the basic set costs one septet a character, the extension table (``^ { } \\ [ ~ ] | €`` and form
feed) two. One SMS holds 160 septets, each part of a longer one 153; in UCS-2, 70 UTF-16 code units, 67 a part.
A two-septet character or a surrogate pair is never split across parts.

Product rule: â ê î ô û ç ë ï and the typographic quotes ’ “ ” « » are not in GSM-7 and so force UCS-2;
ç too, although GSM has Ç (no phone is trusted to show Ç for ç). ``transliterate`` swaps them for their
nearest GSM-7 characters and keeps é è à ù ì ò É Ä Ö Ñ Ü ä ö ñ ü, which GSM-7 has.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
GSM7 = GSM7_BASIC | GSM7_EXTENSION

SINGLE = {"GSM-7": 160, "UCS-2": 70}
PART = {"GSM-7": 153, "UCS-2": 67}

# Nearest GSM-7 text for characters outside it that NFKD does not bring back (or brings back wrongly).
_NEAREST = {
    "ç": "c", "œ": "oe", "Œ": "OE", "…": "...", "°": "o", "º": "o", "ª": "a", "`": "'", "´": "'",
    "\t": " ", "\u2028": "\n", "\u2029": "\n", "\u2044": "/", "\u2215": "/", "×": "x", "÷": "/",
    "•": "-", "·": ".", "¢": "c", "©": "(c)", "®": "(R)", "™": "TM", "‰": "0/00", "ð": "d", "Ð": "D",
    "þ": "th", "Þ": "Th", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "ĸ": "k", "ŋ": "n", "Ŋ": "N",
    "ŧ": "t", "Ŧ": "T", "ħ": "h", "Ħ": "H", "ſ": "s", "ƒ": "f", "¦": "|",
    **dict.fromkeys("’‘‚‛′‹›", "'"),
    **dict.fromkeys("“”„‟″«»", '"'),
}


def encoding_of(text: str) -> Encoding:
    """GSM-7 when every character is in the GSM 03.38 basic or extension table, else UCS-2."""
    return "GSM-7" if GSM7.issuperset(text) else "UCS-2"


def _units(text: str, encoding: Encoding) -> list[int]:
    """What each character costs: septets in GSM-7, UTF-16 code units in UCS-2."""
    if encoding == "GSM-7":
        return [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def length(text: str) -> int:
    """Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes."""
    return sum(_units(text, encoding_of(text)))


def segments(text: str) -> int:
    """How many SMS parts the text is sent as (an empty text is still one SMS)."""
    encoding = encoding_of(text)
    units = _units(text, encoding)
    if sum(units) <= SINGLE[encoding]:
        return 1
    part, used = PART[encoding], 0
    count = 1
    for unit in units:
        if used + unit > part:
            count += 1
            used = 0
        used += unit
    return count


def _nearest(ch: str) -> str:
    if ch in GSM7:
        return ch
    if ch in _NEAREST:
        return _NEAREST[ch]
    category = unicodedata.category(ch)
    if category == "Zs":
        return " "
    if category == "Pd":
        return "-"
    bare = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    if bare and bare != ch:
        return "".join(_nearest(c) for c in bare)
    if category.startswith("M") or category == "Cf":
        return ""
    return "?"


def transliterate(text: str) -> str:
    """The text in GSM-7 only: each other character by its nearest GSM-7 text, "?" when there is none."""
    return "".join(_nearest(ch) for ch in unicodedata.normalize("NFC", text))
