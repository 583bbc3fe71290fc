"""`crisis-tui override`: exceptions by doctor or service, one patient's decision, lifting them; exit 2 cases;
a doctor's exception takes exactly his appointments out of the SMS batch and onto his own call list."""

from __future__ import annotations

import json
from datetime import date, time

import pytest
from sqlmodel import select

from crisis_tui.cli import main
from crisis_tui.core.decisions import decide
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.models import AuditEntry, Meeting, Override
from tests.factories import appointment
from tests.told_support import calls_export, read_call_lists, read_csv, sms_export

D1 = date(2026, 12, 7)
DAY = ["--date", "2026-12-07"]


def run(capsys, home, *args):
    try:
        code = main(["--home", str(home.root), *args])
    except SystemExit as exc:  # argparse's own refusals
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def active(workspace):
    with workspace.session() as s:
        return s.exec(select(Override).where(Override.removed_at.is_(None)).order_by(Override.id)).all()


def test_doctor_exception_everywhere_then_lifted(capsys, home, workspace):
    with workspace.session() as s:
        for site in ("LIB", "ARL"):
            appointment(s, site, "consultation", D1, doctor="Dr Lambert")
        appointment(s, "LIB", "consultation", D1, doctor="Dr Lamy")
        open_meeting(s, D1, chair="Dr Chair")
    code, out, _ = run(capsys, home, "override", *DAY, "--site", "all", "--activity", "consult", "--doctor",
                       "Dr Lambert", "--status", "maintained", "--note", "keeps his own", "--json")
    data = json.loads(out)
    assert code == 0 and data["appointments"] == 2 and data["site"] is None and data["activity"] == "consultation"
    assert data["matched"] == [{"name": "Dr Lambert", "appointments": 2}]
    o, = active(workspace)
    assert (o.site, o.value, o.status, o.note, o.decided_by) == (None, "Dr Lambert", "maintained", "keeps his own",
                                                                 "Dr Chair")
    code, out, _ = run(capsys, home, "--lang", "en", "override", *DAY, "--site", "all", "--activity", "consultation",
                       "--doctor", "lambert", "--remove")
    assert code == 0 and "1 exception(s) 'lambert' lifted" in out and active(workspace) == []
    with workspace.session() as s:
        assert [e.action for e in s.exec(select(AuditEntry).where(AuditEntry.action.like("override%")))] == [
            "override", "override_remove"]


def test_a_doctor_or_service_that_matches_none_of_the_cells_appointments_is_refused(capsys, home, workspace):
    with workspace.session() as s:
        appointment(s, "LIB", "consultation", D1, doctor="Dr Lambert", service="Cardiologie")
        appointment(s, "LIB", "consultation", D1, doctor="Dr Lamy", service="Cardiologie")
    base = ["override", *DAY, "--site", "LIB", "--activity", "consultation", "--status", "maintained"]
    code, _, err = run(capsys, home, *base, "--doctor", "Dr Lambret")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "--doctor 'Dr Lambret' : aucun des 2 RDV de consultation à LIB" in err and "proches : Dr Lambert" in err
    code, _, err = run(capsys, home, "--lang", "en", *base, "--service", "cardio")
    assert code == 2 and "--service 'cardio': none of the 2 appointments" in err
    assert active(workspace) == []
    with workspace.session() as s:
        assert s.exec(select(Meeting)).all() == []


def test_words_naming_several_doctors_are_refused_unless_every_match_is_asked(capsys, home, workspace):
    with workspace.session() as s:
        for doctor in ("Dr Jean Martin", "Dr Saint-Martin", "Dr Martin Paul", "Dr Lambert", "Lambert Paul"):
            appointment(s, "VIR", "consultation", D1, doctor=doctor)
    base = ["override", *DAY, "--site", "VIR", "--activity", "consultation", "--status", "maintained"]
    code, _, err = run(capsys, home, *base, "--doctor", "Martin")
    assert code == 2 and len(err.strip().splitlines()) == 1 and active(workspace) == []
    assert "--doctor 'Martin' désigne plusieurs noms :" in err and "Dr Saint-Martin (1)" in err and "--every-match" in err
    code, out, _ = run(capsys, home, *base, "--doctor", "Lambert", "--json")  # one doctor written two ways
    assert code == 0 and json.loads(out)["appointments"] == 2
    code, out, _ = run(capsys, home, *base, "--doctor", "Jean Martin", "--json")
    assert code == 0 and json.loads(out)["appointments"] == 1
    code, out, _ = run(capsys, home, *base, "--doctor", "Martin", "--every-match", "--json")
    assert code == 0 and json.loads(out)["appointments"] == 3


def test_service_exception_with_decider(capsys, home, workspace):
    code, out, _ = run(capsys, home, "--lang", "en", "override", *DAY, "--to", "2026-12-11", "--site", "Libramont",
                       "--activity", "consultation", "--service", "Oncologie", "--status", "maintained",
                       "--by", "Dr DM (medical director)")
    assert code == 0 and "0 appointment(s) covered" in out
    o, = active(workspace)
    assert (o.scope, o.site, o.day_to, o.decided_by) == ("service", "LIB", date(2026, 12, 11), "Dr DM (medical director)")


