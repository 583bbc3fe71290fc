"""The shared document-writing layer: names, atomic writes, safe text, print setup (checked through LibreOffice)."""

from __future__ import annotations

import csv
import gc
import os
import re
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from pdfcheck import needs_libreoffice, pages, to_pdf

from crisis_tui.core.documents.workbook import (
    HEADER_STYLE, STALE_SECONDS, TEMP_SUFFIX, FileGroup, add_list_validation, append_header, atomic_save,
    atomic_write_bytes, atomic_write_text, autosize, csv_safe, freeze_header, output_path, owner_tag, page_break_before,
    set_text, set_widths, setup_print, status_fill, status_style, style_header_row, text_cell, write_csv,
)

DAY, TO = date(2026, 12, 7), date(2026, 12, 9)
NOW = datetime(2026, 12, 6, 8, 12, 30)
TRICKY = ["=1+1", "+32475123456", "-5 min", "@home", "#N/A", "=SUM(A1:A2)", "a\x01b", "=", "ok"]
HEADERS = ["Ref", "Nom", "Prénom", "Téléphone", "Date", "Heure", "Activité", "Médecin", "Site", "Statut",
           "Remarque", "Issue appel"]


# --- names and atomic writes --------------------------------------------------------------------------

def test_output_path_names_the_day_or_range_and_the_time(tmp_path):
    out = tmp_path / "exports" / "new"
    assert output_path(out, "appels", DAY, None, "xlsx", NOW).name == "appels_2026-12-07_20261206-0812.xlsx"
    assert out.is_dir()
    assert output_path(out, "sms", DAY, TO, ".csv", NOW).name == "sms_2026-12-07_2026-12-09_20261206-0812.csv"
    assert output_path(out, "sms", DAY, DAY, "csv", NOW).name == "sms_2026-12-07_20261206-0812.csv"


def test_output_path_never_returns_a_taken_name(tmp_path):
    names = []
    for _ in range(3):
        path = output_path(tmp_path, "pv", DAY, None, "xlsx", NOW)
        atomic_write_bytes(path, b"x")
        names.append(path.name)
    assert names == ["pv_2026-12-07_20261206-0812.xlsx", "pv_2026-12-07_20261206-0812-2.xlsx",
                     "pv_2026-12-07_20261206-0812-3.xlsx"]


def test_atomic_writes_never_overwrite(tmp_path):
    path = tmp_path / "a.txt"
    atomic_write_text(path, "first\r\n")
    with pytest.raises(FileExistsError, match="a.txt"):
        atomic_write_text(path, "second")
    wb = Workbook()
    with pytest.raises(FileExistsError):
        atomic_save(wb, path)
    assert path.read_bytes() == b"first\r\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_a_failing_save_leaves_nothing(tmp_path):
    path = tmp_path / "calls.xlsx"
    with pytest.raises(OSError, match="disk full"):
        atomic_save(_BrokenWorkbook(), path)
    assert list(tmp_path.iterdir()) == []


class _BrokenWorkbook:
    def save(self, filename):
        Path(filename).write_bytes(b"PK half a zip")
        raise OSError("disk full")


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_group_publishes_its_files_only_when_all_are_written(tmp_path):
    csv_path, xlsx_path = tmp_path / "sms.csv", tmp_path / "sms.xlsx"
    with FileGroup() as files:
        write_csv(csv_path, ["phone"], [["+32475000001"]], files=files)
        atomic_save(Workbook(), xlsx_path, files)
        written = _names(tmp_path)
        assert len(written) == 2 and all(n.startswith(".sms.") and n.endswith(TEMP_SUFFIX) for n in written)
    assert _names(tmp_path) == ["sms.csv", "sms.xlsx"]
    assert csv_path.read_bytes() == b"phone\r\n+32475000001\r\n"
    load_workbook(xlsx_path)


def test_a_failure_writing_the_second_file_of_a_group_publishes_none(tmp_path):
    with pytest.raises(OSError, match="disk full"), FileGroup() as files:
        write_csv(tmp_path / "sms.csv", ["phone"], [["+32475000001"]], files=files)
        atomic_save(_BrokenWorkbook(), tmp_path / "sms.xlsx", files)
    assert _names(tmp_path) == []


def test_a_name_taken_meanwhile_stops_the_publication_there(tmp_path):
    files = FileGroup()
    atomic_write_text(tmp_path / "a.csv", "a", files=files)
    atomic_write_text(tmp_path / "b.csv", "b", files=files)
    (tmp_path / "b.csv").write_text("someone else's")
    with pytest.raises(FileExistsError, match="b.csv"):
        files.publish()
    assert _names(tmp_path) == ["a.csv", "b.csv"] and (tmp_path / "b.csv").read_text() == "someone else's"


