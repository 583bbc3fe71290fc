"""Loading the IT systems list: FR/EN headers in any order, csv (; or ,, UTF-8 or cp1252) and xlsx; bad rows refused
with one line naming the row, and nothing changed."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from crisis_tui.config import BUNDLED_DATA
from crisis_tui.core.errors import UsageError
from crisis_tui.core.it.vocab import COLOURS, STATUSES
from crisis_tui.core.it.order import CycleError
from crisis_tui.core.it_restart import load_systems, restart_order
from crisis_tui.core.models import AuditEntry, ITSystem
from crisis_tui.core.text import key
from crisis_tui.i18n import LANGUAGES, Catalog

HEADER = "Système;Priorité;Dépend de;Statut;Responsable;Activités;Échéance;Notes\n"
GOOD = HEADER + "Réseau;1;;vert;Équipe réseau;;17/04/2022;\nPACS;1;Réseau;rouge;Radiologie;radiologie;;\n"


def write(tmp_path: Path, text: str, name: str = "systems.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def systems(workspace) -> dict[str, ITSystem]:
    with workspace.session() as session:
        return {s.name: s for s in session.exec(select(ITSystem))}


def audit(workspace) -> list[AuditEntry]:
    with workspace.session() as session:
        return list(session.exec(select(AuditEntry).order_by(AuditEntry.id)))


def load(workspace, path: Path) -> int:
    with workspace.session() as session:
        return load_systems(session, path, actor="chair", reference=workspace.reference)


def test_the_bundled_sample_loads_in_an_order_with_radiology_before_patient_records(workspace):
    assert load(workspace, BUNDLED_DATA / "it_systems.csv") == 19
    with workspace.session() as session:
        names = [item.name for item in restart_order(session)]
    assert names.index("PACS (imagerie)") < names.index("Dossier patient informatisé (DPI)")
    loaded = systems(workspace)
    assert loaded["RIS (radiologie)"].activities == "radiology;scintigraphy@LIB"
    assert loaded["Étiquettes de prélèvement Neufchâteau"].activities == "blood_draw@NEU"
    entry = audit(workspace)[-1]
    assert (entry.action, entry.target, entry.actor) == ("it.load", "it_systems.csv", "chair")


def test_english_headers_in_any_order_comma_separated_cp1252_colours_and_names(workspace, tmp_path):
    text = (
        "Notes,Status,System,Owner,Priority,Activities,ETA,Depends on\n"
        "é café,Amber,Core network,Net team,P1,,2022-04-18,\n"
        "x,BLEU,Active Directory,Sys team,1,,,core NETWORK\n"
        "y,en panne,Radiology info,Radiology,2,Radiologie@Libramont;scinti,18/04/22,active directory\n"
    )
    assert load(workspace, write(tmp_path, text, encoding="cp1252")) == 3
    loaded = systems(workspace)
    assert loaded["Core network"].status == "restoring"
    assert loaded["Core network"].notes == "é café"
    assert loaded["Active Directory"].status == "verified"
    assert loaded["Active Directory"].depends_on == "Core network"
    ris = loaded["Radiology info"]
    assert (ris.status, ris.tier, ris.eta) == ("down", 2, date(2022, 4, 18))
    assert ris.depends_on == "Active Directory"
    assert ris.activities == "radiology@LIB;scintigraphy"


@pytest.mark.parametrize("extra", ["Nom du responsable", "Système d'exploitation", "Priorité métier"])
@pytest.mark.parametrize("first", [True, False])
def test_an_extra_column_that_starts_like_one_of_ours_is_ignored(workspace, tmp_path, extra, first):
    header = ["Système", "Priorité", "Statut", "Responsable"]
    row = ["PACS", "1", "vert", "Radiologie"]
    at = 0 if first else len(header)
    header.insert(at, extra)
    row.insert(at, "autre")
    load(workspace, write(tmp_path, ";".join(header) + "\n" + ";".join(row) + "\n"))
    pacs = systems(workspace)["PACS"]
    assert (pacs.tier, pacs.status, pacs.owner) == (1, "restored", "Radiologie")


@pytest.mark.parametrize(
    "value, stored",
    [("Radiologie (Libramont)", "radiology@LIB"), ("radiologie Libramont", "radiology@LIB"),
     ("Libramont : radiologie", "radiology@LIB"), ("imagerie médicale (site d'Arlon)", "radiology@ARL"),
     ("Prise de sang (Centre de prélèvement de Neufchâteau)", "blood_draw@NEU"),
     ("Chirurgie et interventions", "surgery"), ("PET scan", "scintigraphy")],
)
def test_an_activity_with_a_site_in_parentheses_or_beside_it_needs_the_system_at_that_site(
    workspace, tmp_path, value, stored
):
    load(workspace, write(tmp_path, HEADER + f"PACS;1;;;;{value}, consultation;;\n"))
    assert systems(workspace)["PACS"].activities == f"{stored};consultation"


@pytest.mark.parametrize(
    "value, expected",
    [("Radiologie (Paris)", "activity 'Radiologie (Paris)': radiology with words that are not a known site"),
     ("radiologie conventionnelle", "activity 'radiologie conventionnelle': radiology with words that are not a"),
     ("radiologie (Libramont, Marche)", "site 'libramont marche' is ambiguous (LIB, MAR)")],
)
def test_an_activity_with_words_that_name_no_site_is_refused_not_read_as_every_site(
    workspace, tmp_path, value, expected
):
    with pytest.raises(UsageError) as caught:
        load(workspace, write(tmp_path, HEADER + f"PACS;1;;;;{value};;\n"))
    assert str(caught.value).startswith("systems.csv: row 2 (PACS): ") and expected in str(caught.value)
    assert systems(workspace) == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_status_name_the_application_prints_is_read_back_with_or_without_its_colour(workspace, tmp_path, lang):
    t = Catalog(lang).t
    rows = []
    for status in STATUSES:
        name, colour = t(f"it.status.{status}"), t(f"it.colour.{COLOURS[status]}")
        rows += [(f"{status} {n}", word) for n, word in enumerate((name, colour, f"{name} ({colour})", name.upper()))]
    load(workspace, write(tmp_path, HEADER + "".join(f"{system};1;;{word};;;;\n" for system, word in rows)))
    assert {name: system.status for name, system in systems(workspace).items()} == {
        system: system.split()[0] for system, _ in rows
    }


@pytest.mark.parametrize(
    "word, status",
    [("restauré", "restored"), ("Restaurée", "restored"), ("rétablie", "restored"), ("rétablis", "restored"),
     ("Rétablies (vertes)", "restored"), ("vérifiée", "verified"), ("Vérifiés (bleu)", "verified"),
     ("en restauration", "restoring"), ("hors service", "down")],
)
def test_french_statuses_are_read_in_the_feminine_and_plural(workspace, tmp_path, word, status):
    load(workspace, write(tmp_path, HEADER + f"PACS;1;;{word};;;;\n"))
    assert systems(workspace)["PACS"].status == status


@pytest.mark.parametrize("value, tier", [("1 - vital", 1), ("2: important", 2), ("Priorité 3 (confort)", 3),
                                         ("4 – différable", 4)])
def test_a_priority_with_its_label_is_its_leading_number(workspace, tmp_path, value, tier):
    load(workspace, write(tmp_path, HEADER + f"PACS;{value};;;;;;\n"))
    assert systems(workspace)["PACS"].tier == tier


def test_names_with_commas_inside_parentheses_stay_whole_and_blank_status_means_down(workspace, tmp_path):
    text = HEADER + "Réseau (switches, VLAN);1;;;;;;\nDNS;1;réseau (SWITCHES, vlan), ;vert;;;;\n"
    load(workspace, write(tmp_path, text))
    loaded = systems(workspace)
    assert loaded["Réseau (switches, VLAN)"].status == "down"
    assert loaded["DNS"].depends_on == "Réseau (switches, VLAN)"


def test_xlsx_with_a_title_block_a_hidden_sheet_excel_dates_and_numeric_tiers(workspace, tmp_path):
    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "old"
    hidden.append(["Système", "Priorité"])
    hidden.append(["Ancien", 1])
    hidden.sheet_state = "hidden"
    sheet = book.create_sheet("Systèmes")
    sheet.append(["Plan de redémarrage, 17/04"])
    sheet.append([])
    sheet.append(["Priorité (1-4)", "Système", "Statut", "Échéance", "Activités"])
    sheet.append([1.0, "PACS", "Vérifié", datetime(2022, 4, 19, 14, 0), "radiology"])
    sheet.append([None, None, None, None, None])
    sheet.append([3, "Mail", None, None, None])
    path = tmp_path / "list.xlsx"
    book.save(path)
    assert load(workspace, path) == 2
    loaded = systems(workspace)
    assert set(loaded) == {"PACS", "Mail"}
    assert (loaded["PACS"].tier, loaded["PACS"].status, loaded["PACS"].eta) == (1, "verified", date(2022, 4, 19))


@pytest.mark.parametrize(
    "rows, expected",
    [
        ("X;1;;mauve;;;;\n", "row 2 (X): unknown status 'mauve'"),
        ("X;1;;Rétabli (rouge);;;;\n", "row 2 (X): unknown status 'Rétabli (rouge)'"),
        ("X;7;;;;;;\n", "row 2 (X): priority '7' is not one of 1, 2, 3, 4"),
        ("X;5 - secondaire;;;;;;\n", "row 2 (X): priority '5 - secondaire' is not one of 1, 2, 3, 4"),
        ("X;12 vital;;;;;;\n", "row 2 (X): priority '12 vital' is not one of 1, 2, 3, 4"),
        ("X;;;;;;;\n", "row 2 (X): priority '' is not one of 1, 2, 3, 4"),
        ("X;1;;;;dentisterie;;\n", "row 2 (X): unknown activity 'dentisterie'"),
        ("X;1;;;;radiology@Paris;;\n", "row 2 (X): unknown site 'Paris'"),
        ("X;1;Y;;;;;\n", "row 2 (X): depends on unknown system 'Y'"),
        ("X;1;;;;;demain;\n", "row 2 (X): ETA 'demain' is not a date"),
        ("X;1;;;;;;\nx;2;;;;;;\n", "row 3: system 'x' is already on row 2"),
        (";1;;;;;;\n", "row 2: the system has no name"),
        ("A;1;B;;;;;\nB;2;C;;;;;\nC;3;A;;;;;\nD;1;A;;;;;\n", "dependency cycle between A, B, C"),
        ("", "no system listed under the header (row 1)"),
    ],
)
def test_a_bad_row_is_refused_naming_it_and_nothing_changes(workspace, tmp_path, rows, expected):
    load(workspace, write(tmp_path, GOOD, "good.csv"))
    before, entries = systems(workspace), len(audit(workspace))
    with pytest.raises(UsageError) as caught:
        load(workspace, write(tmp_path, HEADER + rows))
    message = str(caught.value)
    assert message.startswith("systems.csv: ") and expected in message and "\n" not in message
    assert systems(workspace).keys() == before.keys()
    assert len(audit(workspace)) == entries


def test_a_cycle_error_carries_the_systems(workspace, tmp_path):
    with pytest.raises(CycleError) as caught:
        load(workspace, write(tmp_path, HEADER + "A;1;b;;;;;\nB;1;a;;;;;\n"))
    assert set(caught.value.systems) == {"A", "B"}


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("list.csv", "Nom du serveur;Remarque\nX;Y\n", "no header row with a Système/System and a Priorité/Priority"),
        ("list.csv", "Système;Priorité;Status;Statut\nX;1;;\n", "columns 'Status' and 'Statut' mean the same thing"),
        ("list.pdf", "%PDF-1.4", "list.pdf: a PDF document, not a spreadsheet"),
        ("list.xlsx", "PK\x03\x04 not really a zip", "list.xlsx: truncated or damaged workbook"),
        ("list.xlsx", "", "list.xlsx: empty file"),
        pytest.param("list.csv", "Système;Priorité\nA;1\n" + "x" * 200_000 + ";2\n", "list.csv: unreadable text",
                     id="a-field-over-the-csv-limit"),
    ],
)
def test_an_unusable_file_is_refused_with_one_line(workspace, tmp_path, name, content, expected):
    with pytest.raises(UsageError, match=expected):
        load(workspace, write(tmp_path, content, name))
    assert systems(workspace) == {}


def test_loading_replaces_the_whole_list_and_audits_the_old_and_new_lists(workspace, tmp_path):
    load(workspace, write(tmp_path, GOOD, "first.csv"))
    load(workspace, write(tmp_path, HEADER + "Messagerie;3;;;;;;\n", "second.csv"))
    assert set(systems(workspace)) == {"Messagerie"}
    entry = audit(workspace)[-1]
    assert entry.target == "second.csv"
    assert "PACS" in entry.old and "Messagerie" in entry.new and "PACS" not in entry.new


def test_without_a_reference_activities_match_the_codes_and_names_in_the_database(workspace, tmp_path):
    path = write(tmp_path, HEADER + "PACS;1;;;;Radiologie@Libramont, blood_draw;;\n")
    with workspace.session() as session:
        load_systems(session, path)
    assert systems(workspace)["PACS"].activities == "radiology@LIB;blood_draw"


STATUS_WORDS = {"down": ("En panne", "ROUGE", "red"), "restoring": ("en cours", "Ambre", "amber"),
                "restored": ("Rétabli", "vert", "GREEN"), "verified": ("VÉRIFIÉ", "bleu", "Blue")}
COLUMNS_FR = ("Système", "Priorité", "Dépend de", "Statut", "Notes")
COLUMNS_EN = ("System", "Priority", "Depends on", "Status", "Notes")
name_text = st.text(alphabet="abcdeéèçñXYZ ()-/01", min_size=1, max_size=12).map(str.strip).filter(
    lambda n: key(n) and n.count("(") == n.count(")") == 0
)


@st.composite
def lists(draw):
    names = draw(st.lists(name_text, min_size=1, max_size=8, unique_by=key))
    rows = []
    for index, name in enumerate(names):
        status = draw(st.sampled_from(sorted(STATUS_WORDS)))
        deps = draw(st.lists(st.sampled_from(names[:index]), max_size=3, unique=True)) if index else []
        word = draw(st.sampled_from(STATUS_WORDS[status]))
        rows.append({"name": name, "tier": draw(st.integers(1, 4)), "status": status, "depends_on": deps,
                     "word": word, "notes": draw(st.sampled_from(("", "é; x")))})
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lists(), st.permutations(range(5)), st.sampled_from((";", ",")), st.sampled_from(("utf-8-sig", "cp1252")),
       st.booleans())
def test_any_list_written_in_any_column_order_separator_and_encoding_loads_back(
    workspace, tmp_path, rows, order, separator, encoding, english
):
    header = COLUMNS_EN if english else COLUMNS_FR
    buffer = io.StringIO()
    out = csv.writer(buffer, delimiter=separator)
    out.writerow([header[i] for i in order])
    for row in rows:
        cells = (row["name"].upper(), row["tier"], " , ".join(d.lower() for d in row["depends_on"]), row["word"],
                 row["notes"])
        out.writerow([cells[i] for i in order])
    path = tmp_path / "round.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    assert load(workspace, path) == len(rows)
    loaded = systems(workspace)
    by_upper = {row["name"].upper(): row for row in rows}
    assert set(loaded) == set(by_upper)
    for name, system in loaded.items():
        row = by_upper[name]
        assert (system.tier, system.status, system.notes) == (row["tier"], row["status"], row["notes"])
        assert (system.depends_on.split(";") if system.depends_on else []) == [d.upper() for d in row["depends_on"]]


def test_a_missing_file_is_refused_naming_it(workspace, tmp_path):
    with pytest.raises(UsageError, match="absent.csv: not found"):
        load(workspace, tmp_path / "absent.csv")
