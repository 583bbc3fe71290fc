"""Headers split over two rows: a merged "Patient" above "Nom" / "Prénom", "Date" above "RDV", a Dutch row under a
French one. The row below completes the header (it is no data row); a first data row is never taken for it."""

from __future__ import annotations

from datetime import datetime

import pytest
from openpyxl import Workbook

from crisis_tui.core.ingest.columns import HEADER_SEARCH_ROWS, find_header, map_columns
from crisis_tui.core.ingest.importer import import_file
from crisis_tui.core.models import RejectedRow
from import_files import counts, stored, xlsx

MERGED_PATIENT = ["Date RDV", "Heure", "Patient", None, "GSM", "Médecin"]
NAMES_BELOW = [None, None, "Nom", "Prénom", None, None]
DAY = datetime(2022, 5, 17)
TWO_PATIENTS = [[DAY, "08:30", "Dupont", "Jean", "0475123456", "Dr A"],
                [DAY, "08:30", "Dupont", "Marie", "0475999999", "Dr B"]]


def merged_xlsx(path, rows, *spans):
    """An xlsx whose first sheet holds `rows`, the given ranges merged (as Excel leaves them: the first cell
    keeps the text, the others read empty)."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    for span in spans:
        sheet.merge_cells(span)
    workbook.save(path)
    return path


def test_names_under_a_merged_patient_cell_are_the_last_and_first_name_columns():
    found = find_header([(1, MERGED_PATIENT), (2, NAMES_BELOW), (3, TWO_PATIENTS[0])])
    assert found.row_number == 2
    assert found.roles == {"date": 0, "time": 1, "last_name": 2, "first_name": 3, "doctor": 5}
    assert found.phones == (4,)
    assert found.headers == ("Date RDV", "Heure", "Patient Nom", "Patient Prénom", "GSM", "Médecin")


def test_a_word_below_a_header_cell_completes_it():
    found = find_header([(1, ["Date", "Heure", "Patient"]), (2, ["RDV", None, None]), (3, [DAY, "08:30", "Dupont"])])
    assert found.row_number == 2
    assert found.roles == {"date": 0, "time": 1, "patient": 2}
    assert found.headers == ("Date RDV", "Heure", "Patient")


def test_header_cells_split_either_way_between_the_two_rows():
    found = find_header([(4, ["Date", "Heure", None, None]), (5, ["RDV", None, "Nom", "Prénom"])])
    assert found.row_number == 5
    assert found.roles == {"date": 0, "time": 1, "last_name": 2, "first_name": 3}
    assert found.headers == ("Date RDV", "Heure", "Nom", "Prénom")


def test_a_merged_cell_is_carried_only_onto_the_labels_of_its_own_kind():
    found = find_header([(1, ["Rendez-vous", None, "Patient", None, None]),
                         (2, ["Date", "Heure", "Nom", "Prénom", None])])
    assert found.headers == ("Rendez-vous Date", "Heure", "Patient Nom", "Patient Prénom", "")
    assert found.roles == {"datetime": 0, "time": 1, "last_name": 2, "first_name": 3}


def test_a_second_language_row_under_the_header_is_part_of_it():
    found = find_header([(1, ["Nom", "Prénom", "Date"]), (2, ["Naam", "Voornaam", "Datum"])])
    assert found.row_number == 2
    assert found.roles == {"last_name": 0, "first_name": 1, "date": 2}


@pytest.mark.parametrize("below", [
    ["18/04/2022", "08:30", "Dupont", "Jean"],  # a date written as text, names
    [None, "8h30", None, None],  # a time ("h" is a header word)
    [None, "10uur", None, None],  # a time ending like the header "Aanvangsuur"
    [None, None, "Dupont", "Jean"],  # names only
    ["Dr Martin", None, None, None],  # a doctor: "Dr" names a role, "Martin" is no header word
    [None, None, None, "0475123456"],  # a phone
    [DAY, None, "Nom", "Prénom"],  # not all text
])
def test_a_first_data_row_is_never_taken_for_the_second_header_row(below):
    header = ["Date RDV", "Heure", "Patient", None]
    found = find_header([(1, header), (2, below)])
    assert found.row_number == 1
    assert found.headers == ("Date RDV", "Heure", "Patient", "")


def test_a_title_above_the_header_is_not_part_of_it():
    found = find_header([(1, ["Planning des consultations", None, None]), (2, ["Nom", "Date", "Heure"])])
    assert found.row_number == 2
    assert found.headers == ("Nom", "Date", "Heure")


def test_a_row_that_is_a_better_header_alone_is_not_read_with_the_row_above():
    found = find_header([(1, ["Patient", "Date", "Heure", None]), (2, ["Nom", "Prénom", "Date", "Heure"])])
    assert found.headers == ("Nom", "Prénom", "Date", "Heure")
    assert found.roles == {"last_name": 0, "first_name": 1, "date": 2, "time": 3}


def test_the_second_header_row_must_be_within_the_rows_searched():
    title = [(n, [f"ligne {n}"]) for n in range(1, HEADER_SEARCH_ROWS)]
    found = find_header([*title, (100, ["Date", "Heure", "Patient"]), (101, ["RDV", None, None])])
    assert found.row_number == 100


def test_a_row_that_names_fewer_roles_with_the_one_below_keeps_its_own():
    below = [None, "Date", None]
    assert map_columns(2, ["Date", "Heure Date", "Patient"]).roles == {"date": 0, "patient": 2}
    found = find_header([(1, ["Date", "Heure", "Patient"]), (2, below)])
    assert found.row_number == 1 and found.roles == {"date": 0, "time": 1, "patient": 2}


def test_a_two_row_header_with_merged_cells_imports_every_row_below_it(workspace, tmp_path):
    path = merged_xlsx(tmp_path / "consultations_arlon.xlsx", [MERGED_PATIENT, NAMES_BELOW, *TWO_PATIENTS], "C1:D1")
    assert counts(import_file(workspace, path)) == (2, 2, 0, 0)
    assert sorted((a.last_name, a.first_name, a.start, a.doctor) for a in stored(workspace)) == [
        ("Dupont", "Jean", datetime(2022, 5, 17, 8, 30), "Dr A"),
        ("Dupont", "Marie", datetime(2022, 5, 17, 8, 30), "Dr B")]


def test_a_word_below_the_header_is_no_rejected_row(workspace, tmp_path):
    rows = [["Date", "Heure", "Nom", "Prénom"], ["RDV", None, None, None],
            ["17/05/2022", "08:30", "Dupont", "Jean"], ["17/05/2022", "09:00", "Durand", None]]
    assert counts(import_file(workspace, xlsx(tmp_path / "consultations_arlon.xlsx", ("S", rows)))) == (2, 2, 0, 0)
    assert stored(workspace, RejectedRow) == []


def test_rejected_rows_under_a_two_row_header_are_labelled_with_both_rows(workspace, tmp_path):
    rows = [MERGED_PATIENT, NAMES_BELOW, *TWO_PATIENTS, ["demain", "08:30", "Durand", "Anne", None, None]]
    report = import_file(workspace, merged_xlsx(tmp_path / "consultations_arlon.xlsx", rows, "C1:D1"))
    assert counts(report) == (3, 2, 0, 1)
    assert [r.row_number for r in stored(workspace, RejectedRow)] == [5]
    from openpyxl import load_workbook
    sheet = load_workbook(report.rejects_file).active
    assert [cell.value for cell in sheet[1]][-6:] == list(find_header([(1, MERGED_PATIENT), (2, NAMES_BELOW)]).headers)


def test_a_first_data_row_all_in_text_is_still_imported(workspace, tmp_path):
    rows = [["Date RDV", "Heure", "Nom", "Prénom"], ["18/04/2022", "08:30", "Dupont", "Jean"],
            ["18/04/2022", "09:00", "Durand", "Anne"]]
    assert counts(import_file(workspace, xlsx(tmp_path / "consultations_arlon.xlsx", ("S", rows)))) == (2, 2, 0, 0)


def test_a_two_row_header_repeated_after_a_page_break_is_no_data(workspace, tmp_path):
    rows = [MERGED_PATIENT, NAMES_BELOW, TWO_PATIENTS[0], MERGED_PATIENT, NAMES_BELOW, TWO_PATIENTS[1]]
    assert counts(import_file(workspace, merged_xlsx(tmp_path / "consultations_arlon.xlsx", rows))) == (2, 2, 0, 0)
    rows = [["Date", "Heure", "Nom"], ["RDV", None, None], ["17/05/2022", "08:30", "Dupont"],
            ["Date", "Heure", "Nom"], ["RDV", None, None], ["17/05/2022", "09:00", "Durand"]]
    assert counts(import_file(workspace, xlsx(tmp_path / "radiologie_arlon.xlsx", ("S", rows)))) == (2, 2, 0, 0)


def test_either_row_of_a_two_row_header_is_the_header_again_but_no_part_of_one():
    upper, lower = ["Rendez-vous", None, "Patient", None], ["Date", "Heure", "Nom", "Prénom"]
    found = find_header([(1, upper), (2, lower)])
    assert found.is_header_again(upper) and found.is_header_again(["rendez vous", "", "PATIENT"])
    assert found.is_header_again(lower)
    assert not found.is_header_again([None, None, "Patient", None])
    assert not found.is_header_again(["Rendez-vous", None, "Dupont", None])
    assert not map_columns(1, ["Date", "Heure", "Nom"]).is_header_again(["RDV", None, None])
