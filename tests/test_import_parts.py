"""A big .xlsx sheet read in parts (calamine on each part in another thread) gives exactly the rows of the sheet
read whole; a sheet that cannot be read that way is read again whole, the file rolled back in between."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import subprocess
import sys
import threading
import time
import zipfile
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlmodel import func, select

from crisis_tui.cli import main
from crisis_tui.core.documents.workbook import owner_tag
from crisis_tui.core.ingest import importer, parts
from crisis_tui.core.ingest.cells import ReadAgainWhole
from crisis_tui.core.ingest.importer import import_file
from crisis_tui.core.ingest.read import read_sheets
from crisis_tui.core.models import Appointment, ImportBatch
from import_files import FR_HEADER, appointments, rewrite_zip, row_text, sample, with_shared_strings, xlsx

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture(autouse=True)
def small_parts(monkeypatch):
    monkeypatch.setattr(parts, "PART_BYTES", 600)
    monkeypatch.setattr(parts, "SHARED_STRINGS_SHARE", 0)  # workbooks with shared strings are cut as small


def rows_of(path, *, in_parts):
    """{sheet: [(row number, cells as text without trailing blanks)]} of the non-empty rows, and whether a sheet
    was read in parts."""
    found, in_threads = {}, False
    for sheet in read_sheets(path, parts_in=path.parent if in_parts else None):
        in_threads |= isinstance(getattr(sheet.load, "__self__", None), parts.PartReader)
        rows = sheet.load()
        try:
            found[sheet.name] = [(n, row_text(c)) for n, c in rows if any(c)]
        finally:
            rows.close()
    return found, in_threads


def _no_reading_threads():
    return not [t for t in threading.enumerate() if t.name.startswith("sheet-")]


cell_values = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
    st.integers(-10**6, 10**9),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(date(1930, 1, 1), date(2030, 12, 31)),
    st.datetimes(datetime(2000, 1, 1), datetime(2030, 12, 31)).map(lambda d: d.replace(microsecond=0)),
    st.times().map(lambda t: t.replace(microsecond=0)),
    st.sampled_from(["a < b & c > d", "</row>", "<!-- x -->", "]]>", "Zoë €", "=1+1"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.lists(cell_values, max_size=6), min_size=1, max_size=60),
    top=st.integers(1, 40),
    left=st.integers(1, 4),
    write_only=st.booleans(),
    shared=st.booleans(),
)
def test_a_sheet_read_in_parts_gives_the_rows_of_the_sheet_read_whole(tmp_path_factory, rows, top, left, write_only,
                                                                       shared):
    path = tmp_path_factory.mktemp("parts") / "s.xlsx"
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("S")
    if not write_only:
        workbook.remove(workbook.active)
    for cells in [[]] * (top - 1) + [[None] * (left - 1) + cells for cells in rows]:
        sheet.append(cells)
    workbook.save(path)
    if shared:
        path = with_shared_strings(path, path.with_name("shared.xlsx"))
    whole, _ = rows_of(path, in_parts=False)
    in_parts, used = rows_of(path, in_parts=True)
    assert in_parts == whole
    with zipfile.ZipFile(path) as archive:
        assert used == parts.Cutting.of(archive, path.parent).worth(archive, SHEET)
    assert _no_reading_threads()


def test_cells_keep_their_columns_when_the_sheet_starts_past_column_a(tmp_path):
    workbook = Workbook()
    for number in range(1, 80):
        workbook.active.cell(row=number, column=3, value=f"v{number}")
    workbook.save(tmp_path / "c.xlsx")
    for in_parts in (False, True):
        found, used = rows_of(tmp_path / "c.xlsx", in_parts=in_parts)
        assert used is in_parts
        assert found["Sheet"][:2] == [(1, ["", "", "v1"]), (2, ["", "", "v2"])]


def _big_import(tmp_path, n=60):
    return xlsx(tmp_path / "agenda.xlsx", ("S", [FR_HEADER, *appointments(n)]))


def test_an_import_in_parts_imports_what_the_whole_read_imports(workspace, tmp_path, monkeypatch):
    path = _big_import(tmp_path)
    folders = []
    make = parts.tempfile.mkstemp
    monkeypatch.setattr(parts.tempfile, "mkstemp", lambda **kw: folders.append(kw["dir"]) or make(**kw))
    report = import_file(workspace, path)
    assert set(folders) == {workspace.home.data_dir}  # patient data stays in the home, and is not left there
    assert not list(workspace.home.data_dir.glob(".import-part-*"))
    assert (report.status, report.imported, report.rejected) == ("imported", 60, 0)
    with workspace.session() as session:
        stored = session.exec(select(Appointment.last_name, Appointment.start, Appointment.phones)).all()
    assert sorted(stored) == sorted((f"Patient{i:03d}", datetime(2022, 5, 17, 8 + i // 12, (i % 12) * 5),
                                     "+32475123456") for i in range(60))
    assert _no_reading_threads()


def _spy_attempts(monkeypatch):
    attempts = []
    once = importer._import_once

    def spy(*args, in_parts, **options):
        attempts.append(in_parts)
        return once(*args, in_parts=in_parts, **options)

    monkeypatch.setattr(importer, "_import_once", spy)
    return attempts


def test_a_far_cell_in_a_late_part_rolls_back_and_reads_the_file_again_whole(workspace, tmp_path, monkeypatch):
    far = (b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>Martin</t></is></c>'  # a name, no date: rejected
           b'<c r="XFD1048576" t="inlineStr"><is><t>far</t></is></c></row></sheetData>')
    path = rewrite_zip(_big_import(tmp_path), tmp_path / "far.xlsx", SHEET,
                       lambda data: data.replace(b"</sheetData>", far))
    attempts = _spy_attempts(monkeypatch)
    report = import_file(workspace, path)
    assert attempts == [True, False]
    assert (report.status, report.imported, report.rejected) == ("imported", 60, 1)  # the far cell: openpyxl read it
    with workspace.session() as session:
        assert session.exec(select(func.count()).select_from(ImportBatch)).one() == 1  # the first try rolled back
        assert session.exec(select(func.count()).select_from(Appointment)).one() == 60
    assert _no_reading_threads()


@pytest.mark.parametrize("markup", [b'<!-- </row><row r="2"> -->', b'<![CDATA[</row>]]>', b'<?pi </row> ?>'],
                         ids=["comment", "CDATA", "processing instruction"])
def test_markup_among_the_rows_stops_the_cutting_not_the_reading(tmp_path, markup):
    path = rewrite_zip(_big_import(tmp_path), tmp_path / "comment.xlsx", SHEET,
                       lambda data: data.replace(b'<row r="20"', markup + b'<row r="20"'))
    found, used = rows_of(path, in_parts=True)
    assert used and found == rows_of(_big_import(tmp_path), in_parts=False)[0]


@pytest.mark.parametrize("row", [3, 50])  # the first part (calamine fails while the next is being cut), a late one
def test_a_part_calamine_refuses_is_judged_by_the_whole_read(workspace, tmp_path, monkeypatch, row):
    path = rewrite_zip(_big_import(tmp_path), tmp_path / "bad.xlsx", SHEET,
                       lambda data: data.replace(b'<row r="%d"' % row, b'<row r="%d"><c r="A1"><v>1</c></row><row' % row,
                                                 1))
    attempts = _spy_attempts(monkeypatch)
    report = import_file(workspace, path)
    assert attempts == [True, False] and report.status == "error"  # damaged whole too: one line, nothing stored
    assert report.error.startswith("bad.xlsx: ") and "\n" not in report.error
    with workspace.session() as session:
        assert session.exec(select(func.count()).select_from(Appointment)).one() == 0
        assert session.exec(select(func.count()).select_from(ImportBatch)).one() == 0
    assert _no_reading_threads()


def test_cancel_during_a_read_in_parts_stops_its_threads(workspace, tmp_path):
    cancel = threading.Event()
    path = xlsx(tmp_path / "agenda.xlsx", ("S", [FR_HEADER, *appointments(6000)]))
    with pytest.raises(importer.ImportCancelled):
        import_file(workspace, path, cancel=cancel, progress=lambda done, total, what: cancel.set())
    assert _no_reading_threads()


def test_a_sheet_not_cut_the_plain_way_is_read_again_whole(tmp_path):
    path = rewrite_zip(_big_import(tmp_path), tmp_path / "prefixed.xlsx", SHEET,
                       lambda data: data.replace(b"<sheetData>", b"<!-- c --><sheetData>"))
    sheet = read_sheets(path, parts_in=tmp_path)[0]
    with pytest.raises(ReadAgainWhole):
        sheet.load()
    assert _no_reading_threads()


def test_rows_closed_before_they_are_read_stop_the_threads(tmp_path):
    (sheet,) = read_sheets(_big_import(tmp_path), parts_in=tmp_path)
    rows = sheet.load()
    assert rows.total > 0 and not _no_reading_threads()
    rows.close()
    assert _no_reading_threads()


def test_ctrl_c_or_sigterm_while_the_threads_start_stops_them_and_removes_the_part_file(tmp_path, monkeypatch):
    (sheet,) = read_sheets(_big_import(tmp_path), parts_in=tmp_path)
    start = threading.Thread.start

    def interrupted(thread):  # the signal comes while the cutting thread starts (its waiting for the thread)
        start(thread)
        if thread.name == "sheet-cut":
            raise KeyboardInterrupt

    monkeypatch.setattr(threading.Thread, "start", interrupted)
    with pytest.raises(KeyboardInterrupt):
        sheet.load()
    assert _no_reading_threads() and not list(tmp_path.glob(".import-part-*"))


def _damaged_deflate(source, target):
    """A copy whose sheet's compressed bytes are damaged past its first parts (the zip's directory intact)."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size * 3 // 4
    data[middle : middle + 64] = bytes(64)
    target.write_bytes(bytes(data))
    return target


