"""A doctor keeping his consultations under a cancelled cell; a decision that flips after the lists went out."""

from __future__ import annotations

from datetime import date, time

from sqlmodel import select
from told_support import D1, calls_export, read_call_lists, read_csv, sms_export

from crisis_tui.core.board import board_counts
from crisis_tui.core.decisions import decide
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.models import CallOutcome, Meeting, Notification, Override
from tests.factories import appointment


def _consultations(workspace):
    with workspace.session() as s:
        ids = {"lambert": [], "others": []}
        for n, kind in enumerate(["mobile", "mobile", "landline", "none", "mobile"]):
            ids["lambert"].append(appointment(s, "LIB", at=time(9, n), phone_kind=kind, doctor="Dr Lambert Paul").id)
            ids["others"].append(appointment(s, "LIB", at=time(10, n), phone_kind=kind, doctor="Dr Dupont").id)
        meeting = open_meeting(s, date(2026, 12, 6))
        decide(s, meeting, ["LIB"], ["consultation"], D1, D1, "cancelled")
        return ids, meeting.id


def _sms_ids(result) -> set[int]:
    return {int(r["reference"][1:].split("-")[0]) for r in read_csv(result.files[0])}


def test_a_doctors_exception_moves_exactly_his_patients_to_his_own_list(workspace, tmp_path):
    ids, meeting = _consultations(workspace)
    with workspace.session() as s:
        s.add(Override(meeting_id=meeting, scope="doctor", site="LIB", activity="consultation", day_from=D1,
                       day_to=D1, value="Lambert", status="maintained"))
    sms = sms_export(workspace, tmp_path)
    assert _sms_ids(sms) == {ids["others"][n] for n in (0, 1, 4)}
    sheets = read_call_lists(calls_export(workspace, tmp_path).files[0])
    doctors = sheets["Médecins"]
    assert sorted(int(r["reference"][1:].split("-")[0]) for r in doctors) == sorted(ids["lambert"])
    assert {r["doctor"] for r in doctors} == {"Dr Lambert Paul"}
    assert {r["status"] for r in doctors} == {"Maintenu"}
    assert all(r["tell"].startswith("Rendez-vous maintenu. Présentez-vous comme prévu.") for r in doctors)
    assert [r["reference"][0] for r in sheets["Libramont"]] == ["C"]  # Dr Dupont's landline patient
    assert len(sheets["Injoignables"]) == 1
    assert sms.counts == {"sms": 3, "calls": 1, "doctor_calls": 5, "unreachable": 1, "pending": 0}


def test_a_change_sent_by_sms_is_not_sent_again_when_other_patients_are_told_later(workspace, tmp_path):
    """Found by an audit: whether the "maintained after all" SMS had gone out was judged against the latest
    cancellation of any patient, not of this one: once other patients were told anything, it went out again."""
    ids, meeting = _consultations(workspace)
    with workspace.session() as s:
        later = [appointment(s, "BAS", at=time(11, n), phone_kind="mobile").id for n in range(2)]
    sms_export(workspace, tmp_path)
    with workspace.session() as s:
        decide(s, s.get(Meeting, meeting), ["LIB"], ["consultation"], D1, D1, "maintained")
    assert len(read_csv(sms_export(workspace, tmp_path).files[0])) == 6  # the change, once
    with workspace.session() as s:
        decide(s, s.get(Meeting, meeting), ["BAS"], ["consultation"], D1, D1, "cancelled")
    for _ in range(2):  # told, then the list printed again
        assert _sms_ids(sms_export(workspace, tmp_path)) == set(later)
    with workspace.session() as s:
        counts = {(c.site, c.activity): c for c in board_counts(s, workspace.reference, D1, D1)}
    assert counts[("LIB", "consultation")].sms == 0 and counts[("BAS", "consultation")].sms == 2


def test_cancelled_then_maintained_after_all_is_told_again_as_a_change(workspace, tmp_path):
    ids, meeting = _consultations(workspace)
    first = sms_export(workspace, tmp_path)
    calls_export(workspace, tmp_path)
    assert len(read_csv(first.files[0])) == 6
    with workspace.session() as s:
        decide(s, s.get(Meeting, meeting), ["LIB"], ["consultation"], D1, D1, "maintained")
    second = read_csv(sms_export(workspace, tmp_path).files[0])
    assert len(second) == 6 and {(r["change"], r["status"]) for r in second} == {("1", "maintained")}
    assert all("finalement maintenu" in r["message"] and r["reference"].endswith("-2") for r in second)
    sheets = read_call_lists(calls_export(workspace, tmp_path).files[0])
    assert {r["status"] for rows in sheets.values() for r in rows} == {"CHANGEMENT : finalement maintenu"}
    assert sum(len(rows) for rows in sheets.values()) == 4  # 2 landline + 2 without number
    third = sms_export(workspace, tmp_path)
    assert read_csv(third.files[0]) == [] and third.counts["sms"] == 0  # told once, then nobody again


