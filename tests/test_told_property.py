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
STATUSES = ["maintained", "cancelled", "case_by_case", "stopped"]
appointments_st = st.lists(
    st.tuples(st.sampled_from(SITES), st.sampled_from(ACTS), st.sampled_from([D1, D2]), st.sampled_from(KINDS),
              st.sampled_from(["Dr Lambert", "Dr Roux"]), st.sampled_from(["Oncologie", "Cardiologie"]),
              st.sampled_from(["Dupont", "Peeters", "Lefèvre"])),
    min_size=3, max_size=30,
)
decisions_st = st.lists(st.tuples(st.sampled_from(SITES + ["all"]), st.sampled_from(ACTS), st.sampled_from([D1, D2]),
                                  st.sampled_from(STATUSES)), min_size=1, max_size=6)
CELLS = [(site, act) for site in SITES for act in ACTS]
first_day_st = st.lists(st.sampled_from(STATUSES), min_size=len(CELLS), max_size=len(CELLS))  # every cell on D1
flips_st = st.lists(st.tuples(st.integers(0, len(CELLS) - 1), st.sampled_from(STATUSES)), min_size=1, max_size=4)
overrides_st = st.lists(st.tuples(st.sampled_from(["doctor", "service", "patient"]),
                                  st.sampled_from(["Lambert", "Oncologie", "Dupont", "Roux"]),
                                  st.sampled_from(SITES + [None]), st.sampled_from(ACTS),
                                  st.sampled_from(["maintained", "cancelled", "pending"])), max_size=4)


def expected_list(cell: str, effective, activity_channel: str, kind: str, last: str | None) -> str | None:
    """The list an appointment belongs on, stated from the issue's words (not from notify); `last` is the status
    it was told on an earlier list, if any."""
    reachable = kind in ("mobile", "landline")
    # a patient kept by his own decision under a cancelled cell is phoned: "a patient-level decision" is
    kept_by_name = (effective.status == "maintained" and effective.source == "patient"
                    and cell in ("cancelled", "stopped"))
    if effective.status == "maintained":
        if effective.source == "doctor" and cell in ("cancelled", "stopped"):
            return "doctors"
        if cell != "case_by_case" and not kept_by_name and last not in ("cancelled", "stopped", "pending"):
            return None  # told nothing it must correct: "pending" may have told him to stay home unless called
    if cell == "case_by_case" or kept_by_name or effective.status == "pending" or activity_channel == "call":
        return "calls" if reachable else "unreachable"
    return "sms" if kind == "mobile" else "calls" if kind == "landline" else "unreachable"


def is_change(cell: str, effective, last: str | None) -> bool:
    if effective.status != "maintained":
        return last == "maintained"
    decided_below = cell == "case_by_case" or (effective.source in ("doctor", "patient")
                                               and cell in ("cancelled", "stopped"))
    return last in ("cancelled", "stopped") if decided_below else last in ("cancelled", "stopped", "pending")


def _clear(session) -> None:
    for model in (CallOutcome, Notification, Override, Decision, AuditEntry, Appointment, Meeting):
        session.exec(delete(model))


def _sums(workspace) -> dict[str, int]:
    with workspace.session() as s:
        return {k: sum(getattr(c, k) for c in board_counts(s, workspace.reference, D1, D2)) for k in COUNT_KEYS}


def _expected(workspace, told_before: dict[int, str]) -> tuple[dict, dict]:
    """appointment id -> (list, effective status, change), and the board's sums."""
    channels = {a.code: a.channel for a in workspace.reference.activities}
    with workspace.session() as s:
        cells = cell_decisions(s, D1, D2)
        active = active_overrides(s, D1, D2)
        expected = {}
        for a in s.exec(select(Appointment)):
            cell = cells.get((a.site, a.activity, a.day), UNDECIDED).status
            effective = effective_status(cell, a, active)
            last = told_before.get(a.id)
            expected[a.id] = (expected_list(cell, effective, channels[a.activity], a.phone_kind, last),
                              effective.status, is_change(cell, effective, last))
    return expected, _sums(workspace)


