"""Over random decisions, overrides and phones: every appointment that must be told is on exactly one of the
written lists (the right one), nobody else is on any, and the counts equal the rows and the board's sums."""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from datetime import date, time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import delete, select
from told_support import D1, D2, calls_export, read_call_lists, read_csv, read_sms_xlsx, sms_export

from crisis_tui.core.board import board_counts
from crisis_tui.core.decisions import UNDECIDED, cell_decisions, decide
from crisis_tui.core.effective import active_overrides, effective_status
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.models import (
    Appointment, AuditEntry, CallOutcome, Decision, Meeting, Notification, Override,
)
from crisis_tui.core.told import COUNT_KEYS
from tests.factories import appointment

SITES, ACTS = ["ARL", "LIB"], ["consultation", "surgery", "radiology"]
KINDS = ["mobile", "landline", "invalid", "none"]
appointments_st = st.lists(
    st.tuples(st.sampled_from(SITES), st.sampled_from(ACTS), st.sampled_from([D1, D2]), st.sampled_from(KINDS),
              st.sampled_from(["Dr Lambert", "Dr Roux"]), st.sampled_from(["Oncologie", "Cardiologie"]),
              st.sampled_from(["Dupont", "Peeters", "Lefèvre"])),
    max_size=30,
)
decisions_st = st.lists(st.tuples(st.sampled_from(SITES + ["all"]), st.sampled_from(ACTS), st.sampled_from([D1, D2]),
                                  st.sampled_from(["maintained", "cancelled", "case_by_case", "stopped"])),
                        max_size=6)
overrides_st = st.lists(st.tuples(st.sampled_from(["doctor", "service", "patient"]),
                                  st.sampled_from(["Lambert", "Oncologie", "Dupont", "Roux"]),
                                  st.sampled_from(SITES + [None]), st.sampled_from(ACTS),
                                  st.sampled_from(["maintained", "cancelled", "pending"])), max_size=4)


def expected_list(cell: str, effective, activity_channel: str, kind: str) -> str | None:
    """The list an appointment belongs on, stated from the issue's words (not from notify)."""
    reachable = kind in ("mobile", "landline")
    if effective.status == "maintained":
        if effective.source == "doctor" and cell in ("cancelled", "stopped"):
            return "doctors"
        if cell != "case_by_case":
            return None
    if cell == "case_by_case" or effective.status == "pending" or activity_channel == "call":
        return "calls" if reachable else "unreachable"
    return "sms" if kind == "mobile" else "calls" if kind == "landline" else "unreachable"


def _clear(session) -> None:
    for model in (CallOutcome, Notification, Override, Decision, AuditEntry, Appointment, Meeting):
        session.exec(delete(model))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(appointments_st, decisions_st, overrides_st, st.integers(1, 3))
def test_every_one_to_tell_is_on_exactly_one_list(workspace, appts, decisions, overrides, secretaries):
    channels = {a.code: a.channel for a in workspace.reference.activities}
    with workspace.session() as s:
        _clear(s)
        for i, (site, act, day, kind, doc, svc, name) in enumerate(appts):
            appointment(s, site, act, day, time(8 + i % 10, i % 60), phone_kind=kind, doctor=doc, service=svc,
                        last_name=name)
        m = open_meeting(s, date(2026, 12, 6))
        for site, act, day, status in decisions:
            decide(s, m, SITES if site == "all" else [site], [act], day, day, status)
        for scope, value, site, act, status in overrides:
            s.add(Override(meeting_id=m.id, scope=scope, site=site, activity=act, day_from=D1, day_to=D2,
                           value=value, status=status))
    with workspace.session() as s:
        cells = cell_decisions(s, D1, D2)
        active = active_overrides(s, D1, D2)
        expected = {}
        for a in s.exec(select(Appointment)):
            cell = cells.get((a.site, a.activity, a.day), UNDECIDED).status
            expected[a.id] = expected_list(cell, effective_status(cell, a, active), channels[a.activity],
                                           a.phone_kind)
        board = board_counts(s, workspace.reference, D1, D2)
    with tempfile.TemporaryDirectory() as tmp:
        sms = sms_export(workspace, Path(tmp), D1, D2)
        calls = calls_export(workspace, Path(tmp), D1, D2, secretaries=secretaries)
        found: Counter = Counter()
        seen: list[int] = []
        csv_rows = read_csv(sms.files[0])
        assert [r["reference"] for r in csv_rows] == [r["reference"] for r in read_sms_xlsx(sms.files[1])]
        for row in csv_rows:
            seen.append(int(re.fullmatch(r"S(\d+)-1", row["reference"]).group(1)))
            found["sms"] += 1
        for sheet, rows in read_call_lists(calls.files[0]).items():
            kind = {"Médecins": "doctors", "Injoignables": "unreachable"}.get(sheet, "calls")
            for row in rows:
                appointment_id = int(re.fullmatch(r"[CDU](\d+)-1", row["reference"]).group(1))
                assert expected[appointment_id] == kind, (row, sheet)
                seen.append(appointment_id)
                found[kind] += 1
    for appointment_id in seen[: found["sms"]]:
        assert expected[appointment_id] == "sms"
    must = sorted(i for i, where in expected.items() if where is not None)
    assert sorted(seen) == must  # each once, and nobody maintained
    sums = {k: sum(getattr(c, k) for c in board) for k in COUNT_KEYS}
    assert sms.counts == calls.counts == sums
    assert (sums["sms"], sums["calls"], sums["doctor_calls"], sums["unreachable"]) == (
        found["sms"], found["calls"], found["doctors"], found["unreachable"])
