"""A file that fails, or an import that is cancelled, changes nothing; an import never opens a socket."""

from __future__ import annotations

import random
import socket
import struct
import threading
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlmodel import func, select

from crisis_tui.core.ingest import importer, probe, store
from crisis_tui.core.ingest.importer import ImportCancelled, import_file, import_paths
from crisis_tui.core.models import Appointment, ImportBatch, RejectedRow
from crisis_tui.i18n import Catalog
from import_files import (
    FR_HEADER, SAMPLES, appointments, rewrite_zip, sample, text_file, with_shared_strings, xlsx,
)


def snapshot(workspace, home):
    with workspace.session() as session:
        tables = tuple(session.exec(select(func.count()).select_from(model)).one()
                       for model in (Appointment, ImportBatch, RejectedRow))
    return tables, sorted(p.name for p in home.rejects.glob("*")) if home.rejects.exists() else []


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("vide.xlsx", b"", "empty file"),
    ("sans_entete.csv", "Dupont;Jean;17/05/2022\r\nDurand;Anne;18/05/2022\r\n".encode(), "no recognisable header"),
    ("entete_seule.csv", b"Nom;Date;Site\r\n;;\r\n", "no data rows"),
    ("pas_un_classeur.xls", b"<html><body>Erreur 500</body></html>", "without a table"),
    ("champ_enorme.csv", b"Nom;Date\r\nDupont;17/05/2022\r\n" + b"x" * 200_000 + b";18/05/2022\r\n", "unreadable text"),
])
def test_a_failed_file_changes_nothing_and_says_why_in_one_line(workspace, home, tmp_path, name, content, reason):
    import_file(workspace, xlsx(tmp_path / "ok.xlsx", ("S", [FR_HEADER, *appointments(3)])))
    before = snapshot(workspace, home)
    path = tmp_path / name
    path.write_bytes(content)
    report = import_file(workspace, path)
    assert report.status == "error" and report.error.startswith(f"{name}: ") and reason in report.error
    assert "\n" not in report.error  # the English line (what the JSON gives scripts)
    french = report.error.said(Catalog("fr"))  # French first: the same line in the cell's language
    assert french.startswith(f"{name} : ") and reason not in french and "\n" not in french
    assert (report.rows, report.imported, report.rejected, report.rejects_file) == (0, 0, 0, None)
    assert snapshot(workspace, home) == before


def test_a_truncated_sample_changes_nothing(workspace, home, tmp_path):
    before = snapshot(workspace, home)
    report = import_file(workspace, sample(tmp_path, "export_tronque.xlsx"))
    assert report.status == "error" and report.error.startswith("export_tronque.xlsx: truncated")
    assert report.error.said(Catalog("fr")).startswith("export_tronque.xlsx : classeur tronqué")
    assert snapshot(workspace, home) == before


