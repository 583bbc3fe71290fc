"""Phone cells -> numbers in E.164 and what they can be used for (SMS to a mobile, a call to a landline).

`phonenumbers` (region BE) is the judge. It costs ~80 us a number and an import has 100k, so a fast path reads
the common Belgian shapes with phonenumbers' own BE metadata and gives the same answer (a property test holds it
to that); anything else goes to phonenumbers. A cell may hold several numbers: they are cut by digit counts.
"""

from __future__ import annotations

import itertools
import operator
import re
from functools import lru_cache
from typing import Iterable, NamedTuple, Sequence

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberType

from crisis_tui.core.ingest.scalars import as_number, is_missing

_KIND_OF_TYPE = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "landline",
    PhoneNumberType.VOIP: "landline",
    PhoneNumberType.PERSONAL_NUMBER: "landline",
    PhoneNumberType.UAN: "landline",
    PhoneNumberType.SHARED_COST: "landline",
}  # anything else (toll free, premium rate, pager, voicemail, unknown) cannot reach a patient: invalid

# phonenumbers' number_type tests these in this order; the first that matches names the type
_BE_TYPE_KINDS = {
    "premium_rate": "invalid",
    "toll_free": "invalid",
    "shared_cost": "landline",
    "voip": "landline",
    "personal_number": "landline",
    "pager": "invalid",
    "uan": "landline",
    "voicemail": "invalid",
    "fixed_line": "landline",
    "mobile": "mobile",
}


def _desc_pattern(desc, length: int) -> str | None:
    """A phonenumbers PhoneNumberDesc's pattern for national numbers of `length` digits; None when it takes none
    (no pattern, or possible lengths that leave this one out: phonenumbers looks at the lengths first)."""
    if desc is None or not desc.national_number_pattern:
        return None
    if desc.possible_length and length not in desc.possible_length:
        return None
    return f"(?:{desc.national_number_pattern})"


# how a Belgian number starts before its national number, punctuation dropped: 0475..., 475... (Excel ate the 0),
# +32 475..., 0032 475..., +32 (0)475..., 32475... (a +32 number stored as a number)
_BE_PREFIX = r"(?:(?:\+|00)?320?|0)?"


def _be_number_regex() -> tuple[re.Pattern[str], dict[str, str]]:
    """phonenumbers' own BE metadata (the fast path's only source of truth) as one regex over a Belgian number
    written with digits only (see _BE_PREFIX), and the kind each of its groups means.

    After the prefix comes a national number of 8 or 9 digits, in a group named for its type: for each length it
    may have, the types in the order of phonenumbers' _number_type_helper (the first that matches names the type,
    so a match means the same), a fixed-line number that is also a mobile one (FIXED_LINE_OR_MOBILE) in a group of
    its own, first; then `invalid`, for a number of that shape that is none of them. Only the types a number of
    that length may have are tried: a mobile number no longer fails eight of them first."""
    alternatives, kinds = [], {"invalid": "invalid"}
    for length in _BE.general_desc.possible_length:
        mobile = _desc_pattern(_BE.mobile, length)
        groups = []
        for name, kind in _BE_TYPE_KINDS.items():
            pattern = _desc_pattern(getattr(_BE, name), length)
            if pattern is None:
                continue
            if name == "fixed_line" and mobile and not _BE.same_mobile_and_fixed_line_pattern:
                groups.append((f"fixed_line_or_mobile_{length}", "mobile", f"(?={mobile}$){pattern}"))
            if name == "fixed_line" and _BE.same_mobile_and_fixed_line_pattern:
                kind = "mobile"
            groups.append((f"{name}_{length}", kind, pattern))
        kinds.update((group, kind) for group, kind, _ in groups)
        body = "|".join(f"(?P<{group}>{pattern})" for group, _, pattern in groups)
        if body:
            alternatives.append(f"(?=[0-9]{{{length}}}$)(?={_desc_pattern(_BE.general_desc, length)}$)(?:{body})")
    return re.compile(f"{_BE_PREFIX}(?=[1-9][0-9]{{7,8}}$)(?:{'|'.join(alternatives)}|(?P<invalid>[0-9]+))"), kinds


_BE = PhoneMetadata.metadata_for_region("BE")
_BE_NUMBER, _KIND_OF_GROUP = _be_number_regex()
_NUMBER_PUNCTUATION = " ./-()\u00a0\u2010\u2011\u2012\u2013\u2014\u2015"
_DROP_PUNCTUATION = str.maketrans("", "", _NUMBER_PUNCTUATION)
_ASCII_PUNCTUATION = bytes(ch for ch in _NUMBER_PUNCTUATION.encode("latin-1", "ignore") if ch < 128)
_MAX_PHONE_INPUT = 250  # phonenumbers refuses longer input
# a Belgian national number has 8 or 9 digits; 10 starting with 4 are rather a mobile that lost its 0 and got a
# digit too many ("4741234567" would be a Norwegian mobile: an SMS to a stranger)
_LOST_PREFIX = re.compile(r"(?!4[0-9]{9}\Z)[1-9][0-9]{9,}")


