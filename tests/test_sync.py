"""The change marker moves with every kind of write the board shows and stays put otherwise; a meeting is locked
and read as committed; read-only sessions take no lock and cannot write."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update
from sqlmodel import select

from crisis_tui.config import Home
from crisis_tui.core import audit
from crisis_tui.core.board import board_counts
from crisis_tui.core.db import session_scope
from crisis_tui.core.decisions import decide
from crisis_tui.core.errors import LockedError, UsageError
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.models import Appointment, AuditEntry, CallOutcome, ImportBatch, Meeting, Notification, utcnow
from crisis_tui.core.sync import change_marker, lock_meeting
from crisis_tui.core.workspace import Workspace
from tests.factories import appointment

DAY = date(2026, 12, 7)


def _marker(workspace) -> tuple:
    with session_scope(workspace.engine, readonly=True) as session:
        return change_marker(session)


def _notify(session) -> None:
    session.add(Notification(appointment_id=session.exec(select(Appointment.id)).first(), reference="R1",
                             channel="sms", told_status="cancelled"))


def _outcome(session) -> None:
    session.add(CallOutcome(notification_id=session.exec(select(Notification.id)).first(), outcome="reached"))


def _sign(session) -> None:
    meeting = session.exec(select(Meeting)).first()
    meeting.signed_at, meeting.signed_by = utcnow(), "Dr Signer"
    session.add(meeting)


def test_the_marker_changes_with_each_kind_of_write_and_only_then(workspace):
    seen = [_marker(workspace)]
    assert _marker(workspace) == seen[-1]
    writes = [
        lambda s: s.add(ImportBatch(file_name="a.xlsx", sha256="0" * 64)),
        lambda s: appointment(s, "ARL", "consultation", DAY),
        lambda s: open_meeting(s, DAY),
        lambda s: decide(s, open_meeting(s, DAY), ["ARL"], ["consultation"], DAY, DAY, "cancelled"),
        _notify,
        _outcome,
        _sign,
    ]
    for write in writes:
        with workspace.session() as session:
            write(session)
        marker = _marker(workspace)
        assert marker not in seen, write
        seen.append(marker)
    assert _marker(workspace) == seen[-1]


def test_lock_meeting_reads_the_row_as_committed_not_as_remembered(workspace):
    with workspace.session() as session:
        meeting_id = open_meeting(session, DAY, chair="Dr Chair").id
    with workspace.session() as session:
        remembered = session.get(Meeting, meeting_id)
        assert lock_meeting(session, meeting_id) is remembered
        signed = update(Meeting).where(Meeting.id == meeting_id).values(signed_at=utcnow(), signed_by="Dr Signer")
        session.execute(signed.execution_options(synchronize_session=False))
        assert not remembered.signed
        with pytest.raises(LockedError, match="signed by Dr Signer"):
            lock_meeting(session, meeting_id)
        assert remembered.signed
    with workspace.session() as session:
        with pytest.raises(UsageError, match="meeting 999 does not exist"):
            lock_meeting(session, 999)


def test_a_read_only_session_cannot_write(workspace):
    with pytest.raises(RuntimeError, match="read-only session"):
        with session_scope(workspace.engine, readonly=True) as session:
            audit.record(session, action="x", target="y")
    with workspace.session() as session:
        assert session.exec(select(AuditEntry)).all() == []


def test_a_decision_on_one_workstation_shows_on_the_others_board_at_its_next_refresh(db_url, tmp_path):
    chair = Workspace.open(Home(tmp_path / "chair", db_override=db_url).ensure())
    secretary = Workspace.open(Home(tmp_path / "secretary", db_override=db_url).ensure())
    with secretary.session() as session:
        appointment(session, "ARL", "consultation", DAY)

    def board(workspace) -> tuple[tuple, str]:
        with session_scope(workspace.engine, readonly=True) as session:
            cells = board_counts(session, workspace.reference, DAY, DAY)
            status = next(c.status for c in cells if (c.site, c.activity) == ("ARL", "consultation"))
            return change_marker(session), status

    marker, status = board(secretary)
    with chair.session() as session:
        decide(session, open_meeting(session, DAY), ["ARL"], ["consultation"], DAY, DAY, "cancelled")
    assert board(secretary)[0] != marker and board(secretary)[1] == "cancelled" != status
    chair.close()
    secretary.close()
