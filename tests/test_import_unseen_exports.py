"""Whole imports of what an audit found in unseen exports: foreign numbers stored as numbers, placeholder names and
places, courtesy titles, dotted acronyms, time ranges and unreadable times."""

from __future__ import annotations

from datetime import datetime

import pytest

from crisis_tui.core.ingest.importer import import_file
from crisis_tui.core.models import RejectedRow
from import_files import FR_HEADER, counts, stored, text_file, xlsx


def test_foreign_numbers_stored_as_numbers_are_told_on_their_own_number(workspace, tmp_path):
    rows = [FR_HEADER,
            ["Martin", "Claire", "17/05/2022", "08:00", 33612345678.0, "Arlon", "Consultation"],
            ["Weber", "Paul", "17/05/2022", "08:15", 352621123456.0, "Arlon", "Consultation"],
            ["Jansen", "Piet", "17/05/2022", "08:30", 31612345678.0, "Arlon", "Consultation"],
            ["Schmidt", "Eva", "17/05/2022", "08:45", 4915123456789.0, "Arlon", "Consultation"],
            ["Dupont", "Jean", "17/05/2022", "09:00", 475123456.0, "Arlon", "Consultation"]]
    assert counts(import_file(workspace, xlsx(tmp_path / "rdv.xlsx", ("S", rows)))) == (5, 5, 0, 0)
    assert {(a.last_name, a.phones, a.phone_kind) for a in stored(workspace)} == {
        ("Martin", "+33612345678", "mobile"), ("Weber", "+352621123456", "mobile"),
        ("Jansen", "+31612345678", "mobile"), ("Schmidt", "+4915123456789", "mobile"),
        ("Dupont", "+32475123456", "mobile")}


def test_placeholder_names_are_no_name_and_placeholder_places_fall_back_to_the_file_name(workspace, tmp_path):
    patients = [["Patient", "Date", "Heure", "Site", "Examen"],
                *([placeholder, "17/05/2022", "08:00", "Arlon", "Consultation"]
                  for placeholder in ["-", "?", "/", ".", "--", "0", 12345]),
                ["DUPONT Jean", "17/05/2022", "08:00", "-", "/"],
                ["DURAND Anne", "17/05/2022", "08:15", "?", "Radio"]]
    report = import_file(workspace, xlsx(tmp_path / "consultations_bastogne.xlsx", ("S", patients)))
    assert counts(report) == (9, 2, 0, 7)
    assert [r.reason for r in stored(workspace, RejectedRow)] == ["no patient name"] * 7
    assert {(a.last_name, a.site, a.activity) for a in stored(workspace)} == {
        ("DUPONT", "BAS", "consultation"), ("DURAND", "BAS", "radiology")}

    pairs = [FR_HEADER, ["-", "?", "17/05/2022", "08:00", "", "Arlon", "Consultation"],
             ["Lejeune", "-", "17/05/2022", "08:00", "", "Arlon", "Consultation"],
             ["", "Marc", "17/05/2022", "08:00", "0475123456", "Arlon", "Consultation"],
             ["-", "Anne", "17/05/2022", "08:00", "", "Arlon", "Consultation"]]
    report = import_file(workspace, xlsx(tmp_path / "rdv.xlsx", ("S", pairs)))
    assert counts(report) == (4, 1, 0, 3)
    assert [(a.last_name, a.first_name) for a in stored(workspace) if a.site == "ARL"] == [("Lejeune", "")]


def test_letterless_last_and_first_names_are_no_name(workspace, tmp_path):
    rows = [["Nom", "Prénom", "Date", "Heure", "Site", "Examen"],
            ["0", 12345, "17/05/2022", "08:00", "Arlon", "Consultation"],
            ["-", "?", "17/05/2022", "08:05", "Arlon", "Consultation"],
            ["Dupont", "0", "17/05/2022", "08:10", "Arlon", "Consultation"]]
    report = import_file(workspace, xlsx(tmp_path / "rdv.xlsx", ("S", rows)))
    assert counts(report) == (3, 1, 0, 2)
    assert [(a.last_name, a.first_name) for a in stored(workspace)] == [("Dupont", "")]


