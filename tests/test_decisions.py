from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from crisis_tui.core.audit import verify_chain
from crisis_tui.core.decisions import cell_decisions, changes_since_previous, decide
from crisis_tui.core.errors import LockedError, UsageError
from crisis_tui.core.meetings import open_meeting, update_meeting
from crisis_tui.core.models import AuditEntry, utcnow
from crisis_tui.core.overrides import OverrideTarget, add_override, remove_override
from crisis_tui.core.undo import undo_last

D1, D2 = date(2026, 12, 7), date(2026, 12, 8)
TODAY = date(2026, 12, 6)


def test_daily_meeting_is_resumed_and_emergency_is_new(workspace):
    with workspace.session() as s:
        m1 = open_meeting(s, TODAY, chair="Dr Martin", attendees=["Anne Petit (secrétaire)"])
        assert open_meeting(s, TODAY).id == m1.id
        m2 = open_meeting(s, TODAY, emergency=True)
        assert (m1.kind, m2.kind) == ("daily", "emergency") and m2.chair == "Dr Martin"
        assert json.loads(m1.attendees) == [{"name": "Anne Petit", "role": "secrétaire"}]


def test_second_meeting_after_a_signed_one_is_an_emergency(workspace):
    with workspace.session() as s:
        m1 = open_meeting(s, TODAY)
        m1.signed_at, m1.signed_by = utcnow(), "Dr Directeur"
        assert open_meeting(s, TODAY).kind == "emergency"
        assert open_meeting(s, date(2026, 12, 9), kind="daily").kind == "daily"


def test_decide_range_carries_over_to_the_next_meeting(workspace):
    with workspace.session() as s:
        m1 = open_meeting(s, TODAY)
        assert decide(s, m1, ["ARL", "LIB"], ["consultation"], D1, D2, "cancelled", reason="Cyberattaque") == 4
        m2 = open_meeting(s, TODAY, emergency=True)
        decide(s, m2, ["ARL"], ["consultation"], D1, D1, "maintained")
        now = cell_decisions(s, D1, D2)
        assert now[("ARL", "consultation", D1)].status == "maintained"
        assert now[("ARL", "consultation", D2)].status == "cancelled"
        assert now[("LIB", "consultation", D1)].reason == "Cyberattaque"
        changes = changes_since_previous(s, m2, D1, D2)
        assert [(c.site, c.before, c.after) for c in changes] == [("ARL", "cancelled", "maintained")]


def test_a_reason_left_out_goes_on_for_the_same_status_only(workspace):
    with workspace.session() as s:
        m1 = open_meeting(s, TODAY)
        decide(s, m1, ["ARL", "LIB"], ["consultation"], D1, D1, "cancelled", reason="Serveurs chiffrés")
        m2 = open_meeting(s, TODAY, emergency=True)
        decide(s, m2, ["ARL"], ["consultation"], D1, D1, "maintained")  # no reason given: none, not the old one
        decide(s, m2, ["LIB"], ["consultation"], D1, D1, "cancelled")  # confirmed: its reason goes on
        now = cell_decisions(s, D1, D1)
        assert (now[("ARL", "consultation", D1)].status, now[("ARL", "consultation", D1)].reason) == ("maintained", "")
        assert now[("LIB", "consultation", D1)].reason == "Serveurs chiffrés"


def test_a_decision_after_a_later_meeting_was_signed_goes_into_a_new_meeting_and_takes_effect(workspace):
    with workspace.session() as s:
        daily = open_meeting(s, TODAY)
        decide(s, daily, ["ARL"], ["consultation"], D1, D1, "cancelled")
        emergency = open_meeting(s, TODAY, emergency=True)
        decide(s, emergency, ["ARL"], ["consultation"], D1, D1, "maintained")
        emergency.signed_at, emergency.signed_by = utcnow(), "Dr Directeur"
        later = open_meeting(s, TODAY)
        assert later.id not in (daily.id, emergency.id) and later.kind == "emergency"
        decide(s, later, ["ARL"], ["consultation"], D1, D1, "stopped")
        assert cell_decisions(s, D1, D1)[("ARL", "consultation", D1)].status == "stopped"


