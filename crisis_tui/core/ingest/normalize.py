"""Cell values from exports turned into clean values: dates, times, text, patient names, and (from `phones`)
phone numbers. Pure functions: no database, no UI. Belgian habits: day first, two-digit years are 20xx; a column
whose written dates prove they are month first (`written_month_first`) is read month first."""

from __future__ import annotations

import numbers
import re
from datetime import date, datetime, time, timedelta
from typing import Iterable

from crisis_tui.core.clock import BRUSSELS
from crisis_tui.core.ingest.scalars import as_number, is_missing
from crisis_tui.core.ingest.phones import PhoneInfo, normalize_phone, phone_info
from crisis_tui.core.text import fold

__all__ = [
    "PhoneInfo",
    "clean_name",
    "clean_text",
    "day_named",
    "first_day",
    "normalize_phone",
    "phone_info",
    "split_patient",
    "to_date",
    "to_datetime",
    "to_time",
    "unread_time",
    "written_month_first",
]

# ---------------------------------------------------------------- dates and times

_EXCEL_EPOCH = datetime(1899, 12, 30)  # serial 61 and after; serials 1-59 count from 1899-12-31 (Excel's 1900-02-29)
_FIRST_DATE = date(1900, 1, 2)  # 1899-12-30/31 and 1900-01-01 are what a time-only cell becomes
_LAST_DATE = date(2199, 12, 31)
_LAST_SERIAL = (datetime.combine(_LAST_DATE, time()) - _EXCEL_EPOCH).days + 1
_DAY_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})")
_YEAR_FIRST = re.compile(r"(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})")
_MONTH_NAME = re.compile(r"(?:[^\W\d_]+\.?,? +)?(\d{1,2})(?:er)? *[ ./\-] *([^\W\d_]+)\.? *[ ./\-] *(\d{4}|\d{2})")
_MONTH_FIRST = re.compile(r"(?:[^\W\d_]+\.?,? +)?([^\W\d_]+)\.? +(\d{1,2})(?:st|nd|rd|th)?,? +(\d{4})")  # April 18, 2022
_COMPACT = re.compile(r"((?:19|20|21)\d{2})(\d{2})(\d{2})")  # 20220418
# without the year: "19/04", "19 avril" (read only near a day that gives it, see _year_near)
_DAY_MONTH = re.compile(r"(\d{1,2})[/.\-](\d{1,2})(?![/.\-]?\d)")
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})(?:er)? *[ ./\-] *([^\W\d_]+)\.?(?![^\W_])")
_WEEKDAY_FIRST = re.compile(r"([^\W\d_]+)\.?,? +(?=[^\W_])")  # "lundi 18/04/2022", "Lu 18/04/2022", "le 19.04.22"
_WEEKDAYS = frozenset(
    "lu lun lundi ma mar mardi me mer mercredi je jeu jeudi ve ven vendredi sa sam samedi di dim dimanche "
    "maandag dinsdag wo woensdag do donderdag vr vrijdag za zaterdag zo zondag "
    "mo mon monday tu tue tues tuesday we wed wednesday th thu thur thurs thursday fr fri friday sat saturday su "
    "sun sunday".split()
)
_DATE_ARTICLES = frozenset({"le", "op", "on"})  # "le 19/04/2022", "le mardi 19/04/2022", "op 19-04-2022"
# an ISO date and time with its offset from UTC ("2022-04-19T10:00:00+02:00", "...Z"): read in Brussels time
_ISO_ZONED = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})", re.IGNORECASE)
_NAMED_CLOCKS = {"midi": time(12), "noon": time(12), "middag": time(12), "minuit": time(0), "midnight": time(0)}
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "janvier janv jan januari january",
            "fevrier fevr fev februari february feb",
            "mars mar maart mrt march",
            "avril avr april apr",
            "mai mei may",
            "juin juni june jun",
            "juillet juil juli july jul",
            "aout augustus august aug",
            "septembre sept sep september",
            "octobre oct oktober okt october",
            "novembre nov november",
            "decembre dec december",
        ),
        start=1,
    )
    for name in names.split()
}
_CLOCK = re.compile(
    r"(\d{1,2}) *[:hu.,] *(\d{2})(?: *[:.] *(\d{2})(?:[.,]\d+)?)?|(\d{1,2}) *[hu]|(\d{3,4})|(\d{1,2})"
    r"|(\d{1,2}) *[.,] *(\d)"  # 8,3 or 8.3: a decimal 8,30 whose last zero went
)
_CLOCK_OPENER = re.compile(r"(?:om|a|à|at|vers|rond|omstreeks|[±~]) +")  # "om 8u30", "à 8h30", "vers 9h"
_CLOCK_NOISE = str.maketrans("", "", "'’")  # 8h30'
_MERIDIEM = re.compile(r"(.*?) *([ap])\.? *m\.?")
_RANGE_OPENER = re.compile(r"(?:de|du|van|vanaf|from|entre|tussen|between) +")
_RANGE_GAP = re.compile(r" *(?:[-\u2013\u2014>]|\b(?:a|à|au|jusqu'à|tot|to|till|until|et|en|and)\b) *")
_SERIAL_TEXT = re.compile(r"\d{5}(?:[.,]\d+)?")  # 1927-2173; shorter numbers are more likely typos
_FRACTION_TEXT = re.compile(r"0[.,]\d{3,}")  # 0.375; "0.30" is a clock


