"""The safety scan of a sheet's XML (`extent.Reach.feed`, numpy passes in `cellscan`) says exactly what the regular
expressions it replaced said: a sheet it passes is one calamine cannot be made to build a huge grid from."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings, strategies as st

from crisis_tui.core.ingest import extent

# the patterns the scan replaced, searched as they were: the oracle
_SPACES = bytes.maketrans(b"\t\n\r", b"   ")
_ODD = (re.compile(rb":c(?=[\s/>])"), re.compile(rb"r=(?<![A-Za-z0-9_.:\-]r=)(?<!<c r=)(?<!<row r=)"),
        re.compile(rb"=(?<=[ \x0b\x0c]=)"))


def oracle(xml: bytes, start: int, end: int, digits: int) -> tuple[int, int] | None:
    """(rows, columns) the regular expressions found in xml[start:end]; None for cells not written the plain way."""
    if any(xml.find(space, start, end) >= 0 for space in (b"\t", b"\n", b"\r")):
        xml, start, end = xml[start:end].translate(_SPACES), 0, end - start
    if any(odd.search(xml, start, end) for odd in _ODD):
        return None
    rows = columns = 0
    for letters, row, far_row in set(extent._cells_to_check(digits).findall(xml, start, end)):
        if not (letters or far_row):
            return None
        rows = max(rows, int(row or far_row or 0))
        columns = max(columns, extent.column_number(letters) if letters else 26)
    if columns < 26 and xml.find(b"<c", start, end) >= 0:
        columns = 26
    return rows, columns


def scanned(xml: bytes, start: int, end: int, digits: int) -> tuple[int, int] | None:
    reach = extent.Reach(digits)
    return (reach.rows, reach.columns) if reach.feed(xml, start, end) else None


PIECES = [b'<c r="', b'<row r="', b"<c", b"<col", b":c", b"x:c ", b"r=", b'r="', b"=", b' s="1"', b'"', b"'", b"/>",
          b">", b"</c>", b"<v>1</v>", b" ", b"\t", b"\n", b"\r", b"\x0b", b"\x0c", b"-", b"_", b".", b"A", b"B", b"X",
          b"F", b"D", b"z", b"0", b"00000000", b"1", b"9", b"123456", b"1048576", b"ZZZZ", b"AB", b"XFD"]


def whole(xml: bytes) -> tuple[bytes, int, int]:
    return xml, 0, len(xml)


@st.composite
def xml_pieces(draw) -> tuple[bytes, int, int]:
    xml = b"".join(draw(st.lists(st.sampled_from(PIECES), max_size=40)))
    start = draw(st.integers(0, len(xml)))
    end = draw(st.integers(start, len(xml)))
    return xml, start, end


@settings(max_examples=1500, deadline=None)
@given(xml_pieces(), st.integers(1, 7))
@example(whole(b'<c r="AB12"/><c r="A123456"/>'), 6)
@example(whole(b'<c r="A0000000000000000000000001048576"/>'), 6)  # a reference longer than the window
@example(whole(b'<c r="ABCDEFGHIJKLMNOPQRSTU1"/>'), 6)
@example(whole(b'<row r="1"><c r="B2"\x0cr="XFD1048576"/>'), 6)
@example(whole(b'<c\tr="A1"/>'), 6)
@example((b' r="A1"', 3, 7), 6)  # "r=" just before the piece: not looked at, but looked behind
def test_scan_says_what_the_patterns_said(piece: tuple[bytes, int, int], digits: int) -> None:
    xml, start, end = piece
    assert scanned(xml, start, end, digits) == oracle(xml, start, end, digits)


def test_a_real_sheet_scans_the_same() -> None:
    rows = b"".join(b'<row r="%d"><c r="A%d" t="n"><v>1</v></c><c r="L%d" t="inlineStr"><is><t>x</t></is></c></row>'
                    % (n, n, n) for n in range(99_990, 100_010))
    xml = b'<worksheet><sheetData>' + rows + b'</sheetData></worksheet>'
    for digits in range(1, 8):
        assert scanned(xml, 0, len(xml), digits) == oracle(xml, 0, len(xml), digits)
    assert scanned(xml, 0, len(xml), 6) == (100_009, 26)


@pytest.mark.parametrize("start, end", [(-19, 21), (0, 25), (10, 2)])
def test_a_piece_outside_the_xml_is_refused_not_scanned_elsewhere(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        extent.Reach().feed(b'xx<c r="XFD1048576"/>', start, end)
