"""The demo week's appointments: Belgian patients, doctors, services and phone numbers in every shape, seeded.

Used by `demo_exports` only. Every appointment is a distinct object; an export that repeats one (a re-export)
repeats the same object, which is how the generator counts duplicates without running the importer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from crisis_tui.core.demo import DEMO_DAY
from crisis_tui.core.text import key

WEEK = tuple(DEMO_DAY + timedelta(days=i) for i in range(7))
HOSPITALS = ("ARL", "LIB", "MAR", "BAS", "VIR", "BER")
ACTIVITIES = ("consultation", "surgery", "radiology", "scintigraphy", "covid_centre", "blood_draw")

LAST_NAMES = (
    "Lambert", "Dubois", "Lejeune", "Lefèvre", "Renard", "Collard", "Thiry", "Gérard", "Leclercq", "Jacquemin",
    "Poncelet", "Pirotte", "Mathieu", "Hubert", "Lambotte", "Wagner", "Schmit", "Kieffer", "Hansen", "Goffinet",
    "Henrotin", "D'Hondt", "Müller-Lüdenscheidt", "Van den Bossche", "De Smet", "Peeters", "Janssens", "Noël",
    "Lemaître", "Bodart", "Delhaye", "François", "Laurent", "Simon", "Martin", "Dupont", "Michel", "Marchal",
    "Pierrard", "Remacle", "Burnotte", "Gillet", "Collignon", "Dethier", "Evrard", "Étienne", "Grégoire", "Lecomte",
    "Mahy", "Marenne", "Nicolay", "Orban", "Rossignon", "Sépult", "Toussaint", "Willème", "Zune",
    "N'Diaye", "D'Ans", "Ørsted", "Bastin", "Guillaume", "Maréchal", "Léonard", "Cornet", "Closset", "Henry",
    "Dumont",
)
FIRST_NAMES = (
    "Jean", "Marie", "Luc", "Anne", "Michel", "Françoise", "Éric", "Hélène", "Jérôme", "Océane", "Loïc", "Zoé",
    "Noé", "Chloé", "Maëlle", "Renée", "André", "Josée", "Thérèse", "Günther", "Anaïs", "Benoît",
    "Célestin", "Léa",
    "Inès", "Théo", "Raphaël", "Gaëtan", "Joëlle", "Björn", "Dirk", "Sofie", "Wim", "Pieter", "Nathalie",
    "Philippe",
    "Christiane", "Jean-Pierre", "Marie-Claire", "Ghislain", "Aurélie", "Emma", "Lucas", "Camille", "Yves",
)
# Consultation doctors per hospital, with their service; Dr Lambert keeps his consultations at LIB on Monday.
DOCTORS = {
    "ARL": (("Dr Schmit", "Cardiologie"), ("Dr Hansen", "Diabétologie"), ("Dr Weber", "Pneumologie"),
            ("Dr Reuter", "Gynécologie-Obstétrique")),
    "LIB": (("Dr Lambert", "Cardiologie"), ("Dr Collard", "Oncologie"), ("Dr Lefèvre", "Pédiatrie"),
            ("Dr Nizet", "Neurologie")),
    "MAR": (("Dr Gérard", "Orthopédie"), ("Dr Bertrand", "Oncologie"), ("Dr Leroy", "Gastro-entérologie")),
    "BAS": (("Dr Thiry", "Diabétologie"), ("Dr Poncin", "Pédiatrie"), ("Dr Bouvy", "Cardiologie")),
    "VIR": (("Dr Mertens", "Gynécologie-Obstétrique"), ("Dr Demoulin", "Dermatologie"), ("Dr Lamy", "ORL")),
    "BER": (("Dr Goossens", "Psychiatrie"), ("Dr Fontaine", "Gériatrie"), ("Dr Denis", "Psychiatrie")),
}
SURGEONS = {
    "ARL": (("Dr Collignon", "Orthopédie"), ("Dr Kremer", "Chirurgie digestive")),
    "LIB": (("Dr Pirson", "Urologie"), ("Dr Lemaire", "Orthopédie")),
    "MAR": (("Dr Hardy", "Chirurgie digestive"), ("Dr Jadoul", "Gynécologie-Obstétrique")),
    "BAS": (("Dr Warnier", "Orthopédie"), ("Dr Dewez", "ORL")),
    "VIR": (("Dr Mathay", "Ophtalmologie"), ("Dr Jacob", "Chirurgie digestive")),
    "BER": (("Dr Lhoas", "Stomatologie"), ("Dr Pierret", "Orthopédie")),
}
EXAMS = {
    "radiology": ("IRM genou", "IRM cérébrale", "RX thorax", "RX poignet", "Échographie abdominale",
                  "CT scanner thoracique", "Mammographie", "Écho-doppler veineux"),
    "scintigraphy": ("Scinti osseuse", "Scintigraphie thyroïdienne", "Scintigraphie myocardique", "TEP-scan"),
}
# Appointments per day (Monday..Sunday) of each activity at each hospital; Monday is the board's demo day.
PER_DAY = {
    "consultation": (8, 4, 4, 4, 4, 0, 0),
    "surgery": (4, 2, 2, 2, 2, 0, 0),
    "radiology": (4, 2, 2, 2, 2, 1, 0),
    "scintigraphy": (2, 1, 1, 1, 1, 0, 0),
    "covid_centre": (3, 1, 1, 1, 1, 1, 0),
    "blood_draw": (3, 1, 1, 1, 1, 1, 0),
}
OTHER_SITES = {("NEU", "blood_draw"): (4, 2, 2, 2, 2, 2, 0), ("SOD", "blood_draw"): (3, 0, 0, 2, 0, 0, 0)}
# First slot, minutes between slots, number of slots in a day.
SLOTS = {
    "consultation": (time(8, 30), 20, 24), "surgery": (time(7, 30), 45, 12), "radiology": (time(8, 0), 20, 30),
    "scintigraphy": (time(8, 30), 45, 10), "covid_centre": (time(8, 0), 10, 24), "blood_draw": (time(7, 0), 10, 24),
}
TWO_PHONE_COLUMNS = ("consultation", "surgery")
MOBILE_PREFIXES = ("470", "471", "472", "473", "474", "475", "476", "477", "478", "479", "483", "484", "485", "486",
                   "487", "488", "489", "490", "491", "492", "493", "494", "495", "496", "497", "498", "499", "456",
                   "460", "465", "466", "467", "468")
ZONES = {"ARL": "63", "VIR": "63", "MAR": "84", "LIB": "61", "BAS": "61", "BER": "61", "NEU": "61", "SOD": "61"}
INVALID = ("04", "0475 12 34", "0000", "0499 12 345")


@dataclass(eq=False)
class Appt:
    site: str
    activity: str
    start: datetime
    last: str
    first: str
    birth: date
    doctor: str = ""
    service: str = ""
    exam: str = ""
    mobile: str | int | None = None
    landline: str | None = None
    kind: str = "none"  # what the numbers written are meant to be: mobile, landline, none (absent or invalid)

    @property
    def phone(self) -> str | int | None:
        """The one number a single-phone-column export shows."""
        return self.mobile if self.mobile is not None else self.landline


def _pairs(digits: str, sep: str = " ") -> str:
    return sep.join(digits[i : i + 2] for i in range(0, len(digits), 2))


def mobile_number(rng: random.Random) -> str | int:
    prefix, rest = rng.choice(MOBILE_PREFIXES), f"{rng.randrange(10**6):06d}"
    shapes = (
        f"0{prefix} {_pairs(rest)}", f"0{prefix}/{_pairs(rest, '.')}", f"0{prefix}.{_pairs(rest, '.')}",
        f"+32 {prefix} {_pairs(rest)}", f"0032{prefix}{rest}", f"+32{prefix}{rest}", f"0{prefix}{rest}",
        int(prefix + rest),  # Excel ate the leading zero
    )
    return rng.choice(shapes)


def landline_number(rng: random.Random, site: str) -> str:
    zone, rest = ZONES[site], f"{rng.randrange(2, 6)}{rng.randrange(10**5):05d}"
    shapes = (f"0{zone} {_pairs(rest)}", f"0{zone}/{_pairs(rest, '.')}", f"0{zone}.{_pairs(rest, '.')}",
              f"+32 {zone} {_pairs(rest)}", f"0{zone}{rest}")
    return rng.choice(shapes)


def foreign_number(rng: random.Random) -> tuple[str, str]:
    """A Luxembourg or French number, and its kind."""
    n = rng.randrange(10**6)
    return rng.choice((
        (f"+352 621 {n // 1000:03d} {n % 1000:03d}", "mobile"),
        (f"00352 691 {n // 1000:03d} {n % 1000:03d}", "mobile"),
        (f"+33 6 78 {_pairs(f'{n:06d}')}", "mobile"),
        (f"+33 3 24 {_pairs(f'{n:06d}')}", "landline"),
    ))


def assign_phones(rng: random.Random, appt: Appt) -> None:
    """Numbers as patients gave them: mostly mobiles, some landlines, neighbours' numbers, none, a few invalid."""
    two = appt.activity in TWO_PHONE_COLUMNS
    roll = rng.random()
    if roll < 0.66:
        appt.mobile, appt.kind = mobile_number(rng), "mobile"
        if two and rng.random() < 0.3:
            appt.landline = landline_number(rng, appt.site)
    elif roll < 0.82:
        appt.landline, appt.kind = landline_number(rng, appt.site), "landline"
        if two and rng.random() < 0.3:
            appt.mobile = rng.choice(INVALID)  # a broken mobile beside a good landline
    elif roll < 0.88:
        number, kind = foreign_number(rng)
        appt.kind = kind
        if kind == "mobile":
            appt.mobile = number
        else:
            appt.landline = number
    elif roll < 0.91:
        appt.mobile = rng.choice(INVALID)