def _numeric(value: object) -> float | None:
    """A number cell, or text that can only be an Excel number: a 5-digit serial (1927-2173), a day fraction."""
    if isinstance(value, str):
        text = value.strip()
        return float(text.replace(",", ".")) if _SERIAL_TEXT.fullmatch(text) or _FRACTION_TEXT.fullmatch(text) else None
    return as_number(value)


def _from_serial(serial: float) -> datetime | None:
    """An Excel serial (days since 1899-12-30, the fraction is the time of day), to the nearest second."""
    if not 1 <= serial < _LAST_SERIAL or 60 <= serial < 61:
        return None
    epoch = _EXCEL_EPOCH if serial >= 61 else _EXCEL_EPOCH + timedelta(days=1)
    return epoch + timedelta(seconds=round(serial * 86400))


def _in_range(day: date) -> date | None:
    return day if _FIRST_DATE <= day <= _LAST_DATE else None


def _calendar(year: str, month: int, day: str) -> date | None:
    if not year:
        return None
    full_year = int(year) + 2000 if len(year) == 2 else int(year)
    try:
        return _in_range(date(full_year, month, int(day)))
    except ValueError:
        return None


def _without_weekday(text: str) -> str:
    """A written date's text on one line, without the weekday or the article before it ("lundi 18/04/2022",
    "le mardi 18/04/2022" -> "18/04/2022")."""
    text = " ".join(text.split())  # a date and its time on two lines of one cell
    while (weekday := _WEEKDAY_FIRST.match(text)) and fold(weekday.group(1)) in _WEEKDAYS | _DATE_ARTICLES:
        text = text[weekday.end() :]
    return text


def _year_near(near: date, month: int, day: str) -> str:
    """The year that puts a day and month written without one nearest to `near` (December's rows in a list of
    the week of 30/12/2022 are of 2022, January's of 2023); "" when no year has that day."""
    days = []
    for year in (near.year - 1, near.year, near.year + 1):
        try:
            days.append(date(year, month, int(day)))
        except ValueError:
            continue
    return str(min(days, key=lambda candidate: abs(candidate - near)).year) if days else ""


def _date_text(text: str, month_first: bool = False, near: date | None = None) -> tuple[date | None, str] | None:
    """A written date (day first, or month first when `month_first`; ISO, compact ISO, or with a month name, a
    weekday before any of them; without its year, when `near` gives one) -> (the date or None when impossible,
    the rest of the text, e.g. its time); None when the text is not a date."""
    text = _without_weekday(text)
    if match := _YEAR_FIRST.match(text):
        year, month, day = match.groups()
    elif match := _DAY_FIRST.match(text):
        day, month, year = match.groups()
        if month_first:
            day, month = month, day
    elif (match := _MONTH_NAME.match(text)) and fold(match.group(2)) in _MONTHS:
        day, month, year = match.group(1), _MONTHS[fold(match.group(2))], match.group(3)
    elif (match := _MONTH_FIRST.match(text)) and fold(match.group(1)) in _MONTHS:
        day, month, year = match.group(2), _MONTHS[fold(match.group(1))], match.group(3)
    elif match := _COMPACT.match(text):
        year, month, day = match.groups()
    elif near is not None and (match := _DAY_MONTH.match(text)):
        day, month = match.groups()
        if month_first:
            day, month = month, day
        year = _year_near(near, int(month), day) if 1 <= int(month) <= 12 else ""
    elif near is not None and (match := _DAY_MONTH_NAME.match(text)) and fold(match.group(2)) in _MONTHS:
        day, month = match.group(1), _MONTHS[fold(match.group(2))]
        year = _year_near(near, month, day)
    else:
        return None
    rest = text[match.end() :]
    if rest and rest[0] not in " Tt,":
        return None
    return _calendar(year, int(month), day), rest.lstrip(" Tt,à-–|@")