def test_a_sheet_damaged_past_its_first_parts_fails_the_file_and_changes_nothing(workspace, tmp_path):
    path = _damaged_deflate(xlsx(tmp_path / "a.xlsx", ("S", [FR_HEADER, *appointments(400)])), tmp_path / "bad.xlsx")
    report = import_file(workspace, path)
    assert report.status == "error" and report.error.startswith("bad.xlsx: ") and "\n" not in report.error
    with workspace.session() as session:
        assert session.exec(select(func.count()).select_from(Appointment)).one() == 0
    assert _no_reading_threads()


def test_a_sheet_too_wide_to_check_in_parts_is_read_again_whole(workspace, tmp_path, monkeypatch):
    extra = [f"Col{i}" for i in range(60)]
    rows = [FR_HEADER + extra] + [row + ["x"] * 60 for row in appointments(30)]
    attempts = _spy_attempts(monkeypatch)
    report = import_file(workspace, xlsx(tmp_path / "wide.xlsx", ("S", rows)))
    assert attempts == [True, False] and (report.status, report.imported) == ("imported", 30)


def test_parts_hold_several_times_the_shared_strings(tmp_path, monkeypatch):
    monkeypatch.setattr(parts, "SHARED_STRINGS_SHARE", 4)
    path = with_shared_strings(xlsx(tmp_path / "a.xlsx", ("S", [FR_HEADER, *appointments(60)])), tmp_path / "s.xlsx")
    with zipfile.ZipFile(path) as archive:
        shared = archive.getinfo("xl/sharedStrings.xml").file_size
        cutting = parts.Cutting.of(archive, tmp_path).holding(archive)
        assert cutting.part_bytes == 4 * shared > parts.PART_BYTES
        assert "xl/sharedStrings.xml" in zipfile.ZipFile(io.BytesIO(cutting.base)).namelist()


