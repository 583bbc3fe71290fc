"""One sheet's rows -> appointment values, or the reason a row is set aside.

A `SheetPlan` is built once per sheet from its header (`columns.ColumnMap`): which cells hold what, and where the
site and activity come from (the caller's choice, else the row's own column, else the sheet or file name). Values
met again are converted once (dates, names and places repeat across thousands of rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from crisis_tui.core.clock import today
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


# the values `SheetPlan.convert` gives, in this order (the dedupe key last)
APPOINTMENT_COLUMNS = (
    "batch_id", "site", "activity", "start", "day", "service", "doctor", "last_name", "first_name", "birth_date",
    "phone_raw", "phones", "phone_kinds", "phone_kind", "patient_key", "doctor_key", "service_key", "dedupe_key",
)
PHONE_CACHE_SIZE = 10_000
Store = Callable[[object], object]  # a date or datetime as the database driver takes it


def _same(value: object) -> object:
    return value


class SheetPlan:
    """Converts the data rows of one sheet: `convert` gives the APPOINTMENT_COLUMNS values, or a Reason.

    Dates go out through `store_datetime` / `store_date` (the dialect's own conversion when rows are handed to the
    driver directly). Each distinct cell value of a column is converted once per sheet: dates, names, doctors and
    places repeat across thousands of rows, and an import of 100k rows must stay close to the bare read.
    """

    def __init__(self, columns: ColumnMap, site: Place, activity: Place, batch_id: int,
                 store_datetime: Store = _same, store_date: Store = _same) -> None:
        roles = columns.roles
        self.patient = roles.get("patient")
        self.last = roles.get("last_name")
        self.first = roles.get("first_name")
        # a date-and-time column gives the day when there is no date column, else the time when there is no time
        self.date = roles.get("date", roles.get("datetime"))
        self.time = roles.get("time", roles.get("datetime") if "date" in roles else None)
        self.birth = roles.get("birth_date")
        self.doctor = roles.get("doctor")
        self.service = roles.get("service")
        self.phones = columns.phones
        self.site, self.activity = site, activity
        self.batch_id = batch_id
        self.store_datetime, self.store_date = store_datetime, store_date
        used = [i for i in (self.patient, self.last, self.first, self.date, self.time, self.birth, self.doctor,
                            self.service, site.column, activity.column, *self.phones) if i is not None]
        self.width = max(used) + 1
        self._starts: dict[tuple[object, object], tuple[object, object, str] | None] = {}
        self._words: dict[object, tuple[str, str]] = {}  # cell -> (clean text, key)
        self._names: dict[object, tuple[str, str, str, str]] = {}  # patient cell -> last, first and their keys
        self._sites: dict[object, str | Reason] = {}
        self._activities: dict[object, str | Reason] = {}
        self._births: dict[object, object] = {}
        self.today = today()
        self._phone_infos: dict[tuple[object, ...], normalize.PhoneInfo] = {}

    def convert(self, cells: Sequence[object]) -> tuple | Reason:
        if len(cells) < self.width:
            cells = [*cells, *([None] * (self.width - len(cells)))]
        if self.patient is not None:
            value = cells[self.patient]
            names = self._names.get(value)
            if names is None:
                names = self._names[value] = self._split(value)
            last, first, last_key, first_key = names
        else:
            last, last_key = self.words(cells, self.last)
            first, first_key = self.words(cells, self.first)
        date_value = cells[self.date]
        time_value = cells[self.time] if self.time is not None else None
        moment = self._starts.get((date_value, time_value), False)
        if moment is False:
            moment = self._starts[date_value, time_value] = self._start(date_value, time_value)
        if not (last or first):
            return ("no_name", ())
        if moment is None:
            if date_value is None or not cell_text(date_value).strip():
                return ("no_date", ())
            return ("bad_date", (("value", cell_text(date_value)),))
        site = self._place(self.site, self._sites, cells)
        if type(site) is not str:
            return site
        activity = self._place(self.activity, self._activities, cells)
        if type(activity) is not str:
            return activity
        phone_values = tuple([value for i in self.phones if (value := cells[i]) != "" and value is not None])
        phones = self._phone_infos.get(phone_values)
        if phones is None:
            phones = normalize.phone_info(phone_values)
            if len(self._phone_infos) < PHONE_CACHE_SIZE:  # numbers are mostly unique: keep memory bounded
                self._phone_infos[phone_values] = phones
        doctor, doctor_key = self.words(cells, self.doctor)
        service, service_key = self.words(cells, self.service)
        start, day, minute = moment
        return (
            self.batch_id, site, activity, start, day, service, doctor, last, first, self._birth(cells),
            phones.raw, phones.phones, phones.kinds, phones.kind, f"{last_key} {first_key}".strip(),
            doctor_key, service_key, f"{site}|{activity}|{minute}|{last_key}|{first_key}",
        )

    def words(self, cells: Sequence[object], index: int | None) -> tuple[str, str]:
        """A text cell cleaned, and its comparison key."""
        if index is None:
            return "", ""
        value = cells[index]
        found = self._words.get(value)
        if found is None:
            text = normalize.clean_text(value)
            found = self._words[value] = (text, key(text))
        return found

    def _split(self, value: object) -> tuple[str, str, str, str]:
        last, first = normalize.split_patient(value)
        return last, first, key(last), key(first)

    def _start(self, date_value: object, time_value: object) -> tuple[object, object, str] | None:
        start = normalize.to_datetime(date_value, time_value)
        if start is None:
            return None
        start = start.replace(second=0, microsecond=0)
        return self.store_datetime(start), self.store_date(start.date()), f"{start:%Y-%m-%dT%H:%M}"

    def _birth(self, cells: Sequence[object]):
        if self.birth is None:
            return None
        value = cells[self.birth]
        born = self._births.get(value, False)
        if born is False:
            day = normalize.to_birth_date(value, self.today)
            born = self._births[value] = None if day is None else self.store_date(day)
        return born

    def _place(self, place: Place, cache: dict[object, str | Reason], cells: Sequence[object]) -> str | Reason:
        value = cells[place.column] if place.column is not None else None
        found = cache.get(value)
        if found is None:
            found = cache[value] = self._find(place, value)
        return found

    @staticmethod
    def _find(place: Place, value: object) -> str | Reason:
        text = normalize.clean_text(value)
        if not text:
            return place.fallback or place.fallback_reason
        try:
            code = place.find(text)
        except Ambiguous as exc:
            return (f"{place.what}_ambiguous", (("value", text), ("codes", str(exc))))
        return code or (f"{place.what}_unknown", (("value", text),))
