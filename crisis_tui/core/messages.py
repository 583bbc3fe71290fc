"""What a patient is told, worded from the catalog: the SMS text, the call lists' "what to tell", and the way
dates, times, phones and statuses appear in the documents.

A message is: a head per status told (``telling.head.<status>`` for an SMS, with site, service, date and time;
the shorter ``telling.call.<status>`` for a call, whose row shows them; ``..._change`` when the patient was told
otherwise before), the sentence of the cell's rule for uncontacted patients (``telling.rule.<status>.<rule>``),
and the site's call-back number (``telling.callback``).
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberFormat

from crisis_tui.core.clock import local_time
from crisis_tui.core.notify import Told, Verdict
from crisis_tui.core.reference import Reference
from crisis_tui.i18n import Catalog

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@lru_cache(maxsize=65536)
def display_phone(number: str) -> str:
    """A number as a secretary dials it: Belgian ones in national format, foreign ones international.

    Text that is not E.164 is returned as is. The common Belgian shapes are formatted without phonenumbers
    (same result, ten times faster on a 10k list).
    """
    if not number.startswith("+"):
        return number
    if number.startswith("+32") and number[1:].isdigit():
        nsn = number[3:]
        if len(nsn) == 9 and nsn[0] == "4":
            return f"0{nsn[:3]} {nsn[3:5]} {nsn[5:7]} {nsn[7:]}"
        if len(nsn) == 8 and nsn[0] in "239" and not nsn.startswith("90"):
            return f"0{nsn[0]} {nsn[1:4]} {nsn[4:6]} {nsn[6:]}"
        if len(nsn) == 8 and nsn[0] in "15678" and not nsn.startswith("80"):
            return f"0{nsn[:2]} {nsn[2:4]} {nsn[4:6]} {nsn[6:]}"
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return number
    style = PhoneNumberFormat.NATIONAL if parsed.country_code == 32 else PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(parsed, style)


def display_phones(phones: str, separator: str = " / ") -> str:
    """The ";"-separated E.164 numbers of an appointment, each as dialled."""
    return separator.join(display_phone(p) for p in phones.split(";") if p)


def first_phone(phones: str) -> str:
    """The first number (a mobile when there is one: numbers are stored mobiles first)."""
    return phones.split(";", 1)[0]


def clock(start: datetime) -> str:
    """An appointment's HH:MM; "" at midnight, where its export gave the day but no time (nobody reads "00:00" as
    "unknown": a caller would say midnight)."""
    return "" if start.time() == time.min else f"{start:%H:%M}"


class Wording:
    """The documents' wording in one language, with the reference data it needs (site names, call-back numbers)."""

    def __init__(self, catalog: Catalog, reference: Reference) -> None:
        self.catalog = catalog
        self.t = catalog.t
        self._sites = {s.code: s.name for s in reference.sites}
        self._site_order = {s.code: n for n, s in enumerate(reference.sites)}
        self._activities = {a.code: a.label(catalog.lang) for a in reference.activities}
        self._callbacks = {s.code: self.t("telling.callback", phone=display_phone(s.callback_phone))
                           for s in reference.sites if s.callback_phone}
        self._what: dict[str, str] = {}

    def site(self, code: str) -> str:
        return self._sites.get(code, code)

    def site_order(self, code: str) -> int:
        return self._site_order.get(code, len(self._site_order))

    def activity(self, code: str) -> str:
        return self._activities.get(code, code)

    def date(self, day: date) -> str:
        """The day as the documents' date column shows it (dd/mm/yyyy)."""
        return self.t("telling.days", day=day)

    def days(self, day_from: date, day_to: date) -> str:
        return self.date(day_from) if day_from == day_to else self.t("telling.day_range", start=day_from, end=day_to)

    def time(self, start: datetime) -> str:
        """HH:MM, as the call lists show it (and as the outcomes reader expects it back); blank at midnight."""
        return clock(start)

    def made_at(self, at: datetime) -> str:
        return self.t("telling.made_at", at=at)

    def status(self, verdict: Verdict) -> str:
        """The status cell of a call list: the change, the pending flag, or the status told."""
        if verdict.change:
            return self.t(f"telling.change.{verdict.status}")
        if verdict.pending:
            return self.t("telling.status.pending")
        return self.t(f"status.{verdict.status}")

    def _what_of(self, activity: str) -> str:
        if activity not in self._what:
            key = f"telling.what.{activity}"
            self._what[activity] = (self.t(key) if self.catalog.has(key)
                                    else self.t("telling.what.other", activity=self.activity(activity).lower()))
        return self._what[activity]

    def _tail(self, told: Told) -> list[str]:
        return [self.t(f"telling.rule.{told.verdict.status}.{told.decision.uncontacted}"),
                self._callbacks.get(told.appointment.site, "")]

    def call_text(self, told: Told) -> str:
        """What the caller tells this patient (the call list's row already gives date, time, site, service)."""
        verdict = told.verdict
        head = self.t(f"telling.call.{verdict.status}{'_change' if verdict.change else ''}")
        return " ".join(part for part in [head, *self._tail(told)] if part)

    def last_call(self, outcome: str, at: datetime, notes: str, *, before_change: bool) -> str:
        """A call's outcome as the next call list shows it: "Faux numéro (07/12 10:32)", with "before the change"
        when that call told another status than the list does now, and the secretary's remarks."""
        text = self.t("telling.last_call", outcome=self.t(f"outcome.{outcome}"), at=local_time(at))
        if before_change:
            text = self.t("telling.last_call_before_change", last=text)
        return self.t("telling.last_call_notes", last=text, notes=notes) if notes else text

    def message(self, told: Told) -> str:
        """The SMS text for this patient: all he needs to know in one message."""
        appointment, verdict = told.appointment, told.verdict
        start = appointment.start
        head = self.t(
            f"telling.head.{verdict.status}{'_change' if verdict.change else ''}",
            site=self.site(appointment.site),
            what=self._what_of(appointment.activity),
            service=f" ({appointment.service})" if appointment.service else "",
            date=self.t("telling.date", weekday=self.t(f"telling.weekday.{WEEKDAYS[start.weekday()]}"),
                        day=start),
            at=self.t("telling.at", time=self.t("telling.time", hour=start.hour, minute=start.minute))
            if clock(start) else "",
        )
        return " ".join(part for part in [head, *self._tail(told)] if part)