def test_a_database_error_midway_rolls_the_whole_file_back(workspace, home, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_ROWS", 5)
    calls = []
    real_insert = store.Inserter.insert

    def failing_insert(self, rows):
        calls.append(len(rows))
        if len(calls) == 3:
            self.session.connection().exec_driver_sql("INSERT INTO appointment (id) VALUES (NULL)")
        return real_insert(self, rows)

    monkeypatch.setattr(store.Inserter, "insert", failing_insert)
    rows = [FR_HEADER, *appointments(30), ["Sans", "Date", "", "", "", "Arlon", "Consultation"]]
    report = import_file(workspace, xlsx(tmp_path / "x.xlsx", ("S", rows)))
    assert report.status == "error" and report.error.startswith("x.xlsx: database error")
    assert len(calls) >= 3
    assert snapshot(workspace, home) == (((0, 0, 0)), [])


def test_cancel_rolls_the_file_back_and_raises(workspace, home, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_ROWS", 10)
    done = import_file(workspace, xlsx(tmp_path / "first.xlsx", ("S", [FR_HEADER, *appointments(5)])))
    before = snapshot(workspace, home)
    cancel = threading.Event()

    def progress(rows_done, total, message):
        if rows_done >= 20:
            cancel.set()

    rows = [FR_HEADER, *appointments(60, day="18/05/2022"), ["Sans", "Date", "", "", "", "Arlon", "Consultation"]]
    with pytest.raises(ImportCancelled, match="second.xlsx"):
        import_paths(workspace, [xlsx(tmp_path / "second.xlsx", ("S", rows))], progress=progress, cancel=cancel)
    assert done.imported == 5 and cancel.is_set()
    assert snapshot(workspace, home) == before


def test_the_generic_database_path_imports_and_dedupes_alike(workspace, tmp_path, monkeypatch):
    """What PostgreSQL takes: a lookup of the keys already there, then a Core insert."""
    real_init = store.Inserter.__init__

    def generic(self, session):
        real_init(self, session)
        self.direct, self.stores = False, ()

    monkeypatch.setattr(store.Inserter, "__init__", generic)
    monkeypatch.setattr(store, "LOOKUP_KEYS", 3)
    path = xlsx(tmp_path / "x.xlsx", ("S", [FR_HEADER, *appointments(8), appointments(8)[0]]))
    assert (import_file(workspace, path).imported, import_file(workspace, path).duplicates) == (8, 9)
    with workspace.session() as session:
        starts = {a.start.isoformat() for a in session.exec(select(Appointment))}
    assert "2022-05-17T08:05:00" in starts and len(starts) == 8


def test_an_import_opens_no_socket(workspace, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("an import tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for name in sorted(p.name for p in SAMPLES.iterdir()):
        sample(tmp_path, name)
    text_file(tmp_path / "covid_arlon.csv", [FR_HEADER, *appointments(4)], encoding="cp1252")
    report = import_paths(workspace, [tmp_path])
    assert report.imported > 100 and [f.status for f in report.files].count("error") == 1


def test_a_workbook_reaching_xfd1048576_imports_what_it_holds(workspace, tmp_path):
    small = xlsx(tmp_path / "small.xlsx", ("S", [["Nom", "Date"], ["Dupont", "17/05/2022"]]))
    far = (b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>Martin</t></is></c>'  # a name, no date: rejected
           b'<c r="XFD1048576" t="inlineStr"><is><t>far</t></is></c></row></sheetData>')
    path = rewrite_zip(small, tmp_path / "consultations_arlon.xlsx", "xl/worksheets/sheet1.xml",
                       lambda data: data.replace(b"</sheetData>", far))
    report = import_file(workspace, path)
    assert (report.status, report.rows, report.imported, report.rejected) == ("imported", 2, 1, 1)


@pytest.mark.parametrize("far", [b'<c r="B2" r="XFD1048576"', b'<c r="b1048576"', b"<c r='B2'\tr='XFD1048576'",
                                 b'<c r="B2" s="0"r="XFD1048576"'])
def test_a_far_cell_written_oddly_gives_a_report_not_a_dead_process(workspace, tmp_path, far):
    small = xlsx(tmp_path / "small.xlsx", ("S", [["Nom", "Date"], ["Dupont", "17/05/2022"], ["Durand", "18/05/2022"]]))
    path = rewrite_zip(small, tmp_path / "consultations_arlon.xlsx", "xl/worksheets/sheet1.xml",
                       lambda data: data.replace(b'<c r="B3"', far))
    report = import_file(workspace, path)
    assert report.status == "error" or report.imported >= 1
    assert report.error is None or "\n" not in report.error


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.binary(max_size=300),
    st.lists(st.lists(st.one_of(st.text(max_size=12), st.sampled_from(["Nom", "Date", "Site", "GSM", "17/05/2022",
                                                                       "Arlon", "=1+1", "Total"])), max_size=6),
             max_size=8).map(lambda rows: "\n".join(";".join(r) for r in rows).encode("utf-8", "surrogatepass")),
))
def test_any_content_gives_a_report_never_an_exception(workspace, tmp_path, content):
    path = tmp_path / "fuzz.xls"
    path.write_bytes(content)
    report = import_file(workspace, path, activity="consultation")
    assert report.status in ("imported", "error")
    assert report.rows == report.imported + report.duplicates + report.rejected


@pytest.mark.parametrize("name", ["export_consultations_bastogne.xlsx", "radiologie_semaine.ods", "chirurgie_mardi.xls"])
def test_damaged_copies_of_real_exports_give_a_report_never_an_exception(workspace, tmp_path, name):
    original = sample(tmp_path, name).read_bytes()
    rnd = random.Random(name)
    for n in range(15):
        data = bytearray(original)
        for _ in range(rnd.randrange(1, 6)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        path = tmp_path / f"damaged{n}{Path(name).suffix}"
        path.write_bytes(bytes(data))
        report = import_file(workspace, path, activity="consultation")
        assert report.status in ("imported", "error") and (report.error is None) == (report.status == "imported")


def test_a_hidden_sheet_named_like_a_visible_one_is_never_left_to_calamine(workspace, tmp_path):
    # calamine finds a sheet by name, the first of that name: it would read the hidden one, never checked
    workbook = Workbook()
    hidden = workbook.active
    hidden.title, hidden.sheet_state = "Twin", "hidden"
    hidden.append(["x"])
    workbook.create_sheet("S").append(FR_HEADER)
    workbook["S"].append(appointments(1)[0])
    workbook.save(tmp_path / "twins.xlsx")
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>far</t></is></c></row></sheetData>'
    path = rewrite_zip(tmp_path / "twins.xlsx", tmp_path / "t2.xlsx", "xl/worksheets/sheet1.xml",
                       lambda data: data.replace(b"</sheetData>", far))
    path = rewrite_zip(path, tmp_path / "twins_far.xlsx", "xl/workbook.xml",
                       lambda data: data.replace(b'name="Twin"', b'name="S"'))
    report = import_file(workspace, path)  # read by openpyxl: a report, not a dead process
    assert (report.status, report.imported) == ("imported", 1)


@pytest.mark.parametrize("count", [b'uniqueCount="4000000000"', b"uniqueCount = ' +4000000000'"])
def test_shared_strings_announcing_billions_are_never_left_to_calamine(workspace, tmp_path, count):
    # calamine reserves room for the announced count when it opens the workbook: billions abort the process
    source = with_shared_strings(xlsx(tmp_path / "a.xlsx", ("S", [FR_HEADER, *appointments(3)])), tmp_path / "s.xlsx")
    path = rewrite_zip(source, tmp_path / "count.xlsx", "xl/sharedStrings.xml",
                       lambda data: data.replace(b'uniqueCount="', count + b' x="'))
    report = import_file(workspace, path)  # read by openpyxl: a report, not a dead process
    assert (report.status, report.imported) == ("imported", 3)


def test_a_sheet_naming_two_relations_is_never_left_to_calamine(workspace, tmp_path):
    # the scan would bound the sheet one id names while calamine follows the other, where the far cell is
    workbook = Workbook()
    workbook.active.title = "S"
    workbook.active.append(FR_HEADER)
    workbook.active.append(appointments(1)[0])
    hidden = workbook.create_sheet("Far")
    hidden.sheet_state = "hidden"
    hidden.append(["x"])
    workbook.save(tmp_path / "two.xlsx")
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>far</t></is></c></row></sheetData>'
    path = rewrite_zip(tmp_path / "two.xlsx", tmp_path / "t2.xlsx", "xl/worksheets/sheet2.xml",
                       lambda data: data.replace(b"</sheetData>", far))
    relations = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    path = rewrite_zip(path, tmp_path / "two_ids.xlsx", "xl/workbook.xml", lambda data: data.replace(
        b"<workbook ", b'<workbook xmlns:x="urn:x" ', 1).replace(b'name="S" sheetId="1" state="visible" r:id="rId1"',
        b'name="S" sheetId="1" state="visible" x:id="rId1" r:id="rId2"'))
    with zipfile.ZipFile(path) as archive:
        assert b'x:id="rId1" r:id="rId2"' in archive.read("xl/workbook.xml") and relations in archive.read(
            "xl/workbook.xml")
    report = import_file(workspace, path)  # read by openpyxl: a report, not a dead process
    assert report.status in ("imported", "error")


def _far_dimensions_xls(tmp_path):
    """The .xls sample whose DIMENSIONS record declares 4 billion rows and 65535 columns (calamine reserves them)."""
    data = bytearray((SAMPLES / "chirurgie_mardi.xls").read_bytes())
    at = data.find(b"\x00\x02\x0e\x00")  # the record's id and length
    struct.pack_into("<IIHHH", data, at + 4, 0, 0xFFFFFFFF, 0, 0xFFFF, 0)
    path = tmp_path / "dimensions.xls"
    path.write_bytes(bytes(data))
    return path


def _spaces_ods(tmp_path):
    """The .ods sample with a cell of 30 billion repeated spaces."""
    spaces = b'<text:s text:c="1000000000"/>' * 30
    return rewrite_zip(sample(tmp_path, "radiologie_semaine.ods"), tmp_path / "spaces.ods", "content.xml",
                       lambda data: data.replace(b"<text:p>", b"<text:p>" + spaces, 1))


@pytest.mark.parametrize("make", [_far_dimensions_xls, _spaces_ods], ids=["xls dimensions", "ods spaces"])
def test_a_workbook_that_kills_calamine_is_refused_and_the_application_lives(workspace, tmp_path, monkeypatch, make):
    monkeypatch.setattr(probe, "MEMORY_CAP", 1 << 30)
    report = import_file(workspace, make(tmp_path))
    assert report.status == "error" and report.error.endswith(str(Catalog("en").t("import.error.reader_crash")))
    with workspace.session() as session:
        assert session.exec(select(func.count()).select_from(Appointment)).one() == 0