def test_undo_restores_the_whole_last_change_only(workspace):
    with workspace.session() as s:
        m = open_meeting(s, TODAY)
        decide(s, m, ["ARL"], ["surgery"], D1, D1, "case_by_case", reason="first")
        decide(s, m, ["ARL", "BAS"], ["surgery"], D1, D1, "stopped", reason="second")
        assert undo_last(s, m).cells == [("ARL", "surgery", D1, "case_by_case"), ("BAS", "surgery", D1, "maintained")]
        now = cell_decisions(s, D1, D1)
        assert now[("ARL", "surgery", D1)].status == "case_by_case" and ("BAS", "surgery", D1) not in now
        assert undo_last(s, m).cells == [("ARL", "surgery", D1, "maintained")]
        assert cell_decisions(s, D1, D1) == {}
        assert undo_last(s, m) is None
        assert verify_chain(s) == []


def test_undo_refuses_to_reach_behind_a_later_exception_and_names_it(workspace):
    """An exception made (or lifted) after the last board decision stands on it: undo takes nothing back and says
    which change came after; once a board decision follows, undo takes that one back."""
    with workspace.session() as s:
        m = open_meeting(s, TODAY)
        decide(s, m, ["ARL"], ["consultation"], D1, D1, "cancelled")
        made = add_override(s, m, scope="doctor", value="Dr Lambert", activity="consultation", site=None,
                            day_from=D1, day_to=D1, status="maintained")
        refused = undo_last(s, m)
        assert refused.cells == [] and refused.refused_by == OverrideTarget(
            "override", "doctor", "Dr Lambert", None, "consultation")
        remove_override(s, m, made.id)
        assert undo_last(s, m).refused_by.action == "override_remove"
        assert cell_decisions(s, D1, D1)[("ARL", "consultation", D1)].status == "cancelled"
        decide(s, m, ["BAS"], ["consultation"], D1, D1, "stopped")
        assert undo_last(s, m).cells == [("BAS", "consultation", D1, "maintained")]
        assert verify_chain(s) == []


def test_every_change_is_audited_with_who_old_new_and_reason(workspace):
    with workspace.session() as s:
        m = open_meeting(s, TODAY, chair="Dr Martin")
        decide(s, m, ["VIR"], ["radiology"], D1, D1, "cancelled", reason="PACS en panne")
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "decide")).one()
        assert entry.actor == "Dr Martin" and entry.target == "VIR/radiology/2026-12-07"
        assert json.loads(entry.old)["status"] == "maintained" and json.loads(entry.new)["status"] == "cancelled"
        assert entry.reason == "PACS en panne"


def test_signed_meeting_refuses_changes(workspace):
    with workspace.session() as s:
        m = open_meeting(s, TODAY)
        m.signed_at, m.signed_by = utcnow(), "Dr Directeur"
        with pytest.raises(LockedError):
            decide(s, m, ["ARL"], ["consultation"], D1, D1, "cancelled")
        with pytest.raises(LockedError):
            undo_last(s, m)
        with pytest.raises(LockedError):
            update_meeting(s, m, notes="x")


def test_bad_status_and_rule_are_usage_errors(workspace):
    with workspace.session() as s:
        m = open_meeting(s, TODAY)
        with pytest.raises(UsageError, match="--status"):
            decide(s, m, ["ARL"], ["consultation"], D1, D1, "closed")
        with pytest.raises(UsageError, match="--uncontacted"):
            decide(s, m, ["ARL"], ["consultation"], D1, D1, "cancelled", uncontacted="whatever")


def test_audit_chain_detects_an_altered_entry(workspace):
    with workspace.session() as s:
        m = open_meeting(s, TODAY)
        decide(s, m, ["ARL"], ["consultation"], D1, D1, "cancelled")
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "decide")).one()
        entry.reason = "tampered"
        s.flush()
        problems = verify_chain(s)
        assert problems and f"audit entry {entry.id}" in problems[0]