# a date written inside a text: day first, ISO, or with a month name ("mardi 19/04/2022", "7 décembre 2026")
_DATE_IN_TEXT = re.compile(r"(?<!\d)(\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}|\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})"
                           r"|\d{1,2}(?:er)? +[^\W\d_]+\.? +\d{4})(?!\d)")
_DAY_AND_MONTH = re.compile(r"(?<!\d)\d{1,2}[/.\-]\d{1,2}(?!\d)")  # "18/04" of "du 18/04 au 22/04/2022"


def day_named(values: Iterable[object]) -> date | None:
    """The one day these cells or names give: date cells, dates written inside texts ("Consultations du mardi
    19/04/2022", "Agenda 2022-04-19", "Planning du lundi 7 décembre 2026"). None when they give none, or more than
    one ("Semaine du 18/04 au 22/04/2022")."""
    found = set()
    for value in values:
        if type(value) in (date, datetime):
            found.add(_in_range(value if type(value) is date else value.date()))
        elif isinstance(value, str):
            dates = {written[0] for match in _DATE_IN_TEXT.finditer(value)
                     if (written := _date_text(match.group(1))) and written[0]}
            if len(_DAY_AND_MONTH.findall(value)) > max(len(dates), 1):  # a day of a range written without its year
                return None
            found |= dates
    return found.pop() if len(found) == 1 else None


_MONTH_AND_YEAR = re.compile(r"(?<![^\W\d_])([^\W\d_]+)\.? +((?:19|20|21)\d{2})(?!\d)")  # "avril 2022"


def first_day(values: Iterable[object]) -> date | None:
    """The first day these cells or names give with its year (a date cell, or a date written inside a text:
    "Planning - semaine du 18/04/2022"; a month and its year, "Planning d'avril 2022", give its 15th), near which a
    date written without its year is read; None without one."""
    for value in values:
        if type(value) in (date, datetime):
            return _in_range(value if type(value) is date else value.date())
        if isinstance(value, str):
            for match in _DATE_IN_TEXT.finditer(value):
                written = _date_text(match.group(1))
                if written and written[0]:
                    return written[0]
            for match in _MONTH_AND_YEAR.finditer(value):
                if fold(match.group(1)) in _MONTHS:
                    return date(int(match.group(2)), _MONTHS[fold(match.group(1))], 15)
    return None


def written_month_first(values: Iterable[object]) -> bool:
    """Whether a column's written dates are month first (4/19/2022, as an export made with US settings writes
    them): some of them can only be read month first, and none only day first. A column whose dates all read both
    ways is day first, as Belgian exports are."""
    month_first = False
    for value in values:
        if not isinstance(value, str):
            continue
        text = _without_weekday(value.strip())
        match = _DAY_FIRST.match(text) if not _YEAR_FIRST.match(text) else None
        if match is None:
            continue
        first, second = int(match.group(1)), int(match.group(2))
        if first > 12 and 1 <= second <= 12:
            return False
        month_first |= second > 12 and 1 <= first <= 12
    return month_first


def _clock_text(text: str) -> time | None:
    """A written time of day: 9:00, 09:30:15, 9h30, 9h, 9u30, 09.30, 8,30, 8,3, 0930, 9, 2:30 pm, om 8u30, 8 uur 30,
    08.30u, 8h30'."""
    text = text.strip().lower().translate(_CLOCK_NOISE).replace("uur", "u").strip()
    if opener := _CLOCK_OPENER.match(text):
        text = text[opener.end() :]
    if text in _NAMED_CLOCKS:
        return _NAMED_CLOCKS[text]
    if len(text) > 1 and text[-1] in "uh":  # 08.30u, 8h: the mark at the end says nothing more
        text = text[:-1].strip()
    meridiem = _MERIDIEM.fullmatch(text)
    match = _CLOCK.fullmatch(meridiem.group(1) if meridiem else text)
    if match is None:
        return None
    hours, minutes, seconds, hour_mark, packed, bare, tens_hours, tens = match.groups()
    if packed:
        hours, minutes = packed[:-2], packed[-2:]
    if tens:
        hours, minutes = tens_hours, tens + "0"
    hour, minute, second = int(hours or hour_mark or bare), int(minutes or 0), int(seconds or 0)
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem.group(2) == "p" else 0)
    return time(hour, minute, second) if hour < 24 and minute < 60 and second < 60 else None


