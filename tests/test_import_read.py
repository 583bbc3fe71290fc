"""Reading any spreadsheet file into sheets of raw cells: formats told by their first bytes, hostile files refused."""

from __future__ import annotations

import re
import zipfile
from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from crisis_tui.core.ingest import extent
from crisis_tui.core.ingest.cells import ReadError
from crisis_tui.core.ingest.read import is_spreadsheet_name, read_sheets
from crisis_tui.core.ingest.textfile import SEPARATORS, guess_separator
from import_files import rewrite_zip, row_text, sample, text_file, xlsx

ROWS = [["Nom", "Prénom", "Date"], ["Müller-Lüdenscheidt", "Œdipe", "17/05/2022"], ["D'Hondt", "Zoë €", "18/05/2022"]]


def cells(path):
    """{sheet name: [(row number, cells without trailing blanks)]} of the non-empty rows."""
    found = {}
    for sheet in read_sheets(path):
        rows = sheet.load()
        found[sheet.name] = [(n, row_text(c)) for n, c in rows.numbered if any(c)]
    return found


def test_xlsx_rows_keep_their_spreadsheet_row_numbers(tmp_path):
    path = xlsx(tmp_path / "a.xlsx", ("S", [[], [], ["Title"], [], ["Nom", "Date"], ["Dupont", "17/05/2022"]]))
    assert cells(path) == {"S": [(3, ["Title"]), (5, ["Nom", "Date"]), (6, ["Dupont", "17/05/2022"])]}


def test_xlsx_hidden_and_very_hidden_sheets_are_skipped(tmp_path):
    workbook = Workbook()
    workbook.active.title = "Visible"
    workbook.active.append(["x"])
    for name, state in (("Hidden", "hidden"), ("Very", "veryHidden")):
        sheet = workbook.create_sheet(name)
        sheet.append(["y"])
        sheet.sheet_state = state
    workbook.save(tmp_path / "h.xlsx")
    assert [s.name for s in read_sheets(tmp_path / "h.xlsx")] == ["Visible"]


def test_xlsx_values_keep_their_types(tmp_path):
    path = xlsx(tmp_path / "t.xlsx", ("S", [[date(2022, 5, 17), time(8, 30), 475123456.0, "=1+1 as text"]]))
    (row,) = [c for _, c in read_sheets(path)[0].load().numbered]
    assert row[:3] == [date(2022, 5, 17), time(8, 30), 475123456.0]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_text_files_in_every_encoding_and_separator(tmp_path, encoding, separator):
    path = text_file(tmp_path / "e.csv", ROWS, separator=separator, encoding=encoding)
    assert cells(path) == {None: [(n, row) for n, row in enumerate(ROWS, start=1)]}


def test_text_in_utf16_as_excel_saves_unicode_text(tmp_path):
    path = tmp_path / "u.txt"
    path.write_bytes("\t".join(ROWS[1]).join(["Nom\tPrénom\tDate\r\n", "\r\n"]).encode("utf-16"))
    assert cells(path)[None][1] == (2, ROWS[1])


def test_csv_quoted_separators_line_breaks_and_excel_sep_line(tmp_path):
    path = tmp_path / "q.csv"
    path.write_bytes(b'sep=,\r\nNom,Note\r\n"Dupont; Jean","deux\r\nlignes, et virgule"\r\n')
    assert cells(path) == {None: [(1, ["Nom", "Note"]), (2, ["Dupont; Jean", "deux\r\nlignes, et virgule"])]}


def test_a_utf8_file_with_a_few_windows_lines_keeps_its_utf8_headers(tmp_path):
    """Lines pasted from a Windows file into a UTF-8 one (found by an audit): read wholly as Windows-1252, the
    headers became "PrÃ©nom" and every first name was lost, silently."""
    path = tmp_path / "m.csv"
    path.write_bytes("Nom;Prénom;Hôpital\r\nDupont;Élise;Arlon\r\n".encode() + "Martin;Hélène;Arlon\r\n".encode("cp1252"))
    assert cells(path) == {None: [(1, ["Nom", "Prénom", "Hôpital"]), (2, ["Dupont", "Élise", "Arlon"]),
                                  (3, ["Martin", "Hélène", "Arlon"])]}


def test_text_in_no_known_encoding_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"Nom;Date\r\nDupont\x81\x8d;17/05/2022\r\n")
    with pytest.raises(ReadError, match="unknown encoding"):
        read_sheets(path)


@given(st.lists(st.lists(st.text(st.characters(blacklist_characters=";,\t\r\n\"'", blacklist_categories=("Cs",)),
                                 min_size=1, max_size=6), min_size=2, max_size=5), min_size=2, max_size=8),
       st.sampled_from(SEPARATORS))
