"""Several workstations on one database: noticing what the others changed, and taking turns with them.

Writing transactions hold the writer lock (see `crisis_tui.core.db`), so ids are handed out in commit order:
the largest id of a table only grows, and a new largest id means something new was committed.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from crisis_tui.core.db import lock_writes
from crisis_tui.core.errors import UsageError
from crisis_tui.core.meetings import ensure_unlocked
from crisis_tui.core.models import Appointment, AuditEntry, CallOutcome, ImportBatch, Meeting, Notification
from crisis_tui.i18n import Message

# Decisions, overrides, meetings opened and edited, IT changes are audited; imports, lists exported and call
# outcomes add rows of their own; a signature fills signed_at.
_LATEST = (AuditEntry.id, ImportBatch.id, Appointment.id, Notification.id, CallOutcome.id, Meeting.id)


def change_marker(session: Session) -> tuple:
    """One cheap query (primary-key maxima) whose answer changes whenever anything the board shows was written:
    compare it with the previous answer and recount only when it differs."""
    columns = [select(func.max(column)).scalar_subquery() for column in _LATEST]
    columns.append(select(func.count(Meeting.signed_at)).scalar_subquery())
    return tuple(session.exec(select(*columns)).one())


def lock_meeting(session: Session, meeting_id: int) -> Meeting:
    """The meeting as committed now, locked until this transaction ends; LockedError (who signed it) when it is
    signed already. Call it before signing or changing a meeting another workstation may be signing."""
    lock_writes(session)
    query = select(Meeting).where(Meeting.id == meeting_id).with_for_update()
    meeting = session.exec(query.execution_options(populate_existing=True)).first()
    if meeting is None:
        raise UsageError(Message("error.no_meeting", id=meeting_id))
    ensure_unlocked(meeting)
    return meeting
