"""Schema creation and upgrades, the same on SQLite and PostgreSQL; the versions applied are in `schema_version`.

`upgrade` is one writing transaction: two workstations starting at once take turns, a failed upgrade changes
nothing. `is_current` tells, read-only, whether there is anything to do.
1. A database written by a newer crisis-tui is refused (its upgrades are unknown here).
2. A new database gets every table and is recorded at the current version.
3. An existing one gets what models.py gained since: missing tables, columns (existing rows take the field's
   default) and indexes; then the numbered steps above its version run in order, for what is not additive
   (a data change, a constraint old rows must be made to meet).
A field or a table added to models.py needs no step, as long as the field has a default or may be null.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, func, inspect, literal, select, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

from crisis_tui.core import models
from crisis_tui.core.errors import UsageError
from crisis_tui.i18n import Message

BASELINE = 1  # a database made before schema_version existed


@dataclass(frozen=True)
class Step:
    version: int
    description: str
    run: Callable[[Connection], None]


def _drop_appointment_batch_index(connection: Connection) -> None:
    connection.execute(text("DROP INDEX IF EXISTS ix_appointment_batch_id"))


STEPS: tuple[Step, ...] = (
    Step(2, "appointment.batch_id no longer indexed: nothing searches by it, and it slowed imports",
         _drop_appointment_batch_index),
)

version_table = Table(
    "schema_version", MetaData(),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", String(200), nullable=False),
    Column("applied_at", DateTime, nullable=False),
)


def head(steps: Sequence[Step] = STEPS) -> int:
    return max([BASELINE, *(step.version for step in steps)])


def database_version(connection: Connection) -> int | None:
    """The version recorded in the database; None when it has no schema_version table or row."""
    if not inspect(connection).has_table(version_table.name):
        return None
    return connection.execute(select(func.max(version_table.c.version))).scalar()


def is_current(connection: Connection, steps: Sequence[Step] = STEPS) -> bool:
    """Whether the database is at the current version with every table, column and index of models.py: then
    `upgrade` has nothing to do, and a read-only transaction can tell (no wait for another workstation's writing
    one)."""
    if database_version(connection) != head(steps):
        return False
    inspector = inspect(connection)
    columns, indexes = inspector.get_multi_columns(), inspector.get_multi_indexes()
    for table in SQLModel.metadata.sorted_tables:
        key = (None, table.name)
        if key not in columns \
                or {column.name for column in table.columns} - {column["name"] for column in columns[key]} \
                or {index.name for index in table.indexes} - {index["name"] for index in indexes[key]}:
            return False
    return True


def upgrade(engine: Engine, steps: Sequence[Step] = STEPS) -> int:
    """Bring the database to the current schema; returns its version."""
    latest = head(steps)
    with engine.begin() as connection:
        current = database_version(connection)
        if current is not None and current > latest:
            raise UsageError(Message("error.newer_schema", current=current, latest=latest))
        existing = set(inspect(connection).get_table_names())
        if current is None and existing and not existing & set(SQLModel.metadata.tables) \
                and connection.dialect.name == "sqlite":  # a server database may hold an extension's tables
            raise UsageError(_not_ours(engine, existing))
        version_table.create(connection, checkfirst=True)
        if not existing & set(SQLModel.metadata.tables):
            SQLModel.metadata.create_all(connection)
            _record(connection, latest, "created")
            return latest
        unversioned = current is None
        if unversioned:
            current = BASELINE
            _record(connection, current, "baseline: made before schema versions were recorded")
        SQLModel.metadata.create_all(connection)
        for table in SQLModel.metadata.sorted_tables:
            if table.name in existing:
                _add_missing(connection, table, engine if unversioned else None)
        for step in sorted(steps, key=lambda s: s.version):
            if step.version > current:
                step.run(connection)
                _record(connection, step.version, step.description)
        return latest


def _record(connection: Connection, version: int, description: str) -> None:
    connection.execute(version_table.insert().values(
        version=version, description=description[:200], applied_at=models.utcnow()))


def _add_missing(connection: Connection, table: Table, unversioned: Engine | None) -> None:
    """The table's new columns and indexes. In a database that records no schema version (`unversioned`: made
    before versions were recorded, or by another application), a required column without a default that is
    missing means the table is another application's: refused."""
    inspector = inspect(connection)
    columns = {column["name"] for column in inspector.get_columns(table.name)}
    for column in table.columns:
        if column.name not in columns:
            if unversioned is not None and not column.nullable and _default_sql(connection, column) is None:
                raise UsageError(_not_ours(unversioned, [table.name]))
            connection.execute(text(add_column_ddl(connection, column)))
    indexes = {index["name"] for index in inspector.get_indexes(table.name)}
    for index in table.indexes:
        if index.name not in indexes:
            index.create(connection)


def _not_ours(engine: Engine, tables) -> Message:
    return Message("error.not_our_database", where=engine.url.render_as_string(hide_password=True),
                   tables=", ".join(sorted(tables)[:5]))


def add_column_ddl(connection: Connection, column: Column) -> str:
    """ALTER TABLE ... ADD COLUMN for a model column: its type, its default (rows already there take it), NULL
    or not."""
    dialect = connection.dialect
    preparer = dialect.identifier_preparer
    ddl = (f"ALTER TABLE {preparer.format_table(column.table)} ADD COLUMN {preparer.format_column(column)} "
           f"{column.type.compile(dialect=dialect)}")
    default = _default_sql(connection, column)
    if default is not None:
        ddl += f" DEFAULT {default}"
    if not column.nullable:
        if default is None:
            raise RuntimeError(f"{column.table.name}.{column.name} is required and has no default: "
                               "add a Step in crisis_tui/core/schema.py that fills it")
        ddl += " NOT NULL"
    return ddl


def _default_sql(connection: Connection, column: Column) -> str | None:
    if column.server_default is not None:
        value = column.server_default.arg
        if not isinstance(value, str):
            return str(value.compile(dialect=connection.dialect))
    elif column.default is not None:
        value = column.default.arg(None) if column.default.is_callable else column.default.arg
    else:
        return None
    if value is None:
        return None
    return str(literal(value, column.type).compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