def _export_and_check(workspace, told_before: dict[int, str], secretaries: int) -> dict[int, str]:
    """Export both kinds, read the files back, check them against the oracle; what each one was told."""
    expected, sums = _expected(workspace, told_before)
    with tempfile.TemporaryDirectory() as tmp:
        sms = sms_export(workspace, Path(tmp), D1, D2)
        between = _sums(workspace)
        calls = calls_export(workspace, Path(tmp), D1, D2, secretaries=secretaries)
        csv_rows = read_csv(sms.files[0])
        assert [r["reference"] for r in csv_rows] == [r["reference"] for r in read_sms_xlsx(sms.files[1])]
        found: list[tuple[int, str, str, bool]] = []  # id, list, times told, change
        for row in csv_rows:
            found.append((*_reference(row["reference"], "S"), "sms", row["change"] == "1"))
        for sheet, rows in read_call_lists(calls.files[0]).items():
            kind = {"Médecins": "doctors", "Injoignables": "unreachable"}.get(sheet, "calls")
            found += [(*_reference(row["reference"], "CDU"), kind, row["status"].startswith("CHANGEMENT"))
                      for row in rows]
    assert sorted(i for i, *_ in found) == sorted(i for i, (where, *_) in expected.items() if where)
    for appointment_id, times, where, change in found:
        assert (where, change) == (expected[appointment_id][0], expected[appointment_id][2]), appointment_id
        assert times == 1 + (appointment_id in told_before)
    # A patient told "maintained after all" by SMS needs telling no more; nothing else moves.
    kept_by_sms = sum(1 for i, _, where, change in found
                      if where == "sms" and change and expected[i][1] == "maintained")
    assert sms.counts == sums and calls.counts == between == {**sums, "sms": sums["sms"] - kept_by_sms}
    listed = Counter(where for _, _, where, _ in found)
    assert (sums["sms"], sums["calls"], sums["doctor_calls"], sums["unreachable"]) == (
        listed["sms"], listed["calls"], listed["doctors"], listed["unreachable"])
    return {**told_before, **{i: expected[i][1] for i, *_ in found}}


def _reference(text: str, letters: str) -> tuple[int, int]:
    match = re.fullmatch(rf"[{letters}](\d+)-(\d+)", text)
    return int(match.group(1)), int(match.group(2))


def _decide(workspace, decisions, overrides) -> None:
    with workspace.session() as s:
        m = open_meeting(s, date(2026, 12, 6))
        for site, act, day, status in decisions:
            decide(s, m, SITES if site == "all" else [site], [act], day, day, status)
        for scope, value, site, act, status in overrides:
            s.add(Override(meeting_id=m.id, scope=scope, site=site, activity=act, day_from=D1, day_to=D2,
                           value=value, status=status))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(appointments_st, first_day_st, decisions_st, overrides_st, flips_st, overrides_st, st.integers(1, 3))
def test_every_one_to_tell_is_on_exactly_one_list(workspace, appts, first_day, decisions, overrides, flips,
                                                  later_overrides, secretaries):
    """The lists after a first meeting, then after a second that flips some of its decisions."""
    with workspace.session() as s:
        _clear(s)
        for i, (site, act, day, kind, doc, svc, name) in enumerate(appts):
            appointment(s, site, act, day, time(8 + i % 10, i % 60), phone_kind=kind, doctor=doc, service=svc,
                        last_name=name)
    _decide(workspace, [(site, act, D1, status) for (site, act), status in zip(CELLS, first_day)] + decisions,
            overrides)
    told = _export_and_check(workspace, {}, secretaries)
    later = [(*CELLS[n], D1, status) for n, status in flips]
    _decide(workspace, later, later_overrides)
    _export_and_check(workspace, told, secretaries)
