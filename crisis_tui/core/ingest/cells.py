"""What a reader gives: sheets of raw cells with their real row numbers, and the error it raises."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Callable, Iterator, Sequence

from crisis_tui.i18n import Message

Row = Sequence[object]


class ReadError(ValueError):
    """The file cannot be read as a spreadsheet: `key` names why under import.error in the catalog, with its values
    (`message`; str() is its English line, without the file name)."""

    def __init__(self, key: str, /, **values: object) -> None:
        self.message = Message(f"import.error.{key}", **values)
        super().__init__(str(self.message))


class ReadAgainWhole(Exception):
    """A sheet read in parts turned out not to be readable that way: read the file again, each sheet whole."""


@dataclass(frozen=True)
class Rows:
    total: int  # rows the sheet spans (for progress)
    numbered: Iterator[tuple[int, Row]]  # (the spreadsheet's own 1-based row number, cells), read lazily
    what: str = "sheet"  # what the rows come from ("sheet" or "text"), for the error: "unreadable sheet (...)"
    stop: Callable[[], None] | None = None  # stops a reader working ahead in other threads (`parts`)

    def __iter__(self) -> Iterator[tuple[int, Row]]:
        """The rows one by one, a reader's failure midway raised as ReadError (as `take` does)."""
        while chunk := self.take(1000):
            yield from chunk

    def take(self, count: int) -> list[tuple[int, Row]]:
        """The next rows (at most `count`). A reader's failure midway (a damaged sheet, a CSV field over the size
        limit) is raised as ReadError, so that the import rolls the file back and says why instead of crashing."""
        try:
            return list(itertools.islice(self.numbered, count))
        except (ReadError, ReadAgainWhole):
            raise
        except BaseException as exc:
            if not reader_failure(exc):
                raise
            raise ReadError(f"unreadable_{self.what}", detail=first_line(exc)) from None

    def close(self) -> None:
        """Stop reading: a reader working ahead stops and lets its memory go."""
        if self.stop is not None:
            self.stop()


@dataclass(frozen=True)
class Sheet:
    name: str | None  # None for a text file or HTML page (their only "sheet" is the file)
    load: Callable[[], Rows]  # reads the cells (the costly part); call it once


def cell_text(value: object) -> str:
    """A cell as the text a person reads in it (dates in ISO form, 475123456.0 as 475123456)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds" if value.second else "minutes")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def first_line(exc: BaseException) -> str:
    """An exception as one short line."""
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__


def reader_failure(exc: BaseException) -> bool:
    """An exception a reader raised on a bad file: any Exception, or a panic in calamine's Rust code (pyo3 raises
    those as PanicException, a BaseException), but never an interrupt or an exit."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"
