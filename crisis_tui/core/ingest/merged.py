"""Cells merged down over several rows, read as the reader of the sheet sees them: a date merged over the rows of
its day dates each of them. calamine gives the merged areas of .xlsx and .xls sheets; those of .ods tables are
read here from the document's XML. An area spanning several columns (a title block, a logo) is left as it is: its
text copied across would read as a header.

Areas are ((first row, first column), (last row, last column)), counted from 0, as calamine gives them.
"""

from __future__ import annotations

import re
from typing import Iterator, Sequence
from xml.sax.saxutils import unescape

from crisis_tui.core.ingest.cells import Row
from crisis_tui.core.ingest.extent import ATTRIBUTES, COLUMNS_REPEATED, ROWS_REPEATED

Area = tuple[tuple[int, int], tuple[int, int]]

_ODS_TOKEN = re.compile(
    rb"<table:table(?=[\s>])" + ATTRIBUTES + rb">|<table:table-row\b" + ATTRIBUTES + rb">|</table:table-row>"
    rb"|<table:(?:covered-)?table-cell\b" + ATTRIBUTES + rb"/?>"
)
_NAME = re.compile(rb"""table:name\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ROWS_SPANNED = re.compile(rb"""number-rows-spanned\s*=\s*["']\s*\+?(\d+)""")
_COLUMNS_SPANNED = re.compile(rb"""number-columns-spanned\s*=\s*["']\s*\+?(\d+)""")


def filled_down(numbered: Iterator[tuple[int, Row]], merged: Sequence[Area]) -> Iterator[tuple[int, Row]]:
    """The rows (numbered from 1), each cell of a column merged down over several rows holding the value of the
    merged cell at its top."""
    below: dict[int, list[tuple[int, int]]] = {}  # row -> (column, top row) of the merged cells reaching down to it
    for (top, left), (bottom, right) in merged:
        if left == right:
            for row in range(top + 1, bottom + 1):
                below.setdefault(row, []).append((left, top))
    if not below:
        yield from numbered
        return
    tops = {top for areas in below.values() for _, top in areas}
    kept: dict[int, Row] = {}  # the rows merged cells start on
    for number, cells in numbered:
        row = number - 1
        if row in below:
            cells = list(cells)
            for column, top in below[row]:
                value = kept[top][column] if top in kept and column < len(kept[top]) else ""
                if column >= len(cells):
                    cells.extend([""] * (column + 1 - len(cells)))
                cells[column] = value
        if row in tops:
            kept[row] = cells
        yield number, cells


def ods_areas(content: bytes) -> dict[str, list[Area]]:
    """The areas merged down over several rows (one column wide) of each table of an OpenDocument spreadsheet (its
    content.xml), by table name."""
    found: dict[str, list[Area]] = {}
    areas: list[Area] = []
    row = column = 0
    row_repeat = 1
    for match in _ODS_TOKEN.finditer(content):
        table, row_attributes, cell_attributes = match.groups()
        if table is not None:
            name = _NAME.search(table)
            areas = found.setdefault(unescape((name.group(1) or name.group(2) or b"").decode("utf-8")) if name
                                     else "", [])
            row = 0
        elif row_attributes is not None:
            row_repeat, column = _number(ROWS_REPEATED, row_attributes), 0
        elif match.group(0) == b"</table:table-row>":
            row += row_repeat
        else:
            attributes = cell_attributes or b""
            rows, columns, repeated = (_number(pattern, attributes)
                                       for pattern in (_ROWS_SPANNED, _COLUMNS_SPANNED, COLUMNS_REPEATED))
            if rows > 1 and columns == 1:
                areas.append(((row, column), (row + rows - 1, column)))
            column += repeated
    return {name: areas for name, areas in found.items() if areas}


def _number(pattern: re.Pattern[bytes], attributes: bytes) -> int:
    """An attribute's count (1 when it is not there: ODF's default for spans and repeats)."""
    found = pattern.search(attributes)
    return int(found.group(1)) if found else 1
