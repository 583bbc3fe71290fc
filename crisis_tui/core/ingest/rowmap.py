"""One sheet's rows -> appointment values, or the reason a row is set aside.

A `SheetPlan` is built once per sheet from its header (`columns.ColumnMap`): which cells hold what, and where the
site and activity come from (the caller's choice, else the row's own column, else the sheet or file name). Values
met again are converted once (dates, names and places repeat across thousands of rows).
"""

from __future__ import annotations

import itertools
import operator
from dataclasses import dataclass
from datetime import date
from typing import Callable, Sequence

from crisis_tui.core.clock import today
from crisis_tui.core.ingest import normalize
from crisis_tui.core.ingest.cells import cell_text
from crisis_tui.core.ingest.columns import ColumnMap, is_caption_label
from crisis_tui.core.ingest.phones import Summary, phone_infos
from crisis_tui.core.reference import Ambiguous
from crisis_tui.core.text import fold, key, tokens

Reason = tuple[str, tuple[tuple[str, str], ...]]  # catalog key under import.reason, and its values
TOTAL_LABELS = frozenset({"total", "totaal", "totaux", "totale", "totalen", "subtotal", "subtotaal"})  # no surnames
# what an agenda writes in a slot that holds no patient ("LIBRE", "--- Pause ---", "Réunion d'équipe", "Vrij"), as
# `tokens` gives them; a name cell made only of these words (and SLOT_LINKS) names nobody
SLOT_WORDS = frozenset({
    "libre", "disponible", "free", "available", "vrij", "beschikbaar", "pause", "break", "lunch", "dejeuner",
    "middagpauze", "reunion", "meeting", "vergadering", "overleg", "bloque", "bloquee", "blocked", "geblokkeerd",
    "indisponible", "unavailable", "conge", "verlof", "vacances", "holiday", "creneau",
})
SLOT_LINKS = frozenset({"d", "de", "du", "l", "la", "le", "midi", "equipe", "team", "van", "het", "niet", "staff",
                        "service", "dienst", "of", "the"})
Finder = Callable[[object], "str | None"]


@dataclass(frozen=True)
class Place:
    """Where a sheet's site (or activity) comes from: a fixed code, or a column with a fallback for empty cells
    (and, in a `lenient` column, for values that name none: a planned act, an imaging modality)."""

    what: str  # "site" or "activity"
    column: int | None
    fallback: str | None  # the code the file or sheet name gives
    fallback_reason: Reason  # why there is none when fallback is None
    find: Finder
    lenient: bool = False
    vague: Callable[[str], bool] = lambda text: False  # a value naming none in particular ("Vivalia"): as if empty


def place_from_names(what: str, find: Finder, names: Sequence[str | None]) -> tuple[str | None, Reason]:
    """The code the first of `names` (sheet name, then file name, then its folder's) that names one gives; else why
    there is none. A name naming two stops there: the names after it are further from the rows ("Vérifié OK/" would
    make "consultations_arlon_OK.xlsx", consultations or surgery, a surgery list)."""
    for name in names:
        if not name:
            continue
        try:
            code = find(name.replace("_", " "))
        except Ambiguous as exc:
            return None, (f"{what}_ambiguous", (("value", name), ("codes", str(exc))))
        if code:
            return code, (f"no_{what}", ())
    return None, (f"no_{what}", ())


# the values `SheetPlan.convert` gives for each appointment, in this order (the dedupe key last)
APPOINTMENT_COLUMNS = (
    "batch_id", "site", "activity", "start", "day", "service", "doctor", "last_name", "first_name", "birth_date",
    "phone_raw", "phones", "phone_kinds", "phone_kind", "patient_key", "doctor_key", "service_key", "dedupe_key",
)
Store = Callable[[object], object]  # a date or datetime as the database driver takes it
Name = tuple[str, str, str, str]  # last name, first name, patient key, "last key|first key"
Start = tuple[object, object, str]  # start and day as stored, the start to the minute as text


def _same(value: object) -> object:
    return value


_UNSEEN = object()


