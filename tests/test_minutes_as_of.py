"""The minutes of a meeting are those of that meeting: a later meeting (an emergency one opened while the daily one
is still unsigned) adds no decision, exception or patient decision to them, and what it lifts still counts for the
earlier one. The board, `status --json` and the other exports keep every meeting's."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from sqlmodel import select

from crisis_tui.core.board import board_counts
from crisis_tui.core.decisions import decide
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.minutes import canonical, live_content, minutes_content
from crisis_tui.core.models import Appointment, Meeting
from crisis_tui.core.overrides import add_override, decide_patients, list_overrides, remove_override
from crisis_tui.core.signing import sign_meeting, verify
from minutes_support import D1, D2, MEETING_DAY, run
from tests.factories import appointment


def content_of(workspace, meeting_id: int, day_from=D1, day_to=D2) -> dict:
    with workspace.session() as s:
        return minutes_content(s, workspace.reference, s.get(Meeting, meeting_id), day_from, day_to)


def cell(content: dict, site: str, activity: str) -> dict:
    return next(c for c in content["impact"] if (c["site"], c["activity"]) == (site, activity))


def board_cell(workspace, site: str, activity: str, day_from=D1, day_to=D2):
    with workspace.session() as s:
        return next(c for c in board_counts(s, workspace.reference, day_from, day_to)
                    if (c.site, c.activity) == (site, activity))


def signed(workspace, meeting_id: int) -> None:
    with workspace.session() as s:
        sign_meeting(s, workspace.reference, meeting_id, "Dr Director")


def radiology(workspace) -> None:
    """ARL radiology: a mobile and a patient with no number on each of the 7th and the 8th."""
    with workspace.session() as s:
        for day in (D1, D2):
            appointment(s, "ARL", "radiology", day, phone_kind="mobile")
            appointment(s, "ARL", "radiology", day, phone_kind="none")


def test_minutes_signed_after_a_later_meeting_decided_state_only_their_own_decisions(workspace):
    """The audit's case: meeting 1 cancels the 7th-8th, emergency meeting 2 maintains the 8th, then 1 is signed."""
    radiology(workspace)
    with workspace.session() as s:
        first = open_meeting(s, MEETING_DAY, chair="Dr Martin")
        decide(s, first, ["ARL"], ["radiology"], D1, D2, "cancelled", reason="RIS en panne")
        second = open_meeting(s, MEETING_DAY, emergency=True)
        decide(s, second, ["ARL"], ["radiology"], D2, D2, "maintained", reason="RIS rétabli")
        first_id, second_id = first.id, second.id
    signed(workspace, first_id)
    mine = cell(content_of(workspace, first_id), "ARL", "radiology")
    assert mine["status"] == "cancelled"
    assert mine["statuses"] == {"2026-12-07": "cancelled", "2026-12-08": "cancelled"}
    assert (mine["appointments"], mine["sms"], mine["unreachable"]) == (4, 2, 2)  # both days, not the 7th only
    assert mine["reasons"] == ["RIS en panne"] and mine["rules"] == ["cancelled_unless_contacted"]
    later = cell(content_of(workspace, second_id), "ARL", "radiology")
    assert later["statuses"] == {"2026-12-07": "cancelled", "2026-12-08": "maintained"}
    assert (later["sms"], later["unreachable"]) == (1, 1) and later["reasons"] == ["RIS en panne", "RIS rétabli"]
    board = board_cell(workspace, "ARL", "radiology")  # the board: every meeting's decisions
    assert (board.status, board.sms, board.unreachable) == ("mixed", 1, 1)


def test_the_cli_minutes_of_meeting_1_show_its_cancellation_on_both_days(capsys, home, workspace):
    radiology(workspace)
    for args in (["meeting", "open", "--chair", "Dr Martin"],
                 ["decide", "--date", "2026-12-07", "--to", "2026-12-08", "--site", "ARL", "--activity",
                  "radiology", "--status", "cancelled", "--note", "RIS en panne"],
                 ["meeting", "open", "--emergency"],
                 ["decide", "--date", "2026-12-08", "--site", "ARL", "--activity", "radiology", "--status",
                  "maintained", "--note", "RIS rétabli"],
                 ["sign", "--by", "Dr Directeur", "--meeting", "1"]):
        code, _, err = run(capsys, home, *args)
        assert code == 0, err
    files = []
    for _ in range(2):
        code, out, err = run(capsys, home, "export", "minutes", "--date", "2026-12-07", "--to", "2026-12-08",
                             "--meeting", "1", "--out", str(home.root / f"out{len(files)}"), "--json")
        assert code == 0, err
        data = json.loads(out)
        assert (data["sms"], data["unreachable"]) == (2, 2)
        files.append(Path(data["files"][0]))
    rows = [[c for c in row if c is not None] for row in load_workbook(files[0]).active.iter_rows(values_only=True)]
    impact = [r for r in rows if r[:2] == ["Arlon", "Radiologie"] and "RIS en panne" in r]
    assert impact == [["Arlon", "Radiologie", "Annulé", "RIS en panne", "Annulé sauf contact contraire",
                       4, 2, 0, 0, 2, 0]]
    assert not any("RIS rétabli" in str(c) for r in rows for c in r)
    again = [list(r) for r in load_workbook(files[1]).active.iter_rows(values_only=True)]
    assert again == [list(r) for r in load_workbook(files[0]).active.iter_rows(values_only=True)]
    code, out, _ = run(capsys, home, "verify", "--json")
    assert code == 0 and json.loads(out)["ok"]


