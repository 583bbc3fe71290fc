"""Appointment rows into the database, fast: straight to the driver on SQLite, in a second thread.

The rows are `rowmap.APPOINTMENT_COLUMNS` tuples. An appointment whose dedupe key is already stored is not inserted
(and counted as a duplicate by the caller: submitted - inserted); those that may add to the stored one are kept
aside for the caller to merge (`merge`), and those of a patient born another day than the stored one are inserted
as another patient of that name (`merge.same_patient`).
"""

from __future__ import annotations

import itertools
import queue
import threading
from operator import itemgetter

from sqlalchemy import insert, select
from sqlmodel import Session

from crisis_tui.core.ingest.merge import BIRTH, BORN, brings_anything, other_patient, same_patient
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
        """Insert the rows whose dedupe key no appointment holds yet (the list is reordered); how many were. A row
        whose key an earlier import's appointment holds is met again (kept aside to merge), or, born another day
        than that patient, is another patient of the name: inserted under `merge.other_patient`'s key."""
        rows = self._known_others(rows)
        others: list[tuple] = []
        inserted = 0
        if self.direct:
            rows.sort(key=_DEDUPE_KEY)  # index pages then fill in order: ~10% less work for SQLite
            connection = self.session.connection()
            for start in range(0, len(rows), ROWS_PER_STATEMENT):
                group = rows[start : start + ROWS_PER_STATEMENT]
                values = tuple(itertools.chain.from_iterable(group))
                count = connection.exec_driver_sql(self._statement(len(group)), values).rowcount
                if count < len(group):
                    others += self._met_again(group, self._holders([row[-1] for row in group]))
                inserted += count
        else:
            holders = self._holders([row[-1] for row in rows])
            others = self._met_again(rows, holders)
            new = [dict(zip(APPOINTMENT_COLUMNS, row)) for row in rows if row[-1] not in holders]
            if new:
                self.session.execute(insert(Appointment.__table__), new)
            inserted = len(new)
        return inserted + (self.insert(others) if others else 0)

    def born_elsewhere(self, rows: list[tuple]) -> tuple[int, list[tuple]]:
        """Rows met again within the file, once every row is stored: those born another day than the patient now
        holding their key (whose birth date came from another row or an earlier import) are inserted as the other
        patient of the name. How many were inserted, and the rest (to merge into the stored ones)."""
        holders = self._holders(list({row[-1] for row in rows if row[BIRTH] is not None}))
        others: dict[str, tuple] = {}
        rest = []
        for row in rows:
            held = holders.get(row[-1])
            if held is None or same_patient(held[1], row[BIRTH]):
                rest.append(row)
                continue
            other = other_patient(row)
            if other[-1] in others:
                rest.append(other)  # that other patient met again: merged once inserted
            else:
                others[other[-1]] = other
        return (self.insert(list(others.values())) if others else 0), rest

    def _holders(self, keys: list[str]) -> dict[str, tuple[int, object]]:
        """The appointments holding these dedupe keys: key -> (their import batch, their patient's birth date)."""
        table = Appointment.__table__
        found: dict[str, tuple[int, object]] = {}
        for start in range(0, len(keys), LOOKUP_KEYS):
            found.update((key_, (batch, born)) for key_, batch, born in self.session.execute(
                select(table.c.dedupe_key, table.c.batch_id, table.c.birth_date)
                .where(table.c.dedupe_key.in_(keys[start : start + LOOKUP_KEYS]))))
        return found

    def _met_again(self, rows: list[tuple], holders: dict[str, tuple[int, object]]) -> list[tuple]:
        """Of rows whose key is held: keep aside those an earlier import stored (they may add to it), and return
        those born another day than the holder, keyed as the other patient of the name."""
        others = []
        for row in rows:
            held = holders.get(row[-1])
            if held is None:
                continue
            batch, born = held
            if not same_patient(born, row[BIRTH]) and BORN not in row[-1]:
                others.append(other_patient(row))
            elif batch != row[0] and brings_anything(row):
                self.met_again.append(row)
        return others

    def _known_others(self, rows: list[tuple]) -> list[tuple]:
        """The rows this file keyed as another patient of a name (`merge.other_patient`) who turns out to be the
        patient an earlier import stored under the name's own key: met again under that key, not inserted."""
        born = [row for row in rows if BORN in row[-1]]
        if not born:
            return rows
        holders = self._holders(list({row[-1].partition(BORN)[0] for row in born}))
        known = set()
        for row in born:
            name_key = row[-1].partition(BORN)[0]
            held = holders.get(name_key)
            if held is not None and held[0] != row[0] and held[1] is not None and same_patient(held[1], row[BIRTH]):
                known.add(id(row))
                if brings_anything(row):
                    self.met_again.append((*row[:-1], name_key))
        if not known:  # the common case: no row here is one of those (a chunk holds thousands)
            return rows
        return [row for row in rows if id(row) not in known]


def storer(column_type, dialect):
    """A function turning a value into what the driver takes for this column type (identity when nothing)."""
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    return process if process is not None else (lambda value: value)
