"""Header row detection and column roles: FR / NL / EN names, any case or accent, extra words."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crisis_tui.core.ingest import columns
from crisis_tui.core.ingest.columns import (
    HEADER_ALIASES, HEADER_SEARCH_ROWS, column_role, find_header, is_caption, is_totals, map_columns, side_by_side,
)
from crisis_tui.core.ingest.rowmap import Place, SheetPlan
from crisis_tui.core.text import tokens


@pytest.mark.parametrize(("header", "role"), [
    ("Nom", "last_name"), ("NAAM", "last_name"), ("Last name", "last_name"), ("Achternaam", "last_name"),
    ("Prénom", "first_name"), ("PRENOM", "first_name"), ("Voornaam", "first_name"), ("First name", "first_name"),
    ("Patient", "patient"), ("Nom du patient", "patient"), ("Patiënt", "patient"), ("Nom et prénom", "patient"),
    ("Date", "date"), ("Date RDV", "date"), ("DATE RDV", "date"), ("Datum", "date"), ("Datum afspraak", "date"),
    ("Surgery date", "date"), ("Date intervention", "date"), ("Date de l'examen", "date"),
    ("Heure", "time"), ("HEURE RDV", "time"), ("Uur", "time"), ("Time", "time"), ("Appointment time", "time"),
    ("Date/heure", "datetime"), ("Datum en tijd", "datetime"), ("RDV", "datetime"), ("Date and time", "datetime"),
    ("Date de naissance", "birth_date"), ("DDN", "birth_date"), ("Né(e) le", "birth_date"),
    ("Geboortedatum", "birth_date"), ("Date of birth", "birth_date"), ("Birth date", "birth_date"),
    ("GSM", "phone"), ("N° GSM", "phone"), ("Tél. fixe", "phone"), ("TEL DOMICILE", "phone"), ("Téléphone", "phone"),
    ("Telefoon", "phone"), ("Mobile", "phone"), ("Phone", "phone"), ("Tél. patient", "phone"),
    ("Site", "site"), ("Campus", "site"), ("Hôpital", "site"), ("Ziekenhuis", "site"), ("Hospital", "site"),
    ("Lieu RDV", "site"),
    ("Examen", "activity"), ("Type d'examen", "activity"), ("Onderzoek", "activity"), ("Exam", "activity"),
    ("Activité", "activity"), ("Prestation", "activity"),
    ("Service", "service"), ("Dienst", "service"), ("Department", "service"), ("Unité", "service"),
    ("Médecin", "doctor"), ("MEDECIN", "doctor"), ("Chirurgien", "doctor"), ("Arts", "doctor"), ("Doctor", "doctor"),
    ("Prescripteur", "doctor"), ("Surgeon", "doctor"), ("Nom du médecin", "doctor"),
    ("N° patient", "ignore"), ("Patient ID", "ignore"), ("Date de création", "ignore"), ("Heure de fin", "ignore"),
    ("Médecin traitant", "ignore"), ("Adresse e-mail", "ignore"),
    ("Afspraakdatum", "date"), ("Onderzoeksdatum", "date"), ("Begintijd", "time"), ("Aanvangsuur", "time"),
    ("Einduur", "ignore"), ("Overlijdensdatum", "ignore"), ("Nom de naissance", "ignore"),
    ("Lieu de naissance", "ignore"), ("Appointment type", "activity"), ("Spécialité", "service"),
    ("H. RDV", "time"), ("Behandelaar", "doctor"), ("Telefoonnummer", "phone"),
    ("Remarque", None), ("", None), ("N° dossier", None), ("Dossiernummer", None),
    ("Date naiss.", "birth_date"), ("DATE DE NAISS.", "birth_date"), ("Geb.", "birth_date"),
    ("Date demande", "ignore"), ("Date de la demande", "ignore"), ("Aanvraagdatum", "ignore"),
    ("Nombre de patients", "ignore"), ("Nb patients", "ignore"), ("Total patients", "ignore"),
    ("Résident", "patient"), ("Bewoner", "patient"), ("Type", "act"),
    ("Chirurg", "doctor"), ("Provider", "doctor"), ("Begin", "datetime"), ("Appt", "datetime"),
    ("Appt date", "date"), ("Appt time", "time"), ("Date begin", "date"),
])
def test_header_roles(header, role):
    assert column_role(header) == role


_ROLES = sorted({role for role, _ in HEADER_ALIASES} - {"ignore"})
_NOISE = st.sampled_from(["", " ", ".", ":", " (*)", " :", "  "])


@given(st.sampled_from([(role, alias) for role, aliases in HEADER_ALIASES for alias in aliases if role != "ignore"]),
       st.sampled_from([str.upper, str.lower, str.title, str]), _NOISE, _NOISE)
def test_case_punctuation_and_spacing_never_change_a_role(pair, case, before, after):
    _, alias = pair
    assert column_role(f"{before}{case(alias)}{after}") == column_role(alias)


def _role_trying_every_alias(header):
    """column_role as it was before aliases were looked up by their first word: every alias tried."""
    words = tokens(header)
    best = None
    for alias, role, rank in columns._ALIASES:
        if words and columns._contains(words, alias) and (best is None or (len(alias), -rank) > best[:2]):
            best = (len(alias), -rank, role)
    if best is None:
        return None
    if best[2] in columns.NAME_ROLES and columns.NOT_NAME_WORDS.intersection(words):
        return "ignore"
    return "ignore" if best[2] == "phone" and columns.OTHER_PARTY_WORDS.intersection(words) else best[2]


_ALIAS_TEXTS = [alias.lstrip("*") for _, aliases in HEADER_ALIASES for alias in aliases]


@given(st.lists(st.one_of(st.sampled_from(_ALIAS_TEXTS), st.sampled_from(["de", "du", "RDV", "n°", "x", "prévu"]),
                          st.text(max_size=6)), max_size=5),
       st.sampled_from([" ", " / ", "-", ""]))
def test_looking_aliases_up_by_their_first_word_finds_what_trying_every_alias_finds(parts, separator):
    header = separator.join(parts)
    assert column_role(header) == _role_trying_every_alias(header)


def test_every_role_has_aliases():
    assert set(_ROLES) == {"birth_date", "datetime", "date", "time", "phone", "doctor", "service", "site", "activity",
                           "act", "first_name", "last_name", "patient"}


def test_the_header_below_a_title_block_is_found_with_every_column():
    rows = [
        (1, ["Planning des consultations", "", ""]),
        (2, ["Édité le 16/05/2022", "", ""]),
        (3, ["", "", ""]),
        (4, ["N° dossier", "NOM", "PRENOM", "Date de naissance", "DATE RDV", "HEURE", "GSM", "Tél. fixe", "Médecin",
             "Service", "Site", "Examen"]),
        (5, ["1", "Dupont", "Jean", "01/01/1950", "17/05/2022", "08:30", "", "", "", "", "", ""]),
    ]
    found = find_header(rows)
    assert found.row_number == 4
    assert found.roles == {"last_name": 1, "first_name": 2, "birth_date": 3, "date": 4, "time": 5, "doctor": 8,
                           "service": 9, "site": 10, "activity": 11}
    assert found.phones == (6, 7)


def test_the_birth_date_is_never_the_appointment_date():
    found = map_columns(1, ["Date of birth", "Last name", "First name", "Surgery date", "Time"])
    assert found.roles["birth_date"] == 0 and found.roles["date"] == 3


@pytest.mark.parametrize(("header", "date"), [
    (["Jour", "Date", "Heure", "Nom"], 1), (["Dag", "Datum", "Uur", "Naam"], 1),
    (["Nom", "Date", "Date RDV"], 2), (["Nom", "Date d'impression", "Date"], 2),
    (["Nom", "Date demande", "Date RDV"], 2), (["Naam", "Datum", "Afspraakdatum"], 2),
])
def test_of_two_columns_naming_the_date_the_best_named_holds_it(header, date):
    assert map_columns(1, header).roles["date"] == date


@pytest.mark.parametrize(("header", "role", "index"), [
    # another moment (an admission, an anaesthesia consultation, a last visit) never holds the appointment's
    (["Naam", "Voornaam", "Opnamedatum", "Operatiedatum", "Uur"], "date", 3),
    (["Nom", "Date d'hospitalisation", "Date chirurgie"], "date", 2),
    (["Name", "Admission date", "Surgery date"], "date", 2), (["Naam", "Datum opname", "Datum ingreep"], "date", 2),
    (["Nom", "Date consultation anesthésie", "Date intervention"], "date", 2),
    (["Nom", "Date dernière consultation", "Date prochain RDV"], "date", 2),
    (["Naam", "Datum", "Uur opname", "Uur ingreep"], "time", 3),
    (["Nom", "Date", "Heure d'admission", "Heure chirurgie"], "time", 3),
    (["Nom", "Date de l'opération", "Date d'entrée"], "date", 1),
])
def test_of_two_columns_the_appointments_moment_wins_over_another(header, role, index):
    assert map_columns(1, header).roles[role] == index


@pytest.mark.parametrize("header", [
    ["Nom patient", "Prénom patient", "Date RDV", "Nom du parent", "GSM parent"],
    ["Naam patiënt", "Voornaam patiënt", "Datum", "Naam ouder", "GSM ouder"],
    ["Nom", "Prénom", "Date", "Nom conjoint", "Nom accompagnant", "GSM parent"],
])
def test_the_name_of_a_parent_or_a_companion_is_not_the_patients_and_their_phone_reaches_the_patient(header):
    found = map_columns(1, header)
    assert (found.roles["last_name"], found.roles["first_name"], found.phones) == (0, 1, (4 if len(header) == 5 else 5,))


def test_a_summary_counting_patients_is_no_list_of_patients():
    rows = [(1, ["Date", "Médecin", "Patients"]), (2, ["19/04/2022", "Dr Noël", 12]), (3, ["20/04/2022", "Dr Noël", "3"])]
    assert find_header(rows) is None
    assert find_header([*rows, (4, ["21/04/2022", "Dr Noël", "Dupont"])]) is not None


def test_a_sheet_that_counts_patients_has_no_header():
    assert map_columns(1, ["Date", "Site", "Activité", "Nombre de patients"]) is None


def test_a_date_and_time_column_beside_a_date_column_gives_the_time():
    columns = map_columns(1, ["Nom", "Date", "Date/heure"])
    plan = SheetPlan(columns, Place("site", None, "ARL", ("no_site", ()), str),
                     Place("activity", None, "surgery", ("no_activity", ()), str), 1)
    assert (plan.date, plan.time) == (1, 2)
    (row,), others = plan.convert([["Dupont", "17/05/2022", "2022-05-17 14:05"]])
    assert row[3] == datetime(2022, 5, 17, 14, 5) and others == []


def test_a_lone_name_column_holds_the_whole_name():
    assert map_columns(1, ["Nom", "Date"]).roles == {"patient": 0, "date": 1}
    assert map_columns(1, ["Nom", "Prénom", "Patient", "Date"]).roles == {"last_name": 0, "first_name": 1, "date": 3}
    assert map_columns(1, ["Patient", "Prénom", "Date"]).roles == {"last_name": 0, "first_name": 1, "date": 2}


def test_name_beside_surname_is_the_first_name():
    assert map_columns(1, ["Name", "Surname", "Date"]).roles == {"first_name": 0, "last_name": 1, "date": 2}
    assert map_columns(1, ["Surname", "Name", "Date"]).roles == {"last_name": 0, "first_name": 1, "date": 2}
    assert map_columns(1, ["Name", "Date"]).roles == {"patient": 0, "date": 1}


@pytest.mark.parametrize(("header", "below", "roles"), [
    # two columns naming the moment, none the date or the time: the one holding times of day gives the time
    (["Patient", "Appointment", "Start", "End"], [["Dupont Jean", "07/12/2026", "09:30", "10:00"]],
     {"patient": 0, "datetime": 1, "time": 2}),
    (["Patient", "Start", "Appointment"], [["Dupont Jean", time(9, 30), "07/12/2026"],
                                           ["Martin Anne", 0.4375, datetime(2026, 12, 7)]],
     {"patient": 0, "datetime": 2, "time": 1}),
    (["Patiënt", "Afspraak", "Tijdstip"], [["Peeters Jan", "07/12/2026", "14:05"]],
     {"patient": 0, "datetime": 1, "time": 2}),
    # both hold dates, or the best named holds the date and the time, or nothing below: left as they were
    (["Patient", "Appointment", "Start"], [["Dupont Jean", "07/12/2026", "07/12/2026 09:30"]],
     {"patient": 0, "datetime": 1}),
    (["Patient", "Appointment", "Start"], [["Dupont Jean", "07/12/2026 09:30", "Consultation"]],
     {"patient": 0, "datetime": 1}),
    (["Patient", "Appointment", "Start"], [], {"patient": 0, "datetime": 1}),
    # a date column already there: the moment's column is its time, as before
    (["Patient", "Date", "Start"], [["Dupont Jean", "07/12/2026", "09:30"]], {"patient": 0, "date": 1, "datetime": 2}),
])
def test_of_two_columns_naming_the_moment_the_one_holding_times_gives_the_time(header, below, roles):
    assert find_header([(1, header), *enumerate(below, start=2)]).roles == roles


AGENDA = ["Heure", "Nom", "Prénom", "GSM"]  # a doctor's day agenda: no date column


@pytest.mark.parametrize(("above", "names", "day"), [
    ([["Consultations du mardi 19/04/2022"]], (), date(2022, 4, 19)),
    ([["Médecin :", "Dr Lambert"], ["Date :", datetime(2022, 4, 19)]], (), date(2022, 4, 19)),
    ([["Agenda Dr Lambert"], ["Imprimé le 18/04/2022 16:05"]], ("Mardi 19-04-2022", "agenda"), date(2022, 4, 19)),
    ([], (None, "Consultations Arlon 2022-04-20"), date(2022, 4, 20)),
    # no day, or a range of days: no header, as before
    ([["Agenda Dr Lambert"]], ("Feuil1", "agenda"), None),
    ([["Semaine du 18/04 au 22/04/2022"]], (), None),
    ([["Consultations du 19/04/2022"], ["et du 20/04/2022"]], (), None),
])
def test_a_header_without_a_date_column_takes_the_day_of_its_title_or_name(above, names, day):
    rows = [*enumerate(above, start=1), (len(above) + 1, AGENDA), (len(above) + 2, ["08:00", "Adam", "Paul", "0475"])]
    found = find_header(rows, names)
    assert (found.day, found.roles) == (day, {"time": 0, "last_name": 1, "first_name": 2}) if day else found is None


@pytest.mark.parametrize(("last", "cells", "phones"), [
    ("Contact", ["0475 12 34 56", "061/21.21.21"], (3, 4)),
    ("", ["0475 12 34 56", "+32 61 21 21 21", None], (3, 4)),  # under a "Téléphone" merged over two columns
    # an identifier, bare numbers, notes, another person's phone, mostly no number: never
    ("N° dossier", ["0475123456", "0475123457"], (3,)),
    ("Code", [475123456, 475123457], (3,)),
    ("Remarque", ["rappeler au 0475 12 34 56", "à jeun"], (3,)),
    ("Tél. médecin", ["0475 12 34 56", "0475 12 34 57"], (3,)),
    ("Contact", ["0475 12 34 56", "voir dossier", "", "pas de GSM"], (3,)),
])
def test_a_column_of_phone_numbers_under_a_header_naming_nothing_is_a_phone_column(last, cells, phones):
    rows = [(1, ["Nom", "Prénom", "Date", "Téléphone", last]),
            *((n, ["Dupont", "Jean", "19/04/2022", "", cell]) for n, cell in enumerate(cells, start=2))]
    assert find_header(rows).phones == phones


def test_a_header_needs_a_patient_and_a_date():
    assert map_columns(1, ["Nom", "Prénom", "GSM"]) is None
    assert map_columns(1, ["Date", "Heure", "GSM"]) is None
    assert find_header([(1, ["Dupont", "Jean", "17/05/2022"]), (2, ["Durand", "Anne", "18/05/2022"])]) is None


def test_the_header_is_searched_in_the_first_non_empty_rows_only():
    title = [(n, [f"ligne {n}"]) for n in range(1, HEADER_SEARCH_ROWS + 1)]
    blank = [(n, ["", ""]) for n in range(100, 110)]
    header = [(200, ["Nom", "Date"])]
    assert find_header(blank + title[:-1] + header).row_number == 200
    assert find_header(title + header) is None


def test_a_repeated_header_row_is_recognised():
    found = map_columns(3, ["Nom", "Prénom", "Date", "GSM"])
    assert found.is_header_again(["NOM", "prénom", "Date", "GSM"])
    assert not found.is_header_again(["Nomé", "Jean", "17/05/2022", "0475"])


@pytest.mark.parametrize(("row", "totals"), [
    (["Total", "", "", "41"], True), (["", "Totaal: 41"], True), (["Totaux : 41 rendez-vous"], True),
    (["Nombre de patients", "41"], True), (["Sous-total", "12"], True), (["TOTAL GENERAL", None, 41], True),
    ([None, None, 41], True), ([41, "Total"], True), ([41, None, "Totaux"], True),
    (["Dupont", "Jean"], False), (["", "", ""], False), (["Dupont", 41], False), ([41, 12], False),
    (["Dupont", "Jean", "", "", "Total"], False),
    (["2 rendez-vous", None, None], True), (["41 patients"], True), (["12 afspraken"], True),
    (["2 Dupont", "Jean"], False),
])
def test_totals_lines(row, totals):
    assert is_totals(row) is totals


@pytest.mark.parametrize(("row", "caption"), [
    (["Imprimé le 18/04/2022 par secr. Collard"], True), (["Page 2/3"], True), (["Blz. 1/2"], True),
    (["Après-midi"], True), (["Confidentiel"], True), (["Date d'impression : 18/04/2022 16:02"], True),
    (["Afdrukdatum: 18/04/2022"], True), (["Print date 18/04/2022"], True), (["Source : Ultragenda"], True),
    (["Liste arrêtée le 18/04/2022"], True), ([None, "Rapport généré par Xcare"], True),
    (["Imprimé le :", datetime(2022, 4, 18, 16, 5)], True), (["Édité par :", "secr. Collard"], True),
    # a name with a first name, a label without its colon, three cells: data
    (["Page", "Marie"], False), (["Imprimé le", datetime(2022, 4, 18)], False),
    (["Imprimé le :", "18/04/2022", "Dr Adam"], False), (["Dupont Jean"], False),
])
def test_captions(row, caption):
    assert is_caption(row) is caption


@pytest.mark.parametrize(("header", "tables"), [
    (["Nom", "Prénom", "Date", "Heure", "GSM", None, "Nom", "Prénom", "Date", "Heure", "GSM"], [(0, 6), (6, None)]),
    (["Patient", "Date", "Patient", "Date", "Patient", "Date"], [(0, 2), (2, 4), (4, None)]),
    (["Nom", "Prénom", "Date", "Nom de jeune fille", "Médecin", "GSM"], [(None, None)]),
    (["Nom", "Prénom", "Date", "GSM", "Nom", "Prénom"], [(None, None)]),  # no date after: not a table of its own
    (["Nom", "Prénom", "Date intervention", "Heure", "Chirurgien", "Nom anesthésiste", "Date consultation anesthésie",
      "GSM"], [(None, None)]),  # another person's name and date: columns of the same table (found by an audit)
    (["Nom", "Prénom", "Date RDV", "Nom", "Date de rappel", "GSM"], [(None, None)]),  # the dates differ
])
def test_tables_side_by_side_on_one_header_row(header, tables):
    found = side_by_side(map_columns(1, header))
    assert [(cut.start, cut.stop) for cut, _ in found] == tables
    for cut, table in found:
        assert table.headers == tuple("" if cell is None else cell for cell in header[cut])


def test_each_table_side_by_side_is_completed_from_its_own_rows():
    header = ["Patient", "", "Appointment", "Start", "Contact", None, "Patient", "", "Appointment", "Start", "Contact"]
    rows = [["Dupont", first, "19/04/2022", "08:00", "0475 12 34 56", None, "Martin", other, "19/04/2022", "14:00",
             "061 21 21 21"] for first, other in zip(("Marie", "Jean", "Luc"), ("Léa", "Noé", "Zoé"))]
    tables = side_by_side(find_header([(1, header), *enumerate(rows, start=2)]), rows)
    assert [cut.start for cut, _ in tables] == [0, 6]
    for _, table in tables:  # the first names, the time and the phone column in both
        assert (table.roles, table.phones) == ({"last_name": 0, "first_name": 1, "datetime": 2, "time": 3}, (4,))


PATIENT_OVER_TWO = ["Date", "Patient", "", "GSM"]


FULL_NAMES = ("Dupont Marie", "Martin Jean", "Leroy Paul", "Petit Luc")
LEFT_ALONE = {"date": 0, "patient": 1}


@pytest.mark.parametrize(("below", "roles"), [
    # a "Patient" header merged over the family name and the first name
    # (a totals line, a first name missing: most rows give one)
    ([*(["07/12/2026", "Dupont", first, "0475"] for first in ("Marie", "Jean", "Luc", "Anne", "Léa", "Noé", "Zoé")),
      ["07/12/2026", "Van den Berghe", "Marie Louise", "0476"], ["Total", "", "", ""],
      ["07/12/2026", "Martin", "", "0477"]],
     {"date": 0, "last_name": 1, "first_name": 2}),
    # an unnamed column after a full name, of numbers, notes, mostly nothing, a sex, a yes or no: left alone
    ([["07/12/2026", name, str(n), "0475"] for n, name in enumerate(FULL_NAMES)], LEFT_ALONE),
    ([["07/12/2026", "Dupont Marie", "à jeun depuis minuit, sans eau", "0475"]], LEFT_ALONE),
    ([["07/12/2026", name, "x" if n == 2 else "", "0475"] for n, name in enumerate(FULL_NAMES)], LEFT_ALONE),
    ([["07/12/2026", name, "FM"[n % 2], "0475"] for n, name in enumerate(FULL_NAMES)], LEFT_ALONE),
    ([["07/12/2026", name, ("Non", "Oui")[n % 2], "0475"] for n, name in enumerate(FULL_NAMES)], LEFT_ALONE),
])
def test_a_patient_header_over_two_columns_is_the_family_and_the_first_name(below, roles):
    found = find_header([(1, PATIENT_OVER_TWO), *enumerate(below, start=2)])
    assert found.roles == roles and found.phones == (3,)


def test_beside_a_first_name_column_the_unnamed_column_stays_unread():
    found = find_header([(1, ["Date", "Patient", "", "Prénom"]), (2, ["07/12/2026", "Dupont", "Marie", "Marie"])])
    assert found.roles == {"date": 0, "last_name": 1, "first_name": 3}