def test_a_libreoffice_export_reads_alike_in_parts(tmp_path):
    path = sample(tmp_path, "export_consultations_bastogne.xlsx")  # shared strings, as LibreOffice writes them
    found, used = rows_of(path, in_parts=True)
    assert used and found == rows_of(path, in_parts=False)[0]


def test_a_home_where_no_part_can_be_written_reads_the_file_whole(workspace, tmp_path, monkeypatch):
    def refuse(**_):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(parts.tempfile, "mkstemp", refuse)
    attempts = _spy_attempts(monkeypatch)
    report = import_file(workspace, _big_import(tmp_path))
    assert attempts == [True, False] and (report.status, report.imported) == ("imported", 60)
    assert _no_reading_threads()


def test_part_files_a_killed_import_left_are_removed_once_ten_minutes_old_by_any_command(workspace, tmp_path,
                                                                                         capsys):
    folder = workspace.home.data_dir
    old, recent = folder / ".import-part-old.xlsx", folder / ".import-part-recent.xlsx"
    for left, age in ((old, parts.STALE_SECONDS + 60), (recent, parts.STALE_SECONDS - 300)):
        left.write_bytes(b"patient data")
        os.utime(left, (time.time() - age, time.time() - age))
    assert main(["--home", str(workspace.home.root), "verify"]) == 0  # any command: the workspace it opens
    capsys.readouterr()
    assert not old.exists() and recent.exists()  # a recent one may be another import's, still at work
    os.utime(recent, (time.time() - parts.STALE_SECONDS - 60,) * 2)
    import_file(workspace, _big_import(tmp_path))  # a workspace open for hours (the TUI): a big sheet's reading
    assert not recent.exists()