def test_a_patient_with_a_courtesy_title_is_the_same_patient_as_in_name_columns(workspace, tmp_path):
    one_column = [["Patient", "Date", "Heure", "Site", "Examen"],
                  ["Mme DUPONT Jeanne", "17/05/2022", "08:00", "Arlon", "Consultation"],
                  ["M. Martin Paul", "17/05/2022", "08:30", "Arlon", "Consultation"]]
    two_columns = [FR_HEADER, ["DUPONT", "Jeanne", "17/05/2022", "08:00", "", "Arlon", "Consultation"],
                   ["Martin", "Paul", "17/05/2022", "08:30", "", "Arlon", "Consultation"]]
    assert counts(import_file(workspace, xlsx(tmp_path / "a.xlsx", ("S", one_column)))) == (2, 2, 0, 0)
    assert counts(import_file(workspace, xlsx(tmp_path / "b.xlsx", ("S", two_columns)))) == (2, 0, 2, 0)
    assert {(a.last_name, a.first_name) for a in stored(workspace)} == {("DUPONT", "Jeanne"), ("Martin", "Paul")}


def test_sites_written_as_dotted_acronyms(workspace, tmp_path):
    rows = [FR_HEADER, *([name, "a", "17/05/2022", "08:00", "", site, "Consultation"]
                         for name, site in (("A", "C.H.A."), ("B", "I.F.A.C."), ("C", "C.S.L")))]
    assert counts(import_file(workspace, xlsx(tmp_path / "rdv.xlsx", ("S", rows)))) == (3, 3, 0, 0)
    assert {(a.last_name, a.site) for a in stored(workspace)} == {("A", "LIB"), ("B", "MAR"), ("C", "ARL")}


def test_time_ranges_give_their_first_time_and_an_unreadable_time_keeps_the_day(workspace, tmp_path):
    rows = [FR_HEADER, *([name, "a", "17/05/2022", written, "", "Arlon", "Consultation"]
                         for name, written in (("A", "15:30-16:00"), ("B", "de 15h45 à 16h"), ("C", "15h30 - 16h"),
                                               ("D", "matin")))]
    assert counts(import_file(workspace, xlsx(tmp_path / "rdv.xlsx", ("S", rows)))) == (4, 4, 0, 0)
    assert {(a.last_name, a.start) for a in stored(workspace)} == {
        ("A", datetime(2022, 5, 17, 15, 30)), ("B", datetime(2022, 5, 17, 15, 45)),
        ("C", datetime(2022, 5, 17, 15, 30)), ("D", datetime(2022, 5, 17))}


def test_decimal_comma_times_and_unreadable_times_never_make_two_appointments_one(workspace, tmp_path):
    rows = [["Nom", "Prénom", "Date RDV", "Heure", "GSM"],
            ["Dupont", "Jean", "18/04/2022", "8,30", "0475123456"],
            ["Dupont", "Jean", "18/04/2022", "14,30", "0475123456"],
            ["Durand", "Anne", "18/04/2022", "matin", ""],
            ["Durand", "Anne", "18/04/2022", "après-midi", ""],
            ["Durand", "Anne", "18/04/2022", "matin", "0476112233"]]
    report = import_file(workspace, text_file(tmp_path / "t.csv", rows, encoding="cp1252"),
                         site="ARL", activity="radiology")
    assert counts(report) == (5, 4, 1, 0)
    assert sorted((a.last_name, a.start.time().isoformat("minutes"), a.phones) for a in stored(workspace)) == [
        ("Dupont", "08:30", "+32475123456"), ("Dupont", "14:30", "+32475123456"),
        ("Durand", "00:00", ""), ("Durand", "00:00", "+32476112233")]


def test_a_time_typed_as_a_decimal_number_is_hours_and_minutes(workspace, tmp_path):
    rows = [["Nom", "Prénom", "Date", "Heure", "GSM", "Site"], ["Dupont", "Jean", "18/04/2022", 8.3, "0475123456", "Arlon"]]
    import_file(workspace, xlsx(tmp_path / "Chirurgie.xlsx", ("S", rows)))
    assert [a.start for a in stored(workspace)] == [datetime(2022, 4, 18, 8, 30)]


