"""The bundled demo: a reproducible generator, committed files equal to a fresh run, an import that matches the
generator's own bookkeeping, every hospital x activity on the demo day, a second fill adding nothing."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlmodel import func, select

from crisis_tui.cli import main
from crisis_tui.core.demo import (DEMO_DAY, DEMO_DIR, DEMO_MEETING_DAY, MANIFEST_NAME, copy_into, demo_files,
                                  fill_demo_home)
from crisis_tui.core.demo_exports import generate
from crisis_tui.core.demo_population import ACTIVITIES, HOSPITALS, TWO_PHONE_COLUMNS, make_week
from crisis_tui.core.models import Appointment, RejectedRow
from crisis_tui.core.text import key

COUNTS = ("rows", "imported", "duplicates", "rejected")


def _cells(path: Path) -> dict:
    """Every sheet's state and cell values (what a reader sees), for comparing workbooks."""
    workbook = load_workbook(path)
    return {ws.title: (ws.sheet_state, [[c.value for c in row] for row in ws.iter_rows()]) for ws in workbook}


def _same_content(a: Path, b: Path) -> None:
    assert sorted(p.name for p in a.iterdir()) == sorted(p.name for p in b.iterdir())
    for left in sorted(a.iterdir()):
        right = b / left.name
        if left.suffix == ".xlsx":
            assert _cells(left) == _cells(right), left.name
        else:
            assert left.read_bytes() == right.read_bytes(), left.name


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((DEMO_DIR / MANIFEST_NAME).read_text(encoding="utf-8"))


def test_generator_is_reproducible_to_the_byte(tmp_path):
    generate(tmp_path / "a")
    generate(tmp_path / "b")
    _same_content(tmp_path / "a", tmp_path / "b")
    for left in (tmp_path / "a").iterdir():  # xlsx too: fixed properties and zip timestamps
        assert left.read_bytes() == (tmp_path / "b" / left.name).read_bytes(), left.name


def test_committed_demo_files_equal_a_fresh_generation(tmp_path):
    generate(tmp_path)
    _same_content(tmp_path, DEMO_DIR)


def test_manifest_counts_add_up_and_cover_every_hospital_and_activity_on_the_demo_day(manifest):
    assert manifest["meeting_day"] == DEMO_MEETING_DAY.isoformat() and manifest["week"][0] == DEMO_DAY.isoformat()
    assert manifest["import_order"] == [p.name for p in demo_files()]
    for name, entry in manifest["files"].items():
        assert entry["rows"] == entry["imported"] + entry["duplicates"] + entry["rejected"], name
    assert {k: sum(e[k] for e in manifest["files"].values()) for k in COUNTS} == manifest["totals"]
    assert 400 <= manifest["totals"]["imported"] <= 500
    assert manifest["totals"]["duplicates"] >= 2 and manifest["totals"]["rejected"] >= 2
    on_day = manifest["appointments_on_demo_day"]
    assert all(on_day[site][activity] > 0 for site in HOSPITALS for activity in ACTIVITIES)
    assert on_day["NEU"]["blood_draw"] > 0 and on_day["SOD"]["blood_draw"] > 0