def consultations(workspace) -> int:
    """BAS consultations on the 7th: Dr Lambert's and Dr Roux's patients, mobiles; LIB surgery on the 8th, two
    patients. Meeting 1 cancels the consultations and puts surgery case by case. Its id."""
    with workspace.session() as s:
        appointment(s, "BAS", "consultation", D1, phone_kind="mobile", doctor="Dr Lambert")
        appointment(s, "BAS", "consultation", D1, phone_kind="mobile", doctor="Dr Roux")
        appointment(s, "LIB", "surgery", D2, phone_kind="mobile", last_name="Alpha")
        appointment(s, "LIB", "surgery", D2, phone_kind="mobile", last_name="Beta")
        first = open_meeting(s, MEETING_DAY, chair="Dr Chair")
        decide(s, first, ["BAS"], ["consultation"], D1, D1, "cancelled", reason="DPI down")
        decide(s, first, ["LIB"], ["surgery"], D2, D2, "case_by_case", reason="with the medical director")
        return first.id


def surgeries(workspace) -> list[int]:
    with workspace.session() as s:
        return list(s.exec(select(Appointment.id).where(Appointment.activity == "surgery").order_by(Appointment.id)))


def test_an_exception_or_patient_decision_of_a_later_meeting_is_not_in_the_earlier_minutes(workspace):
    first_id = consultations(workspace)
    alpha, _ = surgeries(workspace)
    with workspace.session() as s:
        second = open_meeting(s, MEETING_DAY, emergency=True)
        add_override(s, second, scope="doctor", value="Dr Lambert", activity="consultation", site="BAS",
                     day_from=D1, day_to=D1, status="maintained", note="keeps his own")
        decide_patients(s, second, [alpha], "maintained")
        second_id = second.id
    signed(workspace, first_id)
    mine = content_of(workspace, first_id)
    assert mine["exceptions"] == [] and mine["patient_decisions"] == []
    assert (cell(mine, "BAS", "consultation")["sms"], cell(mine, "BAS", "consultation")["doctor_calls"]) == (2, 0)
    assert (cell(mine, "LIB", "surgery")["pending"], cell(mine, "LIB", "surgery")["calls"]) == (2, 2)
    later = content_of(workspace, second_id)
    assert [(e["value"], e["meeting"]) for e in later["exceptions"]] == [("Dr Lambert", second_id)]
    assert later["patient_decisions"] == [{"site": "LIB", "activity": "surgery", "status": "maintained", "count": 1}]
    assert (cell(later, "BAS", "consultation")["sms"], cell(later, "BAS", "consultation")["doctor_calls"]) == (1, 1)
    assert cell(later, "LIB", "surgery")["pending"] == 1
    board = board_cell(workspace, "BAS", "consultation", D1, D1)
    assert (board.sms, board.doctor_calls) == (1, 1)
    with workspace.session() as s:
        assert verify(s).ok