def test_a_part_file_whose_import_was_killed_is_removed_at_once_by_any_command(workspace, capsys):
    gone = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True).stdout)  # an import that ran and was killed
    left = workspace.home.data_dir / f".import-part-pid{gone}-x1y2z3.xlsx"
    reading = workspace.home.data_dir / f".import-part-{owner_tag()}a1b2c3.xlsx"  # this process's, being read
    for path in (left, reading):
        path.write_bytes(b"patient data")
    assert main(["--home", str(workspace.home.root), "verify"]) == 0
    capsys.readouterr()
    assert not left.exists() and reading.exists()


def test_each_part_workbook_holds_only_what_calamine_reads_at_its_fixed_paths(tmp_path):
    source = with_shared_strings(xlsx(tmp_path / "a.xlsx", ("S", [FR_HEADER, *appointments(60)])), tmp_path / "s.xlsx")
    styles_type = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
    path = rewrite_zip(source, tmp_path / "odd.xlsx", "xl/_rels/workbook.xml.rels", lambda data: data.replace(
        b'Target="sharedStrings.xml"', b'Target="./sharedStrings.xml"').replace(
        b"</Relationships>", b'<Relationship Id="rIdOdd" Type="%s" Target="worksheets/sheet1.xml"/>'
                             b"</Relationships>" % styles_type))
    with zipfile.ZipFile(path) as archive:
        base = parts.Cutting.of(archive, tmp_path).holding(archive).base
    assert sorted(zipfile.ZipFile(io.BytesIO(base)).namelist()) == sorted(
        ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
         "xl/sharedStrings.xml"])  # no sheet, whatever a relation points at
    found, used = rows_of(path, in_parts=True)
    assert used and found == rows_of(path, in_parts=False)[0]


def test_a_cut_calamine_would_not_read_is_read_whole(workspace, tmp_path, monkeypatch):
    # not XML ("<" in an attribute), but calamine reads it whole; cuts land inside rows' tags
    path = rewrite_zip(_big_import(tmp_path), tmp_path / "odd.xlsx", SHEET,
                       lambda data: re.sub(rb'(<row r="[0-9]+")', rb'\1 x="</row>"', data))
    attempts = _spy_attempts(monkeypatch)
    report = import_file(workspace, path)
    assert attempts == [True, False] and (report.status, report.imported) == ("imported", 60)


def test_a_sheet_declaring_a_reach_beyond_the_check_is_read_whole_before_any_part(workspace, tmp_path, monkeypatch):
    path = rewrite_zip(_big_import(tmp_path), tmp_path / "tall.xlsx", SHEET,
                       lambda data: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:G250000"', data))
    read = []
    monkeypatch.setattr(parts.PartReader, "_calamine", lambda self, name, xml: read.append(xml))
    attempts = _spy_attempts(monkeypatch)
    report = import_file(workspace, path)
    assert attempts == [True, False] and not read and (report.status, report.imported) == ("imported", 60)


def test_progress_ends_on_the_rows_read_whatever_the_guess_of_the_first_part(workspace, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(parts.PartReader, "load", _guessing_high(parts.PartReader.load))
    import_file(workspace, _big_import(tmp_path), progress=lambda done, total, _: calls.append((done, total)))
    assert calls[-1] == (61, 61) and max(total for _, total in calls[:-1]) > 61  # the header and 60 rows


def _guessing_high(load):
    def guessing(self):
        rows = load(self)
        return dataclasses.replace(rows, total=rows.total + 100)  # what a first part's rows per byte may promise

    return guessing