def _be_answer(match: re.Match[str]) -> tuple[str | None, str]:
    """(E.164, kind) of a Belgian number `_BE_NUMBER` matched, as phonenumbers would say."""
    group = match.lastgroup
    kind = _KIND_OF_GROUP[group]
    return (f"+32{match[group]}", kind) if kind != "invalid" else (None, "invalid")


def _without_punctuation(text: str) -> str:
    """The text without the punctuation numbers are written with (bytes.translate is 3x faster for ASCII)."""
    if text.isascii():
        return text.encode().translate(None, _ASCII_PUNCTUATION).decode()
    return text.translate(_DROP_PUNCTUATION)


def _fast_phone(raw: str) -> tuple[str | None, str] | None:
    """The answer for a Belgian number written with digits and punctuation only, or None to ask phonenumbers."""
    if len(raw) > _MAX_PHONE_INPUT:
        return None
    match = _BE_NUMBER.fullmatch(_without_punctuation(raw.strip()))
    return _be_answer(match) if match else None


def _phonenumbers_phone(raw: str) -> tuple[str | None, str]:
    """phonenumbers' answer for a number read in Belgium; when that fails, digits that cannot be a Belgian
    national number (10 or more, no 0 nor + before them, see _LOST_PREFIX) are read as an international number
    that lost its + or 00 (LibreOffice stores +33612345678 as the number 33612345678)."""
    answer = _judged(raw)
    digits = raw.strip()
    if answer[0] is None and _LOST_PREFIX.fullmatch(digits):
        return _judged(f"+{digits}")
    return answer


def _judged(raw: str) -> tuple[str | None, str]:
    try:
        number = phonenumbers.parse(raw, "BE")
    except phonenumbers.NumberParseException:
        return None, "invalid"
    if not phonenumbers.is_valid_number(number):
        return None, "invalid"
    kind = _KIND_OF_TYPE.get(phonenumbers.number_type(number), "invalid")
    if kind == "invalid":
        return None, "invalid"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), kind


@lru_cache(maxsize=1 << 16)
def normalize_phone(raw: str) -> tuple[str | None, str]:
    """One number as typed -> (E.164 or None, "mobile" | "landline" | "invalid")."""
    fast = _fast_phone(raw)
    return fast if fast is not None else _phonenumbers_phone(raw)


RAW_SEPARATOR = " | "  # between the numbers of PhoneInfo.raw


class PhoneInfo(NamedTuple):
    raw: str  # every number as read, joined by RAW_SEPARATOR
    phones: str  # the valid numbers in E.164, mobiles first, no repeats, joined by ";"
    kinds: str  # one kind per number read, in reading order, joined by ";"
    kind: str  # best of them: mobile, landline, invalid, or none when nothing was read


# str() of a float (no leading 0, phone-sized, "475123456.0" or "475123456,00") or its scientific form (group 2:
# the digits after the decimal mark, group 3: the exponent)
_FLOAT_TEXT = re.compile(r"(\+?[1-9][0-9]{7,})[.,]0+|[0-9](?:[.,]([0-9]+))?[eE]\+?([0-9]{1,2})")
_NUMBER_RUN = re.compile(r"[0-9+(][0-9+ \u00a0./()\-\u2010-\u2015]*")  # letters, ; , | : and line breaks end a run
_DIGIT_GROUP = re.compile(r"\+ *[1-9][0-9]*|[0-9]+")  # "+" before a 0 is no country code: "0475... + 061..."
_COUNTRY_CODES = phonenumbers.COUNTRY_CODE_TO_REGION_CODE


def _phone_text(value: object) -> str:
    """A phone cell as text: floats from xlsx without their ".0", and the scientific form of a number when it
    still holds every digit ("4.75123456E+08"). Shorter ("4,75123E+08", what a spreadsheet shows of a long number
    and writes to CSV) the digits are lost: the text is kept as it is, and read as no usable number, never as
    475123000, a stranger's mobile."""
    if isinstance(value, str):
        text = value.strip()
        float_text = _FLOAT_TEXT.fullmatch(text)
        if float_text is None:
            return text
        if float_text.group(1):
            return float_text.group(1)
        if len(float_text.group(2) or "") < int(float_text.group(3)):
            return text
        value = float(text.replace(",", "."))
    if type(value) is float and value.is_integer():  # most numbers a phone column holds (NaN is not)
        return str(int(value))
    if is_missing(value):
        return ""
    number = as_number(value)
    if number is not None and number.is_integer():
        return str(int(number))
    return str(value)


