"""The append-only audit log, chained by SHA-256: each entry's hash covers its content and the previous hash."""

from __future__ import annotations

import hashlib
import json
import uuid

from sqlmodel import Session, select

from crisis_tui.core.db import lock_writes
from crisis_tui.core.models import AuditEntry, utcnow
from crisis_tui.i18n import Message

GENESIS = "0" * 64


def entry_hash(entry: AuditEntry, prev_hash: str) -> str:
    content = {
        "at": entry.at.isoformat(timespec="microseconds"),
        "actor": entry.actor,
        "meeting_id": entry.meeting_id,
        "action": entry.action,
        "group": entry.group,
        "target": entry.target,
        "old": entry.old,
        "new": entry.new,
        "reason": entry.reason,
        "prev": prev_hash,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def new_group() -> str:
    return uuid.uuid4().hex


def record(
    session: Session,
    *,
    action: str,
    target: str,
    old: str = "",
    new: str = "",
    reason: str = "",
    actor: str = "",
    meeting_id: int | None = None,
    group: str = "",
) -> AuditEntry:
    """Append one entry, chained to the last one. The writer lock is held first, so no other workstation can
    append between the read of the tail and this entry (and a unique prev_hash makes a fork impossible anyway)."""
    lock_writes(session)
    last = session.exec(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).first()
    prev = last.hash if last else GENESIS
    entry = AuditEntry(
        at=utcnow(), actor=actor, meeting_id=meeting_id, action=action, group=group or new_group(),
        target=target, old=old, new=new, reason=reason, prev_hash=prev,
    )
    entry.hash = entry_hash(entry, prev)
    session.add(entry)
    session.flush()
    return entry


def value(text: str) -> dict:
    """An entry's `old` or `new` written as a JSON object; {} when it is not one (`verify_chain` names it altered)."""
    try:
        loaded = json.loads(text)
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def untraced(change: str, meeting_id: int, what: str, key: str, name: str | None = None) -> Message:
    """The problem line of a row that is not as the audit log last recorded it: `altered`, `added` (no entry names
    it) or `removed` (an entry names it, no row is left). `what` is `decision` or `override`; `key` the one of the
    signed record (`minutes.record`), `name` how the line names it (the key by default)."""
    return Message(f"minutes.problem.untraced_{change}", id=meeting_id, what=Message(f"minutes.problem.{what}"),
                   key=key, name=key if name is None else name)


def verify_chain(session: Session) -> list[Message]:
    """Problems found in the chain, one line each (empty when intact)."""
    problems = []
    prev = GENESIS
    for entry in session.exec(select(AuditEntry).order_by(AuditEntry.id)):
        if entry.prev_hash != prev:
            problems.append(Message("minutes.problem.audit_chain_broken", id=entry.id))
        if entry_hash(entry, entry.prev_hash) != entry.hash:
            problems.append(Message("minutes.problem.audit_altered", id=entry.id, action=entry.action,
                                    target=entry.target))
        prev = entry.hash
    return problems
