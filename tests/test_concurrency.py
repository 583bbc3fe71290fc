"""Two workstations at once (two processes): decisions toggled on the same cells and call outcomes recorded lose
nothing; two sign-offs of one meeting: one wins, the other is told who signed. On SQLite and on PostgreSQL."""

from __future__ import annotations

import multiprocessing
import time
import traceback
from datetime import date, datetime

from sqlmodel import func, select

from crisis_tui.config import Home
from crisis_tui.core import audit
from crisis_tui.core.db import make_engine, session_scope
from crisis_tui.core.decisions import decide
from crisis_tui.core.errors import LockedError
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.models import STATUSES, AuditEntry, CallOutcome, Decision, Meeting, Notification, utcnow
from crisis_tui.core.sync import lock_meeting
from crisis_tui.core.workspace import Workspace
from tests.factories import appointment

DAY = date(2026, 12, 7)
CELLS = [("ARL", "consultation"), ("ARL", "surgery"), ("LIB", "consultation")]
ROUNDS = 25
SPAWN = multiprocessing.get_context("spawn")


def _toggle_and_record(url: str, name: str, notification_ids: list[int], barrier, results) -> None:
    """One workstation: each round toggles a cell (a decision, audited) and records one call outcome."""
    try:
        engine = make_engine(url)
        barrier.wait(timeout=60)
        changed = 0
        for i in range(ROUNDS):
            site, activity = CELLS[i % len(CELLS)]
            with session_scope(engine) as session:
                meeting = open_meeting(session, DAY)
                changed += decide(session, meeting, [site], [activity], DAY, DAY, STATUSES[(i + len(name)) % 4],
                                  actor=name)
            with session_scope(engine) as session:
                session.add(CallOutcome(notification_id=notification_ids[i], outcome="reached", notes=f"{name} {i}"))
        engine.dispose()
        results.put((name, changed))
    except BaseException:
        results.put((name, traceback.format_exc()))


def _sign(url: str, name: str, meeting_id: int, barrier, results) -> None:
    """One workstation signs the meeting, holding it a moment so that the other one tries meanwhile."""
    engine = make_engine(url)
    try:
        barrier.wait(timeout=60)
        with session_scope(engine) as session:
            meeting = lock_meeting(session, meeting_id)
            time.sleep(0.3)
            meeting.signed_at, meeting.signed_by = utcnow(), name
            session.add(meeting)
            audit.record(session, action="sign", target=f"meeting {meeting_id}", actor=name, meeting_id=meeting_id)
        results.put((name, "signed"))
    except LockedError as exc:
        results.put((name, f"refused: {exc}"))
    except BaseException:
        results.put((name, traceback.format_exc()))
    finally:
        engine.dispose()


def _run_both(target, args_of) -> dict[str, object]:
    barrier, results = SPAWN.Barrier(2), SPAWN.Queue()
    workers = [SPAWN.Process(target=target, args=(*args_of(name), barrier, results)) for name in ("anne", "bruno")]
    for worker in workers:
        worker.start()
    answers = dict(results.get(timeout=180) for _ in workers)
    for worker in workers:
        worker.join(timeout=30)
    return answers


def _prepare(url: str, tmp_path, notifications: int) -> list[int]:
    """The reference data, one appointment and `notifications` exported rows to record outcomes against."""
    workspace = Workspace.open(Home(tmp_path / "home", db_override=url).ensure())
    with workspace.session() as session:
        row = appointment(session, "ARL", "consultation", DAY)
        rows = [Notification(appointment_id=row.id, reference=f"R{i}", channel="call", told_status="cancelled")
                for i in range(notifications)]
        session.add_all(rows)
        session.flush()
        ids = [n.id for n in rows]
    workspace.close()
    return ids


def test_two_workstations_toggling_and_recording_lose_nothing(db_url, tmp_path):
    ids = _prepare(db_url, tmp_path, 2 * ROUNDS)
    share = {"anne": ids[:ROUNDS], "bruno": ids[ROUNDS:]}
    answers = _run_both(_toggle_and_record, lambda name: (db_url, name, share[name]))
    assert all(isinstance(n, int) for n in answers.values()), answers
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        assert session.exec(select(func.count(Meeting.id))).one() == 1  # both resumed the same daily meeting
        outcomes = set(session.exec(select(CallOutcome.notes)))
        assert outcomes == {f"{name} {i}" for name in answers for i in range(ROUNDS)}
        for name, changed in answers.items():
            entries = session.exec(select(func.count(AuditEntry.id)).where(AuditEntry.actor == name,
                                                                           AuditEntry.action == "decide")).one()
            assert entries == changed > 0
        last = {}
        for entry in session.exec(select(AuditEntry).where(AuditEntry.action == "decide").order_by(AuditEntry.id)):
            last[entry.target] = entry.new
        for decision in session.exec(select(Decision)):
            target = f"{decision.site}/{decision.activity}/{decision.day.isoformat()}"
            assert f'"status": "{decision.status}"' in last.pop(target)  # the board shows the last decision
        assert last == {}
        assert audit.verify_chain(session) == []
    engine.dispose()


def test_two_sign_offs_of_one_meeting_one_wins_the_other_is_told(db_url, tmp_path):
    _prepare(db_url, tmp_path, 0)
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        meeting_id = open_meeting(session, DAY, chair="Dr Chair").id
    answers = _run_both(_sign, lambda name: (db_url, name, meeting_id))
    signed = [name for name, answer in answers.items() if answer == "signed"]
    assert len(signed) == 1, answers
    [loser] = set(answers) - set(signed)
    assert answers[loser].startswith("refused: ") and f"signed by {signed[0]}" in answers[loser], answers
    with session_scope(engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting.signed_by == signed[0] and isinstance(meeting.signed_at, datetime)
        assert session.exec(select(func.count(AuditEntry.id)).where(AuditEntry.action == "sign")).one() == 1
        assert audit.verify_chain(session) == []
    engine.dispose()