def test_patient_decision_needs_one_patient(capsys, home, workspace):
    with workspace.session() as s:
        for first in ("Jean", "Marie"):
            appointment(s, "LIB", "surgery", D1, time(8, 0), last_name="Dupont", first_name=first)
    base = ["override", *DAY, "--site", "LIB", "--activity", "surgery", "--status", "maintained"]
    code, _, err = run(capsys, home, *base, "--patient", "dupont")
    assert code == 2 and "2 patients" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, home, *base, "--patient", "Durand")
    assert code == 2 and "--patient 'Durand' : aucun patient de surgery à LIB" in err
    assert active(workspace) == []
    with workspace.session() as s:
        assert s.exec(select(Meeting)).all() == []  # a refused call opened no meeting either
    code, out, err = run(capsys, home, *base, "--patient", "Marie Dupont", "--json")
    assert code == 0 and json.loads(out)["appointments"] == 1 and err == ""  # surgery: decided patient by patient
    pin, = active(workspace)
    assert (pin.scope, pin.value, pin.appointment_id is not None) == ("patient", "Dupont Marie", True)
    code, out, _ = run(capsys, home, "override", *DAY, "--site", "LIB", "--activity", "surgery", "--patient",
                       "marie", "--remove", "--json")
    assert code == 0 and json.loads(out)["removed"] == [pin.id] and active(workspace) == []


@pytest.mark.parametrize("lang, said", [("fr", "« Consultations » ne se décide pas patient par patient"),
                                         ("en", "'Consultations' is not usually decided patient by patient")])
def test_a_patients_decision_where_the_reference_data_decides_per_cell_is_recorded_with_a_warning(
        capsys, home, workspace, lang, said):
    with workspace.session() as s:
        appointment(s, "LIB", "consultation", D1, time(9, 0), last_name="Martin", first_name="Luc")
    code, _, err = run(capsys, home, "--lang", lang, "override", *DAY, "--site", "LIB", "--activity", "consultation",
                       "--patient", "Martin Luc", "--status", "maintained")
    assert code == 0 and len(active(workspace)) == 1
    assert err.count("\n") == 1 and said in err


@pytest.mark.parametrize("args, word", [
    (["--site", "LIB", "--activity", "consultation", "--doctor", "Lambert"], "--status"),
    (["--site", "LIB", "--activity", "consultation", "--doctor", "Lambert", "--status", "case_by_case"], "--status"),
    (["--site", "LIB", "--activity", "all", "--doctor", "Lambert", "--status", "maintained"], "--activity"),
    (["--site", "Namur", "--activity", "consultation", "--doctor", "Lambert", "--status", "maintained"], "--site"),
    (["--site", "LIB", "--activity", "consultation", "--doctor", "Dr", "--status", "maintained"], "--doctor"),
    (["--site", "LIB", "--activity", "consultation", "--doctor", "X", "--service", "Y", "--status", "maintained"],
     "--service"),
    (["--site", "LIB", "--activity", "consultation", "--doctor", "Lambert", "--remove"], "--remove"),
])
def test_unusable_calls_exit_2_and_change_nothing(capsys, home, workspace, args, word):
    code, _, err = run(capsys, home, "override", *DAY, *args)
    assert code == 2 and word in err and len(err.strip().splitlines()) == 1
    assert active(workspace) == []


def test_doctor_exception_leaves_the_sms_batch_for_his_own_call_list(capsys, home, workspace, tmp_path):
    with workspace.session() as s:
        his = [appointment(s, "LIB", "consultation", D1, time(9, i), doctor="Dr Lambert", last_name=f"His{i}")
               for i in range(3)]
        others = [appointment(s, "LIB", "consultation", D1, time(10, i), doctor="Dr Lamy", last_name=f"Other{i}")
                  for i in range(4)]
        decide(s, open_meeting(s, D1), ["LIB"], ["consultation"], D1, D1, "cancelled")
    _, out, _ = run(capsys, home, "status", *DAY, "--json")
    before = next(c for c in json.loads(out)["cells"] if (c["site"], c["activity"]) == ("LIB", "consultation"))
    assert (before["sms"], before["doctor_calls"]) == (7, 0)
    code, _, _ = run(capsys, home, "override", *DAY, "--site", "LIB", "--activity", "consultation", "--doctor",
                     "Lambert", "--status", "maintained")
    assert code == 0
    _, out, _ = run(capsys, home, "status", *DAY, "--json")
    cell = next(c for c in json.loads(out)["cells"] if (c["site"], c["activity"]) == ("LIB", "consultation"))
    assert (cell["sms"], cell["doctor_calls"], cell["calls"]) == (4, 3, 0)
    sms = sms_export(workspace, tmp_path / "sms")
    rows = read_csv(next(f for f in sms.files if str(f).endswith(".csv")))
    assert len(rows) == len(others)
    calls = calls_export(workspace, tmp_path / "calls")
    sheets = read_call_lists(next(f for f in calls.files if str(f).endswith(".xlsx")))
    called = [row for rows in sheets.values() for row in rows if row["reference"] and str(row["reference"])[0] == "D"]
    assert sorted(str(r["patient"]).split()[0] for r in called) == sorted(a.last_name for a in his)
