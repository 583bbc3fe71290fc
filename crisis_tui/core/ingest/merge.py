"""Duplicates merged, not just dropped: the same appointment met again (later in a file, or in a later import) adds
to the stored one what it lacks: numbers it does not hold yet, a doctor, a service, a birth date.

A patient whose first export had no number and whose second has a mobile must get the SMS: keeping only the first
row would leave them unreachable. Nothing the stored appointment holds is replaced.

Two rows with one dedupe key (site, activity, start, name) are one patient unless both give a birth date and the
dates differ: two men named Jan Peeters on a list of the day without times are two patients, each to be told. The
first one met keeps the key; the other's key gets its birth date (`other_patient`).
"""

from __future__ import annotations

from datetime import date
from typing import Sequence

from sqlalchemy import bindparam, select, update
from sqlmodel import Session

from crisis_tui.core.ingest.phones import RAW_SEPARATOR, phone_info
from crisis_tui.core.ingest.rowmap import APPOINTMENT_COLUMNS
from crisis_tui.core.models import Appointment

LOOKUP_KEYS = 900  # dedupe keys per IN (...) lookup
MERGED = ("doctor", "doctor_key", "service", "service_key", "birth_date", "phone_raw", "phones", "phone_kinds",
          "phone_kind")
_AT = {name: APPOINTMENT_COLUMNS.index(name) for name in (*MERGED, "dedupe_key")}
BIRTH = _AT["birth_date"]
BORN = "#"  # in a dedupe key, before the birth date of a patient whose name another patient of that key bears


def same_patient(held: object, birth: object) -> bool:
    """Whether a row with the birth date `birth` is the patient holding its dedupe key (born `held`): yes unless
    both dates are known and differ (dates compared as ISO text: the SQLite driver takes and gives them so)."""
    return held is None or birth is None or str(held) == str(birth)


def other_patient(appointment: tuple) -> tuple:
    """The row keyed as the other patient of its name: its birth date added to its dedupe key."""
    return (*appointment[:-1], f"{appointment[-1]}{BORN}{appointment[BIRTH]}")


def brings_anything(appointment: Sequence[object]) -> bool:
    """Whether an appointment row (APPOINTMENT_COLUMNS values) holds anything a merge could add."""
    return any(appointment[_AT[name]] for name in ("phone_raw", "doctor", "service", "birth_date"))


def merged(stored: dict[str, object], again: dict[str, object]) -> dict[str, object]:
    """The MERGED values of a stored appointment once `again` (the same appointment, met again) is merged in."""
    result = dict(stored)
    for text, key in (("doctor", "doctor_key"), ("service", "service_key")):
        if not stored[text] and again[text]:
            result[text], result[key] = again[text], again[key]
    if stored["birth_date"] is None and again["birth_date"] is not None:
        result["birth_date"] = again["birth_date"]
    raws = _raws(stored["phone_raw"])
    added = [raw for raw in _raws(again["phone_raw"]) if raw not in raws]
    if added:
        info = phone_info(raws + added)
        result.update(phone_raw=info.raw, phones=info.phones, phone_kinds=info.kinds, phone_kind=info.kind)
    return result


def merge_into_stored(session: Session, appointments: Sequence[Sequence[object]]) -> int:
    """Merge appointment rows (APPOINTMENT_COLUMNS values) into the stored appointments with their dedupe keys, in
    order; how many stored appointments changed."""
    if not appointments:
        return 0
    table = Appointment.__table__
    keys = list(dict.fromkeys(row[_AT["dedupe_key"]] for row in appointments))
    stored: dict[str, dict[str, object]] = {}
    for start in range(0, len(keys), LOOKUP_KEYS):
        found = session.execute(select(table.c.dedupe_key, *(table.c[name] for name in MERGED))
                                .where(table.c.dedupe_key.in_(keys[start : start + LOOKUP_KEYS])))
        stored.update((row[0], dict(zip(MERGED, row[1:]))) for row in found)
    before = {key: dict(values) for key, values in stored.items()}
    for row in appointments:
        key = row[_AT["dedupe_key"]]
        if key in stored:
            stored[key] = merged(stored[key], _values(row))
    changed = [{"key": key, **values} for key, values in stored.items() if values != before[key]]
    if changed:
        session.execute(update(table).where(table.c.dedupe_key == bindparam("key")), changed)
    return len(changed)


def _values(row: Sequence[object]) -> dict[str, object]:
    values = {name: row[_AT[name]] for name in MERGED}
    if isinstance(values["birth_date"], str):  # as the SQLite driver takes it (`store.storer`): back to a date
        values["birth_date"] = date.fromisoformat(values["birth_date"])
    return values


def _raws(phone_raw: object) -> list[str]:
    return str(phone_raw).split(RAW_SEPARATOR) if phone_raw else []
