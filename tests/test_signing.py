"""Sign-off: the hash chained to the previous signature, the meeting locked for every writer (core and CLI), the
next change opening a new meeting, a second signature refused."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from crisis_tui.core.audit import GENESIS
from crisis_tui.core.decisions import decide
from crisis_tui.core.errors import LockedError, UsageError
from crisis_tui.core.meetings import open_meeting, update_meeting
from crisis_tui.core.minutes import canonical, decided_days, digest
from crisis_tui.core.models import AuditEntry, Decision, Meeting
from crisis_tui.core.overrides import add_override, decide_patients, lift_patients, remove_matching, remove_override
from crisis_tui.core.signing import sign_meeting, verify
from crisis_tui.core.undo import undo_last
from minutes_support import D1, D2, MEETING_DAY, PATIENT, run, seed


def signed(workspace, meeting_id: int, by: str = "Dr Director", role: str = "Directeur médical") -> Meeting:
    with workspace.session() as s:
        return sign_meeting(s, workspace.reference, meeting_id, by, role)


def test_signing_seals_the_minutes_and_chains_the_hash(workspace):
    meeting = signed(workspace, seed(workspace))
    assert meeting.signed and meeting.signed_by == "Dr Director" and meeting.signed_role == "Directeur médical"
    assert (meeting.minutes_from, meeting.minutes_to) == (D1, D2)  # the days its decisions cover
    stored = json.loads(meeting.minutes_json)
    assert meeting.minutes_hash == digest(stored) and len(meeting.minutes_hash) == 64
    assert meeting.prev_hash == GENESIS == stored["signature"]["prev_hash"]
    assert set(stored["record"]["decisions"]) == {"BAS/consultation/2026-12-07", "LIB/surgery/2026-12-07",
                                                  "LIB/surgery/2026-12-08"}
    assert PATIENT not in meeting.minutes_json  # the patient decision is sealed by a hash of the name only
    with workspace.session() as s:
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "sign")).one()
        assert (entry.new, entry.actor, entry.meeting_id) == (meeting.minutes_hash, "Dr Director", meeting.id)
        assert verify(s).ok

    with workspace.session() as s:
        second = open_meeting(s, MEETING_DAY)
        decide(s, second, ["ARL"], ["radiology"], D2, D2, "stopped")
        second_id = second.id
    later = signed(workspace, second_id)
    assert later.prev_hash == meeting.minutes_hash and later.minutes_hash != meeting.minutes_hash
    with workspace.session() as s:
        report = verify(s)
    assert report.ok and report.meetings_signed == 2


def test_a_meeting_that_decided_nothing_signs_for_the_next_day(workspace):
    with workspace.session() as s:
        meeting_id = open_meeting(s, MEETING_DAY, chair="Dr Chair").id
    meeting = signed(workspace, meeting_id)
    assert meeting.minutes_from == meeting.minutes_to == MEETING_DAY + timedelta(days=1)


def test_a_second_signature_is_refused_naming_the_first(workspace):
    meeting_id = seed(workspace)
    first = signed(workspace, meeting_id)
    with pytest.raises(UsageError, match=rf"meeting {meeting_id} was already signed by Dr Director at \d{{4}}-"):
        signed(workspace, meeting_id, by="Dr Other")
    with workspace.session() as s:
        assert s.get(Meeting, meeting_id).minutes_hash == first.minutes_hash


def test_signing_needs_a_name_and_an_existing_meeting(workspace):
    meeting_id = seed(workspace)
    with pytest.raises(UsageError, match="--by"):
        signed(workspace, meeting_id, by="  ")
    with pytest.raises(UsageError, match="meeting 99"):
        signed(workspace, 99)
    with workspace.session() as s:
        assert not s.get(Meeting, meeting_id).signed


def test_the_core_refuses_every_change_to_a_signed_meeting(workspace):
    meeting_id = seed(workspace)
    signed(workspace, meeting_id)
    attempts = [
        lambda s, m: decide(s, m, ["BAS"], ["consultation"], D1, D1, "maintained"),
        lambda s, m: undo_last(s, m),
        lambda s, m: update_meeting(s, m, notes="changed"),
        lambda s, m: update_meeting(s, m, chair="Dr Else"),
        lambda s, m: add_override(s, m, scope="service", value="Cardiologie", activity="consultation", site=None,
                                  day_from=D1, day_to=D1, status="maintained"),
        lambda s, m: remove_override(s, m, 1),
        lambda s, m: remove_matching(s, m, scope="doctor", value="Lambert", activity="consultation", site="BAS",
                                     day_from=D1, day_to=D1),
        lambda s, m: decide_patients(s, m, [1], "cancelled"),
        lambda s, m: lift_patients(s, m, [7]),
    ]
    for attempt in attempts:
        with pytest.raises(LockedError, match=f"meeting {meeting_id}"):
            with workspace.session() as s:
                attempt(s, s.get(Meeting, meeting_id))
    with workspace.session() as s:
        assert verify(s).ok


def test_the_cli_refuses_a_signed_meeting_with_exit_2(capsys, home, workspace):
    meeting_id = seed(workspace)
    code, out, _ = run(capsys, home, "sign", "--by", "Dr Director", "--role", "DM", "--json")
    assert code == 0 and json.loads(out)["meeting"] == meeting_id
    signed_at = datetime.fromisoformat(json.loads(out)["signed_at"])  # in UTC, and saying so
    assert signed_at.utcoffset() == timedelta(0) and abs(datetime.now(timezone.utc) - signed_at) < timedelta(minutes=5)
    for args in (["sign", "--by", "Dr Other"], ["sign", "--by", "Dr Other", "--meeting", str(meeting_id)],
                 ["minutes", "--notes", "too late"], ["minutes", "--actions", "too late"]):
        code, out, err = run(capsys, home, *args)
        assert code == 2 and f"la réunion {meeting_id} " in err and len(err.strip().splitlines()) == 1, args
        code, out, err = run(capsys, home, "--lang", "en", *args)
        assert code == 2 and f"meeting {meeting_id} " in err and len(err.strip().splitlines()) == 1, args
    with workspace.session() as s:
        assert s.get(Meeting, meeting_id).notes == "IT expects the DPI back on Wednesday"
        assert verify(s).ok


def test_sign_without_a_meeting_refuses_to_guess_among_several_unsigned(capsys, home, workspace):
    """Found by an audit: with the daily meeting (its decisions) and an empty emergency meeting both open, `sign`
    signed the empty one, and the daily minutes could no longer be signed without --meeting."""
    daily = seed(workspace)
    with workspace.session() as s:
        emergency = open_meeting(s, MEETING_DAY, emergency=True).id
    code, out, err = run(capsys, home, "sign", "--by", "Dr Director")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert f"{daily} (Réunion quotidienne, " in err and f"{emergency} (Réunion d'urgence, " in err and "--meeting" in err
    with workspace.session() as s:
        assert not any(m.signed for m in s.exec(select(Meeting)))
    code, out, _ = run(capsys, home, "sign", "--by", "Dr Director", "--meeting", str(daily), "--json")
    assert code == 0 and json.loads(out)["meeting"] == daily
    code, out, _ = run(capsys, home, "sign", "--by", "Dr Director", "--json")  # one left unsigned: that one
    assert code == 0 and json.loads(out)["meeting"] == emergency


def test_after_signing_decide_opens_an_emergency_meeting_the_same_day(capsys, home, workspace, monkeypatch):
    monkeypatch.setattr("crisis_tui.cli.meeting.today", lambda: MEETING_DAY)
    meeting_id = seed(workspace)
    signed(workspace, meeting_id)
    code, _, _ = run(capsys, home, "decide", "--date", "2026-12-07", "--site", "BAS", "--activity", "consultation",
                     "--status", "maintained", "--note", "DPI back")
    assert code == 0
    with workspace.session() as s:
        meetings = s.exec(select(Meeting).order_by(Meeting.id)).all()
        assert [(m.kind, m.day, m.signed) for m in meetings] == [("daily", MEETING_DAY, True),
                                                                 ("emergency", MEETING_DAY, False)]
        old = s.exec(select(Decision).where(Decision.meeting_id == meeting_id, Decision.site == "BAS")).one()
        assert old.status == "cancelled"  # the signed decision stays; the new meeting's wins from now on
        assert verify(s).ok
    with workspace.session() as s:  # a new meeting the next day is a daily one again
        assert open_meeting(s, MEETING_DAY + timedelta(days=1)).kind == "daily"


def test_decided_days_of_an_unsigned_meeting_follow_its_decisions(workspace):
    meeting_id = seed(workspace)
    with workspace.session() as s:
        meeting = s.get(Meeting, meeting_id)
        assert decided_days(s, meeting) == (D1, D2)
        decide(s, meeting, ["ARL"], ["radiology"], D2 + timedelta(days=3), D2 + timedelta(days=3), "stopped")
        assert decided_days(s, meeting) == (D1, D2 + timedelta(days=3))


def test_canonical_json_is_key_order_free():
    assert canonical({"b": 1, "a": [1, "é"]}) == canonical({"a": [1, "é"], "b": 1}) == '{"a":[1,"é"],"b":1}'


def test_a_later_meeting_may_lift_a_signed_meeting_s_exception(workspace):
    """Lifting marks the old exception removed: the signed meeting still decided it, and verify stays quiet."""
    first = seed(workspace)
    signed(workspace, first)
    with workspace.session() as s:
        later = open_meeting(s, MEETING_DAY)
        remove_override(s, later, 1, reason="Dr Lambert is ill")
        add_override(s, later, scope="patient", value=PATIENT, activity="surgery", site="LIB", day_from=D2,
                     day_to=D2, status="cancelled", appointment_id=7)  # replaces meeting 1's patient decision
    with workspace.session() as s:
        assert verify(s).ok
        stored = json.loads(s.get(Meeting, first).minutes_json)
    assert set(stored["record"]["overrides"]) == {"1", "2"}
