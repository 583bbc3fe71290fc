"""Cheap safety checks on zipped workbooks, made before any reader parses them.

calamine builds a dense grid from the furthest cell of a sheet: one cell at XFD1048576 asks for 500 GB and the
process aborts (no exception to catch). A zip may also expand a few KB into GB. These functions look at the zip's
directory (sizes there are checked against the CRC when read, so they can be trusted) and scan the sheet XML for
the furthest cell, without parsing it.
"""

from __future__ import annotations

import re
import zipfile

MAX_TOTAL_BYTES = 1 << 30  # uncompressed content of one workbook
MAX_RATIO = 100  # compression ratio above which a big member is a bomb
RATIO_MIN_BYTES = 10 << 20  # members smaller than this may compress as they like
MAX_CELLS = 5_000_000  # grid cells (rows x columns) a sheet may span before we stop trusting calamine with it
_CHUNK = 4 << 20

_ROW_NUMBER = re.compile(rb'<row r="(\d+)"')
_WIDE_COLUMN = re.compile(rb'<c r="([A-Z]{2,3})\d')
_TAG_WITHOUT_LEADING_REF = re.compile(rb'<(?:c|row)(?:>|/>|\s(?!r="))[^>]*')
_REFERENCE = re.compile(rb'\sr="([A-Z]*)(\d+)"')


class UnsafeFile(ValueError):
    """The file would exhaust memory or crash a reader; the message says why."""


def check_zip(archive: zipfile.ZipFile) -> None:
    """Refuse an encrypted member, a zip bomb, or more content than a workbook ever holds."""
    total = 0
    for info in archive.infolist():
        if info.flag_bits & 0x1:
            raise UnsafeFile("encrypted zip content (password-protected)")
        total += info.file_size
        if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnsafeFile(
                f"suspicious compression: {info.filename} expands {info.compress_size} bytes "
                f"to {info.file_size} (zip bomb?)"
            )
    if total > MAX_TOTAL_BYTES:
        raise UnsafeFile(f"content too large ({total >> 20} MB uncompressed)")


def column_number(letters: bytes | str) -> int:
    """1 for A, 27 for AA, 16384 for XFD."""
    number = 0
    for letter in letters.upper() if isinstance(letters, str) else letters.decode("ascii"):
        number = number * 26 + ord(letter) - 64
    return number


def xlsx_extent(archive: zipfile.ZipFile, member: str) -> tuple[int, int] | None:
    """(last row, last column) the cells of a worksheet reach; None when a cell or row has no reference to bound it.

    A declared `<dimension>` proves nothing (calamine sizes its grid from the cells), so the cells are scanned:
    the furthest row and the widest column reference found bound the grid calamine will build.
    """
    rows = columns = 0
    pending = b""
    with archive.open(member) as handle:
        while True:
            chunk = handle.read(_CHUNK)
            text = pending + chunk
            cut = text.rfind(b">") + 1 if chunk else len(text)  # scan whole tags only; the rest waits
            pending = text[cut:]
            rows = max(rows, max(map(int, _ROW_NUMBER.findall(text, 0, cut)), default=0))
            for letters in set(_WIDE_COLUMN.findall(text, 0, cut)):
                columns = max(columns, column_number(letters))
            for tag in _TAG_WITHOUT_LEADING_REF.findall(text, 0, cut):
                reference = _REFERENCE.search(tag)
                if reference is None:
                    return None
                rows = max(rows, int(reference.group(2)))
                columns = max(columns, column_number(reference.group(1)))
            if not chunk:
                break
    return rows, max(columns, 26 if rows else 0)


_ODS_TOKEN = re.compile(
    rb"<table:table[\s>]|<table:table-row\b([^>]*)>|</table:table-row>|<table:(?:covered-)?table-cell\b([^>]*?)(/?)>"
)
_ROWS_REPEATED = re.compile(rb'number-rows-repeated="(\d+)"')
_COLUMNS_REPEATED = re.compile(rb'number-columns-repeated="(\d+)"')


def ods_extent(archive: zipfile.ZipFile) -> int:
    """The largest grid (rows x columns) any table of an OpenDocument spreadsheet spans with non-empty cells."""
    content = archive.read("content.xml")
    largest = 0
    row = rows = columns = column = 0
    row_repeat = 1
    row_has_content = False
    for match in _ODS_TOKEN.finditer(content):
        token = match.group(0)
        if token.startswith(b"<table:table") and not token.startswith(b"<table:table-"):
            largest = max(largest, rows * columns)
            row = rows = columns = 0
        elif token.startswith(b"<table:table-row"):
            repeated = _ROWS_REPEATED.search(match.group(1) or b"")
            row_repeat = int(repeated.group(1)) if repeated else 1
            column, row_has_content = 0, False
        elif token == b"</table:table-row>":
            row += row_repeat
            if row_has_content:
                rows = row
        else:
            attributes = match.group(2) or b""
            repeated = _COLUMNS_REPEATED.search(attributes)
            column += int(repeated.group(1)) if repeated else 1
            if not match.group(3) or b"value-type" in attributes:
                row_has_content = True
                columns = max(columns, column)
    return max(largest, rows * columns)
