"""One sheet's rows -> appointment values, or the reason a row is set aside.

A `SheetPlan` is built once per sheet from its header (`columns.ColumnMap`): which cells hold what, and where the
site and activity come from (the caller's choice, else the row's own column, else the sheet or file name). Values
met again are converted once (dates, names and places repeat across thousands of rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Sequence

from crisis_tui.core.ingest import normalize
from crisis_tui.core.ingest.cells import cell_text
from crisis_tui.core.ingest.columns import ColumnMap
from crisis_tui.core.reference import Ambiguous
from crisis_tui.core.text import key

Reason = tuple[str, tuple[tuple[str, str], ...]]  # catalog key under import.reason, and its values
Finder = Callable[[object], "str | None"]


@dataclass(frozen=True)
class Place:
    """Where a sheet's site (or activity) comes from: a fixed code, or a column with a fallback for empty cells."""

    what: str  # "site" or "activity"
    column: int | None
    fallback: str | None  # the code the file or sheet name gives
    fallback_reason: Reason  # why there is none when fallback is None
    find: Finder


def place_from_names(what: str, find: Finder, names: Sequence[str | None]) -> tuple[str | None, Reason]:
    """The code the first of `names` (sheet name, then file name) that names one gives; else why there is none."""
    reason: Reason = (f"no_{what}", ())
    for name in names:
        if not name:
            continue
        try:
            code = find(name.replace("_", " "))
        except Ambiguous as exc:
            reason = (f"{what}_ambiguous", (("value", name), ("codes", str(exc))))
            continue
        if code:
            return code, reason
    return None, reason


class SheetPlan:
    """Converts the data rows of one sheet. `convert` returns the appointment's values or a Reason."""

    def __init__(self, columns: ColumnMap, site: Place, activity: Place) -> None:
        roles = columns.roles
        self.patient = roles.get("patient")
        self.last = roles.get("last_name")
        self.first = roles.get("first_name")
        self.date = roles.get("datetime") if "datetime" in roles and "time" not in roles else roles.get("date")
        if self.date is None:
            self.date = roles.get("datetime")
        self.time = roles.get("time")
        self.birth = roles.get("birth_date")
        self.doctor = roles.get("doctor")
        self.service = roles.get("service")
        self.phones = columns.phones
        self.site = site
        self.activity = activity
        self._starts: dict[tuple[object, object], datetime | None] = {}
        self._texts: dict[object, str] = {}
        self._keys: dict[str, str] = {}
        self._names: dict[object, tuple[str, str]] = {}
        self._places: dict[tuple[str, object], str | Reason] = {}
        self._births: dict[object, object] = {}

    def convert(self, cells: Sequence[object]) -> dict | Reason:
        width = len(cells)
        if self.patient is not None:
            value = cells[self.patient] if self.patient < width else None
            names = self._names.get(value)
            if names is None:
                names = self._names[value] = normalize.split_patient(value)
            last, first = names
        else:
            last = self.text(cells, self.last)
            first = self.text(cells, self.first)
        date_value = cells[self.date] if self.date < width else None
        time_value = cells[self.time] if self.time is not None and self.time < width else None
        try:
            start = self._starts[date_value, time_value]
        except KeyError:
            start = self._starts[date_value, time_value] = _start(date_value, time_value)
        except TypeError:  # an unhashable cell never comes from our readers; convert it without the cache
            start = _start(date_value, time_value)
        if not (last or first):
            return ("no_name", ())
        if start is None:
            if date_value is None or cell_text(date_value).strip() == "":
                return ("no_date", ())
            return ("bad_date", (("value", cell_text(date_value)),))
        site = self._place(self.site, cells, width)
        if not isinstance(site, str):
            return site
        activity = self._place(self.activity, cells, width)
        if not isinstance(activity, str):
            return activity
        phones = normalize.phone_info([cells[i] for i in self.phones if i < width])
        doctor = self.text(cells, self.doctor)
        service = self.text(cells, self.service)
        last_key, first_key = self.key(last), self.key(first)
        return {
            "site": site,
            "activity": activity,
            "start": start,
            "day": start.date(),
            "service": service,
            "doctor": doctor,
            "last_name": last,
            "first_name": first,
            "birth_date": self._birth(cells, width),
            "phone_raw": phones.raw,
            "phones": phones.phones,
            "phone_kinds": phones.kinds,
            "phone_kind": phones.kind,
            "patient_key": f"{last_key} {first_key}".strip(),
            "doctor_key": self.key(doctor),
            "service_key": self.key(service),
            "dedupe_key": f"{site}|{activity}|{start:%Y-%m-%dT%H:%M}|{last_key}|{first_key}",
        }

    def text(self, cells: Sequence[object], index: int | None) -> str:
        if index is None or index >= len(cells):
            return ""
        value = cells[index]
        text = self._texts.get(value)
        if text is None:
            text = self._texts[value] = normalize.clean_text(value)
        return text

    def key(self, text: str) -> str:
        folded = self._keys.get(text)
        if folded is None:
            folded = self._keys[text] = key(text)
        return folded

    def _birth(self, cells: Sequence[object], width: int):
        if self.birth is None or self.birth >= width:
            return None
        value = cells[self.birth]
        if value not in self._births:
            self._births[value] = normalize.to_date(value)
        return self._births[value]

    def _place(self, place: Place, cells: Sequence[object], width: int) -> str | Reason:
        value = cells[place.column] if place.column is not None and place.column < width else None
        text = self.text(cells, place.column) if value is not None else ""
        if not text:
            return place.fallback or place.fallback_reason
        found = self._places.get((place.what, text))
        if found is None:
            try:
                code = place.find(text)
            except Ambiguous as exc:
                found = (f"{place.what}_ambiguous", (("value", text), ("codes", str(exc))))
            else:
                found = code or (f"{place.what}_unknown", (("value", text),))
            self._places[place.what, text] = found
        return found


def _start(date_value: object, time_value: object) -> datetime | None:
    start = normalize.to_datetime(date_value, time_value)
    return start.replace(second=0, microsecond=0) if start is not None else None
