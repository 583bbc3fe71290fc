"""Imports of messy exports: title blocks, totals, several sheets, headers in three languages, odd dates and phones,
sites and activities from columns, names or options, duplicates, rejects."""

from __future__ import annotations

import json
from datetime import date, datetime, time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlmodel import delete, select

from crisis_tui.core.ingest import importer
from crisis_tui.core.ingest.importer import import_file, import_paths
from crisis_tui.core.models import Appointment, ImportBatch, RejectedRow
from import_files import FR_HEADER, appointments, counts, stored, text_file, xlsx

FORMULA = "=cmd|' /C calc'!A0"


def test_title_block_blank_rows_repeated_header_and_totals_are_not_data_rows(workspace, tmp_path):
    rows = [["Hôpital d'Arlon — consultations"], ["Semaine 20"], [], FR_HEADER, *appointments(3), [], [],
            FR_HEADER, *appointments(5)[3:], ["   ", None, ""], ["Totaux: 5", None, None, None, None, None, 5]]
    report = import_file(workspace, xlsx(tmp_path / "planning.xlsx", ("Feuil1", rows)))
    assert report.status == "imported" and counts(report) == (5, 5, 0, 0)


def test_the_header_is_found_below_a_long_title_block_whatever_the_chunk_size(workspace, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_ROWS", 5)  # rows are handed on 5 at a time; the header search looks further
    rows = [["Hôpital d'Arlon — consultations"], *([[]] * 8), ["Semaine 20"], FR_HEADER, *appointments(12)]
    report = import_file(workspace, xlsx(tmp_path / "planning.xlsx", ("Feuil1", rows)))
    assert report.status == "imported" and counts(report) == (12, 12, 0, 0)


def test_several_sheets_hidden_one_skipped_names_give_the_site(workspace, tmp_path):
    header = ["Nom", "Prénom", "Date", "Heure"]
    path = xlsx(tmp_path / "consultations.xlsx",
                ("Arlon", [header, ["Dupont", "Jean", "17/05/2022", "08:00"]]),
                ("Notes", [["Rien à voir ici"]]),
                ("Virton", [header, ["Durand", "Anne", "17/05/2022", "09:00"]]),
                ("Bastogne (ancien)", [header, ["Martin", "Paul", "17/05/2022", "10:00"]]),
                hidden=["Bastogne (ancien)"])
    report = import_file(workspace, path)
    assert report.sheet == "Arlon, Virton" and counts(report) == (2, 2, 0, 0)
    assert sorted((a.site, a.activity, a.last_name) for a in stored(workspace)) == [
        ("ARL", "consultation", "Dupont"), ("VIR", "consultation", "Durand")]
    (batch,) = stored(workspace, ImportBatch)
    assert batch.sheet == "Arlon, Virton" and batch.file_name == "consultations.xlsx" and len(batch.sha256) == 64


@pytest.mark.parametrize("header", [
    ["Nom", "Prénom", "Date RDV", "Heure RDV", "N° GSM", "Tél. fixe", "Médecin", "Service", "Hôpital", "Type d'examen"],
    ["Naam", "Voornaam", "Datum afspraak", "Uur", "GSM-nummer", "Telefoon", "Arts", "Dienst", "Ziekenhuis",
     "Onderzoek"],
    ["Last name", "First name", "Appointment date", "Time", "Mobile phone", "Landline", "Doctor", "Department",
     "Hospital", "Exam"],
    ["NOM DU PATIENT (famille)", "prénom usuel", "date du rendez-vous", "heure :", "GSM patient", "tél. domicile",
     "Médecin responsable", "Service demandeur", "Site / campus", "Examen prévu"],
])
def test_french_dutch_english_and_wordy_headers_import_alike(workspace, tmp_path, header):
    row = ["Dupont", "Jean", "17/05/2022", "8:30", "0475 12 34 56", "061 21 21 21", "Dr Adam", "Cardiologie",
           "Libramont", "IRM lombaire"]
    report = import_file(workspace, xlsx(tmp_path / "x.xlsx", ("S", [header, row])))
    assert counts(report) == (1, 1, 0, 0)
    (a,) = stored(workspace)
    assert (a.site, a.activity, a.start, a.day) == ("LIB", "radiology", datetime(2022, 5, 17, 8, 30), date(2022, 5, 17))
    assert (a.last_name, a.first_name, a.doctor, a.service) == ("Dupont", "Jean", "Dr Adam", "Cardiologie")
    assert (a.phones, a.phone_kinds, a.phone_kind) == ("+32475123456;+3261212121", "mobile;landline", "mobile")
    assert (a.patient_key, a.doctor_key, a.service_key) == ("dupont jean", "dr adam", "cardiologie")
    assert a.dedupe_key == "LIB|radiology|2022-05-17T08:30|dupont|jean"


def test_patient_in_one_column_date_and_time_in_one_column(workspace, tmp_path):
    rows = [["Patient", "Date et heure", "Téléphone"],
            ["DUPONT Jean", "17/05/2022 08:30", "0475/12.34.56"],
            ["Van den Berghe, Anne", datetime(2022, 5, 17, 9, 45), ""],
            ["Müller-Lüdenscheidt Hans", "2022-05-17 10:00", "0032475123456"]]
    report = import_file(workspace, xlsx(tmp_path / "consultations_arlon.xlsx", ("S", rows)))
    assert counts(report) == (3, 3, 0, 0)
    found = {(a.last_name, a.first_name, a.start, a.phone_kind) for a in stored(workspace)}
    assert found == {("DUPONT", "Jean", datetime(2022, 5, 17, 8, 30), "mobile"),
                     ("Van den Berghe", "Anne", datetime(2022, 5, 17, 9, 45), "none"),
                     ("Müller-Lüdenscheidt", "Hans", datetime(2022, 5, 17, 10, 0), "mobile")}


def test_excel_serial_dates_floats_for_phones_birth_date_before_the_appointment(workspace, tmp_path):
    rows = [["Date de naissance", "Nom", "Prénom", "Date", "Heure", "GSM", "Fixe"],
            [18264, "Dupont", "Jean", 44698, 0.354166666667, 475123456.0, 61212121.0],
            [date(1960, 3, 1), "Durand", "Anne", 44698.375, None, None, "pas de numéro"]]
    report = import_file(workspace, xlsx(tmp_path / "radiologie_virton.xlsx", ("S", rows)))
    assert counts(report) == (2, 2, 0, 0)
    got = {a.last_name: a for a in stored(workspace)}
    assert got["Dupont"].start == datetime(2022, 5, 17, 8, 30) and got["Dupont"].birth_date == date(1950, 1, 1)
    assert got["Dupont"].phones == "+32475123456;+3261212121"
    assert got["Durand"].start == datetime(2022, 5, 17, 9, 0) and got["Durand"].birth_date == date(1960, 3, 1)
    assert got["Durand"].phone_kind == "invalid" and got["Durand"].phone_raw == "pas de numéro"


def test_a_short_birth_date_header_a_weekday_column_and_a_request_date_never_give_the_appointment_day(
        workspace, tmp_path):
    rows = [["Jour", "Date demande", "Nom", "Prénom", "Date naiss.", "Date RDV", "Heure", "Site", "Examen"],
            ["Lundi", date(2022, 3, 2), "Dupont", "Jean", date(1950, 3, 1), date(2022, 4, 18), time(8, 30), "Arlon",
             "Consultation"]]
    summary = [["Date", "Site", "Activité", "Nombre de patients"], [date(2022, 4, 18), "Arlon", "Consultation", 1],
               ["Total", None, None, 1]]
    report = import_file(workspace, xlsx(tmp_path / "rdv.xlsx", ("RDV", rows), ("Synthèse", summary)))
    assert report.sheet == "RDV" and counts(report) == (1, 1, 0, 0)
    (got,) = stored(workspace)
    assert got.start == datetime(2022, 4, 18, 8, 30) and got.birth_date == date(1950, 3, 1)


def test_site_and_activity_from_option_column_file_name_and_their_reasons(workspace, tmp_path):
    rows = [["Nom", "Prénom", "Date", "Site", "Examen"],
            ["A", "a", "17/05/2022", "Arlon", "Scintigraphie osseuse"],
            ["B", "b", "17/05/2022", "", ""],
            ["C", "c", "17/05/2022", "Namur", "Radio"],
            ["D", "d", "17/05/2022", "CHA", "Radiologie et scintigraphie"],
            ["E", "e", "17/05/2022", "Marche", "Kinésithérapie"],
            ["F", "f", "17/05/2022", "Arlon ou Virton", "Radio"]]
    path = xlsx(tmp_path / "radiologie_bastogne.xlsx", ("S", rows))
    report = import_file(workspace, path)
    assert counts(report) == (6, 2, 0, 4)
    assert {(a.last_name, a.site, a.activity) for a in stored(workspace)} == {
        ("A", "ARL", "scintigraphy"), ("B", "BAS", "radiology")}
    assert sorted((r.row_number, r.reason) for r in stored(workspace, RejectedRow)) == [
        (4, "site 'Namur' unknown"), (5, "activity 'Radiologie et scintigraphie' ambiguous (radiology, scintigraphy)"),
        (6, "activity 'Kinésithérapie' unknown"), (7, "site 'Arlon ou Virton' ambiguous (ARL, VIR)")]

    again = import_file(workspace, path, site="VIR", activity="surgery")
    assert counts(again) == (6, 6, 0, 0)
    assert {a.site for a in stored(workspace) if a.activity == "surgery"} == {"VIR"}


def test_no_site_anywhere_and_an_ambiguous_file_name_are_reasons(workspace, tmp_path):
    rows = [["Nom", "Prénom", "Date"], ["A", "a", "17/05/2022"]]
    report = import_file(workspace, xlsx(tmp_path / "export.xlsx", ("Feuil1", rows)), activity="consultation")
    assert counts(report) == (1, 0, 0, 1)
    report = import_file(workspace, xlsx(tmp_path / "arlon_virton.xlsx", ("Feuil1", rows)), activity="consultation")
    assert counts(report) == (1, 0, 0, 1)
    assert [r.reason for r in stored(workspace, RejectedRow)] == [
        "no site (no site column, none in the file or sheet name)", "site 'arlon_virton' ambiguous (ARL, VIR)"]


def test_rows_without_name_or_usable_date_are_rejected_rows_without_phone_are_imported(workspace, tmp_path):
    rows = [FR_HEADER, ["", "", "17/05/2022", "08:00", "0475 12 34 56", "Arlon", "Consultation"],
            ["Sans", "Date", "", "08:00", "", "Arlon", "Consultation"],
            ["Mauvaise", "Date", "le 31 du mois", "08:00", "", "Arlon", "Consultation"],
            ["Sans", "Téléphone", "17/05/2022", "08:00", "", "Arlon", "Consultation"]]
    report = import_file(workspace, xlsx(tmp_path / "x.xlsx", ("S", rows)))
    assert counts(report) == (4, 1, 0, 3)
    assert sorted(r.reason for r in stored(workspace, RejectedRow)) == [
        "date 'le 31 du mois' not understood", "no date", "no patient name"]
    assert [(a.last_name, a.phone_kind, a.phones) for a in stored(workspace)] == [("Sans", "none", "")]


def test_duplicates_within_a_file_across_files_and_a_reimport_adds_nothing(workspace, tmp_path):
    first = xlsx(tmp_path / "a.xlsx", ("S", [FR_HEADER, *appointments(4), appointments(4)[2]]))
    report = import_file(workspace, first)
    assert counts(report) == (5, 4, 1, 0)
    shifted = [["PATIENT001", "anne", "17/05/2022", "08:05:40", "", "ARLON", "consultations"], *appointments(7)[4:]]
    second = text_file(tmp_path / "b.csv", [FR_HEADER, *shifted], encoding="cp1252")
    assert counts(import_file(workspace, second)) == (4, 3, 1, 0)
    again = import_paths(workspace, [first, second])
    assert [counts(f) for f in again.files] == [(5, 0, 5, 0), (4, 0, 4, 0)]
    assert len(stored(workspace)) == 7


MERGE_HEADER = ["Nom", "Prénom", "Date", "Heure", "GSM", "Tél", "Site", "Examen", "Médecin", "Service"]


def test_a_duplicate_adds_what_the_first_row_lacks_within_a_file_and_across_imports(workspace, tmp_path):
    first = [MERGE_HEADER,
             ["Dupont", "Jean", "18/04/2022", "08:00", "", "", "Arlon", "Consultation", "", ""],
             ["Dupont", "Jean", "18/04/2022", "08:00", "0475 12 34 56", "", "Arlon", "Consultation", "Dr X", "Cardio"],
             ["Martin", "Paul", "18/04/2022", "09:00", "", "061 21 21 21", "Arlon", "Consultation", "Dr Y", ""]]
    second = xlsx(tmp_path / "b.xlsx", ("S", [MERGE_HEADER, ["MARTIN", "paul", "18/04/2022", "09:00", "0476 11 22 33",
                                                              "061/21.21.21", "Arlon", "Consultation", "Dr Z", "Pneumo"]]))
    assert counts(import_file(workspace, xlsx(tmp_path / "a.xlsx", ("S", first)))) == (3, 2, 1, 0)
    assert counts(import_file(workspace, second)) == (1, 0, 1, 0)
    got = {a.last_name: a for a in stored(workspace)}
    dupont, martin = got["Dupont"], got["Martin"]
    assert (dupont.phones, dupont.phone_kind, dupont.doctor, dupont.service) == (
        "+32475123456", "mobile", "Dr X", "Cardio")
    assert (martin.phones, martin.phone_kind, martin.doctor, martin.service) == (
        "+32476112233;+3261212121", "mobile", "Dr Y", "Pneumo")
    assert martin.phone_raw == "061 21 21 21 | 0476 11 22 33 | 061/21.21.21"
    assert martin.phone_kinds == "landline;mobile;landline"
    before = [a.model_dump() for a in stored(workspace)]
    assert counts(import_file(workspace, second)) == (1, 0, 1, 0)
    assert [a.model_dump() for a in stored(workspace)] == before


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["Dupont", "Durand"]), st.sampled_from(["", "0475 12 34 56", "+32476112233"]),
                          st.sampled_from(["", "061 21 21 21", "pas de fixe"]), st.booleans()),
                min_size=1, max_size=12))
