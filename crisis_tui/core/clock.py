"""Local time of the hospitals (Europe/Brussels), whatever the laptop's own zone is."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

try:
    BRUSSELS: ZoneInfo | None = ZoneInfo("Europe/Brussels")
except ZoneInfoNotFoundError:  # a system without tz data: the laptop's local time is Brussels time
    BRUSSELS = None


def now_local() -> datetime:
    """Now, naive, in Brussels time."""
    return datetime.now(BRUSSELS).replace(tzinfo=None)


def local_time(stamp: datetime) -> datetime:
    """A stored UTC stamp in Brussels time (naive)."""
    return stamp.replace(tzinfo=timezone.utc).astimezone(BRUSSELS).replace(tzinfo=None)


def today() -> date:
    return now_local().date()


def tomorrow() -> date:
    return today() + timedelta(days=1)


def days(start: date, end: date) -> list[date]:
    """Every day from start to end, both included."""
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]