def _start_clock(text: str) -> time | None:
    """A written time of day, or the first of a written range: "15:30-16:00", "de 15h45 à 16h", "van 9u tot 10u"."""
    if clock := _clock_text(text):
        return clock
    text = text.strip().lower()
    if opener := _RANGE_OPENER.match(text):
        text = text[opener.end() :]
    for gap in _RANGE_GAP.finditer(text):
        start = _clock_text(text[: gap.start()])
        if start is not None and _clock_text(text[gap.end() :]) is not None:
            return start
    return None


def _plain(value: object) -> object:
    """numpy's datetime64 (what a pandas column's .values holds) as its ISO text; anything else unchanged."""
    return str(value) if type(value).__name__ == "datetime64" else value


def _date_and_time(value: object, month_first: bool = False,
                   near: date | None = None) -> tuple[date | None, time | None]:
    """A date cell -> (its date, the time it carries if any); written without its year, read near `near`."""
    kind = type(value)
    if kind is datetime:  # what calamine and openpyxl give for date cells: straight through
        return _in_range(value.date()), value.time().replace(tzinfo=None)
    if kind is date:
        return _in_range(value), None
    value = _plain(value)
    if is_missing(value):
        return None, None
    if isinstance(value, datetime):
        return _in_range(value.date()), value.time().replace(tzinfo=None)
    if isinstance(value, date):
        return _in_range(value), None
    number = _numeric(value)
    if number is not None:
        if number.is_integer() and 19_000_101 <= number <= 21_991_231:  # 20220418 stored as a number
            compact = _date_text(str(int(number)))
            return (compact[0] if compact else None), None
        moment = _from_serial(number)
        if moment is None:
            return None, None
        return moment.date(), (moment.time() if not number.is_integer() else None)
    if not isinstance(value, str):
        return None, None
    text = value.strip()
    if _ISO_ZONED.fullmatch(text):
        moment = datetime.fromisoformat(text.upper().replace("Z", "+00:00")).astimezone(BRUSSELS).replace(tzinfo=None)
        return _in_range(moment.date()), moment.time()
    written = _date_text(text, month_first, near)
    if written is None or written[0] is None:
        return None, None
    return written[0], _start_clock(written[1]) if written[1] else None


def to_date(value: object, month_first: bool = False, near: date | None = None) -> date | None:
    """A date cell (Excel serial, date/datetime/Timestamp, or text written day first, or month first when
    `month_first`; without its year, near `near`) -> its date, None when unusable."""
    return _date_and_time(value, month_first, near)[0]


def to_birth_date(value: object, today: date, month_first: bool = False) -> date | None:
    """A birth date: like `to_date`, but a date after `today` (a two-digit year read as 20xx) is a century earlier."""
    born = to_date(value, month_first)
    if born is None or born <= today:
        return born
    return born.replace(year=born.year - 100)  # a 29 February after today falls in a leap year a century before too


def to_time(value: object) -> time | None:
    """A time cell (time, datetime, Excel fraction or serial, text) -> the time of day, None when unusable."""
    if type(value) is time:  # what calamine and openpyxl give for time cells: straight through
        return value.replace(tzinfo=None) if value.tzinfo else value
    value = _plain(value)
    if is_missing(value):
        return None
    if isinstance(value, time):
        return value.replace(tzinfo=None)
    if isinstance(value, datetime):
        return value.time().replace(tzinfo=None)
    if isinstance(value, timedelta):
        seconds = round(value.total_seconds())
        return (datetime.min + timedelta(seconds=seconds)).time() if 0 <= seconds < 86400 else None
    number = _numeric(value)
    if number is not None:
        if 0 <= number < 1:
            return (datetime.min + timedelta(seconds=round(number * 86400) % 86400)).time()
        if number.is_integer():
            return _clock_text(str(int(number)))
        if 1 <= number < 24:  # 8.3 or 14.45: a time typed "8,30" (a serial this small would be in January 1900)
            minute = round((number - int(number)) * 100)
            return time(int(number), minute) if minute < 60 else None
        moment = _from_serial(number)
        return moment.time() if moment else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if clock := _clock_text(text):
        return clock
    written = _date_text(text)
    if written is not None:
        return _start_clock(written[1]) if written[1] else None
    return _start_clock(text)