def test_every_number_of_an_appointment_met_again_is_kept_whatever_the_order(workspace, tmp_path, rows):
    with workspace.session() as session:  # the workspace outlives each example
        session.exec(delete(Appointment))
        session.commit()
    files = {True: [MERGE_HEADER], False: [MERGE_HEADER]}
    for name, mobile, landline, in_first in rows:
        files[in_first].append([name, "x", "18/04/2022", "08:00", mobile, landline, "Arlon", "Consultation", "", ""])
    for number, in_first in enumerate((True, False)):
        if len(files[in_first]) > 1:
            import_file(workspace, xlsx(tmp_path / f"{number}.xlsx", ("S", files[in_first])))
    expected = {}
    for name, mobile, landline, _ in rows:
        numbers = {"0475 12 34 56": "+32475123456", "+32476112233": "+32476112233", "061 21 21 21": "+3261212121"}
        expected.setdefault(name, set()).update(numbers[raw] for raw in (mobile, landline) if raw in numbers)
    got = {a.last_name: a for a in stored(workspace)}
    assert {name: set(filter(None, a.phones.split(";"))) for name, a in got.items()} == expected
    for appointment in got.values():
        mobiles_first = [("mobile" if phone.startswith("+324") else "landline") for phone in appointment.phones.split(";")]
        assert mobiles_first == sorted(mobiles_first, key=lambda kind: kind != "mobile") or not appointment.phones


