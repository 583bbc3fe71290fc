"""The minutes' content: meeting facts, grid, changes, exceptions counted without names, outcomes, impact equal to
`status --json`; a signed meeting keeps the figures it was signed with."""

from __future__ import annotations

import json
from datetime import time, timedelta

from openpyxl import load_workbook
from sqlmodel import select
from told_support import calls_export

from crisis_tui.config import BUNDLED_DATA
from crisis_tui.core.decisions import decide
from crisis_tui.core.it_restart import it_snapshot, load_systems, set_status
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.minutes import canonical, live_content, minutes_content
from crisis_tui.core.models import Appointment, Meeting
from crisis_tui.core.outcomes import outcome_counts, read_back
from crisis_tui.core.signing import sign_meeting
from minutes_support import D1, D2, MEETING_DAY, PATIENT, run, seed
from tests.factories import appointment

COUNTS = ("appointments", "sms", "calls", "doctor_calls", "unreachable", "pending")


def content_of(workspace, meeting_id, day_from=D1, day_to=D2) -> dict:
    with workspace.session() as s:
        return minutes_content(s, workspace.reference, s.get(Meeting, meeting_id), day_from, day_to)


def test_meeting_facts_grid_decisions_and_changes(workspace):
    meeting_id = seed(workspace)
    content = content_of(workspace, meeting_id)
    meeting = content["meeting"]
    assert (meeting["id"], meeting["kind"], meeting["day"], meeting["chair"]) == (meeting_id, "daily", "2026-12-06",
                                                                                  "Dr Chair")
    assert meeting["attendees"] == [{"name": "Anne Secr", "role": "secrétaire"}, {"name": "Paul IT", "role": "IT"}]
    assert len(meeting["start"]) == 5 and meeting["previous"] is None
    assert content["days"] == {"from": "2026-12-07", "to": "2026-12-08"}
    sites, activities = workspace.reference.sites, workspace.reference.activities
    assert list(content["grid"]) == ["2026-12-07", "2026-12-08"]
    assert all(len(day) == len(sites) and all(len(row) == len(activities) for row in day.values())
               for day in content["grid"].values())
    assert content["grid"]["2026-12-07"]["BAS"]["consultation"] == "cancelled"
    assert content["grid"]["2026-12-08"]["BAS"]["consultation"] == "maintained"
    assert content["grid"]["2026-12-08"]["LIB"]["surgery"] == "case_by_case"
    assert [(d["site"], d["activity"], d["day"], d["own"]) for d in content["decisions"]] == [
        ("BAS", "consultation", "2026-12-07", True), ("LIB", "surgery", "2026-12-07", True),
        ("LIB", "surgery", "2026-12-08", True)]
    assert [(c["site"], c["day"], c["before"], c["after"]) for c in content["changes"]] == [
        ("BAS", "2026-12-07", "maintained", "cancelled"), ("LIB", "2026-12-07", "maintained", "case_by_case"),
        ("LIB", "2026-12-08", "maintained", "case_by_case")]
    surgery = next(c for c in content["impact"] if (c["site"], c["activity"]) == ("LIB", "surgery"))
    assert surgery["reasons"] == ["with the medical director"] and surgery["rules"] == ["attend_unless_contacted"]
    assert (content["notes"], content["actions"]) == ("IT expects the DPI back on Wednesday", "=call the press")
    assert content["signature"] is None and content["it"] == []


def test_the_next_meeting_shows_only_its_changes_and_carried_decisions(workspace):
    first = seed(workspace)
    with workspace.session() as s:
        sign_meeting(s, workspace.reference, first, "Dr Director")
        second = open_meeting(s, MEETING_DAY + timedelta(days=1))
        decide(s, second, ["BAS"], ["consultation"], D1, D1, "maintained", reason="DPI back")
        second_id = second.id
    content = content_of(workspace, second_id)
    assert content["meeting"]["previous"] == first and content["meeting"]["kind"] == "daily"
    assert [(c["site"], c["before"], c["after"]) for c in content["changes"]] == [("BAS", "cancelled", "maintained")]
    assert {(d["site"], d["own"]) for d in content["decisions"]} == {("BAS", True), ("LIB", False)}