def unread_time(date_value: object, time_value: object) -> str:
    """The written time an appointment's start could not read ("matin", "8:5"), "" when there is none: two
    appointments of one patient on one day whose times nobody can read are still two."""
    if not is_missing(time_value) and to_time(time_value) is None:
        return clean_text(time_value)
    if isinstance(date_value, str) and to_time(time_value) is None:
        written = _date_text(date_value.strip())
        if written is not None and written[1] and _start_clock(written[1]) is None:
            return written[1]
    return ""


def to_datetime(date_value: object, time_value: object = None, month_first: bool = False,
                near: date | None = None) -> datetime | None:
    """The appointment's local start: the date cell's date (written month first when `month_first`; without its
    year, in the year nearest to `near`), at the separate time cell's time when usable, else at the time the date
    cell carries, else at midnight. None when there is no usable date."""
    day, carried = _date_and_time(date_value, month_first, near)
    if day is None:
        return None
    separate = to_time(time_value)
    clock = separate if separate is not None else carried if carried is not None else time()
    return datetime.combine(day, clock)


# ---------------------------------------------------------------- text and names

_PARTICLES = frozenset(
    "van von vande vanden vander de den der des du d l di da del della le la les ter ten t op in het".split()
)
# courtesy titles a "Patient" cell may start with ("Mme DUPONT Jeanne", "Dhr. Peeters Jan"), without their dot
_TITLES = frozenset("m mr mrs ms mme mlle madame mademoiselle monsieur mevr mevrouw mw dhr meneer".split())


def clean_text(value: object) -> str:
    """A cell as text: "" for empty cells and for placeholders with no letter and no digit ("-", "/", "?"),
    numbers without a float's ".0", spaces trimmed and collapsed. Accents, apostrophes and a leading = + - @ stay
    exactly as typed."""
    if is_missing(value):
        return ""
    number = as_number(value)
    if number is not None and number.is_integer() and not isinstance(value, numbers.Integral):
        return str(int(number))
    text = " ".join(str(value).split())
    return text if any(map(str.isalnum, text)) else ""


# a note written after a name: "(née MARTIN)", "(°1961)", "°01/02/1950", "[VIP]"
_NAME_NOTE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|°\s*[\d/.\-]+")


def clean_name(value: object) -> str:
    """A name cell as text: `clean_text` without the notes written after the name ("DUPONT (née MARTIN)" is
    DUPONT), and "" when it holds no letter at all ("0", "12345", "-": no name)."""
    text = clean_text(value)
    if "(" in text or "[" in text or "°" in text:
        text = " ".join(_NAME_NOTE.sub(" ", text).split()) or text
    return text if any(map(str.isalpha, text)) else ""


def _is_upper(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) > 1 and all(ch.isupper() for ch in letters)


def _is_particle(word: str) -> bool:
    return word.casefold().rstrip("'’") in _PARTICLES


def _without_title(text: str) -> str:
    """The text without the courtesy titles it starts with, unless no letter would be left ("Mme", "Mme -")."""
    words = text.split(" ")
    cut = 0
    while cut < len(words) - 1 and words[cut].casefold().rstrip(".") in _TITLES:
        cut += 1
    rest = " ".join(words[cut:])
    return rest if cut and any(map(str.isalpha, rest)) else text


def split_patient(value: object) -> tuple[str, str]:
    """One "Patient" cell -> (last name, first name). "Dupont, Jean" splits at the comma; otherwise the words in
    capitals are the last name ("DUPONT Jean", "Anne VAN DEN BERGHE"); otherwise the first word and any
    particles before it ("Van den Berghe Anne", "Müller-Lüdenscheidt Hans"). A single word is a last name.
    Courtesy titles before the name ("Mme", "M.", "Dhr.") are dropped unless nothing else is left; a cell without
    a letter is no name."""
    text = _without_title(clean_name(value))
    if "," in text:
        last, _, first = text.partition(",")
        return last.strip(), " ".join(first.split())
    words = text.split()
    if len(words) < 2:
        return text, ""
    upper = [_is_upper(w) for w in words]
    if any(upper) and not all(upper):
        if upper[0] or _is_particle(words[0]):
            cut = next((i for i, w in enumerate(words) if not (upper[i] or _is_particle(w))), len(words))
            if any(upper[:cut]):
                return " ".join(words[:cut]), " ".join(words[cut:])
        if upper[-1]:
            cut = len(words)
            while cut > 0 and (upper[cut - 1] or _is_particle(words[cut - 1])):
                cut -= 1
            return " ".join(words[cut:]), " ".join(words[:cut])
    cut = 0
    while cut < len(words) - 1 and _is_particle(words[cut]):
        cut += 1
    return " ".join(words[: cut + 1]), " ".join(words[cut + 1 :])