def test_formula_like_text_stays_text_in_the_database_and_in_the_rejects_workbook(workspace, tmp_path, home):
    rows = [FR_HEADER, [FORMULA, "+32 x", "17/05/2022", "08:00", "@SUM(A1)", "Arlon", "Consultation"],
            [FORMULA, "-1", "", "08:00", "=1+1", "Arlon", "Consultation"]]
    report = import_file(workspace, text_file(tmp_path / "formules.csv", rows))
    assert counts(report) == (2, 1, 0, 1)
    (a,) = stored(workspace)
    assert (a.last_name, a.first_name) == (FORMULA, "+32 x")
    (rejected,) = stored(workspace, RejectedRow)
    assert json.loads(rejected.raw) == [FORMULA, "-1", "", "08:00", "=1+1", "Arlon", "Consultation"]
    assert rejected.row_number == 3 and rejected.file_name == "formules.csv"

    assert report.rejects_file and report.rejects_file.startswith(str(home.rejects))
    assert "formules_rejets_" in report.rejects_file
    sheet = load_workbook(report.rejects_file).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["Ligne", "Feuille", "Motif", *FR_HEADER]
    assert values[1] == ["3", None, "pas de date", FORMULA, "-1", None, "08:00", "=1+1", "Arlon", "Consultation"]
    assert {c.data_type for c in sheet[2] if c.value is not None} == {"s"}
    (batch,) = stored(workspace, ImportBatch)
    assert batch.rejects_file == report.rejects_file and batch.rejected == 1


def test_rejects_workbook_in_english_and_never_overwritten(workspace, tmp_path):
    path = text_file(tmp_path / "x.csv", [["Nom", "Date"], ["Dupont", ""]])
    first = import_file(workspace, path, site="ARL", activity="consultation", lang="en")
    text_file(path, [["Nom", "Date"], ["Dupont", ""], ["Durand", ""]])  # a new export under the same name
    second = import_file(workspace, path, site="ARL", activity="consultation", lang="en")
    assert first.rejects_file != second.rejects_file
    assert "x_rejects_" in first.rejects_file
    assert [c.value for c in load_workbook(first.rejects_file).active[2]][:3] == ["2", None, "no date"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["Dupont", "Durand", "", "Martin"]), st.sampled_from(["17/05/2022", "", "x"]),
                          st.sampled_from(["08:00", "08:00:30", "09:15"]), st.sampled_from(["Arlon", "Namur", ""])),
                min_size=1, max_size=30))
def test_every_data_row_is_imported_a_duplicate_or_rejected(workspace, tmp_path, rows):
    path = text_file(tmp_path / "consultations.csv", [["Nom", "Date", "Heure", "Site"], *rows])
    before = len(stored(workspace))
    report = import_file(workspace, path)
    data = [r for r in rows if any(r)]
    if not data:
        assert report.status == "error"
        return
    valid = {(r[0], r[2][:5], r[3]) for r in data if r[0] and r[1] == "17/05/2022" and r[3] == "Arlon"}
    assert report.rows == len(data) == report.imported + report.duplicates + report.rejected
    assert report.rejected == sum(1 for r in data if not (r[0] and r[1] == "17/05/2022" and r[3] == "Arlon"))
    assert len(stored(workspace)) - before == report.imported <= len(valid)


def test_progress_is_reported_up_to_the_whole_file(workspace, tmp_path, monkeypatch):
    monkeypatch.setattr("crisis_tui.core.ingest.importer.CHUNK_ROWS", 10)
    calls = []
    path = xlsx(tmp_path / "consultations_arlon.xlsx", ("S", [FR_HEADER, *appointments(45)]))
    report = import_file(workspace, path, progress=lambda done, total, message: calls.append((done, total, message)))
    assert report.imported == 45
    assert len(calls) >= 5 and calls[-1][0] == calls[-1][1] == 46
    assert [done for done, _, _ in calls] == sorted(done for done, _, _ in calls)
    assert calls[0][2] == "consultations_arlon.xlsx [S]"


def test_headers_in_the_first_rows_only_and_time_columns_beside_datetimes(workspace, tmp_path):
    rows = [["Nom", "Date", "Heure"], ["Dupont", datetime(2022, 5, 17, 0, 0), time(14, 5)]]
    report = import_file(workspace, xlsx(tmp_path / "chirurgie_arlon.xlsx", ("S", rows)))
    assert counts(report) == (1, 1, 0, 0)
    assert stored(workspace)[0].start == datetime(2022, 5, 17, 14, 5)


@pytest.mark.parametrize("header", [
    ["Patient", "Appointment", "Start", "End", "Phone"], ["Patiënt", "Afspraak", "Tijdstip", "Einde", "GSM"],
    ["Naam", "Datum", "Begin", "Einde", "GSM"],
])
def test_an_appointment_column_beside_a_start_column_keeps_the_time(workspace, tmp_path, header):
    rows = [header, ["Dupont Jean", "07/12/2026", "09:30", "10:00", "0475123456"],
            ["Martin Anne", "07/12/2026", "14:05", "14:20", ""]]
    report = import_file(workspace, text_file(tmp_path / "consultations_arlon.csv", rows))
    assert counts(report) == (2, 2, 0, 0)
    assert {(a.last_name, a.start) for a in stored(workspace)} == {("Dupont", datetime(2026, 12, 7, 9, 30)),
                                                                   ("Martin", datetime(2026, 12, 7, 14, 5))}


