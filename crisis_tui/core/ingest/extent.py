"""Cheap safety checks on zipped workbooks, made before any reader parses them.

calamine builds a dense grid from the furthest cell of a sheet: one cell at XFD1048576 asks for 500 GB and the
process aborts (no exception to catch). A zip may also expand a few KB into GB. These functions look at the zip's
directory (sizes there are checked against the CRC when read, so they can be trusted) and scan the sheet XML for
the furthest cell, without parsing it.
"""

from __future__ import annotations

import re
import zipfile

from crisis_tui.core.ingest import cellscan
from crisis_tui.core.ingest.cells import ReadError

MAX_TOTAL_BYTES = 1 << 30  # uncompressed content of one workbook
MAX_RATIO = 100  # compression ratio above which a big member is a bomb
RATIO_MIN_BYTES = 10 << 20  # members smaller than this may compress as they like
MAX_CELLS = 5_000_000  # grid cells (rows x columns) a sheet may span before we stop trusting calamine with it
_CHUNK = 4 << 20

# calamine places a cell by its last attribute named exactly r, whatever the element's namespace prefix, the
# attribute's quotes, what comes before it (a space, a quote, a form feed...) or the spaces around its "=", and by
# counting cells and rows when it has none. A sheet is only bounded here when its cells are written the plain way:
# `<c r="REF"` first, no other r attribute anywhere, and no space before any "=" (tabs and line breaks are read as
# spaces, so that r attributes written after them are seen too).
_SPACES = bytes.maketrans(b"\t\n\r", b"   ")


def _cells_to_check(digits: int) -> re.Pattern[bytes]:
    """Plain cells with two letters or more (groups 1 and 2: the letters, the row), plain cells in a row of
    `digits` digits or more (group 3), and cells whose first attribute is not their reference (no group)."""
    return re.compile(rb'<c(?: r="(?:([A-Za-z]{2,}+)0*+([0-9]*+)|[A-Za-z]?+0*+([1-9][0-9]{%d,}+)")|(?! r=")(?=[\s/>]))'
                      % (digits - 1))


class UnsafeFile(ReadError):
    """The file would exhaust memory or crash a reader."""


def check_zip(archive: zipfile.ZipFile) -> None:
    """Refuse an encrypted member, a zip bomb, or more content than a workbook ever holds."""
    total = 0
    for info in archive.infolist():
        if info.flag_bits & 0x1:
            raise UnsafeFile("zip_encrypted")
        total += info.file_size
        if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnsafeFile("zip_bomb", member=info.filename, packed=info.compress_size, size=info.file_size)
    if total > MAX_TOTAL_BYTES:
        raise UnsafeFile("too_large", megabytes=total >> 20)


SHARED_STRINGS = "xl/sharedStrings.xml"  # calamine reads the shared strings there, whatever the relations say
_SHARED_STRINGS_HEAD = 1 << 16  # bytes in which the shared strings' root tag must end
_UNIQUE_COUNT = re.compile(rb"uniqueCount\s*=\s*[\"']([^\"']*)")
_SMALLEST_STRING = len(b"<si></si>")


def shared_strings_overstated(archive: zipfile.ZipFile) -> bool:
    """Whether the shared strings announce more strings than their bytes can hold: calamine reserves room for the
    announced count when it opens the workbook, and a count of billions aborts the process."""
    if SHARED_STRINGS not in archive.namelist():
        return False
    most = archive.getinfo(SHARED_STRINGS).file_size // _SMALLEST_STRING
    with archive.open(SHARED_STRINGS) as handle:
        head = handle.read(_SHARED_STRINGS_HEAD)
    root_end = head.find(b">", head.find(b"sst"))
    if root_end < 0:
        return True  # a root tag this long is not a workbook writer's: not left to calamine
    for value in _UNIQUE_COUNT.findall(head[:root_end]):
        count = value.strip().lstrip(b"+")
        if count.isdigit() and int(count) > most:
            return True
    return False


def column_number(letters: bytes | str) -> int:
    """1 for A, 27 for AA, 16384 for XFD (any case)."""
    number = 0
    for letter in (letters if isinstance(letters, str) else letters.decode("ascii")).upper():
        number = number * 26 + ord(letter) - 64
    return number