def test_a_planned_act_or_modality_gives_the_activity_it_names_else_the_file_names(workspace, tmp_path):
    planning = [["Date intervention", "Heure", "Nom", "Prénom", "Acte prévu", "GSM"],
                ["18/04/2022", "07:30", "Renard", "Paul", "PTH gauche", "0475 12 34 56"],
                ["18/04/2022", "09:00", "Gérard", "Hélène", "Cholécystectomie", "0476 99 88 77"]]
    report = import_file(workspace, text_file(tmp_path / "Planning bloc opératoire Arlon.csv", planning,
                                              encoding="cp1252"))
    assert counts(report) == (2, 2, 0, 0)
    ris = [["Date", "Heure", "Patient", "Modalité", "Téléphone"],
           ["18/04/2022", "08:00", "DUPONT Jean", "CR", ""],
           ["18/04/2022", "08:10", "DURAND Anne", "Scintigraphie", ""]]
    assert counts(import_file(workspace, xlsx(tmp_path / "RIS radiologie Virton.xlsx", ("S", ris)))) == (2, 2, 0, 0)
    assert {(a.last_name, a.site, a.activity) for a in stored(workspace)} == {
        ("Renard", "ARL", "surgery"), ("Gérard", "ARL", "surgery"),
        ("DUPONT", "VIR", "radiology"), ("DURAND", "VIR", "scintigraphy")}


def test_an_act_naming_no_activity_in_a_file_naming_none_is_rejected_an_exam_among_others_naming_another_too(
        workspace, tmp_path):
    acts = [["Date", "Heure", "Patient", "Procédure", "Site"], ["18/04/2022", "08:00", "DUPONT Jean", "PTH", "Arlon"]]
    assert counts(import_file(workspace, xlsx(tmp_path / "planning.xlsx", ("S", acts)))) == (1, 0, 0, 1)
    exams = [["Date", "Heure", "Patient", "Examen", "Site"], ["18/04/2022", "08:00", "DUPONT Jean", "Biopsie", "Arlon"],
             ["18/04/2022", "08:30", "DURAND Anne", "Scintigraphie osseuse", "Arlon"]]
    assert counts(import_file(workspace, xlsx(tmp_path / "radiologie.xlsx", ("S", exams)))) == (2, 1, 0, 1)
    assert [r.reason for r in stored(workspace, RejectedRow)] == ["activity 'PTH' unknown",
                                                                   "activity 'Biopsie' unknown"]


def test_an_activity_cell_naming_none_takes_the_files_when_the_column_names_no_other(workspace, tmp_path):
    rows = [["Date", "Heure", "Patient", "Type RDV", "Site"],
            ["18/04/2022", "08:00", "ADAM Léa", "Contrôle", "Arlon"],
            ["18/04/2022", "08:20", "BODSON Marie", "idem", "Arlon"],
            ["18/04/2022", "08:40", "COLLARD Luc", "Consultation", "Arlon"]]
    assert counts(import_file(workspace, xlsx(tmp_path / "consultations_arlon.xlsx", ("S", rows)))) == (3, 3, 0, 0)
    surgery = [["Date", "Heure", "Patient", "Type d'intervention"], ["18/04/2022", "08:00", "DENIS Paul", "PTH droite"],
               ["18/04/2022", "10:00", "EVRARD Eve", "Opération de la cataracte"]]
    assert counts(import_file(workspace, xlsx(tmp_path / "bloc_operatoire_bastogne.xlsx", ("S", surgery)))) == (
        2, 2, 0, 0)
    assert sorted((a.last_name, a.site, a.activity) for a in stored(workspace)) == [
        ("ADAM", "ARL", "consultation"), ("BODSON", "ARL", "consultation"), ("COLLARD", "ARL", "consultation"),
        ("DENIS", "BAS", "surgery"), ("EVRARD", "BAS", "surgery")]