def test_the_separator_that_splits_every_line_alike_is_found(table, separator):
    width = len(table[0])
    lines = [separator.join((row * width)[:width]) for row in table]
    assert guess_separator(lines) == separator


def test_html_table_saved_as_xls_is_read_as_a_table(tmp_path):
    path = tmp_path / "export.xls"
    path.write_text("<html><body><p>Export</p><table><tr><th>Nom</th><th colspan=2>Date</th><th>GSM</th></tr>"
                    "<tr><td>Dupont &amp; fils</td><td>17/05/2022</td><td>08:30</td><td>0475<br>12 34 56</td></tr>"
                    "</table></body></html>", encoding="utf-8")
    assert cells(path) == {None: [(1, ["Nom", "Date", "", "GSM"]),
                                  (2, ["Dupont & fils", "17/05/2022", "08:30", "0475 12 34 56"])]}


def test_csv_saved_as_xls_is_read_as_text(tmp_path):
    path = text_file(tmp_path / "export.xls", ROWS, encoding="cp1252")
    assert cells(path)[None][1] == (2, ROWS[1])


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "empty file"),
    (b"%PDF-1.4\n%\xe2\xe3", "PDF"),
    (b"\x00\x01\x02binary", "binary"),
    (b"<html><body>No table here</body></html>", "without a table"),
    (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>', "Excel 2003 XML"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200 + "EncryptedPackage".encode("utf-16-le"), "encrypted"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "unreadable xls workbook"),
])
def test_files_that_are_not_spreadsheets_are_refused_with_a_reason(tmp_path, content, reason):
    path = tmp_path / "export.xlsx"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=reason):
        read_sheets(path)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    with zipfile.ZipFile(tmp_path / "a.xlsx", "w") as archive:
        archive.writestr("notes.txt", "hello")
    with zipfile.ZipFile(tmp_path / "b.xlsx", "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(ReadError, match="not a workbook"):
        read_sheets(tmp_path / "a.xlsx")
    with pytest.raises(ReadError, match="Word"):
        read_sheets(tmp_path / "b.xlsx")


def test_a_truncated_workbook_is_refused(tmp_path):
    whole = xlsx(tmp_path / "whole.xlsx", ("S", ROWS * 50))
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(ReadError, match="truncated or damaged"):
        read_sheets(cut)


def test_a_zip_bomb_is_refused_before_parsing(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<c>" + b" " * (extent.RATIO_MIN_BYTES + 1) + b"</c>")
    assert path.stat().st_size < 100_000
    with pytest.raises(ReadError, match="zip bomb"):
        read_sheets(path)


def _far_cell(tmp_path, reference: str, row: int):
    small = xlsx(tmp_path / "small.xlsx", ("S", [["Nom", "Date"], ["Dupont", "17/05/2022"]]))
    far = f'<row r="{row}"><c r="{reference}" t="inlineStr"><is><t>far</t></is></c></row></sheetData>'.encode()
    return rewrite_zip(small, tmp_path / "far.xlsx", "xl/worksheets/sheet1.xml",
                       lambda data: data.replace(b"</sheetData>", far))


def test_a_cell_at_xfd1048576_under_a_small_declared_dimension_does_not_kill_the_process(tmp_path):
    path = _far_cell(tmp_path, "XFD1048576", 1048576)
    with zipfile.ZipFile(path) as archive:
        assert b'<dimension ref="A1:B2"' in archive.read("xl/worksheets/sheet1.xml")  # the declared extent lies
        assert extent.xlsx_extent(archive, "xl/worksheets/sheet1.xml") == (1048576, 16384)
    rows = read_sheets(path)[0].load()  # openpyxl read-only, not calamine's dense grid
    filled = [(n, row_text(c)) for n, c in rows.numbered if any(c)]
    assert filled[0] == (1, ["Nom", "Date"]) and filled[-1][0] == 1048576 and filled[-1][1][-1] == "far"


# ways of placing a cell far away that calamine honours (it would abort building its grid) and a scan must see
FAR_CELLS = {
    "a cell below its row tag": lambda data: data.replace(b'<c r="B2"', b'<c r="B1048576"'),
    "lower-case references": lambda data: data.replace(b'<c r="B2"', b'<c r="xfd1048576"'),
    "a namespace prefix": lambda data: data.replace(b"<worksheet ", b'<worksheet xmlns:x="%s" ' % NS)
                                          .replace(b'<c r="B2"', b'<x:c r="XFD1048576"'),
    "a second r attribute": lambda data: data.replace(b'<c r="B2"', b'<c r="B2" r="XFD1048576"'),
    "a tab and single quotes": lambda data: data.replace(b'<c r="B2"', b"<c r=\"B2\"\tr='XFD1048576'"),
    "a spaced equals sign": lambda data: data.replace(b'<c r="B2"', b'<c r="B2" r = "XFD1048576"'),
    "the reference not first": lambda data: data.replace(b'<c r="B2"', b'<c s="0" r="XFD1048576"'),
    "a second r attribute right after a quote": lambda data: data.replace(b'<c r="B2"',
                                                                          b'<c r="B2" s="0"r="XFD1048576"'),
    "a second r attribute after a form feed": lambda data: data.replace(b'<c r="B2"', b'<c r="B2"\x0cr="XFD1048576"'),
    "a space before the equals sign only": lambda data: data.replace(b'<c r="B2"', b'<c r="B2" s="0"r ="XFD1048576"'),
}
NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@pytest.mark.parametrize("rewrite", FAR_CELLS.values(), ids=FAR_CELLS.keys())
def test_a_far_cell_however_it_is_written_is_never_left_to_calamine(tmp_path, rewrite):
    small = xlsx(tmp_path / "small.xlsx", ("S", [["Nom", "Date"], ["Dupont", "17/05/2022"]]))
    path = rewrite_zip(small, tmp_path / "far.xlsx", "xl/worksheets/sheet1.xml", rewrite)
    with zipfile.ZipFile(path) as archive:
        assert rewrite(b'<c r="B2"') in archive.read("xl/worksheets/sheet1.xml")
        bound = extent.xlsx_extent(archive, "xl/worksheets/sheet1.xml")
    assert bound is None or bound[0] * bound[1] > extent.MAX_CELLS


def test_a_plain_sheet_is_bounded_by_its_cells(tmp_path):
    path = xlsx(tmp_path / "wide.xlsx", ("S", [["x"] * 60 for _ in range(30)] + [["y"]]))
    with zipfile.ZipFile(path) as archive:
        rows, columns = extent.xlsx_extent(archive, "xl/worksheets/sheet1.xml")
    assert columns == 60 and 31 <= rows < extent.MAX_CELLS // 60  # wide: row numbers read down to fit


def test_cells_without_a_reference_cannot_be_bounded(tmp_path):
    path = xlsx(tmp_path / "s.xlsx", ("S", [["a"]]))
    path = rewrite_zip(path, tmp_path / "noref.xlsx", "xl/worksheets/sheet1.xml",
                       lambda data: data.replace(b'<c r="A1"', b"<c"))
    with zipfile.ZipFile(path) as archive:
        assert extent.xlsx_extent(archive, "xl/worksheets/sheet1.xml") is None
    assert cells(path) == {"S": [(1, ["a"])]}


def _far_ods(tmp_path, rows: bytes, columns: bytes):
    tmp_path.mkdir(exist_ok=True)
    far = (b"<table:table-row %s><table:table-cell/></table:table-row>" % rows
           + b"<table:table-row><table:table-cell %s/>" % columns
           + b'<table:table-cell office:value-type="string"><text:p>X</text:p></table:table-cell></table:table-row>'
           b"</table:table>")
    return rewrite_zip(sample(tmp_path, "radiologie_semaine.ods"), tmp_path / "far.ods", "content.xml",
                       lambda data: data.replace(b"</table:table>", far))


def test_an_ods_table_reaching_too_far_is_refused(tmp_path):
    path = _far_ods(tmp_path, b'table:number-rows-repeated="900000"', b'table:number-columns-repeated="16383"')
    with pytest.raises(ReadError, match="spans more than"):
        read_sheets(path)


@pytest.mark.parametrize("rows, columns", [
    (b"table:number-rows-repeated = ' 900000'", b"table:number-columns-repeated=' +16383'"),
    (b'table:number-rows-repeated="900000"', b'table:style-name="a>b"\ttable:number-columns-repeated="16383"'),
], ids=["quotes, spaces and a sign", "a '>' in a value, a tab"])
def test_an_ods_repeat_counts_however_it_is_written(tmp_path, rows, columns):
    plain = _far_ods(tmp_path / "a", b'table:number-rows-repeated="900000"', b'table:number-columns-repeated="16383"')
    odd = _far_ods(tmp_path / "b", rows, columns)
    with zipfile.ZipFile(plain) as one, zipfile.ZipFile(odd) as other:
        assert (extent.ods_extent(other.read("content.xml")) == extent.ods_extent(one.read("content.xml"))
                > extent.MAX_CELLS)


def test_ods_and_xls_samples_are_read_by_calamine(tmp_path):
    ods = cells(sample(tmp_path, "radiologie_semaine.ods"))["Planning"]
    assert ods[0] == (1, ["Planning imagerie médicale"]) and ods[2][1][:2] == ["Patient", "Date"]
    assert ods[2][0] == 4
    xls = cells(sample(tmp_path, "chirurgie_mardi.xls"))["OR"]
    assert xls[0] == (1, ["Last name", "First name", "Date of birth", "Surgery date", "Time", "Phone", "Surgeon",
                          "Hospital"])
    assert len(xls) == 21


@pytest.mark.parametrize(("name", "picked"), [
    ("a.xlsx", True), ("b.XLS", True), ("c.ods", True), ("d.csv", True), ("e.txt", True), ("f.xlsm", True),
    ("~$a.xlsx", False), (".~lock.a.xlsx#", False), (".hidden.csv", False), ("notes.pdf", False), ("g.md", False),
])
def test_a_folder_import_picks_spreadsheets_only(tmp_path, name, picked):
    assert is_spreadsheet_name(tmp_path / name) is picked


def test_a_failure_midway_through_the_rows_is_a_read_error(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("Nom;Date\nDupont;17/05/2022\n" + "x" * 200_000 + ";17/05/2022\n", encoding="utf-8")
    rows = read_sheets(path)[0].load()
    assert rows.take(2) == [(1, ["Nom", "Date"]), (2, ["Dupont", "17/05/2022"])]
    with pytest.raises(ReadError, match="unreadable text"):
        rows.take(10)


def test_entities_in_the_workbook_xml_are_refused(tmp_path):
    source = xlsx(tmp_path / "s.xlsx", ("S", [["a"]]))
    path = rewrite_zip(source, tmp_path / "entities.xlsx", "xl/workbook.xml",
                       lambda data: b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaa">]>' + data.split(b"?>", 1)[-1])
    with pytest.raises(ReadError, match="forbidden XML"):
        read_sheets(path)


@pytest.mark.parametrize("name, saved_as", [
    ("export_consultations_bastogne.xlsx", "consultations_bastogne.xls"),
    ("radiologie_semaine.ods", "radiologie_semaine.xlsx"),
    ("chirurgie_mardi.xls", "chirurgie_mardi.xlsx"),
    ("export_consultations_bastogne.xlsx", "consultations_bastogne.ods"),
])
def test_a_workbook_saved_under_another_suffix_reads_as_what_it_is(tmp_path, name, saved_as):
    right = sample(tmp_path, name)
    wrong = tmp_path / saved_as
    wrong.write_bytes(right.read_bytes())
    read = [[(n, row_text(cells)) for n, cells in sheet.load()] for sheet in read_sheets(wrong)]
    assert read == [[(n, row_text(cells)) for n, cells in sheet.load()] for sheet in read_sheets(right)] and read[0]


def test_an_xlsx_left_to_openpyxl_under_another_suffix_reads_too(tmp_path):
    source = xlsx(tmp_path / "a.xlsx", ("S", [["Nom", "Date"], ["Dupont", "17/05/2022"]]))
    path = rewrite_zip(source, tmp_path / "a.xls", "xl/worksheets/sheet1.xml",
                       lambda data: data.replace(b'<c r="', b'<c s="0" r="'))  # cannot be bounded: openpyxl reads it
    (sheet,) = read_sheets(path)
    assert [row_text(cells) for _, cells in sheet.load()] == [["Nom", "Date"], ["Dupont", "17/05/2022"]]


def test_an_ods_date_merged_down_over_two_rows_dates_both(tmp_path):
    date_cell = re.compile(rb'<table:table-cell table:style-name="ce1" office:value-type="date"[^>]*>'
                           rb"<text:p>[^<]*</text:p></table:table-cell>")

    def merge_first_two_dates(content: bytes) -> bytes:
        first, second = list(date_cell.finditer(content))[:2]
        assert first.group().split(b">")[0] == second.group().split(b">")[0]  # the same day: 17/05/2022
        merged = first.group().replace(b"<table:table-cell ", b'<table:table-cell table:number-rows-spanned="2" '
                                                             b'table:number-columns-spanned="1" ', 1)
        return (content[: first.start()] + merged + content[first.end() : second.start()]
                + b"<table:covered-table-cell/>" + content[second.end() :])

    original = sample(tmp_path, "radiologie_semaine.ods")
    path = rewrite_zip(original, tmp_path / "merged.ods", "content.xml", merge_first_two_dates)
    (sheet,) = read_sheets(path)
    (whole,) = read_sheets(original)
    assert [row_text(cells)[:2] for _, cells in sheet.load()] == [row_text(cells)[:2] for _, cells in whole.load()]