def test_output_path_skips_a_name_being_written(tmp_path):
    with FileGroup() as files:
        first = atomic_write_bytes(output_path(tmp_path, "sms", DAY, None, "csv", NOW), b"x", files)
        second = output_path(tmp_path, "sms", DAY, None, "csv", NOW)
    assert (first.name, second.name) == ("sms_2026-12-07_20261206-0812.csv", "sms_2026-12-07_20261206-0812-2.csv")


def test_temporary_files_a_killed_process_left_are_swept_once_stale(tmp_path):
    stale = tmp_path / f".sms_2026-12-07_20261206-0812.csv.k3j4h5g6{TEMP_SUFFIX}"
    fresh = tmp_path / f".appels_2026-12-07_20261206-0812.xlsx.a1b2c3d4{TEMP_SUFFIX}"
    foreign = tmp_path / ".notes.tmp"
    for path in (stale, fresh, foreign):
        path.write_bytes(b"patient data")
    old = time.time() - STALE_SECONDS - 60
    for path in (stale, foreign):
        os.utime(path, (old, old))
    atomic_write_text(tmp_path / "pv.csv", "x")
    assert _names(tmp_path) == sorted([fresh.name, foreign.name, "pv.csv"])


def test_temporary_files_whose_process_is_gone_are_swept_at_once(tmp_path):
    gone = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True).stdout)  # a process that ran and ended
    killed = tmp_path / f".sms_2026-12-07_20261206-0812.csv.pid{gone}-k3j4h5g6{TEMP_SUFFIX}"
    writing = tmp_path / f".appels_2026-12-07_20261206-0812.xlsx.{owner_tag()}a1b2c3d4{TEMP_SUFFIX}"  # this one's
    for path in (killed, writing):
        path.write_bytes(b"patient data")
    atomic_write_text(tmp_path / "pv.csv", "x")
    assert _names(tmp_path) == sorted([writing.name, "pv.csv"])


def test_a_temporary_file_is_named_after_its_process(tmp_path):
    seen = []
    with FileGroup() as files:
        files.write(tmp_path / "sms.csv", lambda tmp: seen.append(tmp.name) or tmp.write_text("x"))
    assert seen[0].startswith(f".sms.csv.pid{os.getpid()}-") and seen[0].endswith(TEMP_SUFFIX)


def test_atomic_save_writes_a_readable_workbook(tmp_path):
    wb = Workbook()
    wb.active["A1"] = "bonjour"
    path = atomic_save(wb, tmp_path / "ok.xlsx")
    assert load_workbook(path).active["A1"].value == "bonjour"
    assert atomic_write_text(tmp_path / "t.csv", "é€", encoding="utf-8").read_bytes() == "é€".encode()


def test_a_write_only_workbook_that_cannot_be_saved_is_discarded_quietly(tmp_path, monkeypatch):
    """An export into a folder it cannot write to: its one line, then nothing more (openpyxl printed 'Exception
    ignored ... I/O operation on closed file' for each sheet left open) and no rows left in a temporary file."""
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    streamed = []

    def fail_to_save():
        workbook = Workbook(write_only=True)
        for name in ("ARL", "BAS"):
            workbook.create_sheet(name).append(["Patient001", "+32475123456"])
        streamed.extend(sheet._writer.out for sheet in workbook.worksheets)
        with pytest.raises(FileNotFoundError):
            atomic_save(workbook, tmp_path / "not there" / "appels.xlsx")

    fail_to_save()
    gc.collect()
    assert unraisable == [] and len(streamed) == 2 and not any(os.path.exists(path) for path in streamed)


# --- safe text ------------------------------------------------------------------------------------------

def _reload_values(path: Path) -> list[tuple[object, str]]:
    ws = load_workbook(path).active
    return [(c.value, c.data_type) for c in ws[1]]


def test_formula_like_text_stays_text_in_a_normal_sheet(tmp_path):
    wb = Workbook()
    ws = wb.active
    for column, value in enumerate(TRICKY, start=1):
        set_text(ws.cell(1, column), value)
    ws.append([text_cell(ws, v) for v in TRICKY])
    set_text(ws["A3"], None)
    path = atomic_save(wb, tmp_path / "n.xlsx")
    expected = [("ab" if v == "a\x01b" else v, "s") for v in TRICKY]
    assert _reload_values(path) == expected
    assert [(c.value, c.data_type) for c in load_workbook(path).active[2]] == expected
    assert load_workbook(path).active["A3"].value is None