def test_an_exam_cell_naming_no_activity_takes_the_one_its_service_names(workspace, tmp_path):
    rows = [["Date", "Heure", "Patient", "Modalité", "Service", "Site"],
            ["18/04/2022", "08:00", "ADAM Léa", "CT", "Imagerie médicale", "Arlon"],
            ["18/04/2022", "08:20", "BODSON Marie", "MR", "Imagerie médicale", "Arlon"],
            ["18/04/2022", "08:40", "COLLARD Luc", "NM", "Médecine nucléaire", "Arlon"],
            ["18/04/2022", "09:00", "DENIS Paul", "XA", "Cardiologie", "Arlon"]]  # names none: rejected
    assert counts(import_file(workspace, xlsx(tmp_path / "worklist.xlsx", ("S", rows)))) == (4, 3, 0, 1)
    assert sorted((a.last_name, a.activity) for a in stored(workspace)) == [
        ("ADAM", "radiology"), ("BODSON", "radiology"), ("COLLARD", "scintigraphy")]
    assert [r.reason for r in stored(workspace, RejectedRow)] == ["activity 'XA' unknown"]


def test_dates_written_month_first_by_a_us_set_export_are_read_month_first_in_the_whole_column(workspace, tmp_path):
    rows = [["Nom", "Prénom", "Date RDV", "Heure", "GSM", "Date de naissance"],
            ["Reuter", "Max", "4/19/2022", "2:30 PM", "0475 02 02 01", "12/25/1950"],
            ["Kayser", "Ida", "4/5/2022", "9:00 AM", "063 57 02 02", "3/4/1961"]]
    path = text_file(tmp_path / "consultations_arlon.csv", rows, separator=",")
    assert counts(import_file(workspace, path)) == (2, 2, 0, 0)
    assert {(a.last_name, a.start, str(a.birth_date)) for a in stored(workspace)} == {
        ("Reuter", datetime(2022, 4, 19, 14, 30), "1950-12-25"), ("Kayser", datetime(2022, 4, 5, 9, 0), "1961-03-04")}


def test_a_column_whose_dates_read_both_ways_or_prove_day_first_stays_day_first(workspace, tmp_path):
    rows = [["Nom", "Prénom", "Date RDV", "Heure", "GSM"],
            ["Reuter", "Max", "19/4/2022", "14:30", "0475 02 02 01"],
            ["Kayser", "Ida", "4/5/2022", "09:00", "063 57 02 02"],
            ["Adam", "Léa", "4/13/2022", "09:00", "063 57 02 03"]]  # a typo in a day-first column: set aside
    path = text_file(tmp_path / "consultations_arlon.csv", rows)
    assert counts(import_file(workspace, path)) == (3, 2, 0, 1)
    assert {(a.last_name, a.start) for a in stored(workspace)} == {
        ("Reuter", datetime(2022, 4, 19, 14, 30)), ("Kayser", datetime(2022, 5, 4, 9, 0))}


def test_footers_and_parts_of_the_day_alone_in_their_row_are_not_data_rows(workspace, tmp_path):
    header = ["Nom", "Prénom", "Date", "Heure", "GSM"]
    rows = [header, ["Reuter", "Max", "19/04/2022", "08:30", "0475 02 02 01"],
            ["Après-midi"], ["Kayser", "Ida", "19/04/2022", "14:00", "0475 02 02 02"],
            ["Total", "", "", "", 2], [], ["Imprimé le 18/04/2022 par secr. Collard"],
            ["Imprimé par secr. Collard - page 1/1"], ["Fin de liste"], ["Pagina 2"], ["Afgedrukt op 18/04/2022"]]
    path = text_file(tmp_path / "consultations_arlon.csv", rows, encoding="cp1252")
    assert counts(import_file(workspace, path)) == (2, 2, 0, 0)


def test_a_lone_name_or_a_lone_word_that_only_looks_like_a_caption_is_still_set_aside(workspace, tmp_path):
    rows = [["Nom", "Prénom", "Date", "Heure", "GSM"], ["Reuter", "Max", "19/04/2022", "08:30", "0475 02 02 01"],
            ["Page"], ["Dupont"], ["Fin"], ["Matin", "Léa"]]
    path = text_file(tmp_path / "consultations_arlon.csv", rows)
    assert counts(import_file(workspace, path)) == (5, 1, 0, 4)