def _birth(rng: random.Random, service: str) -> date:
    first_year = 2008 if service == "Pédiatrie" else 1931
    return date(rng.randrange(first_year, 2021 if service == "Pédiatrie" else 2005), rng.randrange(1, 13),
                rng.randrange(1, 29))


class Population:
    """The week's appointments, distinct per site, activity, day and patient name (so no importer merges two)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.appts: list[Appt] = []
        self._taken: set[tuple[str, str, date, str]] = set()

    def new(self, site: str, activity: str, start: datetime, doctor: tuple[str, str] = ("", "")) -> Appt:
        rng = self.rng
        while True:
            last, first = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
            taken = (site, activity, start.date(), key(f"{last} {first}"))
            if taken not in self._taken:
                self._taken.add(taken)
                break
        exam = rng.choice(EXAMS[activity]) if activity in EXAMS else ""
        appt = Appt(site, activity, start, last, first, _birth(rng, doctor[1]), doctor[0], doctor[1], exam)
        assign_phones(rng, appt)
        return appt

    def day(self, site: str, activity: str, day: date, count: int) -> list[Appt]:
        first, step, slots = SLOTS[activity]
        base = datetime.combine(day, first)
        starts = sorted(self.rng.sample(range(slots), count))
        staff = (SURGEONS if activity == "surgery" else DOCTORS if activity == "consultation" else {}).get(site)
        made = []
        for n, slot in enumerate(starts):
            doctor = ("", "")
            if staff:  # Dr Lambert (LIB) sees the first three patients of Monday
                lambert = site == "LIB" and activity == "consultation" and day == DEMO_DAY and n < 3
                doctor = staff[0] if lambert else self.rng.choice(staff)
            made.append(self.new(site, activity, base + timedelta(minutes=step * slot), doctor))
        self.appts += made
        return made


def make_week(rng: random.Random) -> Population:
    people = Population(rng)
    plan = {(site, activity): PER_DAY[activity] for site in HOSPITALS for activity in ACTIVITIES} | OTHER_SITES
    for (site, activity), counts in plan.items():
        for day, count in zip(WEEK, counts):
            if count:  # a little uneven, as real schedules are; never empty on a day the activity works
                people.day(site, activity, day, max(1, count + rng.choice((-1, 0, 0, 1))))
    return people


def of(people: Population, *, site: str | None = None, activity: str | None = None) -> list[Appt]:
    return [a for a in people.appts if site in (None, a.site) and activity in (None, a.activity)]