def test_formula_like_text_stays_text_in_a_write_only_sheet(tmp_path):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("calls")
    ws.append([text_cell(ws, v) for v in TRICKY] + [text_cell(ws, None), text_cell(ws, 12)])
    path = atomic_save(wb, tmp_path / "w.xlsx")
    values = _reload_values(path)
    assert values[: len(TRICKY)] == [("ab" if v == "a\x01b" else v, "s") for v in TRICKY]
    assert values[len(TRICKY):] == [(None, "n"), ("12", "s")]


def test_text_cell_returns_plain_text_when_openpyxl_keeps_it_as_text():
    ws = Workbook(write_only=True).create_sheet()
    assert text_cell(ws, "Dupont") == "Dupont"
    assert text_cell(ws, "+32475123456") == "+32475123456"
    assert text_cell(ws, None) is None
    assert text_cell(ws, "=1").data_type == "s"
    styled = text_cell(ws, None, style=status_style("cancelled"))
    assert styled.value is None and styled.fill.fgColor.rgb.endswith("FFC7CE")


@pytest.mark.parametrize(("value", "safe"), [
    ("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("+32475123456", "+32475123456"), ("+352621123456", "+352621123456"),
    ("+32 475 12 34 56", "'+32 475 12 34 56"), ("+0475", "'+0475"), ("Dupont", "Dupont"), ("", ""),
    ("a=b", "a=b"),
])
def test_csv_safe(value, safe):
    assert csv_safe(value) == safe


@given(st.text())
def test_csv_safe_only_ever_prefixes(value):
    safe = csv_safe(value)
    assert safe in (value, "'" + value)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r")) or re.fullmatch(r"\+[1-9]\d{6,14}", safe)


def test_write_csv_is_comma_separated_utf8_and_guarded(tmp_path):
    rows = [["+32475123456", "Annulé: =HYPERLINK(x)", 1, None], ["+32475000000", "=cmd|'/c calc'!A0", 2, "x,y"]]
    path = write_csv(tmp_path / "sms.csv", ["phone", "message", "segments", "encoding"], rows)
    with open(path, encoding="utf-8", newline="") as fh:
        read = list(csv.reader(fh))
    assert read == [["phone", "message", "segments", "encoding"],
                    ["+32475123456", "Annulé: =HYPERLINK(x)", "1", ""],
                    ["+32475000000", "'=cmd|'/c calc'!A0", "2", "x,y"]]
    with pytest.raises(FileExistsError):
        write_csv(path, ["phone"], [])


# --- print setup on both kinds of sheet -----------------------------------------------------------------

def _data_rows(n: int):
    for i in range(1, n + 1):
        status = ("maintained", "cancelled", "case_by_case", "stopped", "pending")[i % 5]
        first = "=1+1" if i == 1 else f"Prénom{i}"
        yield [f"R{i:04d}", f"Müller-Lüdenscheidt {i}", first, "+32 475 12 34 56", "2026-12-07", "08:30",
               "Consultation de chirurgie orthopédique", "Dr D'Hondt", "CHA Libramont", status,
               "Appeler le matin, pas après 17 h", f"fin{i:04d}"]


def _setup(ws):
    setup_print(ws, header_left="R&D Vivalia", header_center="Liste d'appel CHA", header_right="2026-12-07")
    freeze_header(ws)
    set_widths(ws, [8, 28, 16, 18, 12, 8, 36, 16, 16, 14, 34, 14])


def _normal_workbook(rows: int) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in _data_rows(rows):
        ws.append([text_cell(ws, v) for v in row[:9]] + [text_cell(ws, row[9], status_style(row[9]))]
                  + [text_cell(ws, v) for v in row[10:]])
    style_header_row(ws)
    _setup(ws)
    add_list_validation(ws, f"L2:L{rows + 1}", ["Joint", "Messagerie", "Pas de réponse", "Faux numéro"])
    return wb


def _write_only_workbook(rows: int, break_before: int) -> Workbook:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Appels")
    _setup(ws)
    append_header(ws, HEADERS)
    for row in _data_rows(rows):
        ws.append([text_cell(ws, v) for v in row])
    page_break_before(ws, break_before)
    add_list_validation(ws, f"L2:L{rows + 1}", ["Joint", "Messagerie"], strict=False)
    return wb


def test_print_settings_survive_a_write_only_save(tmp_path):
    path = atomic_save(_write_only_workbook(20, 11), tmp_path / "wo.xlsx")
    ws = load_workbook(path)["Appels"]
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert (ws.page_setup.orientation, ws.page_setup.paperSize) == ("landscape", 9)
    assert ws.print_title_rows == "$1:$1" and ws.freeze_panes == "A2"
    assert ws.column_dimensions["G"].width == 36
    assert ws.oddHeader.left.text == "R&&D Vivalia" and ws.oddFooter.center.text == "page &P / &N"
    assert [b.id for b in ws.row_breaks.brk] == [10]
    validation = ws.data_validations.dataValidation[0]
    assert (str(validation.sqref), validation.formula1, validation.errorStyle) == (
        "L2:L21", '"Joint,Messagerie"', "warning")
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb.endswith("D9E1F2")


def test_top_of_sheet_settings_are_refused_once_a_write_only_sheet_has_rows(tmp_path):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("late")
    ws.append(["a"])
    for call in (lambda: setup_print(ws), lambda: freeze_header(ws), lambda: set_widths(ws, [10])):
        with pytest.raises(ValueError, match="before the first row of write-only sheet 'late'"):
            call()
    page_break_before(ws, 2)
    with pytest.raises(ValueError, match="row 1"):
        page_break_before(ws, 1)
    with pytest.raises(ValueError, match="style_header_row"):
        style_header_row(ws)
    assert load_workbook(atomic_save(wb, tmp_path / "late.xlsx"))["late"].row_breaks.brk[0].id == 1


def test_list_validation_refuses_what_excel_cannot_hold():
    ws = Workbook().active
    with pytest.raises(ValueError, match="comma"):
        add_list_validation(ws, "A2:A9", ["Joint", "Oui, rappeler"])
    with pytest.raises(ValueError, match="255"):
        add_list_validation(ws, "A2:A9", ["x" * 100] * 3)
    with pytest.raises(ValueError, match="no values"):
        add_list_validation(ws, "A2:A9", [])


def test_status_fills_and_styles():
    assert status_fill("maintained").fgColor.rgb.endswith("C6EFCE")
    assert len({status_fill(s).fgColor.rgb for s in
                ("maintained", "cancelled", "case_by_case", "stopped", "pending")}) == 5
    with pytest.raises(ValueError, match="'unknown'"):
        status_fill("unknown")
    wb = Workbook()
    ws = wb.active
    ws.append(["Statut"])
    style_header_row(ws)
    assert ws["A1"].style == HEADER_STYLE and ws["A1"].font.b


def test_autosize_measures_the_longest_line_within_caps():
    ws = Workbook().active
    ws.append(["Nom", "x" * 200, None, "line one\nthe longest line here"])
    assert autosize(ws, minimum=6, maximum=50) == [6, 50, 6, 23]
    assert ws.column_dimensions["B"].width == 50
    wo = Workbook(write_only=True).create_sheet()
    with pytest.raises(ValueError, match="needs the rows"):
        autosize(wo)
    assert autosize(wo, [["Téléphone", 12345]]) == [11, 7]


# --- printed through LibreOffice ------------------------------------------------------------------------

def _check_printed(pdf: Path, rows: int) -> list:
    printed = pages(pdf)
    assert len(printed) >= 2
    seen = []
    for page in printed:
        assert page.is_a4() and page.landscape, (page.number, page.width, page.height)
        assert "Liste d'appel CHA" in page.text and "R&D Vivalia" in page.text and "2026-12-07" in page.text
        assert "Ref" in page.text and "Issue appel" in page.text, f"page {page.number} lost the header row"
        assert f"page {page.number} / {len(printed)}" in page.text
        ids = re.findall(r"\bR(\d{4})\b", page.text)
        assert ids, f"page {page.number} holds no row: an overflow page"
        for i in ids:
            assert f"fin{i}" in page.text, f"row R{i} split across pages"
        seen += ids
    assert seen == [f"{i:04d}" for i in range(1, rows + 1)]
    return printed


@needs_libreoffice
@pytest.mark.xdist_group("libreoffice")
def test_a_normal_sheet_prints_one_page_wide_with_headers_and_literal_formulas(tmp_path):
    path = atomic_save(_normal_workbook(300), tmp_path / "calls.xlsx")
    printed = _check_printed(to_pdf(path, tmp_path / "pdf"), 300)
    assert "=1+1" in printed[0].text


@needs_libreoffice
@pytest.mark.xdist_group("libreoffice")
def test_a_write_only_sheet_prints_the_same_and_breaks_where_asked(tmp_path):
    path = atomic_save(_write_only_workbook(300, 102), tmp_path / "calls_wo.xlsx")
    printed = _check_printed(to_pdf(path, tmp_path / "pdf"), 300)
    assert "=1+1" in printed[0].text
    starts = [re.search(r"\bR(\d{4})\b", p.text).group(1) for p in printed]
    assert "0101" in starts, f"no page starts at row R0101 (page starts: {starts})"
