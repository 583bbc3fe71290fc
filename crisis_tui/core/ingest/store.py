"""Appointment rows into the database, fast: straight to the driver on SQLite, in a second thread.

The rows are `rowmap.APPOINTMENT_COLUMNS` tuples. An appointment whose dedupe key is already stored is not inserted
(and counted as a duplicate by the caller: submitted - inserted); those that may add to the stored one are kept
aside for the caller to merge (`merge`).
"""

from __future__ import annotations

import itertools
import queue
import threading
from operator import itemgetter

from sqlalchemy import insert, select
from sqlmodel import Session

from crisis_tui.core.ingest.merge import brings_anything
from crisis_tui.core.ingest.rowmap import APPOINTMENT_COLUMNS
from crisis_tui.core.models import Appointment

LOOKUP_KEYS = 900  # dedupe keys per IN (...) lookup
ROWS_PER_STATEMENT = 1800  # x 18 values: under SQLite's 32766 parameters
# "site|activity|start to the minute|patient": sorting by it (one string a row, 3x faster than a tuple key) puts
# rows by site and activity, in start order
_DEDUPE_KEY = itemgetter(APPOINTMENT_COLUMNS.index("dedupe_key"))


class Writer:
    """Runs the inserts in a second thread, a chunk at a time: the database works (without the GIL) while the
    next rows are read and converted. Only this thread touches the session until the `with` block ends."""

    def __init__(self, inserter: "Inserter") -> None:
        self.inserter = inserter
        self.chunks: queue.Queue[list[tuple] | None] = queue.Queue(maxsize=2)
        self.thread = threading.Thread(target=self._work, name="import-writer", daemon=True)
        self.submitted = self.inserted = 0
        self.error: BaseException | None = None

    def __enter__(self) -> "Writer":
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.chunks.put(None)
        self.thread.join()
        if self.error is not None and exc_info[0] is None:
            raise self.error

    def submit(self, rows: list[tuple]) -> None:
        if self.error is not None:
            raise self.error
        self.submitted += len(rows)
        self.chunks.put(rows)

    def _work(self) -> None:
        while (rows := self.chunks.get()) is not None:
            if self.error is None:
                try:
                    self.inserted += self.inserter.insert(rows)
                except BaseException as exc:  # handed to the importing thread, which rolls back
                    self.error = exc


class Inserter:
    """Appointment rows (APPOINTMENT_COLUMNS tuples) into the database, skipping those whose dedupe key is there.

    On SQLite the rows go to the driver as they are, dates already in SQLAlchemy's own storage format (`stores`),
    1800 rows a statement with ON CONFLICT (dedupe_key) DO NOTHING: ~3x faster than a Core insert of dicts after
    a lookup, and SQLite works without the GIL for a whole statement. Other databases get the lookup (in chunks)
    and a Core insert.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        dialect = session.get_bind().dialect
        self.direct = dialect.name == "sqlite"
        table = Appointment.__table__
        self.stores = (
            (storer(table.c.start.type, dialect), storer(table.c.day.type, dialect)) if self.direct else ()
        )
        self._statements: dict[int, str] = {}
        self.met_again: list[tuple] = []  # rows already stored by an earlier import, that may add to it

    def _statement(self, rows: int) -> str:
        """INSERT of `rows` rows in one statement. executemany would take the GIL back after every row, waiting up
        to 5 ms each time for the converting thread to give it up: the writer thread then barely overlaps."""
        if rows not in self._statements:
            one = f"({', '.join('?' * len(APPOINTMENT_COLUMNS))})"
            self._statements[rows] = (f"INSERT INTO {Appointment.__table__.name} ({', '.join(APPOINTMENT_COLUMNS)}) "
                                      f"VALUES {', '.join([one] * rows)} ON CONFLICT (dedupe_key) DO NOTHING")
        return self._statements[rows]

    def insert(self, rows: list[tuple]) -> int:
        """Insert the rows not in the database yet (the list is reordered); how many were."""
        if self.direct:
            rows.sort(key=_DEDUPE_KEY)  # index pages then fill in order: ~10% less work for SQLite
            connection = self.session.connection()
            inserted = 0
            for start in range(0, len(rows), ROWS_PER_STATEMENT):
                group = rows[start : start + ROWS_PER_STATEMENT]
                values = tuple(itertools.chain.from_iterable(group))
                count = connection.exec_driver_sql(self._statement(len(group)), values).rowcount
                if count < len(group):
                    self._met_again(connection, group)
                inserted += count
            return inserted
        keys = [row[-1] for row in rows]
        existing: set[str] = set()
        for start in range(0, len(keys), LOOKUP_KEYS):
            existing.update(self.session.execute(
                select(Appointment.dedupe_key).where(Appointment.dedupe_key.in_(keys[start : start + LOOKUP_KEYS]))
            ).scalars())
        new = [dict(zip(APPOINTMENT_COLUMNS, row)) for row in rows if row[-1] not in existing]
        self.met_again.extend(row for row in rows if row[-1] in existing and brings_anything(row))
        if new:
            self.session.execute(insert(Appointment.__table__), new)
        return len(new)

    def _met_again(self, connection, group: list[tuple]) -> None:
        """Keep aside the rows of a group that were not inserted: an earlier import (another batch) stored them."""
        keys = [row[-1] for row in group]
        earlier = set(connection.exec_driver_sql(
            f"SELECT dedupe_key FROM {Appointment.__table__.name} WHERE batch_id IS NOT ? "
            f"AND dedupe_key IN ({', '.join('?' * len(keys))})", (group[0][0], *keys)).scalars())
        self.met_again.extend(row for row in group if row[-1] in earlier and brings_anything(row))


def storer(column_type, dialect):
    """A function turning a value into what the driver takes for this column type (identity when nothing)."""
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    return process if process is not None else (lambda value: value)