def test_maintained_by_the_case_by_case_then_cancelled_is_a_change(workspace, tmp_path):
    with workspace.session() as s:
        kept = appointment(s, "ARL", "surgery", phone_kind="landline", last_name="Peeters")
        appointment(s, "ARL", "surgery", phone_kind="mobile", last_name="Dupont")
        meeting = open_meeting(s, date(2026, 12, 6))
        decide(s, meeting, ["ARL"], ["surgery"], D1, D1, "case_by_case")
        s.add(Override(meeting_id=meeting.id, scope="patient", site="ARL", activity="surgery", day_from=D1,
                       day_to=D1, value="Peeters", appointment_id=kept.id, status="maintained"))
    rows = read_call_lists(calls_export(workspace, tmp_path).files[0])["Arlon"]
    assert sorted(r["status"] for r in rows) == ["EN ATTENTE : décision à venir", "Maintenu"]
    with workspace.session() as s:
        s.add(Override(meeting_id=meeting.id, scope="patient", site="ARL", activity="surgery", day_from=D1,
                       day_to=D1, value="Peeters", appointment_id=kept.id, status="cancelled"))
    result = calls_export(workspace, tmp_path)
    statuses = {r["patient"].split()[0]: r["status"] for r in read_call_lists(result.files[0])["Arlon"]}
    assert statuses["Peeters"] == "CHANGEMENT : finalement annulé"
    assert statuses["Dupont"].startswith("EN ATTENTE")
    with workspace.session() as s:
        told = s.exec(select(Notification).where(Notification.appointment_id == kept.id)
                      .order_by(Notification.id)).all()
    assert [(n.told_status, n.channel, n.file) for n in told] == [
        ("maintained", "call", told[0].file), ("cancelled", "call", str(result.files[0]))]
    assert told[1].meeting_id == meeting.id and "finalement annulé" in told[1].message


def test_told_pending_then_maintained_is_told_the_change_on_every_list(workspace, tmp_path):
    with workspace.session() as s:
        for name, kind in (("Lou", "mobile"), ("Carl", "none")):
            appointment(s, "ARL", "surgery", phone_kind=kind, last_name="Orban", first_name=name)
        meeting = open_meeting(s, date(2026, 12, 6))
        decide(s, meeting, ["ARL"], ["surgery"], D1, D1, "case_by_case", uncontacted="cancelled_unless_contacted")
    first = read_call_lists(calls_export(workspace, tmp_path).files[0])
    assert [r["status"] for r in first["Arlon"] + first["Injoignables"]] == ["EN ATTENTE : décision à venir"] * 2
    with workspace.session() as s:  # told to stay home unless called: the surgery going ahead must reach them
        decide(s, s.get(Meeting, meeting.id), ["ARL"], ["surgery"], D1, D1, "maintained")
    result = calls_export(workspace, tmp_path)
    second = read_call_lists(result.files[0])
    assert [r["status"] for r in second["Arlon"] + second["Injoignables"]] == ["CHANGEMENT : finalement maintenu"] * 2
    assert result.counts == {"sms": 0, "calls": 1, "doctor_calls": 0, "unreachable": 1, "pending": 0}


def test_a_change_to_maintained_is_called_again_until_a_call_reaches_the_patient(workspace, tmp_path):
    """Found by an audit: told to stay home, then "maintained after all" once on a call list, the patient dropped
    off every later list, reached or not: he would stay home. He is listed until a call reaches him (on any list
    since, a reprint too); the SMS he got, and the patients without any number, keep their own rule."""
    ids, meeting = _consultations(workspace)
    sms_export(workspace, tmp_path)
    calls_export(workspace, tmp_path)
    with workspace.session() as s:
        decide(s, s.get(Meeting, meeting), ["LIB"], ["consultation"], D1, D1, "maintained")
    sms_export(workspace, tmp_path)
    calls_export(workspace, tmp_path)
    again = calls_export(workspace, tmp_path)
    sheets = read_call_lists(again.files[0])
    assert again.counts == {"sms": 0, "calls": 2, "doctor_calls": 0, "unreachable": 2, "pending": 0}
    assert {r["status"] for rows in sheets.values() for r in rows} == {"CHANGEMENT : finalement maintenu"}
    landline = ids["lambert"][2]
    with workspace.session() as s:
        last = s.exec(select(Notification).where(Notification.appointment_id == landline)
                      .order_by(Notification.id.desc())).first()
        s.add(CallOutcome(notification_id=last.id, outcome="no_answer"))
    assert calls_export(workspace, tmp_path).counts["calls"] == 2
    with workspace.session() as s:  # the list reprinted before it came back filled: reached on the one before
        reprinted = s.exec(select(Notification).where(Notification.appointment_id == landline)
                           .order_by(Notification.id.desc())).all()[1]
        s.add(CallOutcome(notification_id=reprinted.id, outcome="reached"))
    after = calls_export(workspace, tmp_path)
    assert after.counts["calls"] == 1
    assert landline not in {int(r["reference"][1:].split("-")[0]) for r in read_call_lists(after.files[0])["Libramont"]}
    with workspace.session() as s:
        (cell,) = [c for c in board_counts(s, workspace.reference, D1, D1)
                   if (c.site, c.activity) == ("LIB", "consultation")]
    assert (cell.calls, cell.unreachable, cell.sms) == (1, 2, 0)
