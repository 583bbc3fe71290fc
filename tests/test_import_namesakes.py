"""Namesakes (found by an audit): two patients with one name at one site, activity and start (a list of the day
without times, a common name) are two patients when their birth dates differ, each to be told with their own
number; rows without a birth date are still the same appointment met again."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import delete

from crisis_tui.core.ingest import store
from crisis_tui.core.ingest.importer import import_file
from crisis_tui.core.models import Appointment
from import_files import counts, stored, xlsx

HEADER = ["Nom", "Prénom", "Né(e) le", "Date", "GSM", "Tél. fixe", "Site", "Examen"]
BORN = {"1940": "12/03/1940", "1985": "05/05/1985", "1972": "30/11/1972", "": ""}
MOBILES = {"1940": "0479 01 01 01", "1985": "0479 02 02 02", "1972": "0479 03 03 03", "": ""}


def row(born: str, *, name: str = "Peeters", mobile: str | None = None, landline: str = "") -> list[str]:
    return [name, "Jan", BORN[born], "08/12/2026", MOBILES[born] if mobile is None else mobile, landline, "Arlon",
            "Consultation"]


def patients(workspace) -> list[tuple[str, date | None, str]]:
    return sorted(((a.last_name, a.birth_date, a.phones) for a in stored(workspace)), key=str)


@pytest.fixture(params=["sqlite", "generic"])
def path_taken(request, monkeypatch):
    """Both ways rows reach the database: straight to the SQLite driver, or the lookup and Core insert that
    PostgreSQL takes."""
    if request.param == "generic":
        real_init = store.Inserter.__init__

        def generic(self, session):
            real_init(self, session)
            self.direct, self.stores = False, ()

        monkeypatch.setattr(store.Inserter, "__init__", generic)
    return request.param


def test_namesakes_born_on_other_days_are_two_patients_each_with_their_number(workspace, tmp_path, path_taken):
    rows = [HEADER, row("1940", mobile="", landline="061 31 31 31"), row("1985"), row("1985"), row("")]
    report = import_file(workspace, xlsx(tmp_path / "consultations_arlon.xlsx", ("S", rows)))
    assert counts(report) == (4, 2, 2, 0)
    assert patients(workspace) == [("Peeters", date(1940, 3, 12), "+3261313131"),
                                   ("Peeters", date(1985, 5, 5), "+32479020202")]
    again = import_file(workspace, xlsx(tmp_path / "consultations_arlon.xlsx", ("S", rows)))
    assert counts(again) == (4, 0, 4, 0) and len(stored(workspace)) == 2


def test_a_later_export_adds_the_namesake_it_alone_lists_whatever_the_order(workspace, tmp_path, path_taken):
    import_file(workspace, xlsx(tmp_path / "a.xlsx", ("S", [HEADER, row("1985")])))
    report = import_file(workspace, xlsx(tmp_path / "b.xlsx", ("S", [HEADER, row("1940"), row("1985")])))
    assert counts(report) == (2, 1, 1, 0)
    report = import_file(workspace, xlsx(tmp_path / "c.xlsx", ("S", [HEADER, row("1972"), row("1940")])))
    assert counts(report) == (2, 1, 1, 0)
    assert [born for _, born, _ in patients(workspace)] == [date(1940, 3, 12), date(1972, 11, 30), date(1985, 5, 5)]


def test_an_export_without_birth_dates_is_the_same_appointments_met_again(workspace, tmp_path, path_taken):
    """One export gives no birth dates: its row is the patient the other export dates (their number is added);
    two namesakes dated elsewhere stay two, and a row without a date adds no third."""
    import_file(workspace, xlsx(tmp_path / "a.xlsx", ("S", [HEADER, row("", mobile="0479 09 09 09")])))
    report = import_file(workspace, xlsx(tmp_path / "b.xlsx", ("S", [HEADER, row("1940"), row("1985")])))
    assert counts(report) == (2, 1, 1, 0)
    assert patients(workspace) == [("Peeters", date(1940, 3, 12), "+32479090909;+32479010101"),
                                   ("Peeters", date(1985, 5, 5), "+32479020202")]
    assert counts(import_file(workspace, xlsx(tmp_path / "c.xlsx", ("S", [HEADER, row("")])))) == (1, 0, 1, 0)
    assert len(stored(workspace)) == 2


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(["1940", "1985", "1972", ""]), max_size=4), min_size=1, max_size=3))
def test_each_patient_born_on_a_day_is_stored_once_however_exports_list_them(workspace, tmp_path, path_taken, files):
    """Whatever the exports and their order: one appointment per birth date met, and one for the name when none
    gives a date; every row is imported or a duplicate."""
    with workspace.session() as session:  # the workspace outlives each example
        session.exec(delete(Appointment))
        session.commit()
    for number, births in enumerate(files):
        if births:
            report = import_file(workspace, xlsx(tmp_path / f"{number}.xlsx", ("S", [HEADER, *map(row, births)])))
            assert report.rows == report.imported + report.duplicates == len(births)
    met = {born for births in files for born in births}
    dated = {date.fromisoformat(f"{BORN[b][6:]}-{BORN[b][3:5]}-{BORN[b][:2]}") for b in met if b}
    if met:
        assert sorted(a.birth_date for a in stored(workspace)) == sorted(dated) or (
            not dated and [a.birth_date for a in stored(workspace)] == [None])
