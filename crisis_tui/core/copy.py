"""A whole database copied into another, e.g. a laptop's SQLite into the shared PostgreSQL and back.

Every table in foreign-key order, ids kept, in one transaction on the target, checked before it is committed:
the same number of rows in every table, and an audit chain that verifies as the source's does. A target holding
work (any row beyond the sites and activities every opening writes) is refused unless told how:
- `update`: the target is an earlier copy of this database; refused when it holds anything this one lacks
  (a row whose id is unknown here, an audit entry that differs), then it becomes an exact copy;
- `replace`: the target's content is dropped and it becomes an exact copy.
Rows are never merged one by one: two databases that both went on working cannot be joined by ids, and a
chained audit log cannot be interleaved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel

from crisis_tui.core.audit import verify_chain
from crisis_tui.core.db import create_schema, readonly_bind, reset_sequences
from crisis_tui.core.errors import UsageError
from crisis_tui.core.models import Activity, AuditEntry, Decision, ITSystem, Site
from crisis_tui.i18n import Message

MERGES = ("update", "replace")
REFERENCE_TABLES = frozenset({Site.__tablename__, Activity.__tablename__})  # written by every opening
# tables whose rows the application deletes (an IT list loaded again, a decision undone), every change to them
# audited: a row of theirs the target has and this database lacks may be one deleted here since the copy, so the
# audit comparison judges them, not their ids
AUDITED_DELETES = frozenset({ITSystem.__tablename__, Decision.__tablename__})
CHUNK = 1000


@dataclass
class CopyReport:
    source: str
    target: str
    tables: dict[str, int] = field(default_factory=dict)  # rows copied per table
    dropped: int = 0  # rows the target held before (beyond sites and activities)
    audit_problems: list[Message] = field(default_factory=list)  # the source's own, copied as they were

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def as_json(self) -> dict:
        return {"from": self.source, "to": self.target, "rows": self.rows, "tables": self.tables,
                "dropped": self.dropped, "audit_problems": [str(problem) for problem in self.audit_problems]}


def tables() -> list[Table]:
    return list(SQLModel.metadata.sorted_tables)


def same_database(a: Engine, b: Engine) -> bool:
    return a.url.render_as_string(hide_password=False) == b.url.render_as_string(hide_password=False)


def copy_database(source: Engine, target: Engine, *, merge: str | None = None) -> CopyReport:
    """Copy every row of `source` into `target` (see the module). UsageError, nothing changed, when refused."""
    if merge is not None and merge not in MERGES:
        raise UsageError(Message("error.bad_choice", option="--merge", value=merge, choices=", ".join(MERGES)))
    shown = target.url.render_as_string(hide_password=True)
    where = f"--to {shown}"
    if same_database(source, target):
        raise UsageError(Message("error.same_database", where=where))
    report = CopyReport(source.url.render_as_string(hide_password=True), shown)
    try:
        create_schema(target)
        with readonly_bind(source).connect() as reader, target.begin() as writer:
            report.dropped = _make_room(reader, writer, merge, where)
            for table in tables():
                report.tables[table.name] = _copy_table(reader, writer, table, where)
            reset_sequences(writer, tables())
            report.audit_problems = _check(reader, writer, report, where)
    except DBAPIError as exc:
        raise UsageError(Message("error.nothing_copied", where=where,
                                 reason=str(exc.orig).strip().splitlines()[0])) from exc
    return report


def _count(connection: Connection, table: Table) -> int:
    return connection.execute(select(func.count()).select_from(table)).scalar_one()


def _make_room(reader: Connection, writer: Connection, merge: str | None, where: str) -> int:
    """Empty the target when allowed; the number of rows of work it held."""
    held = {t.name: _count(writer, t) for t in tables() if t.name not in REFERENCE_TABLES}
    work = sum(held.values())
    if work and merge is None:
        names = ", ".join(f"{name} {n}" for name, n in held.items() if n)
        raise UsageError(Message("error.not_empty", where=where, names=names))
    if work and merge == "update":
        _check_behind(reader, writer, where)
    for table in reversed(tables()):
        writer.execute(table.delete())
    return work


def _check_behind(reader: Connection, writer: Connection, where: str) -> None:
    """Refuse when the target holds a row whose id this database lacks (outside AUDITED_DELETES), or an audit entry
    that differs or that this database lacks."""
    for table in tables():
        key = list(table.primary_key.columns)
        if len(key) != 1 or table.name in REFERENCE_TABLES | AUDITED_DELETES:
            continue
        ids = set(reader.execute(select(key[0])).scalars())
        extra = next((i for i in writer.execute(select(key[0]).order_by(key[0])).scalars() if i not in ids), None)
        if extra is not None:
            raise UsageError(Message("error.ahead", where=where, table=table.name, extra=extra))
    ours = dict(reader.execute(select(AuditEntry.id, AuditEntry.hash)).all())
    for entry_id, entry_hash in writer.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id)):
        if ours.get(entry_id) != entry_hash:
            raise UsageError(Message("error.diverged", where=where, id=entry_id))


def _copy_table(reader: Connection, writer: Connection, table: Table, where: str) -> int:
    query = select(table).order_by(*table.primary_key.columns).execution_options(yield_per=CHUNK)
    copied = 0
    for rows in reader.execute(query).partitions(CHUNK):
        batch = [dict(row._mapping) for row in rows]
        try:
            writer.execute(table.insert(), batch)
        except DBAPIError as exc:
            first = str(exc.orig).strip().splitlines()[0]
            raise UsageError(Message("error.nothing_copied", where=where, reason=Message(
                "error.copy_rows", table=table.name, id=batch[0].get("id", "?"), reason=first))) from exc
        copied += len(batch)
    return copied


def _check(reader: Connection, writer: Connection, report: CopyReport, where: str) -> list[Message]:
    """Same counts on both sides, the same audit chain verdict; the source's own audit problems."""
    for table in tables():
        if _count(writer, table) != report.tables[table.name]:
            raise UsageError(Message("error.nothing_copied", where=where, reason=Message(
                "error.copy_count", table=table.name, found=_count(writer, table), expected=report.tables[table.name])))
    with Session(bind=reader) as source_session, Session(bind=writer) as target_session:
        theirs, ours = verify_chain(target_session), verify_chain(source_session)
    if theirs != ours:
        first = sorted(set(theirs) ^ set(ours))[0]
        raise UsageError(Message("error.nothing_copied", where=where, reason=Message("error.copy_chain", first=first)))
    return ours