def test_exports_have_the_shapes_of_real_ones():
    exams = load_workbook(DEMO_DIR / "examens_semaine_50.xlsx")
    assert [ws.sheet_state for ws in exams] == ["hidden", "visible", "visible"]
    consult = load_workbook(DEMO_DIR / "consultations_marche-en-famenne.xlsx").active
    formula_like = [c for row in consult.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] == "="]
    assert formula_like and all(c.data_type == "s" for c in formula_like)
    assert consult.cell(consult.max_row, 1).value.startswith("Total")
    surgery = (DEMO_DIR / "chirurgie_semaine_50.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        surgery.decode("utf-8")
    assert surgery.decode("cp1252").splitlines()[0].count(";") >= 8
    assert "\t" in (DEMO_DIR / "centres_covid.txt").read_text(encoding="utf-8").splitlines()[0]
    blood = (DEMO_DIR / "prises_de_sang_semaine_50.csv").read_text(encoding="utf-8-sig")
    assert blood.startswith("Patient,") and "\n@" in blood
    libramont = load_workbook(DEMO_DIR / "consultations_libramont.xlsx").active
    doctors = [row[4] for row in libramont.iter_rows(values_only=True) if hasattr(row[3], "date")
               and row[3].date() == DEMO_DAY]
    assert doctors.count("Dr Lambert") >= 3 and len(set(doctors)) > 1


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_any_seed_gives_every_cell_on_monday_and_distinct_appointments(seed):
    week = make_week(random.Random(seed))
    monday = Counter((a.site, a.activity) for a in week.appts if a.start.date() == DEMO_DAY)
    assert all(monday[(site, activity)] > 0 for site in HOSPITALS for activity in ACTIVITIES)
    names = Counter((a.site, a.activity, a.start.date(), key(f"{a.last} {a.first}")) for a in week.appts)
    assert max(names.values()) == 1
    assert all(a.landline is None or a.mobile is None for a in week.appts if a.activity not in TWO_PHONE_COLUMNS)


def test_copy_into_reuses_an_identical_copy_and_never_overwrites_another_file(tmp_path):
    source = tmp_path / "export.csv"
    source.write_bytes(b"a;b\n")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    assert copy_into(inbox, source) == inbox / "export.csv"
    assert copy_into(inbox, source) == inbox / "export.csv"
    (inbox / "export.csv").write_bytes(b"edited\n")
    assert copy_into(inbox, source) == inbox / "export (2).csv"
    assert (inbox / "export.csv").read_bytes() == b"edited\n"
    assert sorted(p.name for p in inbox.iterdir()) == ["export (2).csv", "export.csv"]


def _by_file(report) -> dict[str, dict[str, int]]:
    totals: dict[str, Counter] = {}
    for entry in report.files:
        assert entry.status == "imported", (entry.path, entry.error)
        totals.setdefault(Path(entry.path).name, Counter()).update({k: getattr(entry, k) for k in COUNTS})
    return {name: {k: counts[k] for k in COUNTS} for name, counts in totals.items()}


def test_fill_demo_home_imports_what_the_manifest_says(workspace, manifest):
    report = fill_demo_home(workspace)
    assert _by_file(report) == {name: {k: e[k] for k in COUNTS} for name, e in manifest["files"].items()}
    with workspace.session() as session:
        rows = session.exec(select(Appointment.site, Appointment.activity, func.count()).where(
            Appointment.day == DEMO_DAY).group_by(Appointment.site, Appointment.activity)).all()
        total = session.exec(select(func.count()).select_from(Appointment)).one()
        by_kind = select(Appointment.phone_kind, func.count()).group_by(Appointment.phone_kind)
        kinds = Counter(dict(session.exec(by_kind).all()))
        rejects = session.exec(select(RejectedRow.file_name, RejectedRow.reason)).all()
        first_day = session.exec(select(func.min(Appointment.day))).one()
        lambert = session.exec(select(func.count()).where(Appointment.site == "LIB", Appointment.day == DEMO_DAY,
                                                          Appointment.doctor == "Dr Lambert")).one()
        formula_like = session.exec(select(Appointment.last_name).where(Appointment.last_name.startswith("="))).all()
    on_day = {(site, activity): n for site, activity, n in rows}
    expected = {(s, a): n for s, cells in manifest["appointments_on_demo_day"].items() for a, n in cells.items()}
    assert on_day == expected
    assert all(on_day.get((site, activity), 0) > 0 for site in HOSPITALS for activity in ACTIVITIES)
    assert total == manifest["totals"]["imported"]
    assert {"mobile": kinds["mobile"], "landline_only": kinds["landline"],
            "no_number": kinds["invalid"] + kinds["none"]} == manifest["phone_kinds"]
    assert sorted(name for name, _ in rejects) == ["consultations_virton.xlsx", "examens_semaine_50.xlsx"]
    assert "Mont-Godinne" in dict(rejects)["examens_semaine_50.xlsx"]
    assert first_day == DEMO_DAY  # the hidden sheet (the week before) was left alone
    assert lambert >= 3 and len(formula_like) == 1
    inbox = sorted(p.name for p in workspace.home.inbox.iterdir())
    assert inbox == manifest["import_order"]

    fill_demo_home(workspace)
    with workspace.session() as session:
        assert session.exec(select(func.count()).select_from(Appointment)).one() == total
    assert sorted(p.name for p in workspace.home.inbox.iterdir()) == inbox


def test_demo_command_prints_the_import_report(tmp_path, capsys, manifest):
    assert main(["--home", str(tmp_path / "a"), "demo", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["imported"] == sum(f["imported"] for f in payload["files"]) == manifest["totals"]["imported"]
    assert main(["--home", str(tmp_path / "b"), "--lang", "en", "demo"]) == 0
    out = capsys.readouterr().out
    surgery = manifest["files"]["chirurgie_semaine_50.csv"]
    assert (f"chirurgie_semaine_50.csv: {surgery['rows']} rows, {surgery['imported']} imported, 0 duplicates, "
            "0 rejected") in out
    assert f"Demo: {manifest['totals']['imported']} appointments imported" in out and "2026-12-07" in out
