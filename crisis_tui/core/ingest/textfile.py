"""Text that poses as a spreadsheet: CSV/TXT (separator and encoding guessed), or an HTML table saved as .xls."""

from __future__ import annotations

import codecs
import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

from crisis_tui.core.ingest.cells import ReadError, Rows, Sheet

SEPARATORS = (";", "\t", ",")  # in order of preference when they tie (Belgian exports use ;)
_SAMPLE_LINES = 50
_SAMPLE_WIDTH = 4096  # characters of each sample line (well under the csv module's field size limit)
_HTML_STARTS = ("<!doctype html", "<html", "<table", "<head", "<body", "<meta", "<style", "<div")


def read_text_sheets(path: Path, head: bytes) -> list[Sheet]:
    """The sheet(s) of a text file; ReadError for binary content, unknown encodings, or XML that is no table."""
    if head.startswith(b"%PDF"):
        raise ReadError("pdf")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError("binary")
    text = decode(path.read_bytes())
    start = text[:2048].lstrip().lower()
    if start.startswith("<?xml"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in text[:8192]:
            raise ReadError("xml2003")
        if "<html" not in start:
            raise ReadError("xml")
    if start.startswith(_HTML_STARTS) or start.startswith("<?xml"):
        return html_tables(text)
    return [csv_sheet(text)]


def decode(data: bytes) -> str:
    """UTF-16 when it has a byte order mark, else strict UTF-8 (BOM or not); else, when it is mostly UTF-8 (lines
    pasted from a Windows file into a UTF-8 one), UTF-8 with those bytes read as Windows-1252; else strict
    Windows-1252. (Read wholly as Windows-1252, such a file's headers would not be recognised: "PrÃ©nom".)"""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strictly(data, "utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if _mostly_utf8(data):
            return data.decode("utf-8-sig", errors=_CP1252_BYTES)
    return _strictly(data, "cp1252")


def _strictly(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise ReadError("encoding") from None


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_CP1252_BYTES = "crisis_tui.cp1252_bytes"  # the error handler reading bytes that are no UTF-8 as Windows-1252


def _as_cp1252(error: UnicodeDecodeError) -> tuple[str, int]:
    return error.object[error.start : error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error(_CP1252_BYTES, _as_cp1252)


def _mostly_utf8(data: bytes) -> bool:
    """More characters written in UTF-8 than bytes that are not UTF-8."""
    written = len(_UTF8_SEQUENCE.findall(data))  # none in a Windows-1252 file: no second decoding
    return written > 0 and written > data.decode("utf-8", errors="replace").count("\ufffd")


def guess_separator(lines: list[str]) -> str:
    """The separator that splits the most sample lines into the same number (> 1) of fields."""
    best, best_score = SEPARATORS[0], 0
    sample = [line[:_SAMPLE_WIDTH] for line in lines]
    for separator in SEPARATORS:
        try:
            counts = [len(fields) for fields in csv.reader(sample, delimiter=separator)]
        except csv.Error:  # a stray quote or carriage return: this separator gets no say
            continue
        widths = [n for n in counts if n > 1]
        if not widths:
            continue
        usual = max(set(widths), key=widths.count)
        score = widths.count(usual)
        if score > best_score:
            best, best_score = separator, score
    return best


def csv_sheet(text: str) -> Sheet:
    first, _, rest = text.partition("\n")
    hint = first.strip().lower()
    if hint.startswith("sep=") and len(hint) == 5:  # Excel's own separator line
        separator, text = hint[4], rest
    else:
        separator = guess_separator(text[: _SAMPLE_LINES * _SAMPLE_WIDTH].splitlines()[:_SAMPLE_LINES])

    def load() -> Rows:
        records = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        if _SHIELD in text:
            records = ([_unshielded(field) for field in record] for record in records)
        return Rows(text.count("\n") + 1, enumerate(records, start=1), "text")

    return Sheet(None, load)


_SHIELD = '="'  # ="0475123456", ="19/04/2022": a cell written as a formula giving its text, so that Excel keeps it


def _unshielded(field: str) -> str:
    """The text a cell written ="..." stands for (its doubled quotes undone), as Excel shows it; others unchanged."""
    if field.startswith(_SHIELD) and field.endswith('"') and len(field) >= 3:
        return field[2:-1].replace('""', '"')
    return field


class _Tables(HTMLParser):
    """Every <table> of a page as rows of cell texts (colspan kept as empty cells)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._depth = 0
        self._cell: list[str] | None = None
        self._span = 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._depth += 1
            if self._depth == 1:
                self.tables.append([])
        elif self._depth == 1 and tag == "tr":
            self.tables[-1].append([])
        elif self._depth == 1 and tag in ("td", "th") and self.tables[-1]:
            self._cell = []
            span = dict(attrs).get("colspan") or "1"
            self._span = int(span) if span.isdigit() and 0 < int(span) < 1000 else 1
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            row = self.tables[-1][-1]
            row.append(" ".join("".join(self._cell).split()))
            row.extend([""] * (self._span - 1))
            self._cell = None
        elif tag == "table":
            self._depth = max(self._depth - 1, 0)

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(text: str) -> list[Sheet]:
    parser = _Tables()
    parser.feed(text)
    parser.close()
    sheets = []
    for table in parser.tables:
        if table:
            sheets.append(Sheet(None, _table_loader(table)))
    if not sheets:
        raise ReadError("html_without_table")
    return sheets


def _table_loader(table: list[list[str]]):
    return lambda: Rows(len(table), enumerate(table, start=1))