def test_a_reimport_keeps_its_rejected_rows_once(workspace, tmp_path):
    from sqlmodel import func

    from crisis_tui.core.models import RejectedRow

    path = tmp_path / "consultations_arlon.csv"
    path.write_text("Nom;Prénom;Date;Heure;GSM\nDupont;Jean;07/12/2026;09:00;0475123456\n"
                    "Martin;Anne;;10:00;0475654321\n", encoding="utf-8")
    first = import_file(workspace, path)
    again = import_file(workspace, path)
    assert counts(first) == (2, 1, 0, 1) and counts(again) == (2, 0, 1, 1)
    assert again.rejects_file == first.rejects_file
    with workspace.session(readonly=True) as session:
        assert session.exec(select(func.count()).select_from(RejectedRow)).one() == 1
    assert len(list(workspace.home.rejects.iterdir())) == 1


def test_tables_side_by_side_are_each_read_with_their_own_columns(workspace, tmp_path):
    """A morning and an afternoon list side by side (found by an audit: the afternoon's patients were lost and their
    numbers given to the morning's)."""
    header = ["Nom", "Prénom", "Date", "Heure", "GSM"]
    rows = [["Matin", None, None, None, None, None, "Après-midi"], [*header, None, *header],
            ["Un", "Anne", "08/12/2026", "09:00", "0479 03 03 01", None, "Trois", "Paul", "08/12/2026", "14:00",
             "0479 03 03 03"],
            ["Deux", "Marc", "08/12/2026", "10:00", "0479 03 03 02", None, "Quatre", "Léa", "pas de date", "15:00"],
            ["Cinq", "Yves", "08/12/2026", "11:00", "061 21 21 21"]]
    report = import_file(workspace, xlsx(tmp_path / "planning.xlsx", ("Arlon consultations", rows)))
    assert counts(report) == (5, 4, 0, 1)
    assert sorted((a.last_name, a.start.hour, a.phones) for a in stored(workspace)) == [
        ("Cinq", 11, "+3261212121"), ("Deux", 10, "+32479030302"), ("Trois", 14, "+32479030303"),
        ("Un", 9, "+32479030301")]
    (rejected,) = stored(workspace, RejectedRow)
    assert (rejected.row_number, json.loads(rejected.raw)) == (4, ["Quatre", "Léa", "pas de date", "15:00"])


