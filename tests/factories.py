"""Small builders for tests: appointments straight into the database (no spreadsheet needed), an IT restart list
loaded from its text."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time
from pathlib import Path

from sqlmodel import Session

from crisis_tui.core.it_restart import load_systems
from crisis_tui.core.models import Appointment
from crisis_tui.core.text import key

_serial = itertools.count(1)
PHONES = {"mobile": ("+32475123456", "mobile"), "landline": ("+3261212121", "landline"),
          "invalid": ("", "invalid"), "none": ("", "none")}


def appointment(
    session: Session,
    site: str = "ARL",
    activity: str = "consultation",
    day: date = date(2026, 12, 7),
    at: time = time(9, 0),
    *,
    phone_kind: str = "mobile",
    doctor: str = "Dr Lambert",
    service: str = "Cardiologie",
    last_name: str | None = None,
    first_name: str = "Jean",
) -> Appointment:
    n = next(_serial)
    last_name = last_name or f"Patient{n}"
    phones, kind = PHONES[phone_kind]
    start = datetime.combine(day, at)
    row = Appointment(
        site=site, activity=activity, start=start, day=day, service=service, doctor=doctor,
        last_name=last_name, first_name=first_name, phones=phones, phone_kind=kind,
        phone_kinds=kind if kind != "none" else "", patient_key=key(f"{last_name} {first_name}"),
        doctor_key=key(doctor), service_key=key(service),
        dedupe_key=f"{site}|{activity}|{start:%Y-%m-%dT%H:%M}|{key(last_name)}|{key(first_name)}|{n}",
    )
    session.add(row)
    session.flush()
    return row


def it_systems(workspace, folder: Path, text: str) -> None:
    """The IT restart list `text` (a semicolon CSV) written to `folder`/systems.csv and loaded into `workspace`."""
    path = folder / "systems.csv"
    path.write_text(text, encoding="utf-8")
    with workspace.session() as session:
        load_systems(session, path, reference=workspace.reference)