def xlsx_extent(archive: zipfile.ZipFile, member: str) -> tuple[int, int] | None:
    """(rows, columns) that bound the grid calamine would build for a worksheet; None when its cells are not
    written the plain way (see above), so that it cannot be bounded without parsing it.

    A declared `<dimension>` proves nothing (calamine sizes its grid from the cells), so the XML is scanned. Only
    the rows with many digits are read (100000 and after), so that the scan stays cheap; a sheet with many columns
    is scanned again, down to shorter row numbers, until its bound fits or is known not to.
    """
    digits = 6
    while True:
        reach = _scan(archive, member, digits)
        if reach is None:
            return None
        if reach.grid() <= MAX_CELLS or reach.rows >= 10 ** (digits - 1) or digits == 1:
            return reach.span()
        digits -= 1


def _scan(archive: zipfile.ZipFile, member: str, digits: int) -> Reach | None:
    """How far the cells of a worksheet reach; None for a sheet not written the plain way."""
    found = Reach(digits)
    pending = b""
    with archive.open(member) as handle:
        while True:
            chunk = handle.read(_CHUNK)
            text = pending + chunk
            cut = text.rfind(b">") + 1 if chunk else len(text)  # scan whole tags only; the rest waits
            pending = text[cut:]
            if not found.feed(text[:cut]):
                return None
            if not chunk:
                break
    return found


class Reach:
    """How far the cells of a worksheet's XML reach, fed a piece at a time (each piece made of whole tags)."""

    def __init__(self, digits: int = 6) -> None:
        self.digits = digits
        self.cells = _cells_to_check(digits)
        self.rows = 0  # the furthest row among wide cells and rows of `digits` digits or more
        self.columns = 0  # the widest column, 26 at least when there are cells

    def feed(self, xml: bytes, start: int = 0, end: int | None = None) -> bool:
        """Take in one more piece (xml[start:end], looked at in place); False when its cells are not written the
        plain way."""
        end = len(xml) if end is None else end
        if any(xml.find(space, start, end) >= 0 for space in (b"\t", b"\n", b"\r")):
            xml, start, end = xml[start:end].translate(_SPACES), 0, end - start
        found = cellscan.scan(xml, start, end, self.digits)
        if not found.plain:
            return False
        self.rows, self.columns = max(self.rows, found.rows), max(self.columns, found.columns)
        for match in filter(None, (self.cells.match(xml, position, end) for position in found.long)):
            letters, row, far_row = match.groups()
            self.rows = max(self.rows, int(row or far_row or 0))
            self.columns = max(self.columns, column_number(letters) if letters else 26)
        if self.columns < 26 and found.any_cell:
            self.columns = 26
        return True

    def span(self) -> tuple[int, int]:
        """(rows, columns) that bound calamine's grid for the cells fed so far (rows with fewer digits than
        `digits` count as the largest such row)."""
        return (max(self.rows, 10 ** (self.digits - 1) - 1) if self.columns else 0), self.columns

    def grid(self) -> int:
        rows, columns = self.span()
        return rows * columns


ATTRIBUTES = rb"""((?:[^>"']|"[^"]*"|'[^']*')*?)"""  # a tag's attributes, a ">" inside a quoted value included
_ODS_TOKEN = re.compile(
    rb"<table:table[\s>]|<table:table-row\b" + ATTRIBUTES + rb">|</table:table-row>|<table:(?:covered-)?table-cell\b"
    + ATTRIBUTES + rb"(/?)>"
)
# the repeat however its value is written: quotes of either kind, spaces around "=", a sign or spaces inside
ROWS_REPEATED = re.compile(rb"""number-rows-repeated\s*=\s*["']\s*\+?(\d+)""")
COLUMNS_REPEATED = re.compile(rb"""number-columns-repeated\s*=\s*["']\s*\+?(\d+)""")


def ods_extent(content: bytes) -> int:
    """The largest grid (rows x columns) any table of an OpenDocument spreadsheet (its content.xml) spans with
    non-empty cells."""
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
            repeated = ROWS_REPEATED.search(match.group(1) or b"")
            row_repeat = int(repeated.group(1)) if repeated else 1
            column, row_has_content = 0, False
        elif token == b"</table:table-row>":
            row += row_repeat
            if row_has_content:
                rows = row
        else:
            attributes = match.group(2) or b""
            repeated = COLUMNS_REPEATED.search(attributes)
            column += int(repeated.group(1)) if repeated else 1
            if not match.group(3) or b"value-type" in attributes:
                row_has_content = True
                columns = max(columns, column)
    return max(largest, rows * columns)