def test_a_patient_header_merged_over_two_columns_keeps_the_first_names(workspace, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Consultations Arlon"
    sheet.append(["Date RDV", "Heure", "Patient", None, "GSM"])
    sheet.merge_cells("C1:D1")
    for hour, (last, first) in enumerate([("Dupont", "Marie"), ("Dupont", "Jean"), ("Van den Berghe", "Anne")]):
        sheet.append(["17/05/2022", f"{8 + hour}:00", last, first, f"0475 12 34 5{hour}"])
    book.save(tmp_path / "rdv.xlsx")
    report = import_file(workspace, tmp_path / "rdv.xlsx")
    assert (report.imported, report.rejected) == (3, 0)
    assert sorted((a.last_name, a.first_name) for a in stored(workspace)) == [
        ("Dupont", "Jean"), ("Dupont", "Marie"), ("Van den Berghe", "Anne")]


def test_footers_as_label_and_value_titles_again_and_notes_are_not_data_rows(workspace, tmp_path):
    rows = [["Patient", "Date RDV", "Heure", "GSM"],
            ["DUPONT Jean", date(2022, 4, 19), time(8, 0), "0475 12 34 56"],
            ["Vivalia – Princesse Paola"],  # the title again at a page break (it names a site)
            ["Patient", "Date RDV", "Heure", "GSM"],
            ["MARTIN Anne", date(2022, 4, 19), time(9, 0), ""],
            [None, None, "à jeun"],  # a note alone, outside the name column
            ["LEROY"],  # a name alone: a bad row, kept with its reason
            [],
            ["Imprimé le :", datetime(2022, 4, 18, 16, 5)], ["Édité par :", "secr. Collard"],
            ["Date d'impression : 18/04/2022 16:02"], ["Confidentiel"], ["Document confidentiel – ne pas diffuser"]]
    report = import_file(workspace, xlsx(tmp_path / "consultations_arlon.xlsx", ("S", rows)))
    assert counts(report) == (3, 2, 0, 1)
    assert {a.last_name for a in stored(workspace)} == {"DUPONT", "MARTIN"}
    assert [r.row_number for r in stored(workspace, RejectedRow)] == [7]


def test_rows_grouped_under_a_day_line_take_its_day(workspace, tmp_path):
    rows = [["Date", "Heure", "Nom", "Prénom", "GSM"],
            [None, "07:30", "Avant", "x", "0475 12 34 50"],  # before any day line: no date, rejected
            ["Mardi 19/04/2022"],
            [None, "08:00", "Adam", "Paul", "0475 12 34 56"],
            [None, "08:30", "Bodson", "Marie", "0475 12 34 57"],
            ["20/04/2022", "09:00", "Collard", "Luc", ""],  # a row with its own date keeps it
            [datetime(2022, 4, 21)],
            [None, "10:00", "Dethier", "Anne", ""],
            ["Imprimé le 18/04/2022 - page 1"],  # a footer gives no day
            [None, "11:00", "Evrard", "Eve", ""],
            ["Consultations du vendredi 22/04/2022"],
            [None, "12:00", "Fontaine", "Yves", ""],
            [None, None, None, None, "0475 12 34 58 (fille)"]]  # a number alone, perhaps a patient's: a reject
    report = import_file(workspace, xlsx(tmp_path / "consultations_bertrix.xlsx", ("S", rows)))
    assert counts(report) == (8, 6, 0, 2)
    assert {(a.last_name, a.start) for a in stored(workspace)} == {
        ("Adam", datetime(2022, 4, 19, 8, 0)), ("Bodson", datetime(2022, 4, 19, 8, 30)),
        ("Collard", datetime(2022, 4, 20, 9, 0)), ("Dethier", datetime(2022, 4, 21, 10, 0)),
        ("Evrard", datetime(2022, 4, 21, 11, 0)), ("Fontaine", datetime(2022, 4, 22, 12, 0))}


def test_a_summary_sheet_is_skipped_and_a_parents_name_is_not_the_patients(workspace, tmp_path):
    patients = [["Nom patient", "Prénom patient", "Date RDV", "Heure", "Nom du parent", "GSM parent"],
                ["Lejeune", "Emma", date(2022, 4, 19), time(14, 0), "Martin", "0475 12 34 56"]]
    summary = [["Date", "Médecin", "Patients"], [date(2022, 4, 19), "Dr Noël", 1]]
    report = import_file(workspace, xlsx(tmp_path / "consultations_pediatrie_marche.xlsx",
                                         ("Liste", patients), ("Résumé", summary)))
    assert counts(report) == (1, 1, 0, 0) and report.sheet == "Liste"
    (a,) = stored(workspace)
    assert (a.last_name, a.first_name, a.phones, a.site) == ("Lejeune", "Emma", "+32475123456", "MAR")


def test_a_service_column_gives_the_activity_when_nothing_else_does(workspace, tmp_path):
    rows = [["Nom", "Prénom", "Date", "Heure", "Service", "GSM"],
            ["Aa", "x", "19/04/2022", "08:00", "Radiologie", "0475 12 34 56"],
            ["Bb", "x", "19/04/2022", "08:30", "Médecine nucléaire", ""],
            ["Cc", "x", "19/04/2022", "09:00", "Cardiologie", ""]]
    report = import_file(workspace, text_file(tmp_path / "agenda_arlon.csv", rows))
    assert counts(report) == (3, 2, 0, 1)
    assert {(a.last_name, a.activity) for a in stored(workspace)} == {("Aa", "radiology"), ("Bb", "scintigraphy")}
    again = import_file(workspace, text_file(tmp_path / "consultations_arlon.csv", rows))  # the file name says
    assert counts(again) == (3, 3, 0, 0)
    assert {a.activity for a in stored(workspace) if a.batch_id == 2} == {"consultation"}


def test_a_day_agenda_dated_by_its_title_or_by_its_sheets_names(workspace, tmp_path):
    titled = [["Consultations du mardi 19/04/2022 - Dr Lambert"], [], ["Heure", "Nom", "Prénom", "GSM"],
              [time(8, 0), "Adam", "Paul", "0475 12 34 56"], [time(8, 30), "Bodson", "Marie", ""]]
    report = import_file(workspace, xlsx(tmp_path / "Consultations Libramont.xlsx", ("Feuil1", titled)))
    assert counts(report) == (2, 2, 0, 0)
    sheets = [(name, [["Heure", "Nom", "Prénom", "GSM"], ["09:00", last, "x", ""]])
              for name, last in (("Mardi 19-04-2022", "Collard"), ("Mercredi 20-04-2022", "Dethier"))]
    report = import_file(workspace, xlsx(tmp_path / "Consultations Arlon.xlsx", *sheets))
    assert counts(report) == (2, 2, 0, 0)
    assert {(a.last_name, a.site, a.start) for a in stored(workspace)} == {
        ("Adam", "LIB", datetime(2022, 4, 19, 8, 0)), ("Bodson", "LIB", datetime(2022, 4, 19, 8, 30)),
        ("Collard", "ARL", datetime(2022, 4, 19, 9, 0)), ("Dethier", "ARL", datetime(2022, 4, 20, 9, 0))}
    undated = import_file(workspace, xlsx(tmp_path / "Consultations Virton.xlsx", ("Feuil1", titled[2:])))
    assert undated.status == "error" and "no recognisable header" in str(undated.as_json()["error"])


def test_a_bad_row_reading_like_a_total_but_dated_is_kept_with_its_reason(workspace, tmp_path):
    rows = [["Nom", "Prénom", "Date", "GSM"], ["Dupont", "Jean", "19/04/2022", "0475 12 34 56"],
            ["", "@SUM(A1)", "19/04/2022", "0475 12 34 57"], ["Total", "", "", "2"], ["", "", "Total : 2"]]
    report = import_file(workspace, xlsx(tmp_path / "consultations_arlon.xlsx", ("S", rows)))
    assert counts(report) == (2, 1, 0, 1)  # a total written in the date column is a total still
    (rejected,) = stored(workspace, RejectedRow)
    assert rejected.row_number == 3 and "@SUM(A1)" in rejected.raw


def test_the_second_table_side_by_side_keeps_its_first_names(workspace, tmp_path):
    header = ["Patient", "", "Date", "Heure", None, "Patient", "", "Date", "Heure"]
    rows = [header, *(["Dupont", first, "19/04/2022", "08:00", None, "Dupont", other, "19/04/2022", "08:00"]
                      for first, other in (("Marie", "Léa"), ("Jean", "Noé"), ("Luc", "Zoé")))]
    report = import_file(workspace, xlsx(tmp_path / "consultations_arlon.xlsx", ("S", rows)))
    assert counts(report) == (6, 6, 0, 0)  # namesakes at the same time, told apart by their first names
    assert sorted(a.first_name for a in stored(workspace)) == ["Jean", "Luc", "Léa", "Marie", "Noé", "Zoé"]


def test_cells_shielded_excel_style_notes_after_names_and_more_wordings(workspace, tmp_path):
    first = text_file(tmp_path / "export_a.csv", [
        ["Date", "Heure", "Nom", "Prénom", "GSM", "Site", "Activité"],
        ['="19/04/2022"', '="08:30"', "DUPONT (née MARTIN)", "Jeanne", '="0475313100"', "Arlon", "Consultation"],
        ['="19/04/2022"', "midi", "ADAM", "Paul", "", "CH de l'Ardenne", "Bilan sanguin"],
        ['="19/04/2022"', "14:00", "LEROY", "Luc", "", "Arlon", "Contrôle radiologique"]], encoding="cp1252")
    again = text_file(tmp_path / "export_b.csv", [
        ["Date", "Heure", "Résident", "Site", "Type"],
        ["19/04/2022", "08:30", "DUPONT Jeanne", "Arlon", "Consultation"]])
    assert counts(import_file(workspace, first)) == (3, 3, 0, 0)
    assert counts(import_file(workspace, again)) == (1, 0, 1, 0)  # the same appointment, the note aside
    assert {(a.last_name, a.first_name, a.start, a.site, a.activity, a.phones) for a in stored(workspace)} == {
        ("DUPONT", "Jeanne", datetime(2022, 4, 19, 8, 30), "ARL", "consultation", "+32475313100"),
        ("ADAM", "Paul", datetime(2022, 4, 19, 12, 0), "LIB", "blood_draw", ""),
        ("LEROY", "Luc", datetime(2022, 4, 19, 14, 0), "ARL", "radiology", "")}


def test_tables_one_under_the_other_each_under_its_sites_name(workspace, tmp_path):
    header = ["Nom", "Prénom", "Date", "Heure", "GSM"]
    rows = [["Vivalia – Agenda des consultations"], ["Arlon"], header,
            ["Adam", "Paul", "19/04/2022", "08:00", "0475 12 34 56"],
            ["Bodson", "Marie", "19/04/2022", "08:30", ""], [],
            ["Site :", "Virton"], header,
            ["Collard", "Luc", "19/04/2022", "08:00", ""],
            ["Médecin :", "Dr Marche"],  # names the doctor of the rows below, not their site
            ["Dethier", "Anne", "19/04/2022", "09:00", ""],
            ["Radiologie – Hôpital de Bastogne"],  # a site and an activity at once
            ["Evrard", "Eve", "19/04/2022", "10:00", ""],
            ["Arlon – Virton"],  # names two sites: none of them
            ["Fontaine", "Yves", "19/04/2022", "11:00", ""]]
    report = import_file(workspace, xlsx(tmp_path / "export du 18-04.xlsx", ("Feuil1", rows)))
    assert counts(report) == (6, 6, 0, 0)
    assert sorted((a.last_name, a.site, a.activity, a.doctor) for a in stored(workspace)) == [
        ("Adam", "ARL", "consultation", ""), ("Bodson", "ARL", "consultation", ""),
        ("Collard", "VIR", "consultation", ""), ("Dethier", "VIR", "consultation", "Dr Marche"),
        ("Evrard", "BAS", "radiology", "Dr Marche"), ("Fontaine", "BAS", "radiology", "Dr Marche")]


@pytest.mark.parametrize("chunk_rows", [5000, 7])
def test_a_table_stacked_under_another_with_its_columns_in_another_order_is_read_by_its_own_header(
        workspace, tmp_path, monkeypatch, chunk_rows):
    monkeypatch.setattr(importer, "CHUNK_ROWS", chunk_rows)  # 7: the second header ends a chunk, its rows start one
    rows = [["Prises de sang – 21/04/2022"], ["Arlon"], ["Nom", "Prénom", "Date", "Heure", "GSM"],
            ["CAMUS", "Léo", "21/04/2022", "07:30", "0477 24 24 01"],
            ["DARDENNE", "Ana", "21/04/2022", "07:45", "0477 24 24 02"], [],
            ["Virton"], ["Date", "Heure", "Patient", "GSM"],
            ["21/04/2022", "08:00", "EVRARD Luc", "0477 24 24 03"],
            ["Date", "Heure", "Patient", "GSM"],  # the same header again, at a page break: no row
            ["22/04/2022", "08:15", "FONTAINE Iris", ""], ["", "09:00", "GILLES Eva", ""]]  # no date: rejected
    report = import_file(workspace, text_file(tmp_path / "prises_de_sang.csv", rows))
    assert counts(report) == (5, 4, 0, 1)
    assert sorted((a.last_name, a.first_name, a.site, a.activity, a.start, a.phones) for a in stored(workspace)) == [
        ("CAMUS", "Léo", "ARL", "blood_draw", datetime(2022, 4, 21, 7, 30), "+32477242401"),
        ("DARDENNE", "Ana", "ARL", "blood_draw", datetime(2022, 4, 21, 7, 45), "+32477242402"),
        ("EVRARD", "Luc", "VIR", "blood_draw", datetime(2022, 4, 21, 8), "+32477242403"),
        ("FONTAINE", "Iris", "VIR", "blood_draw", datetime(2022, 4, 22, 8, 15), "")]


def test_a_stacked_header_naming_numbered_phone_columns_is_read_as_a_header(workspace, tmp_path):
    rows = [["Nom", "Prénom", "Date", "Heure", "GSM"],
            ["CAMUS", "Léo", "21/04/2022", "07:30", "0477 24 24 01"], [],
            ["Date", "Heure", "Patient", "Tél 1", "Tél 2"],  # two cells with a digit: still a header
            ["21/04/2022", "08:00", "EVRARD Luc", "", "0477 24 24 03"]]
    report = import_file(workspace, text_file(tmp_path / "prises_de_sang_arlon.csv", rows))
    assert counts(report) == (2, 2, 0, 0)
    assert sorted((a.last_name, a.first_name, a.phones) for a in stored(workspace)) == [
        ("CAMUS", "Léo", "+32477242401"), ("EVRARD", "Luc", "+32477242403")]


def test_a_templates_line_saying_how_to_fill_the_columns_is_not_a_row(workspace, tmp_path):
    rows = [["Nom", "Prénom", "Date RDV", "Heure", "GSM", "Site", "Activité"],
            ["(majuscules)", "", "(jj/mm/aaaa)", "(hh:mm)", "(04xx xx xx xx)", "", ""],
            ["jj/mm/aaaa", None, "HH:MM"],
            ["ANSAY", "Rik", "20/04/2022", "08:00", "0476 23 23 01", "Marche", "Consultation"],
            ["(BURTON)", None, None, None, None, None, None]]  # one text in brackets: a row that lost the rest
    report = import_file(workspace, xlsx(tmp_path / "modele_rdv.xlsx", ("Saisie", rows)))
    assert counts(report) == (2, 1, 0, 1)
    with workspace.session() as session:
        assert [json.loads(r.raw)[0] for r in session.exec(select(RejectedRow))] == ["(BURTON)"]


def test_lines_under_the_closing_totals_line_written_as_no_name_is_are_footers(workspace, tmp_path):
    rows = [["Nom", "Prénom", "Date", "Heure", "GSM", "Site", "Activité"],
            ["ANDRE", "Paul", "20/04/2022", "08:00", "0470 80 80 80", "Virton", "Consultation"],
            ["Vivalia – Dr Piron absent – 063 23 11 12"],  # among the rows: kept with the rejects
            ["BRUNO", "Léna", "20/04/2022", "08:30", "0470 80 80 81", "Virton", "Consultation"], [],
            ["TOTAL", "", "", "", "", "", "2"], ["Page 1 de 1"],
            ["Vivalia – Service informatique – 063 23 11 11"], [], ["Collard Marie"]]
    report = import_file(workspace, xlsx(tmp_path / "virton_consult.xlsx", ("Export", rows)))
    assert counts(report) == (4, 2, 0, 2)
    with workspace.session() as session:
        assert sorted(json.loads(r.raw)[0] for r in session.exec(select(RejectedRow))) == [
            "Collard Marie", "Vivalia – Dr Piron absent – 063 23 11 12"]


def test_an_agendas_slots_without_a_patient_are_rejected_as_such_not_imported(workspace, tmp_path):
    rows = [["Date", "Heure", "Patient", "Tél", "Site", "Activité"],
            ["21/04/2022", "08:00", "JOURDAN Eva", "0473 33 33 01", "Marche", "Consultation"],
            ["21/04/2022", "08:20", "LIBRE", "", "Marche", "Consultation"],
            ["21/04/2022", "08:40", "--- Pause ---", "", "Marche", "Consultation"],
            ["21/04/2022", "09:20", "Réunion d'équipe", "", "Marche", "Consultation"],
            ["21/04/2022", "09:40", "Niet beschikbaar", "", "Marche", "Consultation"],
            ["21/04/2022", "10:00", "PAUSE Marie", "0473 33 33 02", "Marche", "Consultation"]]  # a patient
    report = import_file(workspace, text_file(tmp_path / "agenda.csv", rows))
    assert counts(report) == (6, 2, 0, 4)
    assert sorted(a.last_name for a in stored(workspace)) == ["JOURDAN", "PAUSE"]
    with workspace.session() as session:
        assert sorted(r.reason for r in session.exec(select(RejectedRow))) == [
            "slot without a patient ('--- Pause ---')", "slot without a patient ('LIBRE')",
            "slot without a patient ('Niet beschikbaar')", "slot without a patient ('Réunion d'équipe')"]


def test_a_slot_word_with_a_first_name_beside_it_is_a_patients_name(workspace, tmp_path):
    rows = [["Nom", "Prénom", "Date", "Heure"], ["Libre", "Anne", "21/04/2022", "08:00"],
            ["Libre", "", "21/04/2022", "08:20"]]
    report = import_file(workspace, xlsx(tmp_path / "consultations_marche.xlsx", ("S", rows)))
    assert counts(report) == (2, 1, 0, 1)
    assert [(a.last_name, a.first_name) for a in stored(workspace)] == [("Libre", "Anne")]


def test_a_line_naming_the_doctor_or_the_service_gives_it_to_the_rows_below_that_name_none(workspace, tmp_path):
    rows = [["Médecin : Dr Lambert"], ["Service :", "Cardiologie"],
            ["Nom", "Prénom", "Date", "Heure", "Médecin"],
            ["Adam", "Paul", "19/04/2022", "08:00", ""], ["Bodson", "Marie", "19/04/2022", "08:30", "Dr Noël"],
            ["Médecin : Dr Pierret"], ["Collard", "Luc", "19/04/2022", "09:00", None],
            ["Imprimé le :", "18/04/2022"]]
    report = import_file(workspace, xlsx(tmp_path / "consultations_arlon.xlsx", ("S", rows)))
    assert counts(report) == (3, 3, 0, 0)
    assert sorted((a.last_name, a.doctor, a.doctor_key, a.service) for a in stored(workspace)) == [
        ("Adam", "Dr Lambert", "dr lambert", "Cardiologie"), ("Bodson", "Dr Noël", "dr noel", "Cardiologie"),
        ("Collard", "Dr Pierret", "dr pierret", "Cardiologie")]


def test_a_title_naming_the_site_stands_in_for_the_names_but_not_for_the_option_nor_a_filled_cell(
        workspace, tmp_path):
    rows = [["Hôpital Princesse Paola – Agenda du mardi 19/04/2022"], [],
            ["Nom", "Prénom", "Date", "Heure", "Site"],
            ["Adam", "Paul", "19/04/2022", "08:00", ""],
            ["Bodson", "Marie", "19/04/2022", "08:30", "Libramont"]]
    report = import_file(workspace, xlsx(tmp_path / "consultations_arlon.xlsx", ("Arlon", rows)))
    assert counts(report) == (2, 2, 0, 0)
    assert {(a.last_name, a.site) for a in stored(workspace)} == {("Adam", "MAR"), ("Bodson", "LIB")}
    report = import_file(workspace, xlsx(tmp_path / "consultations_arlon.xlsx", ("Arlon", rows)), site="VIR")
    assert counts(report) == (2, 2, 0, 0)
    assert {(a.last_name, a.site) for a in stored(workspace) if a.batch_id == 2} == {("Adam", "VIR"),
                                                                                    ("Bodson", "VIR")}


def test_a_line_naming_the_site_and_the_day_gives_both_to_the_rows_below(workspace, tmp_path):
    rows = [["Date", "Heure", "Nom", "Prénom"],
            ["Arlon – mardi 19/04/2022"], [None, "08:00", "Adam", "Paul"],
            ["Virton – mercredi 20/04/2022"], [None, "09:00", "Bodson", "Marie"]]
    report = import_file(workspace, xlsx(tmp_path / "consultations.xlsx", ("S", rows)))
    assert counts(report) == (2, 2, 0, 0)
    assert {(a.last_name, a.site, a.start) for a in stored(workspace)} == {
        ("Adam", "ARL", datetime(2022, 4, 19, 8, 0)), ("Bodson", "VIR", datetime(2022, 4, 20, 9, 0))}


def test_dates_without_their_year_take_it_from_the_title_else_from_the_names_else_are_rejected(workspace, tmp_path):
    rows = [["Date", "Heure", "Nom", "Prénom"], ["mar 19/04", "08:00", "Adam", "Paul"],
            ["Mercredi 20/04"], [None, "09:00", "Bodson", "Marie"]]
    titled = [["Planning des consultations - semaine du 18/04 au 22/04/2022"], *rows]
    report = import_file(workspace, xlsx(tmp_path / "consultations_arlon.xlsx", ("S", titled)))
    assert counts(report) == (2, 2, 0, 0)
    assert {(a.last_name, a.start) for a in stored(workspace)} == {
        ("Adam", datetime(2022, 4, 19, 8)), ("Bodson", datetime(2022, 4, 20, 9))}
    report = import_file(workspace, xlsx(tmp_path / "consultations_arlon_2023-12-29.xlsx", ("S", [
        ["Date", "Heure", "Nom", "Prénom"], ["02/01", "08:00", "Collard", "Luc"]])))
    assert counts(report) == (1, 1, 0, 0)
    assert [a.start for a in stored(workspace) if a.batch_id == 2] == [datetime(2024, 1, 2, 8)]
    report = import_file(workspace, xlsx(tmp_path / "consultations_arlon.xlsx", ("S", rows)))
    assert counts(report) == (3, 0, 0, 3)  # the day line too: it gives no day
    assert "19/04" in stored(workspace, RejectedRow)[0].reason


def test_a_patient_alone_in_the_name_column_is_a_reject_even_when_a_word_of_it_names_a_site(workspace, tmp_path):
    rows = [["Nom", "Prénom", "Date", "Heure"], ["Adam", "Paul", "19/04/2022", "08:00"],
            ["Bastogne Marie"],  # a patient whose row lost its date: kept with the rejects, names no site
            ["Bodson", "Marie", "19/04/2022", "08:30"],
            ["Radiologie – Hôpital de Bastogne"],  # made of names only: a title
            ["Collard", "Luc", "19/04/2022", "09:00"]]
    report = import_file(workspace, xlsx(tmp_path / "consultations_arlon.xlsx", ("S", rows)))
    assert counts(report) == (4, 3, 0, 1)
    assert [r.row_number for r in stored(workspace, RejectedRow)] == [3]
    assert sorted((a.last_name, a.site, a.activity) for a in stored(workspace)) == [
        ("Adam", "ARL", "consultation"), ("Bodson", "ARL", "consultation"), ("Collard", "BAS", "radiology")]


def test_a_line_naming_a_doctor_by_his_title_gives_him_to_the_rows_below(workspace, tmp_path):
    rows = [["Consultations – Vivalia Marche – jeudi 21/04/2022"], ["Patient", "Date", "Heure", "GSM"],
            ["Dr LAMBERT – Cardiologie"], ["BAIJOT Tim", "21/04/2022", "09:00", "0476 10 10 01"],
            ["Dr Renard"], ["CLAES Ria", "21/04/2022", "09:20", ""],
            ["Pr. Noël - Radiologie"], ["DEMARET Jo", "21/04/2022", "09:00", ""],
            ["Drouet Anne"]]  # a patient whose name starts like a title: a row without its date
    report = import_file(workspace, xlsx(tmp_path / "marche_jeudi.xlsx", ("Jeudi", rows)))
    assert counts(report) == (4, 3, 0, 1)
    assert sorted((a.last_name, a.activity, a.doctor, a.service) for a in stored(workspace)) == [
        ("BAIJOT", "consultation", "Dr LAMBERT", "Cardiologie"), ("CLAES", "consultation", "Dr Renard", ""),
        ("DEMARET", "radiology", "Pr. Noël", "")]


def test_lines_under_day_lines_stacked_headers_and_dated_totals_are_not_patients(workspace, tmp_path):
    rows = [["Patient", "Date", "Heure", "GSM"], ["Lundi 25/04/2022"], ["ADAM Léa", None, "09:00", ""], [],
            ["Total : 1"], ["Sous-total : 1 rendez-vous"], ["Imprimé le 22/04/2022 par Collard"], ["Page 1/1"],
            ["Total du jour", "25/04/2022", None, 1], ["Patient", "Date", "Heure", "GSM"],
            ["BODSON Marie", "26/04/2022", "10:00", ""]]
    report = import_file(workspace, xlsx(tmp_path / "consultations_arlon.xlsx", ("S", rows)))
    assert counts(report) == (2, 2, 0, 0)
    assert sorted(a.last_name for a in stored(workspace)) == ["ADAM", "BODSON"]


def test_an_agenda_without_a_date_column_takes_each_day_line_and_each_sites_title(workspace, tmp_path):
    header = ["Heure", "Patient", "GSM"]
    rows = [["Arlon – consultations du mardi 19/04/2022"], header, ["08:00", "ADAM Léa", ""],
            ["Mercredi 20/04/2022"], ["09:00", "BODSON Marie", ""],
            ["Virton – consultations du jeudi 21/04/2022"], header, ["10:00", "COLLARD Luc", ""]]
    report = import_file(workspace, xlsx(tmp_path / "agenda.xlsx", ("S", rows)))
    assert counts(report) == (3, 3, 0, 0)
    assert sorted((a.last_name, a.site, a.start) for a in stored(workspace)) == [
        ("ADAM", "ARL", datetime(2022, 4, 19, 8)), ("BODSON", "ARL", datetime(2022, 4, 20, 9)),
        ("COLLARD", "VIR", datetime(2022, 4, 21, 10))]


def test_titles_in_the_name_column_between_stacked_tables(workspace, tmp_path):
    header = ["Nom", "Prénom", "Date", "Heure"]
    rows = [["Agenda du site de Marche"], header, ["Adam", "Léa", "19/04/2022", "08:00"],
            ["Consultations Virton – 19/04/2022"], header, ["Bodson", "Marie", "19/04/2022", "09:00"],
            ["LISTE DES RENDEZ-VOUS - RADIOLOGIE"], ["Collard", "Luc", "19/04/2022", "10:00"]]
    report = import_file(workspace, xlsx(tmp_path / "consultations.xlsx", ("S", rows)))
    assert counts(report) == (3, 3, 0, 0)
    assert sorted((a.last_name, a.site, a.activity) for a in stored(workspace)) == [
        ("Adam", "MAR", "consultation"), ("Bodson", "VIR", "consultation"), ("Collard", "VIR", "radiology")]


def test_under_a_title_naming_the_activity_an_exam_naming_none_is_of_it(workspace, tmp_path):
    rows = [["Bloc opératoire – Hôpital de Libramont"], ["Date", "Heure", "Patient", "Type d'intervention"],
            ["19/04/2022", "08:00", "ADAM Léa", "PTH gauche"], ["19/04/2022", "09:00", "BODSON Marie", "Scanner"]]
    report = import_file(workspace, xlsx(tmp_path / "programme.xlsx", ("S", rows)))
    assert counts(report) == (2, 2, 0, 0)
    assert sorted((a.last_name, a.site, a.activity) for a in stored(workspace)) == [
        ("ADAM", "LIB", "surgery"), ("BODSON", "LIB", "radiology")]  # a cell naming one keeps it


def test_a_letterheads_address_names_no_site(workspace, tmp_path):
    rows = [["Vivalia – Chaussée d'Houffalize 1 – 6600 Bastogne"], ["Nom", "Prénom", "Date", "Heure"],
            ["Adam", "Léa", "19/04/2022", "08:00"]]
    report = import_file(workspace, xlsx(tmp_path / "consultations_arlon.xlsx", ("Arlon", rows)))
    assert counts(report) == (1, 1, 0, 0)
    assert [a.site for a in stored(workspace)] == ["ARL"]


def test_a_folder_per_site_names_the_site_of_files_that_name_none(workspace, tmp_path):
    (tmp_path / "Arlon").mkdir()
    rows = [["Nom", "Prénom", "Date", "Heure"], ["Adam", "Léa", "19/04/2022", "08:00"]]
    text_file(tmp_path / "Arlon" / "agenda.csv", rows)
    report = import_paths(workspace, [tmp_path], activity="consultation")
    assert [counts(f) for f in report.files] == [(1, 1, 0, 0)]
    assert [a.site for a in stored(workspace)] == ["ARL"]


def test_a_file_name_naming_two_activities_is_not_settled_by_its_folders_name(workspace, tmp_path):
    (tmp_path / "Vérifié OK").mkdir()  # "OK" is a surgery alias (operatiekamer)
    rows = [["Nom", "Prénom", "Date", "Heure"], ["Adam", "Léa", "19/04/2022", "08:00"]]
    text_file(tmp_path / "Vérifié OK" / "consultations_arlon_OK.csv", rows)
    report = import_paths(workspace, [tmp_path])
    assert [counts(f) for f in report.files] == [(1, 0, 0, 1)] and stored(workspace) == []
    with workspace.session() as session:
        assert [r.reason for r in session.exec(select(RejectedRow))] == [
            "activity 'consultations_arlon_OK' ambiguous (consultation, surgery)"]


def test_a_doctor_column_headed_intervenant_is_read(workspace, tmp_path):
    rows = [["Nom", "Prénom", "Date", "Heure", "Intervenant"], ["Adam", "Léa", "19/04/2022", "08:00", "Dr Maes"]]
    import_file(workspace, xlsx(tmp_path / "consultations_arlon.xlsx", ("S", rows)))
    assert [(a.doctor, a.doctor_key) for a in stored(workspace)] == [("Dr Maes", "dr mae")]


def test_tables_side_by_side_whose_first_column_is_not_the_name_are_each_read(workspace, tmp_path):
    undated = [["Consultations ORL – Arlon – 22/04/2022"], ["Heure", "Patient", "GSM", None, "Heure", "Patient", "GSM"],
               ["08:30", "HAAS Kurt", "", None, "13:30", "JUNG Eva", ""], ["09:00", "IMHOFF Lara", "", None, None, None]]
    dated = [["Date", "Heure", "Nom", "Prénom", None, "Date", "Heure", "Nom", "Prénom"],
             ["19/04/2022", "08:00", "Adam", "Léa", None, "19/04/2022", "14:00", "Bodson", "Marie"]]
    report = import_file(workspace, xlsx(tmp_path / "orl.xlsx", ("S", undated)))
    assert counts(report) == (3, 3, 0, 0)  # the title over the whole sheet names both tables' site and activity
    report = import_file(workspace, xlsx(tmp_path / "consultations_virton.xlsx", ("S", dated)))
    assert counts(report) == (2, 2, 0, 0)
    assert sorted((a.last_name, a.site, a.start) for a in stored(workspace)) == [
        ("Adam", "VIR", datetime(2022, 4, 19, 8)), ("Bodson", "VIR", datetime(2022, 4, 19, 14)),
        ("HAAS", "ARL", datetime(2022, 4, 22, 8, 30)), ("IMHOFF", "ARL", datetime(2022, 4, 22, 9)),
        ("JUNG", "ARL", datetime(2022, 4, 22, 13, 30))]