@lru_cache(maxsize=256)
def _foreign_lengths(country_code: int) -> tuple[int, ...]:
    region = phonenumbers.region_code_for_country_code(country_code)
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
    return tuple(metadata.general_desc.possible_length) if metadata is not None else ()


def _expected_digits(digits: str) -> tuple[int | None, tuple[int, ...]]:
    """For the digits read so far (a leading "+" kept, not counted): the digit count of a complete number when
    known, and the counts at which it may already be complete (several for a foreign number)."""
    plus = digits.startswith("+")
    body = digits.lstrip("+")
    prefix = 0
    if plus or body.startswith("00"):
        prefix = 0 if plus else 2
        body = body[prefix:]
        width = next((w for w in (1, 2, 3) if len(body) > w and int(body[:w]) in _COUNTRY_CODES), None)
        if width is None:
            return None, ()
        code, body = int(body[:width]), body[width:]
        trunk = 1 if body.startswith("0") else 0  # "+32 (0)475 ..."
        prefix += width + trunk
        body = body[trunk:]
        if code != 32:
            lengths = _foreign_lengths(code)
            return (prefix + max(lengths) if lengths else None), tuple(prefix + n for n in lengths)
    elif body.startswith("0"):
        prefix, body = 1, body[1:]
    if not body or (body[0] == "4" and len(body) < 2):
        return None, ()
    complete = prefix + (9 if body[0] == "4" and body[1] not in "23" else 8)
    return complete, (complete,)


def _split_run(run: str) -> list[str]:
    """One run of digits and punctuation -> the numbers it holds, cut where the digit counts say one ends
    (a foreign number of uncertain length also ends at a spaced " / " or " - ")."""
    found: list[str] = []
    start = end = 0
    digits = ""
    for group in _DIGIT_GROUP.finditer(run):
        group_digits = group.group().replace(" ", "")
        if digits:
            complete, possible = _expected_digits(digits)
            count = len(digits.lstrip("+"))
            gap = run[end : group.start()]
            if (
                group_digits.startswith("+")
                or (complete is not None and count + len(group_digits) > complete)
                or (count in possible and gap.strip() in ("/", "-", "\u2013") and gap != gap.strip())
            ):
                found.append(run[start:end])
                digits = ""
        if not digits:
            start = group.start() - (1 if run[group.start() - 1 : group.start()] == "(" else 0)
        digits += group_digits
        end = group.end()
    if digits:
        found.append(run[start:end])
    return found


_FEWEST_DIGITS = 6  # fewer, after a complete number, are a typo or an extension: no number of their own


def _numbers_in_run(run: str, ends_line: bool) -> list[str]:
    """`_split_run`, unless a few digits end the line right after a complete number, with nothing but spaces or
    dots between ("0475 12 34 56 56"): the run is then one number as written, which no reader takes, rather than
    a guess at which digits are the patient's. A separator ("0475 12 34 56 / 57"), a bracket or words after them
    ("(2)", "24h/24", "8h-12h": a note) leave the number before them as it is."""
    numbers = _split_run(run)
    if ends_line and len(numbers) > 1:
        last = numbers[-1]
        start = run.rindex(last)
        gap = run[run.index(numbers[-2]) + len(numbers[-2]) : start]
        if sum(ch.isdigit() for ch in last) < _FEWEST_DIGITS and not gap.strip(" .") and last[0] != "(":
            return [run.strip()]
    return numbers


def _read_line(line: str) -> list[tuple[str, str | None, str]]:
    """Every number on one line of a cell as (raw, E.164 or None, kind); words without a digit are one invalid number.
    (phone_info reads the usual line, one Belgian number, itself: this is for the others.)"""
    raws = [raw for run in _NUMBER_RUN.finditer(line)
            for raw in _numbers_in_run(run.group(), not line[run.end() :].strip())]
    if not raws:
        return [(line, None, "invalid")] if any(ch.isalnum() for ch in line) else []
    return [(raw, *normalize_phone(raw)) for raw in raws]


Reading = tuple[str, "str | None", str]  # one number as read, its E.164 (None when unusable), its kind
_NO_NUMBER = PhoneInfo("", "", "", "none")


def _cell_readings(value: object) -> tuple[Reading, ...]:
    """Every number one phone cell holds, in reading order."""
    text = _phone_text(value)
    if _FLOAT_TEXT.fullmatch(text):  # a number whose digits were lost (see _phone_text): one unusable number
        return ((text, None, "invalid"),)
    found: list[Reading] = []
    for line in text.splitlines():
        line = " ".join(line.split())
        single = _BE_NUMBER.fullmatch(_without_punctuation(line))
        found.extend([(line, *_be_answer(single))] if single else _read_line(line))  # usually one number
    return tuple(found)


