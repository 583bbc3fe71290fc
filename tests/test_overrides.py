"""The override service: exceptions by doctor or service, patient decisions, the review page; audit and lock."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import fields
from datetime import date, datetime, time

import pytest
from sqlmodel import select

from crisis_tui.core.board import board_counts
from crisis_tui.core.decisions import decide
from crisis_tui.core.effective import active_overrides, effective_status
from crisis_tui.core.errors import LockedError, UsageError
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.models import Appointment, AuditEntry, Override, utcnow
from crisis_tui.core.notify import told_appointments
from crisis_tui.core.overrides import (ReviewRow, add_override, covered_count, decide_patients, lift_patients,
                                       list_overrides, matching_names, remove_matching, remove_override,
                                       resolve_patient, review_page)
from tests.factories import appointment

D1, D2, D3 = date(2026, 12, 7), date(2026, 12, 8), date(2026, 12, 9)


def audit_of(s, action):
    return s.exec(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def exception(s, meeting, value="Dr Lambert", scope="doctor", site="LIB", status="maintained", **more):
    return add_override(s, meeting, scope=scope, value=value, activity=more.pop("activity", "consultation"),
                        site=site, day_from=more.pop("day_from", D1), day_to=more.pop("day_to", D1), status=status,
                        **more)


def test_add_records_the_exception_with_its_decider_and_audit(workspace):
    with workspace.session() as s:
        m = open_meeting(s, D1, chair="Dr Chair")
        o = exception(s, m, note="keeps his own")
        assert (o.decided_by, o.match_key, o.value, o.meeting_id) == ("Dr Chair", "lambert", "Dr Lambert", m.id)
        by = exception(s, m, value="Oncologie", scope="service", site=None, decided_by="Dr DM (directeur médical)")
        assert by.decided_by == "Dr DM (directeur médical)" and by.site is None
        entries = audit_of(s, "override")
        assert [e.target for e in entries] == ["doctor:Dr Lambert@LIB/consultation/2026-12-07",
                                               "service:Oncologie@all/consultation/2026-12-07"]
        assert json.loads(entries[0].new)["status"] == "maintained" and entries[0].reason == "keeps his own"
        assert entries[1].actor == "Dr DM (directeur médical)"


def test_the_same_exception_again_replaces_the_old_one(workspace):
    with workspace.session() as s:
        m = open_meeting(s, D1)
        first = exception(s, m, value="Lambert")
        second = exception(s, m, value="dr LAMBERT", status="cancelled")
        other_days = exception(s, m, value="Lambert", day_to=D2)
        assert [o.id for o in list_overrides(s)] == [second.id, other_days.id]
        assert first.removed_at is not None
        removal, = audit_of(s, "override_remove")
        assert removal.group == audit_of(s, "override")[1].group


@pytest.mark.parametrize("options, word", [
    ({"status": "case_by_case"}, "--status"),
    ({"scope": "nurse"}, "scope"),
    ({"value": "  "}, "--doctor"),
    ({"value": "Dr"}, "--doctor"),
    ({"value": "Prof."}, "--doctor"),
    ({"day_from": D2, "day_to": D1}, "--to"),
])
def test_unusable_exceptions_are_refused(workspace, options, word):
    with workspace.session() as s:
        m = open_meeting(s, D1)
        with pytest.raises(UsageError, match=word):
            exception(s, m, **options)
        assert list_overrides(s) == []


def test_a_signed_meeting_refuses_every_change(workspace):
    with workspace.session() as s:
        row = appointment(s, "LIB", "surgery", D1)
        m = open_meeting(s, D1)
        o = exception(s, m)
        m.signed_at, m.signed_by = utcnow(), "Dr DM"
        for change in (lambda: exception(s, m), lambda: remove_override(s, m, o.id),
                       lambda: decide_patients(s, m, [row.id], "maintained"), lambda: lift_patients(s, m, [row.id]),
                       lambda: remove_matching(s, m, scope="doctor", value="Lambert", activity="consultation",
                                               site="LIB", day_from=D1, day_to=D1)):
            with pytest.raises(LockedError):
                change()
        assert len(list_overrides(s)) == 1 and len(audit_of(s, "override")) == 1


def test_remove_lifts_and_audits(workspace):
    with workspace.session() as s:
        m = open_meeting(s, D1, chair="Dr Chair")
        o = exception(s, m)
        remove_override(s, m, o.id, reason="back to normal")
        assert o.removed_at is not None and list_overrides(s) == []
        entry, = audit_of(s, "override_remove")
        assert (entry.actor, entry.reason, json.loads(entry.old)["id"]) == ("Dr Chair", "back to normal", o.id)
        with pytest.raises(UsageError, match=f"override {o.id}"):
            remove_override(s, m, o.id)


def test_remove_matching_wants_the_exceptions_days(workspace):
    with workspace.session() as s:
        m = open_meeting(s, D1)
        week = exception(s, m, value="Lambert", day_to=D3)
        other_site = exception(s, m, value="Lambert", site="ARL")
        with pytest.raises(UsageError, match="runs from 2026-12-07 to 2026-12-09"):
            remove_matching(s, m, scope="doctor", value="Dr Lambert", activity="consultation", site="LIB",
                            day_from=D1, day_to=D1)
        with pytest.raises(UsageError, match="no active doctor exception"):
            remove_matching(s, m, scope="doctor", value="Roux", activity="consultation", site="LIB",
                            day_from=D1, day_to=D3)
        removed = remove_matching(s, m, scope="doctor", value="Dr Lambert", activity="consultation", site="LIB",
                                  day_from=D1, day_to=D3)
        assert removed == [week] and list_overrides(s) == [other_site]


def test_list_overrides_filters(workspace):
    with workspace.session() as s:
        m = open_meeting(s, D1)
        a = exception(s, m, day_from=D1, day_to=D1)
        b = exception(s, m, value="Oncologie", scope="service", day_from=D3, day_to=D3, activity="surgery")
        assert list_overrides(s, D2, D3) == [b]
        assert list_overrides(s, scopes=["doctor"]) == [a]
        assert list_overrides(s, activity="surgery") == [b]


def test_patient_decisions_one_per_appointment_in_one_group(workspace):
    with workspace.session() as s:
        rows = [appointment(s, "LIB", "surgery", D1, time(8, i)) for i in range(3)]
        m = open_meeting(s, D1, chair="Dr Chair")
        written = decide_patients(s, m, [r.id for r in rows], "maintained", "ok DM", "Dr DM")
        assert [o.appointment_id for o in written] == [r.id for r in rows]
        assert {(o.scope, o.status, o.decided_by, o.note, o.day_from) for o in written} == {
            ("patient", "maintained", "Dr DM", "ok DM", D1)}
        assert len({e.group for e in audit_of(s, "override")}) == 1
        assert decide_patients(s, m, [rows[0].id], "maintained", "ok DM", "Dr DM") == []  # nothing new
        again = decide_patients(s, m, [rows[0].id], "cancelled")
        assert again[0].decided_by == "Dr Chair" and written[0].removed_at is not None
        assert len(lift_patients(s, m, [rows[0].id, rows[1].id])) == 2
        assert [o.appointment_id for o in list_overrides(s)] == [rows[2].id]
        with pytest.raises(UsageError, match="no such appointment"):
            decide_patients(s, m, [10_000], "maintained")


def test_doctor_words_match_whole_words_of_the_stored_key(workspace):
    with workspace.session() as s:
        his = [appointment(s, site, "consultation", D1, doctor=doctor)
               for site, doctor in (("LIB", "Dr Lambert"), ("LIB", "LAMBERT Paul (Dr)"), ("ARL", "Dr Lambert"))]
        others = [appointment(s, "LIB", "consultation", D1, doctor=doctor) for doctor in ("Dr Lamy", "Dr Lambertz", "")]
        m = open_meeting(s, D1)
        decide(s, m, ["LIB", "ARL"], ["consultation"], D1, D1, "cancelled")
        o = exception(s, m, value="Dr. Lambert", site=None)
        overrides = active_overrides(s, D1, D1)
        kept = [r for r in his + others if effective_status("cancelled", r, overrides).status == "maintained"]
        assert kept == his and covered_count(s, o) == 3
        assert sorted(matching_names(s, "doctor", "Lambert", "consultation", "LIB", D1, D1)) == [
            ("Dr Lambert", 1), ("LAMBERT Paul (Dr)", 1)]


def test_resolve_patient_wants_one_patient(workspace):
    with workspace.session() as s:
        appointment(s, "LIB", "surgery", D1, last_name="Dupont", first_name="Jean")
        appointment(s, "LIB", "surgery", D2, last_name="Dupont", first_name="Jean")
        appointment(s, "LIB", "surgery", D1, last_name="Dupont", first_name="Jean-Pierre")
        appointment(s, "LIB", "surgery", D1, last_name="Dupont", first_name="Marie")
        appointment(s, "ARL", "surgery", D1, last_name="Müller", first_name="Anna")
        with pytest.raises(UsageError, match="3 patients"):
            resolve_patient(s, "dupont", "surgery", None, D1, D2)
        assert len(resolve_patient(s, "Dupont Jean", "surgery", None, D1, D2)) == 2  # the exact full name
        assert len(resolve_patient(s, "marie", "surgery", "LIB", D1, D2)) == 1
        assert len(resolve_patient(s, "MULLER", "surgery", None, D1, D1)) == 1
        with pytest.raises(UsageError, match="no patient"):
            resolve_patient(s, "Muller", "surgery", "LIB", D1, D2)
        twin = appointment(s, "LIB", "surgery", D1, last_name="Martin", first_name="Luc")
        other = appointment(s, "LIB", "surgery", D1, last_name="Martin", first_name="Luc")
        twin.birth_date, other.birth_date = date(1950, 1, 1), date(1980, 1, 1)
        s.add_all([twin, other])
        s.flush()
        with pytest.raises(UsageError, match="2 patients"):
            resolve_patient(s, "Martin Luc", "surgery", "LIB", D1, D1)


def test_review_page_pages_searches_and_counts_in_the_cell(workspace):
    with workspace.session() as s:
        for i in range(12):
            appointment(s, "LIB", "surgery", D1 if i < 10 else D2, time(8, i), doctor="Dr Pirson" if i % 3 else "Dr Lemaire",
                        service="Urologie" if i % 2 else "Orthopédie", last_name=f"Name{i:02d}")
        appointment(s, "ARL", "surgery", D1)
        m = open_meeting(s, D1)
        decide(s, m, ["LIB"], ["surgery"], D1, D1, "case_by_case")
        ref = workspace.reference
        page = review_page(s, ref, "LIB", "surgery", D1, D2, offset=5, limit=5)
        assert ([r.patient for r in page.rows], page.total, page.pending_left) == (
            [f"Name{i:02d} Jean" for i in range(5, 10)], 12, 10)
        assert [r.status for r in review_page(s, ref, "LIB", "surgery", D1, D2, offset=10).rows] == ["maintained"] * 2
        lemaire = review_page(s, ref, "LIB", "surgery", D1, D2, search="lemaire")
        assert lemaire.total == 4 and lemaire.pending_left == 10
        assert review_page(s, ref, "LIB", "surgery", D1, D2, search="ortho lemaire").total == 2
        assert review_page(s, ref, "LIB", "surgery", D1, D2, search="name03").total == 1
        exception(s, m, value="Lemaire", activity="surgery", status="cancelled", decided_by="Dr DM")
        decide_patients(s, m, [page.rows[0].appointment_id], "maintained", "vu", "Dr X")
        page = review_page(s, ref, "LIB", "surgery", D1, D2, limit=100)
        by_name = {r.patient: r for r in page.rows}
        assert (by_name["Name00 Jean"].status, by_name["Name00 Jean"].source,
                by_name["Name00 Jean"].decided_by) == ("cancelled", "doctor", "Dr DM")
        assert (by_name["Name05 Jean"].status, by_name["Name05 Jean"].source, by_name["Name05 Jean"].note) == (
            "maintained", "patient", "vu")
        assert page.pending_left == 10 - 4 - 1
        assert review_page(s, ref, "LIB", "surgery", D1, D2, status="pending").total == 5
        with pytest.raises(UsageError, match="--activity"):
            review_page(s, ref, "LIB", "dentistry", D1, D2)


def test_review_rows_hold_what_the_call_needs_no_more():
    names = {f.name for f in fields(ReviewRow)}
    assert not names & {"phones", "phone_raw", "birth_date", "first_name", "last_name", "dedupe_key"}
    assert {"patient", "start", "doctor", "service", "phone_kind"} <= names


def test_board_and_lists_take_thousands_of_patient_decisions(workspace):
    """One decision per patient of a big cell: one subquery selects them, each appointment meets only its own."""
    with workspace.session() as s:
        m = open_meeting(s, D1)
        decide(s, m, ["LIB"], ["surgery"], D1, D1, "case_by_case")
        rows = [Appointment(site="LIB", activity="surgery", start=datetime(2026, 12, 7, 8, 0), day=D1,
                            phone_kind="landline", dedupe_key=f"bulk{i}") for i in range(1500)]
        s.add_all(rows)
        s.flush()
        s.add_all([Override(meeting_id=m.id, scope="patient", site="LIB", activity="surgery", day_from=D1, day_to=D1,
                            value="x", appointment_id=r.id, status="maintained" if i % 3 else "cancelled")
                   for i, r in enumerate(rows)])
        s.flush()
        cell, = [c for c in board_counts(s, workspace.reference, D1, D1) if (c.site, c.activity) == ("LIB", "surgery")]
        told = Counter(t.verdict.status for t in told_appointments(s, {"surgery": "call"}, D1, D1, activity="surgery"))
    assert (cell.appointments, cell.pending, cell.calls) == (1500, 0, 1500)
    assert told == {"maintained": 1000, "cancelled": 500}