def _lookup(cache: dict, keys: list, compute: Callable[[object], object]) -> list:
    """`compute(key)` for each key, each distinct key computed once (and kept in `cache`). Most keys of a chunk
    were met in the chunks before: one pass looks them all up, and only the keys it missed are computed."""
    values = list(map(cache.get, keys, itertools.repeat(_UNSEEN)))
    if any(map(operator.is_, values, itertools.repeat(_UNSEEN))):
        for key_ in set(keys).difference(cache):
            cache[key_] = compute(key_)
        values = list(map(cache.__getitem__, keys))
    return values


def _any_set_aside(names: list, starts: list, sites: list, activities: list) -> bool:
    """Whether a row of the chunk lacks a name or a usable start, or names no site or activity (a reason, not a
    code): passes in C, where looking at each row costs a tenth of the conversion."""
    return None in names or None in starts or {*map(type, sites), *map(type, activities)} != {str}


class SheetPlan:
    """Converts the data rows of one sheet, a chunk at a time: `convert` gives the APPOINTMENT_COLUMNS values of
    the rows that make an appointment, and `reason` says why any other row is set aside.

    The work goes column by column: each distinct cell value of a column (or pair of columns) is converted once
    per sheet, since dates, names, doctors and places repeat across thousands of rows, and the rows are then put
    together by zip, so that an import of 100k rows stays close to the bare read. Dates go out through
    `store_datetime` / `store_date` (the dialect's own conversion when rows are handed to the driver directly).
    """

    def __init__(self, columns: ColumnMap, site: Place, activity: Place, batch_id: int,
                 store_datetime: Store = _same, store_date: Store = _same, near: date | None = None,
                 named: dict[str, str] | None = None) -> None:
        roles = columns.roles
        self.patient = roles.get("patient")
        self.last = roles.get("last_name")
        self.first = roles.get("first_name")
        # a date-and-time column gives the day when there is no date column, else the time when there is no time
        self.date = roles.get("date", roles.get("datetime"))
        self.day = columns.day  # without a date column: the day of every row
        self.time = roles.get("time", roles.get("datetime") if "date" in roles else None)
        self.birth = roles.get("birth_date")
        self.doctor = roles.get("doctor")
        self.service = roles.get("service")
        self.phones = columns.phones
        self.headers = [fold(header) for header in columns.headers]
        self.site, self.activity = site, activity
        self.batch_id = batch_id
        self.store_datetime, self.store_date = store_datetime, store_date
        used = [i for i in (self.patient, self.last, self.first, self.date, self.time, self.birth, self.doctor,
                            self.service, site.column, activity.column, *self.phones) if i is not None]
        self.width = max(used) + 1
        self._names: dict[object, Name | None] = {}  # None: no name at all
        self._starts: dict[tuple[object, object], Start | None] = {}  # None: no usable date
        self._words: dict[object, tuple[str, str]] = {}  # cell -> (clean text, key)
        self._sites: dict[object, str | Reason] = {}
        self._activities: dict[object, str | Reason] = {}
        self._service_activities: dict[object, str | None] = {}
        self._births: dict[object, object] = {}
        self.today = today()
        self.month_first: bool | None = None  # how the sheet's written dates read: decided on its first rows
        self.near = near  # a date written without its year is read in the year nearest to this day (the title's)
        # the doctor and service a line above the rows names ("Médecin : Dr Lambert"), for rows that name none
        self.named = {role: self._clean(text) for role, text in (named or {}).items() if role in ("doctor", "service")}

    def convert(self, rows: Sequence[Sequence[object]]) -> tuple[list[tuple], list[int]]:
        """The APPOINTMENT_COLUMNS values of each row that makes an appointment, in row order, and the positions
        (in `rows`) of the others: blank rows, and rows `reason` sets aside."""
        if not rows:
            return [], []
        columns = self._columns(rows)
        if self.month_first is None:  # written dates and birth dates come from one system, written one way
            self.month_first = normalize.written_month_first({*self._dates(columns),
                                                              *self._column(columns, self.birth)})
        names = self._name_column(columns)
        starts = _lookup(self._starts, list(zip(self._dates(columns), self._column(columns, self.time))),
                         self._start)
        sites = _lookup(self._sites, self._column(columns, self.site.column), self._site)
        activities = _lookup(self._activities, self._column(columns, self.activity.column), self._activity)
        if self.service not in (None, self.activity.column) and {*map(type, activities)} != {str}:
            activities = list(map(self._or_service, activities, columns[self.service]))
        others: list[int] = []
        if _any_set_aside(names, starts, sites, activities):
            kept = [name is not None and start is not None and type(site) is str and type(activity) is str
                    for name, start, site, activity in zip(names, starts, sites, activities)]
            others = [position for position, ok in enumerate(kept) if not ok]
            columns = [list(itertools.compress(column, kept)) for column in columns]
            names, starts, sites, activities = (list(itertools.compress(values, kept))
                                                for values in (names, starts, sites, activities))
        if not names:
            return [], others
        lasts, firsts, patient_keys, name_keys = zip(*names)
        start_values, days, minutes = zip(*starts)
        doctors, doctor_keys = self._words_column(columns, self.doctor, len(names), self.named.get("doctor"))
        services, service_keys = self._words_column(columns, self.service, len(names), self.named.get("service"))
        births = _lookup(self._births, self._column(columns, self.birth), self._birth)
        phones = self._phone_column(columns, len(names))
        raws, numbers, kinds, kind = zip(*phones)
        dedupe_keys = map("{}|{}|{}|{}".format, sites, activities, minutes, name_keys)
        return list(zip(itertools.repeat(self.batch_id), sites, activities, start_values, days, services, doctors,
                        lasts, firsts, births, raws, numbers, kinds, kind, patient_keys, doctor_keys, service_keys,
                        dedupe_keys)), others

    def reason(self, cells: Sequence[object]) -> Reason:
        """Why a row `convert` did not keep is set aside (the first thing missing, in the row's reading order)."""
        columns = self._columns([cells])
        if self._name_column(columns)[0] is None:
            name = self._column(columns, self.patient if self.patient is not None else self.last)[0]
            return ("free_slot", (("value", cell_text(name).strip()),)) if is_slot(name) else ("no_name", ())
        date_value = self._dates(columns)[0]
        if self._lookup_one(self._starts, (date_value, self._column(columns, self.time)[0]), self._start) is None:
            if date_value is None or not cell_text(date_value).strip():
                return ("no_date", ())
            return ("bad_date", (("value", cell_text(date_value)),))
        for place, cache, find in ((self.site, self._sites, self._site),
                                   (self.activity, self._activities, self._activity)):
            found = self._lookup_one(cache, self._column(columns, place.column)[0], find)
            if type(found) is not str:
                return found
        raise ValueError("reason() asked for a row that makes an appointment")

    @staticmethod
    def _lookup_one(cache: dict, key_: object, compute: Callable[[object], object]) -> object:
        return _lookup(cache, [key_], compute)[0]

    def _columns(self, rows: Sequence[Sequence[object]]) -> list[tuple[object, ...]]:
        """The rows' cells, column by column (short rows padded with empty cells)."""
        width = self.width
        if min(map(len, rows)) < width:
            rows = [row if len(row) >= width else [*row, *([None] * (width - len(row)))] for row in rows]
        return list(zip(*rows))[:width]

    @staticmethod
    def _column(columns: list, index: int | None) -> list | tuple:
        """One column's cells; empty cells when the sheet has no such column."""
        return columns[index] if index is not None else [None] * len(columns[0])

    def _dates(self, columns: list) -> list | tuple:
        """The date cells, or the day of every row when the sheet has no date column."""
        return columns[self.date] if self.date is not None else [self.day] * len(columns[0])

    def _name_column(self, columns: list) -> list[Name | None]:
        if self.patient is not None:
            return _lookup(self._names, columns[self.patient], self._split)
        pairs = list(zip(self._column(columns, self.last), self._column(columns, self.first)))
        return _lookup(self._names, pairs, self._pair)

    def _words_column(self, columns: list, index: int | None, count: int,
                      named: tuple[str, str] | None) -> tuple[tuple, tuple]:
        """A text column cleaned, and its comparison keys; an empty cell (or no column) takes what a line above the
        rows names (`named`: its text and key), when one does."""
        filler = named or ("", "")
        if index is None:
            return (filler[0],) * count, (filler[1],) * count
        words = _lookup(self._words, columns[index], self._clean)
        if named:
            words = [word if word[0] else filler for word in words]
        return tuple(zip(*words))

    def _phone_column(self, columns: list, count: int) -> list[Summary]:
        """Phone numbers are mostly unique: read in bulk, column by column, not cached."""
        if not self.phones:
            return [normalize.phone_info(())] * count
        return phone_infos([columns[i] for i in self.phones])

    @staticmethod
    def _clean(value: object) -> tuple[str, str]:
        text = normalize.clean_text(value)
        return text, key(text)

    @staticmethod
    def _named(last: str, first: str) -> Name | None:
        if not (last or first):
            return None
        last_key, first_key = key(last), key(first)
        return last, first, f"{last_key} {first_key}".strip(), f"{last_key}|{first_key}"

    def _no_name(self, value: object, column: int | None) -> bool:
        """What a name cell holds that names no patient: a caption's label ("Imprimé le :"), its column's header
        again ("Patient", a table stacked under the first), a total's label ("Total du jour", "Sous-total")."""
        words = tokens(value)
        return is_caption_label(value) or bool(TOTAL_LABELS.intersection(words[:2])) or (
            column is not None and column < len(self.headers) and fold(value) == self.headers[column])

    def _split(self, value: object) -> Name | None:
        if self._no_name(value, self.patient) or is_slot(value):
            return None
        return self._named(*normalize.split_patient(value))

    def _pair(self, cells: tuple[object, object]) -> Name | None:
        """A last name, with its first name when there is one; a first name alone names nobody (an emptied cell,
        a formula whose value the file did not keep): the row is set aside, not imported as a stranger; nor does an
        agenda's slot without a first name ("LIBRE")."""
        last, first = normalize.clean_name(cells[0]), normalize.clean_name(cells[1])
        if not last or self._no_name(last, self.last) or (not first and is_slot(last)):
            return None
        return self._named(last, first)

    def _start(self, cells: tuple[object, object]) -> Start | None:
        start = normalize.to_datetime(*cells, month_first=bool(self.month_first), near=self.near)
        if start is None:
            return None
        start = start.replace(second=0, microsecond=0)
        minute = f"{start:%Y-%m-%dT%H:%M}"
        if start.hour == start.minute == 0 and (unread := normalize.unread_time(*cells)):
            minute += f" {unread}"  # kept apart from the same patient's other unreadable times that day
        return self.store_datetime(start), self.store_date(start.date()), minute

    def _birth(self, value: object):
        day = normalize.to_birth_date(value, self.today, bool(self.month_first))
        return None if day is None else self.store_date(day)

    def _or_service(self, found: str | Reason, service: object) -> str | Reason:
        """The activity the row's service names ("Médecine nucléaire") when its activity cell names none ("NM", a
        modality's code); else what was `found`."""
        if type(found) is str or found[0] != "activity_unknown":
            return found
        named = self._lookup_one(self._service_activities, service, self._service_activity)
        return named or found

    def _service_activity(self, value: object) -> str | None:
        text = normalize.clean_text(value)
        try:
            return self.activity.find(text) if text else None
        except Ambiguous:
            return None

    def _site(self, value: object) -> str | Reason:
        return self._find(self.site, value)

    def _activity(self, value: object) -> str | Reason:
        return self._find(self.activity, value)

    @staticmethod
    def _find(place: Place, value: object) -> str | Reason:
        text = normalize.clean_text(value)
        if not text:
            return place.fallback or place.fallback_reason
        try:
            code = place.find(text)
        except Ambiguous as exc:
            return (f"{place.what}_ambiguous", (("value", text), ("codes", str(exc))))
        if code is None and place.vague(text):  # "Vivalia", the group: names no site, as an empty cell
            return place.fallback or place.fallback_reason
        if code is None and place.lenient and place.fallback:
            return place.fallback
        return code or (f"{place.what}_unknown", (("value", text),))


def is_slot(value: object) -> bool:
    """An agenda's slot without a patient, as its name cell reads: "LIBRE", "--- Pause ---", "Réunion d'équipe"."""
    words = set(tokens(value))
    return bool(words & SLOT_WORDS) and words <= SLOT_WORDS | SLOT_LINKS
