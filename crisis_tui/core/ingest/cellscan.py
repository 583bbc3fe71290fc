"""The byte passes of `extent.Reach.feed` over a sheet's XML, in numpy: they run without the GIL, while the
importing thread converts rows (the same passes as regular expressions held it for a third of a 100k-row import).

They say exactly what these patterns would, searched over xml[start:end] (a lookbehind may look before `start`):
- a cell with a namespace prefix, `:c(?=[\\s/>])`;
- an r attribute that is not the first of a cell or row, `r=(?<![A-Za-z0-9_.:\\-]r=)(?<!<c r=)(?<!<row r=)`;
- a space before an "=", `=(?<=[ \\x0b\\x0c]=)`;
- the cells of `extent._cells_to_check(digits)`: a cell whose first attribute is not its reference, and the
  references with two letters or more, or a row of `digits` digits or more.
A reference too long for the window read here (rare, and only in a file made to be odd) is left to that pattern.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _table(characters: bytes) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[list(characters)] = True
    return table


_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_DIGITS = b"0123456789"
_LETTER, _DIGIT = _table(_LETTERS), _table(_DIGITS)
_NAME = _table(_LETTERS + _DIGITS + b"_.:-")  # a character of an attribute's name
_CELL_END = _table(b" \t\n\r\x0b\x0c/>")  # \s, "/" or ">": what may follow "<c" in a cell's tag
_EQUALS_SPACE = _table(b" \x0b\x0c")
LOOKBEHIND = len(b"<row ")  # bytes before `start` the lookbehinds may see
WINDOW = 16  # bytes of a reference read at once: letters, zeros, digits and the closing quote
_COLUMNS = np.arange(WINDOW)
_POWERS = 10 ** np.arange(WINDOW, dtype=np.int64)


@dataclass
class Found:
    """What one piece holds: whether its cells are written the plain way, the furthest row and column among the
    references matched (0 when none), whether "<c" is in it at all, and where the references too long to be
    read here start (their "<c", in `xml`)."""

    plain: bool
    rows: int = 0
    columns: int = 0
    any_cell: bool = False
    long: list[int] = field(default_factory=list)


def _at(data: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The bytes at these positions; 0 (no character of any table above) outside the data."""
    inside = (positions >= 0) & (positions < data.size)
    return np.where(inside, data[np.where(inside, positions, 0)], 0)


def _first(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row of a boolean matrix: the first column where it is true, and whether there is one."""
    return mask.argmax(axis=1), mask.any(axis=1)


def scan(xml: bytes, start: int, end: int, digits: int) -> Found:
    """The passes over xml[start:end] (see the module's docstring); the piece must lie within `xml`."""
    if not 0 <= start <= end <= len(xml):
        raise ValueError(f"piece {start}:{end} outside the {len(xml)} bytes scanned")
    base = max(start - LOOKBEHIND, 0)
    data = np.frombuffer(xml, dtype=np.uint8, count=end - base, offset=base)
    first = start - base  # where matches may start; the bytes before are only looked behind
    colons = np.flatnonzero(data[first:-2] == ord(":")) + first
    if (_CELL_END[data[colons + 2]] & (data[colons + 1] == ord("c"))).any():
        return Found(False)
    equals = np.flatnonzero(data[first:] == ord("=")) + first
    equals = equals[equals >= 1]
    if _EQUALS_SPACE[data[equals - 1]].any():
        return Found(False)
    r = equals[(equals - 1 >= first) & (data[equals - 1] == ord("r"))] - 1  # where each "r=" starts
    before = _at(data, r - 1)
    spaced = before == ord(" ")
    of_cell = spaced & (_at(data, r - 2) == ord("c")) & (_at(data, r - 3) == ord("<"))
    of_row = spaced & (_at(data, r - 2) == ord("w")) & (_at(data, r - 3) == ord("o")) & (_at(data, r - 4) == ord("r")) \
        & (_at(data, r - 5) == ord("<"))
    if not (_NAME[before] | of_cell | of_row).all():
        return Found(False)
    opens = np.flatnonzero(data[first:-1] == ord("<")) + first
    tags = opens[data[opens + 1] == ord("c")]
    after = _at(data, tags + 2)
    referenced = (after == ord(" ")) & (_at(data, tags + 3) == ord("r")) & (_at(data, tags + 4) == ord("=")) \
        & (_at(data, tags + 5) == ord('"'))
    if (_CELL_END[after] & ~referenced).any():
        return Found(False)
    found = Found(True, any_cell=tags.size > 0)
    return _references(found, tags[referenced], data, base, digits)


def _references(found: Found, tags: np.ndarray, data: np.ndarray, base: int, digits: int) -> Found:
    """The furthest row and column among the references of the plain cells at `tags` that the pattern takes. Only
    those with two letters, or digits as far as a row of `digits` digits reaches, are read whole."""
    refs = tags + len(b'<c r="')
    one_letter = _LETTER[_at(data, refs)]
    read = _LETTER[_at(data, refs + 1)] | _DIGIT[_at(data, refs + digits - 1 + one_letter)]
    tags, refs = tags[read], refs[read]
    window = _at(data, refs[:, None] + _COLUMNS)
    letters, short = _first(~_LETTER[window])
    zeros, ended = _first((_COLUMNS >= letters[:, None]) & (window != ord("0")))
    stop, closed = _first((_COLUMNS >= zeros[:, None]) & ~_DIGIT[window])
    long = ~(short & ended & closed) | (letters > 3)  # matched by the pattern itself
    count = stop - zeros
    quoted = window[np.arange(tags.size), stop] == ord('"')
    wide = ~long & (letters >= 2)
    far = ~long & (letters <= 1) & (count >= digits) & quoted
    taken = wide | far
    if taken.any():
        upper = (window[taken].astype(np.int64) & ~0x20) - (ord("A") - 1)  # A is 1
        shown = letters[taken]
        column = np.where(shown >= 2, upper[:, 0] * 26 + upper[:, 1], 26)
        column = np.where(shown == 3, column * 26 + upper[:, 2], column)
        exponent = stop[taken, None] - 1 - _COLUMNS
        in_row = (_COLUMNS >= zeros[taken, None]) & (exponent >= 0)
        value = np.where(in_row, (window[taken] - ord("0")) * _POWERS[np.where(in_row, exponent, 0)], 0)
        found.rows = int(value.sum(axis=1).max())
        found.columns = int(column.max())
    found.long = (tags[long] + base).tolist()
    return found