def test_an_exception_lifted_by_a_later_meeting_still_counts_in_the_earlier_minutes(workspace):
    """Meeting 1 grants Dr Lambert his consultations and keeps Alpha's surgery; emergency meeting 2, opened before
    meeting 1 is signed, lifts the exception and replaces Alpha's decision. Meeting 1's minutes, draft and signed,
    still state what meeting 1 decided; meeting 2's do not."""
    first_id = consultations(workspace)
    alpha, beta = surgeries(workspace)
    with workspace.session() as s:
        first = s.get(Meeting, first_id)
        lambert = add_override(s, first, scope="doctor", value="Dr Lambert", activity="consultation", site="BAS",
                               day_from=D1, day_to=D1, status="maintained", note="keeps his own").id
        decide_patients(s, first, [alpha], "maintained")
        second = open_meeting(s, MEETING_DAY, emergency=True)
        second_id = second.id
    draft = content_of(workspace, first_id)
    with workspace.session() as s:
        second = s.get(Meeting, second_id)
        remove_override(s, second, lambert, reason="Dr Lambert is ill")
        decide_patients(s, second, [alpha], "cancelled")
        decide_patients(s, second, [beta], "maintained")
    assert content_of(workspace, first_id) == draft
    signed(workspace, first_id)
    mine = content_of(workspace, first_id)
    assert mine["signature"] is not None and mine.pop("record")
    assert {**mine, "signature": None} == draft
    assert [(e["value"], e["meeting"]) for e in mine["exceptions"]] == [("Dr Lambert", first_id)]
    assert (cell(mine, "BAS", "consultation")["sms"], cell(mine, "BAS", "consultation")["doctor_calls"]) == (1, 1)
    assert mine["patient_decisions"] == [{"site": "LIB", "activity": "surgery", "status": "maintained", "count": 1}]
    assert cell(mine, "LIB", "surgery")["pending"] == 1
    later = content_of(workspace, second_id)
    assert later["exceptions"] == []
    assert (cell(later, "BAS", "consultation")["sms"], cell(later, "BAS", "consultation")["doctor_calls"]) == (2, 0)
    assert later["patient_decisions"] == [{"site": "LIB", "activity": "surgery", "status": "cancelled", "count": 1},
                                          {"site": "LIB", "activity": "surgery", "status": "maintained", "count": 1}]
    assert cell(later, "LIB", "surgery")["pending"] == 0
    with workspace.session() as s:
        assert verify(s).ok
        assert list_overrides(s, D1, D2) == list_overrides(s, D1, D2, as_of=second_id)  # no cut: every meeting's
        stored = s.get(Meeting, first_id).minutes_json
    assert json.loads(stored) == content_of(workspace, first_id)


def test_an_exception_lifted_within_the_meeting_or_before_it_does_not_count(workspace):
    first_id = consultations(workspace)
    with workspace.session() as s:
        first = s.get(Meeting, first_id)
        granted = add_override(s, first, scope="doctor", value="Dr Lambert", activity="consultation", site="BAS",
                               day_from=D1, day_to=D1, status="maintained").id
        kept = add_override(s, first, scope="doctor", value="Dr Roux", activity="consultation", site="BAS",
                            day_from=D1, day_to=D1, status="maintained").id
        remove_override(s, first, granted, reason="changed our mind")
    signed(workspace, first_id)
    with workspace.session() as s:
        second = open_meeting(s, MEETING_DAY)  # meeting 1 is signed: an emergency meeting
        remove_override(s, second, kept, reason="Dr Roux is ill")
        third = open_meeting(s, MEETING_DAY, emergency=True)
        decide(s, third, ["ARL"], ["radiology"], D1, D1, "stopped")
        second_id, third_id = second.id, third.id
    assert [e["value"] for e in content_of(workspace, first_id)["exceptions"]] == ["Dr Roux"]
    assert content_of(workspace, second_id)["exceptions"] == []
    third = content_of(workspace, third_id)
    assert third["exceptions"] == [] and cell(third, "BAS", "consultation")["sms"] == 2


def test_a_meeting_s_draft_does_not_move_when_a_later_meeting_decides(workspace):
    """Everything a later meeting changes (cells, exceptions, lifts, patient decisions) leaves the earlier
    meeting's live minutes as they were: what its signature will seal is what it decided."""
    first_id = consultations(workspace)
    radiology(workspace)
    alpha, beta = surgeries(workspace)
    with workspace.session() as s:
        first = s.get(Meeting, first_id)
        lambert = add_override(s, first, scope="doctor", value="Lambert", activity="consultation", site=None,
                               day_from=D1, day_to=D2, status="maintained").id
        decide_patients(s, first, [alpha], "cancelled", note="too risky")
        before = canonical(live_content(s, workspace.reference, first, D1, D2))
        second = open_meeting(s, MEETING_DAY, emergency=True)
        decide(s, second, ["BAS", "ARL"], ["consultation", "radiology"], D1, D2, "stopped", reason="worse")
        remove_override(s, second, lambert)
        add_override(s, second, scope="service", value="Cardiologie", activity="consultation", site="BAS",
                     day_from=D1, day_to=D1, status="cancelled")
        decide_patients(s, second, [alpha, beta], "maintained")
        after = canonical(live_content(s, workspace.reference, s.get(Meeting, first_id), D1, D2))
    assert after == before