def test_no_patient_name_anywhere_in_the_minutes(workspace):
    meeting_id = seed(workspace)
    with workspace.session() as s:
        names = {a.last_name for a in s.exec(select(Appointment))}
    text = canonical(content_of(workspace, meeting_id))
    assert PATIENT in names and not [n for n in names if n in text]
    assert content_of(workspace, meeting_id)["patient_decisions"] == [
        {"site": "LIB", "activity": "surgery", "status": "maintained", "count": 1}]
    exceptions = content_of(workspace, meeting_id)["exceptions"]
    assert [(e["scope"], e["value"], e["status"], e["note"]) for e in exceptions] == [
        ("doctor", "Dr Lambert", "maintained", "keeps his own")]


def test_impact_equals_status_json_and_outcomes_follow_the_call_lists(capsys, home, workspace, tmp_path):
    meeting_id = seed(workspace)
    with workspace.session() as s:
        for n in range(5):
            appointment(s, "MAR", "radiology", D2, time(8 + n), phone_kind=("mobile", "landline", "none")[n % 3])
        decide(s, s.get(Meeting, meeting_id), ["MAR"], ["radiology"], D2, D2, "stopped")
    written = calls_export(workspace, tmp_path, D1, D2).files[0]
    workbook = load_workbook(written)
    sheet = workbook[next(name for name in workbook.sheetnames if name.startswith("Libramont"))]
    sheet["L2"] = "Joint"
    workbook.save(tmp_path / "filled.xlsx")
    with workspace.session() as s:
        assert read_back(s, [tmp_path / "filled.xlsx"]).recorded == 1
    code, out, _ = run(capsys, home, "status", "--date", "2026-12-07", "--to", "2026-12-08", "--json")
    status = {(c["site"], c["activity"]): c for c in json.loads(out)["cells"]}
    code, out, _ = run(capsys, home, "minutes", "--date", "2026-12-07", "--to", "2026-12-08", "--json")
    content = json.loads(out)
    assert code == 0 and len(content["impact"]) == len(status)
    for cell in content["impact"]:
        assert {k: cell[k] for k in COUNTS} == {k: status[(cell["site"], cell["activity"])][k] for k in COUNTS}
        assert cell["status"] == status[(cell["site"], cell["activity"])]["status"]
    assert content["totals"] == {k: sum(c[k] for c in status.values()) for k in COUNTS}
    assert content["totals"]["pending"] > 0 and content["totals"]["doctor_calls"] == 1
    with workspace.session() as s:
        expected = outcome_counts(s, D1, D2)
    assert {(c["site"], c["activity"]): {k: c[k] for k in ("told", "reached", "not_reached")}
            for c in content["outcomes"]["cells"]} == expected
    assert content["outcomes"]["reached"] == 1 and content["outcomes"]["not_reached"] >= 1


def test_a_signed_meeting_keeps_the_figures_it_was_signed_with(workspace):
    meeting_id = seed(workspace)
    with workspace.session() as s:
        sign_meeting(s, workspace.reference, meeting_id, "Dr Director", "DM")
    before = content_of(workspace, meeting_id)
    with workspace.session() as s:  # a later import adds appointments to a decided cell
        for _ in range(3):
            appointment(s, "BAS", "consultation", D1, phone_kind="mobile", doctor="Dr Roux")
    after = content_of(workspace, meeting_id, D1, D1)  # whatever days are asked
    assert after == before and after["totals"]["sms"] == 1
    assert after["signature"]["by"] == "Dr Director" and after["signature"]["role"] == "DM"
    with workspace.session() as s:
        live = live_content(s, workspace.reference, s.get(Meeting, meeting_id), D1, D2)
    assert live["totals"]["sms"] == 4


def test_the_it_situation_comes_from_the_restart_board(workspace):
    meeting_id = seed(workspace)
    with workspace.session() as s:
        load_systems(s, BUNDLED_DATA / "it_systems.csv", reference=workspace.reference)
        set_status(s, "RIS (radiologie)", "restoring")
        expected = it_snapshot(s)
    it = content_of(workspace, meeting_id)["it"]
    assert [(i["name"], i["status"], i["next"]) for i in it] == [(i["name"], i["status"], i["next"]) for i in expected]
    assert next(i for i in it if i["name"] == "RIS (radiologie)")["status"] == "restoring"
    assert all(i["eta"] is None or len(i["eta"]) == 10 for i in it)
