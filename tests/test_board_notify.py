"""Who is told and how, and the board's counts in SQL agreeing with the one-by-one rule."""

from __future__ import annotations

from collections import Counter
from datetime import date, time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import delete

from crisis_tui.core.board import board_counts
from crisis_tui.core.decisions import decide
from crisis_tui.core.effective import Effective
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.models import Appointment, AuditEntry, Decision, Meeting, Notification, Override
from crisis_tui.core.notify import told_appointments, verdict
from tests.factories import appointment

D1, D2 = date(2026, 12, 7), date(2026, 12, 8)
CELL = Effective("cancelled", "cell")


def channels(workspace):
    return {a.code: a.channel for a in workspace.reference.activities}


def test_verdict_rules():
    assert verdict("cancelled", CELL, "sms", "mobile").channel == "sms"
    assert verdict("cancelled", CELL, "sms", "landline").channel == "call"
    assert verdict("cancelled", CELL, "sms", "invalid").channel == "unreachable"
    assert verdict("stopped", Effective("stopped", "cell"), "sms", "none").channel == "unreachable"
    assert verdict("cancelled", CELL, "call", "mobile").channel == "call"
    assert verdict("maintained", Effective("maintained", "cell"), "sms", "mobile").channel is None
    kept = verdict("cancelled", Effective("maintained", "doctor"), "sms", "mobile")
    assert kept.channel == "doctor_call"
    pending = verdict("case_by_case", Effective("pending", "cell"), "call", "landline")
    assert pending.channel == "call" and pending.pending
    assert verdict("case_by_case", Effective("maintained", "patient"), "call", "mobile").channel == "call"
    # a patient kept under a cancelled or stopped cell is phoned and told so (BRIEF: a patient-level decision is);
    # a service keeping its follow-ups is not (its patients' appointments simply go ahead)
    for cell in ("cancelled", "stopped"):
        assert verdict(cell, Effective("maintained", "patient"), "call", "mobile").channel == "call"
        assert verdict(cell, Effective("maintained", "patient"), "sms", "none").channel == "unreachable"
    assert verdict("cancelled", Effective("maintained", "service"), "sms", "mobile").channel is None
    flip = verdict("maintained", Effective("maintained", "cell"), "sms", "mobile", last_told="cancelled")
    assert flip.channel == "sms" and flip.change
    assert verdict("cancelled", CELL, "sms", "mobile", last_told="maintained").change


def test_article_scenario_counts(workspace):
    with workspace.session() as s:
        for kind in ("mobile", "mobile", "landline", "none"):
            appointment(s, "LIB", "consultation", phone_kind=kind, doctor="Dr Dupont")
        appointment(s, "LIB", "consultation", doctor="Dr Lambert Paul")
        for kind in ("mobile", "landline", "none"):
            appointment(s, "LIB", "surgery", phone_kind=kind)
        appointment(s, "LIB", "blood_draw")
        m = open_meeting(s, date(2026, 12, 6))
        decide(s, m, ["LIB"], ["consultation"], D1, D1, "cancelled")
        decide(s, m, ["LIB"], ["surgery"], D1, D1, "case_by_case")
        s.add(Override(meeting_id=m.id, scope="doctor", site="LIB", activity="consultation", day_from=D1, day_to=D1,
                       value="Lambert", status="maintained"))
        s.flush()
        cells = {(c.site, c.activity): c for c in board_counts(s, workspace.reference, D1, D1)}
    consult = cells[("LIB", "consultation")]
    assert (consult.appointments, consult.sms, consult.calls, consult.doctor_calls, consult.unreachable) == (5, 2, 1, 1, 1)
    assert (consult.mobile, consult.landline_only, consult.no_number) == (3, 1, 1)
    surgery = cells[("LIB", "surgery")]
    assert (surgery.calls, surgery.unreachable, surgery.pending, surgery.status) == (2, 1, 3, "case_by_case")
    blood = cells[("LIB", "blood_draw")]
    assert (blood.appointments, blood.sms + blood.calls + blood.unreachable) == (1, 0)
    assert len(cells) == len(workspace.reference.sites) * len(workspace.reference.activities)


SITES, ACTS = ["ARL", "BAS"], ["consultation", "surgery"]
appointments_st = st.lists(
    st.tuples(st.sampled_from(SITES), st.sampled_from(ACTS), st.sampled_from([D1, D2]),
              st.sampled_from(["mobile", "landline", "invalid", "none"]), st.sampled_from(["Dr Lambert", "Dr Roux"]),
              st.sampled_from(["Oncologie", "Cardiologie"]), st.sampled_from(["Dupont", "Peeters", "Lefèvre"])),
    max_size=25,
)
decisions_st = st.lists(st.tuples(st.sampled_from(SITES + ["all"]), st.sampled_from(ACTS), st.sampled_from([D1, D2]),
                                  st.sampled_from(["maintained", "cancelled", "case_by_case", "stopped"])), max_size=6)
overrides_st = st.lists(st.tuples(st.sampled_from(["doctor", "service", "patient"]),
                                  st.sampled_from(["Lambert", "Oncologie", "Dupont", "Roux"]),
                                  st.sampled_from(SITES + [None]), st.sampled_from(ACTS),
                                  st.sampled_from(["maintained", "cancelled", "pending"])), max_size=4)
told_st = st.lists(st.tuples(st.integers(0, 24), st.sampled_from(["cancelled", "maintained", "stopped"]),
                             st.sampled_from(["sms", "call", "unreachable"])), max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(appointments_st, decisions_st, overrides_st, told_st)
def test_board_counts_equal_the_one_by_one_rule(workspace, appts, decisions, overrides, told):
    with workspace.session() as s:
        for model in (Notification, Override, Decision, AuditEntry, Appointment, Meeting):
            s.exec(delete(model))
        rows = [appointment(s, site, act, day, time(9, i % 60), phone_kind=kind, doctor=doc, service=svc, last_name=name)
                for i, (site, act, day, kind, doc, svc, name) in enumerate(appts)]
        m = open_meeting(s, date(2026, 12, 6))
        for site, act, day, status in decisions:
            decide(s, m, SITES if site == "all" else [site], [act], day, day, status)
        for scope, value, site, act, status in overrides:
            s.add(Override(meeting_id=m.id, scope=scope, site=site, activity=act, day_from=D1, day_to=D2,
                           value=value, status=status))
        for index, status, channel in told:
            if index < len(rows):
                s.add(Notification(appointment_id=rows[index].id, reference=f"R{index}", channel=channel,
                                   told_status=status))
        s.flush()
        listed = list(told_appointments(s, channels(workspace), D1, D2, include_untold=True))
        counts = {(c.site, c.activity): c for c in board_counts(s, workspace.reference, D1, D2)}
    assert len(listed) == len(rows)
    expected: dict = {}
    for item in listed:
        cell = expected.setdefault((item.appointment.site, item.appointment.activity), Counter())
        cell["appointments"] += 1
        cell[item.verdict.channel] += 1
        cell["pending"] += item.verdict.pending
        if item.verdict.status == "maintained" and item.verdict.source == "cell" and not item.verdict.change:
            assert item.verdict.channel is None
    for (site, act), cell in counts.items():
        want = expected.get((site, act), Counter())
        got = (cell.appointments, cell.sms, cell.calls, cell.doctor_calls, cell.unreachable, cell.pending)
        assert got == (want["appointments"], want["sms"], want["call"], want["doctor_call"], want["unreachable"],
                       want["pending"]), (site, act)
        assert cell.mobile + cell.landline_only + cell.no_number == cell.appointments