Summary = tuple[str, str, str, str]  # PhoneInfo's fields, as a plain tuple (built 10x faster)


def _summary(readings: Sequence[Reading]) -> Summary:
    """Every number read in a row's phone cells -> the usable ones, mobiles first, and the best kind (a row has
    mostly one number, or two: a mobile and a landline)."""
    if len(readings) == 1:
        raw, e164, kind = readings[0]
        return raw, e164 or "", kind, kind  # E.164 is None exactly when the kind is invalid
    if len(readings) == 2:
        return _two(*readings)
    return _several(readings) if readings else _NO_NUMBER


def _two(first: Reading, second: Reading) -> Summary:
    """`_several` of two numbers, written out."""
    (raw1, number1, kind1), (raw2, number2, kind2) = first, second
    if number1 is None or number1 == number2:
        phones = number2 or ""
    elif number2 is None:
        phones = number1
    elif kind2 == "mobile" and kind1 != "mobile":
        phones = f"{number2};{number1}"
    else:
        phones = f"{number1};{number2}"
    best = "mobile" if "mobile" in (kind1, kind2) else "landline" if "landline" in (kind1, kind2) else "invalid"
    return f"{raw1}{RAW_SEPARATOR}{raw2}", phones, f"{kind1};{kind2}", best


def _several(readings: Sequence[Reading]) -> Summary:
    mobiles: list[str] = []
    landlines: list[str] = []
    for _, e164, kind in readings:
        if e164 is not None and e164 not in mobiles and e164 not in landlines:
            (mobiles if kind == "mobile" else landlines).append(e164)
    best = "mobile" if mobiles else "landline" if landlines else "invalid"
    return (RAW_SEPARATOR.join(raw for raw, _, _ in readings), ";".join(mobiles + landlines),
            ";".join(kind for _, _, kind in readings), best)


def phone_info(values: Iterable[object]) -> PhoneInfo:
    """The cells of every phone column of one row -> every number read, the usable ones, the best kind."""
    return PhoneInfo._make(_summary([reading for value in values for reading in _cell_readings(value)]))


# a cell that may hold one number of a common shape: digits and the punctuation numbers are written with, one line,
# not the text of a float ("475123456.0", which _phone_text reads otherwise)
_BULK_CELL = re.compile(r"(?!\+?[1-9][0-9]{7,}[.,]0+\Z)[0-9+ \t\u00a0./()\-\u2010-\u2015]+")
_DROP_BULK = str.maketrans("", "", _NUMBER_PUNCTUATION + "\t")
_ASCII_DROP_BULK = _ASCII_PUNCTUATION + b"\t"


def column_readings(cells: Sequence[object]) -> list[tuple[Reading, ...]]:
    """`_cell_readings` of each cell of a phone column. A column has thousands of cells, mostly one number in a
    common shape each: those are read together (one translate over all their digits, then the BE regex over each:
    `_be_answer` written out, once a cell), the others one by one."""
    readings: list[tuple[Reading, ...]] = [()] * len(cells)
    texts = [cell.strip() if type(cell) is str else _phone_text(cell) for cell in cells]
    shapes = list(map(_BULK_CELL.fullmatch, texts))
    for position in itertools.compress(range(len(texts)), texts):
        if shapes[position] is None:
            readings[position] = _cell_readings(cells[position])
    bulk = list(itertools.compress(range(len(texts)), shapes))
    chosen = list(map(texts.__getitem__, bulk))
    joined = "\n".join(chosen)
    digits = (joined.encode().translate(None, _ASCII_DROP_BULK).decode() if joined.isascii()
              else joined.translate(_DROP_BULK))
    raws = map(" ".join, map(str.split, chosen))
    for position, raw, match in zip(bulk, raws, map(_BE_NUMBER.fullmatch, digits.split("\n"))):
        if match is None:
            readings[position] = _cell_readings(cells[position])
            continue
        group = match.lastgroup
        kind = _KIND_OF_GROUP[group]
        readings[position] = ((raw, f"+32{match[group]}" if kind != "invalid" else None, kind),)
    return readings


def phone_infos(columns: Sequence[Sequence[object]]) -> list[Summary]:
    """`phone_info` of each row (its fields, as a plain tuple), given the row's phone cells column by column (every
    column as long)."""
    if not columns:
        return []
    rows: Iterable[tuple[Reading, ...]] = column_readings(columns[0])
    for column in columns[1:]:
        rows = map(operator.add, rows, column_readings(column))
    return list(map(_summary, rows))