def test_a_date_merged_down_over_the_rows_of_its_day_dates_each_of_them(workspace, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Planning des consultations - Arlon - semaine 17"])  # a title block merged over two rows
    sheet.append([])
    sheet.merge_cells("A1:E2")
    sheet.append(["Date", "Heure", "Nom", "Prénom", "GSM"])
    for row in (["25/04/2022", "08:00", "Gg", "G", "0475 23 00 01"], [None, "08:30", "Hh", "H", "0475 23 00 02"],
                [None, "09:00", "Ii", "I", ""], ["26/04/2022", "08:00", "Jj", "J", "063 23 00 04"],
                [None, "08:30", "Kk", "K", "0475 23 00 05"], [None, "09:00", "Ll", "L", "0475 23 00 06"]):
        sheet.append(row)
    sheet.merge_cells("A4:A6")
    sheet.merge_cells("A7:A8")  # the last row's date is not merged: that row is set aside, not dated
    workbook.save(tmp_path / "consultations_arlon.xlsx")
    assert counts(import_file(workspace, tmp_path / "consultations_arlon.xlsx")) == (6, 5, 0, 1)
    assert sorted((a.last_name, a.start) for a in stored(workspace)) == [
        ("Gg", datetime(2022, 4, 25, 8, 0)), ("Hh", datetime(2022, 4, 25, 8, 30)), ("Ii", datetime(2022, 4, 25, 9, 0)),
        ("Jj", datetime(2022, 4, 26, 8, 0)), ("Kk", datetime(2022, 4, 26, 8, 30))]


@pytest.mark.parametrize("other", ["GSM médecin", "Tél. prescripteur", "Doctor phone", "Telefoon huisarts",
                                   "Tél. service"])
def test_a_doctors_or_services_phone_column_is_never_taken_for_the_patients(workspace, tmp_path, other):
    rows = [["Nom", "Prénom", "Date RDV", "Heure", "Médecin", other, "Téléphone patient"],
            ["Pa", "A", "08/12/2026", "08:00", "Dr Lambert", "0475 99 99 99", ""],
            ["Pb", "B", "08/12/2026", "08:15", "Dr Lambert", "0475 99 99 99", "061 11 11 11"],
            ["Pc", "C", "08/12/2026", "08:30", "Dr Lambert", "0475 99 99 99", "0476 11 11 11"]]
    assert counts(import_file(workspace, xlsx(tmp_path / "consultations_virton.xlsx", ("S", rows)))) == (3, 3, 0, 0)
    assert {(a.last_name, a.phones, a.phone_kind) for a in stored(workspace)} == {
        ("Pa", "", "none"), ("Pb", "+3261111111", "landline"), ("Pc", "+32476111111", "mobile")}


def test_a_site_cell_naming_none_in_particular_is_as_if_empty(workspace, tmp_path):
    rows = [["Date", "Heure", "Patient", "Hôpital", "Examen"],
            ["18/04/2022", "08:00", "ADAM Léa", "Vivalia Arlon", "CT"],
            ["18/04/2022", "08:20", "BODSON Marie", "Vivalia", "CT"],  # the group: the file's site
            ["18/04/2022", "08:40", "COLLARD Luc", "Hôpital", "Scintigraphie"],
            ["18/04/2022", "09:00", "DENIS Paul", "Clinique Saint-Luc", "CT"]]  # a place of its own: refused
    report = import_file(workspace, xlsx(tmp_path / "imagerie_arlon.xlsx", ("S", rows)))
    assert counts(report) == (4, 3, 0, 1)
    assert sorted((a.last_name, a.site, a.activity) for a in stored(workspace)) == [
        ("ADAM", "ARL", "radiology"), ("BODSON", "ARL", "radiology"), ("COLLARD", "ARL", "scintigraphy")]
    assert [r.reason for r in stored(workspace, RejectedRow)] == ["site 'Clinique Saint-Luc' unknown"]
