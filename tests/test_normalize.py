"""Cell values -> clean values: every shape real exports bring (see /work/shared/BRIEF.md)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crisis_tui.core.ingest.normalize import (
    PhoneInfo,
    clean_text,
    first_day,
    normalize_phone,
    phone_info,
    split_patient,
    to_date,
    to_datetime,
    to_time,
)
from crisis_tui.core.ingest.phones import _phonenumbers_phone

MOBILE = "+32475123456"
LANDLINE = "+3261212121"


@pytest.mark.parametrize(
    "raw",
    ["0475 12 34 56", "0475/12.34.56", "0475-12-34-56", "0475123456", "+32 475 12 34 56", "+32475123456",
     "0032475123456", "0032 475 12 34 56", "475123456", "+32 (0)475 12 34 56", "(0475) 12 34 56",
     "32475123456", "0475\u00a012\u00a034\u00a056"],
)
def test_belgian_mobile_shapes(raw):
    assert normalize_phone(raw) == (MOBILE, "mobile")


@pytest.mark.parametrize(
    ("raw", "e164"),
    [("061 21 21 21", LANDLINE), ("061/21.21.21", LANDLINE), ("61212121", LANDLINE), ("+32 61 21 21 21", LANDLINE),
     ("063/55.55.55", "+3263555555"), ("02 223 45 67", "+3222234567"), ("04 223 45 67", "+3242234567"),
     ("084 31 10 10", "+3284311010"), ("3261212121", LANDLINE), ("078 15 15 15", "+3278151515")],
)
def test_belgian_landline_shapes(raw, e164):
    assert normalize_phone(raw) == (e164, "landline")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("+352 621 123 456", ("+352621123456", "mobile")), ("00352 621 123 456", ("+352621123456", "mobile")),
     ("+352 26 12 34", ("+352261234", "landline")), ("+33 6 12 34 56 78", ("+33612345678", "mobile")),
     ("0033 3 87 12 34 56", ("+33387123456", "landline")), ("+33 (0)6 12 34 56 78", ("+33612345678", "mobile")),
     ("+31 6 12345678", ("+31612345678", "mobile")), ("+31 20 123 4567", ("+31201234567", "landline")),
     ("+49 151 23456789", ("+4915123456789", "mobile")), ("+49 30 1234567", ("+49301234567", "landline"))],
)
def test_neighbours_keep_their_kind(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "abc", "04", "0475", "0475 12 34", "0000000000", "00000", "+", "0475 12 34 56 78 90", "02 123 45 67",
     "0800 12 345", "0900 12 345", "070 22 12 34", "+999 123 456", "ABCDEFGHIJ", "x" * 300,
     "0475123456" + " " * 300, "+32 123", "0412345678"],
)
def test_unusable_numbers_are_invalid(raw):
    assert normalize_phone(raw) == (None, "invalid")


def test_the_fast_path_answers_the_common_shapes_without_phonenumbers(monkeypatch):
    import crisis_tui.core.ingest.phones as phones

    phones.normalize_phone.cache_clear()
    monkeypatch.setattr(phones, "_phonenumbers_phone", lambda raw: pytest.fail(f"slow path for {raw!r}"))
    for raw in ["0475 12 34 56", "0475/12.34.56", "+32 475 12 34 56", "0032475123456", "475123456", "061 21 21 21"]:
        assert phones.normalize_phone(raw)[1] in ("mobile", "landline")
    phones.normalize_phone.cache_clear()


def test_each_number_is_judged_once():
    normalize_phone.cache_clear()
    normalize_phone("+352 621 123 456")
    normalize_phone("+352 621 123 456")
    assert normalize_phone.cache_info().hits == 1


def test_phonenumbers_is_asked_for_anything_else():
    assert _phonenumbers_phone("+352 621 123 456") == normalize_phone("+352 621 123 456")
    assert normalize_phone("GSM 0475 12 34 56") == (MOBILE, "mobile")


@pytest.mark.parametrize(
    ("cells", "raw", "phones", "kinds", "kind"),
    [
        (["0475 12 34 56 / 061 21 21 21"], "0475 12 34 56 | 061 21 21 21", f"{MOBILE};{LANDLINE}", "mobile;landline", "mobile"),
        (["0475123456; 061212121"], "0475123456 | 061212121", f"{MOBILE};{LANDLINE}", "mobile;landline", "mobile"),
        (["0475123456, 061212121"], "0475123456 | 061212121", f"{MOBILE};{LANDLINE}", "mobile;landline", "mobile"),
        (["0475123456/061212121"], "0475123456 | 061212121", f"{MOBILE};{LANDLINE}", "mobile;landline", "mobile"),
        (["0475 12 34 56 061 21 21 21"], "0475 12 34 56 | 061 21 21 21", f"{MOBILE};{LANDLINE}", "mobile;landline", "mobile"),
        (["0475 12 34 56 - 061 21 21 21"], "0475 12 34 56 | 061 21 21 21", f"{MOBILE};{LANDLINE}", "mobile;landline", "mobile"),
        (["GSM: 0475.12.34.56 Fixe: 061 21 21 21"], "0475.12.34.56 | 061 21 21 21", f"{MOBILE};{LANDLINE}", "mobile;landline", "mobile"),
        (["0475 12 34 56\n061 21 21 21"], "0475 12 34 56 | 061 21 21 21", f"{MOBILE};{LANDLINE}", "mobile;landline", "mobile"),
        (["061 21 21 21\r\n0475 12 34 56"], "061 21 21 21 | 0475 12 34 56", f"{MOBILE};{LANDLINE}", "landline;mobile", "mobile"),
        (["475123456 61212121"], "475123456 | 61212121", f"{MOBILE};{LANDLINE}", "mobile;landline", "mobile"),
        (["0475/12.34.56"], "0475/12.34.56", MOBILE, "mobile", "mobile"),
        (["+32 475 12 34 56 / +352 621 123 456"], "+32 475 12 34 56 | +352 621 123 456", f"{MOBILE};+352621123456", "mobile;mobile", "mobile"),
        (["+352 26 12 34 / 061 21 21 21"], "+352 26 12 34 | 061 21 21 21", f"+352261234;{LANDLINE}", "landline;landline", "landline"),
        (["+352 621 123 456 0475 12 34 56"], "+352 621 123 456 | 0475 12 34 56", f"+352621123456;{MOBILE}", "mobile;mobile", "mobile"),
        (["0033 6 12 34 56 78 - 0032 475 12 34 56"], "0033 6 12 34 56 78 | 0032 475 12 34 56", f"+33612345678;{MOBILE}", "mobile;mobile", "mobile"),
        (["0475 12 34 5 061 21 21 21"], "0475 12 34 5 | 061 21 21 21", LANDLINE, "invalid;landline", "landline"),
        (["061 21 21 21 (soir)"], "061 21 21 21", LANDLINE, "landline", "landline"),
        (["+0475 12 34 56"], "0475 12 34 56", MOBILE, "mobile", "mobile"),
        (["(0475) 12 34 56 / (061) 21 21 21"], "(0475) 12 34 56 | (061) 21 21 21", f"{MOBILE};{LANDLINE}", "mobile;landline", "mobile"),
        (["+33 (0)6 12 34 56 78 / 0475 12 34 56"], "+33 (0)6 12 34 56 78 | 0475 12 34 56", f"+33612345678;{MOBILE}", "mobile;mobile", "mobile"),
        (["+32 (0)475 12 34 56 061 21 21 21"], "+32 (0)475 12 34 56 | 061 21 21 21", f"{MOBILE};{LANDLINE}", "mobile;landline", "mobile"),
        (["0475 12 34 56 + 061 21 21 21"], "0475 12 34 56 | 061 21 21 21", f"{MOBILE};{LANDLINE}", "mobile;landline", "mobile"),
        (["04 223 45 67 / 0475 12 34 56"], "04 223 45 67 | 0475 12 34 56", f"{MOBILE};+3242234567", "landline;mobile", "mobile"),
    ],
)
def test_several_numbers_in_one_cell_are_each_kept(cells, raw, phones, kinds, kind):
    assert phone_info(cells) == PhoneInfo(raw, phones, kinds, kind)


@pytest.mark.parametrize("cell", ["0475 12 34 56 56", "0475123456 12", "061 21 21 21 123", "0475.12.34.56.56"])
def test_digits_left_over_after_a_number_make_it_no_usable_number_not_a_guess(cell):
    """"0475 12 34 56 56" holds a typo: the first ten digits may not be the patient's number (found by an audit).
    After a separator, the number before it stands ("0475 12 34 56 / 57": the other one is not read)."""
    assert phone_info([cell]) == PhoneInfo(cell, "", "invalid", "invalid")
    assert phone_info(["0475 12 34 56 / 57"]) == PhoneInfo("0475 12 34 56 | 57", MOBILE, "mobile;invalid", "mobile")


@pytest.mark.parametrize("cell", ["0475 12 34 56 (9h-17h)", "0475 12 34 56 24h/24", "0475 12 34 56 8h-12h",
                                  "0475 12 34 56 (2)", "0475 12 34 56 (après 18h)"])
def test_a_note_with_digits_after_a_number_leaves_the_number_usable(cell):
    """Found by a regression audit: a time or a count in a note is no digits run on."""
    assert phone_info([cell]).phones == MOBILE


def test_numbers_from_several_columns_mobiles_first_without_repeats():
    info = phone_info(["061 21 21 21", 475123456.0, "0475 12 34 56", None, float("nan"), ""])
    assert info == PhoneInfo("061 21 21 21 | 475123456 | 0475 12 34 56", f"{MOBILE};{LANDLINE}", "landline;mobile;mobile", "mobile")


@pytest.mark.parametrize(
    ("cell", "raw"),
    [(475123456.0, "475123456"), (475123456, "475123456"), ("475123456.0", "475123456"), ("475123456,0", "475123456"),
     ("4.75123456E+8", "475123456"), (pd.Series([475123456.0]).iloc[0], "475123456"),
     (pd.Series([475123456]).iloc[0], "475123456"), (32475123456.0, "32475123456")],
)
def test_float_and_int_cells_lose_their_excel_artefacts(cell, raw):
    assert phone_info([cell]) == PhoneInfo(raw, MOBILE, "mobile", "mobile")


@pytest.mark.parametrize("cell", ["4,75123E+08", "3,24751E+10", "3.24751E+10", "4,75E+08", "4.75123e8"])
def test_a_number_shown_in_scientific_form_without_all_its_digits_is_no_usable_number(cell):
    """What a spreadsheet writes to CSV of a long number it showed as 4,75123E+08: the last digits are lost, and
    475123000 would be a stranger's mobile. The cell is kept as written, and the patient is unreachable."""
    assert phone_info([cell]) == PhoneInfo(cell, "", "invalid", "invalid")
    assert phone_info(["0475 12 34 56", cell]) == PhoneInfo(f"0475 12 34 56 | {cell}", MOBILE, "mobile;invalid",
                                                            "mobile")


@pytest.mark.parametrize(
    ("cells", "kind", "kinds"),
    [([], "none", ""), ([None, float("nan"), "", "  ", pd.NA, pd.NaT], "none", ""), (["-", "/"], "none", ""),
     (["04"], "invalid", "invalid"), (["néant"], "invalid", "invalid"), (["0800 12 345"], "invalid", "invalid"),
     (["0800 12 345", "061 21 21 21"], "landline", "invalid;landline"), (["abc", "0475123456"], "mobile", "invalid;mobile"),
     (["0475 ab cd ef"], "invalid", "invalid")],
)
def test_best_kind(cells, kind, kinds):
    info = phone_info(cells)
    assert (info.kind, info.kinds) == (kind, kinds)
    assert info.phones.count("+") == kinds.count("mobile") + kinds.count("landline")


def test_phone_info_counts_one_kind_per_raw_number():
    info = phone_info(["GSM 0475123456 ou 061212121; 063 55 55 55", "abc"])
    assert len(info.raw.split(" | ")) == len(info.kinds.split(";")) == 4


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "value",
    [44669, 44669.0, 44669.354, "44669", "18/04/2022", "18-04-22", "18.04.2022", "18/4/2022", "2022-04-18",
     "2022/04/18", "2022-04-18 08:30", "18/04/2022 08:30:00", " 18/04/2022 ", "2022-04-18T08:30:00.000000000",
     "lun. 18 avr. 2022", "18-avr.-22", "18 April 2022", "18 april 2022 om 9u", date(2022, 4, 18),
     datetime(2022, 4, 18, 8, 30), pd.Timestamp("2022-04-18 08:30"), np.datetime64("2022-04-18T08:30"),
     np.float64(44669.0), np.int64(44669)],
)
def test_dates_in_every_shape(value):
    assert to_date(value) == date(2022, 4, 18)


@pytest.mark.parametrize(("date_cell", "time_cell", "start"), [
    ("le 18/04/2022 à 14h", None, datetime(2022, 4, 18, 14, 0)), ("Le lundi 18/04/2022", "9h", datetime(2022, 4, 18, 9)),
    ("op 18-04-2022", "midi", datetime(2022, 4, 18, 12, 0)), ("18/04/2022", "Midi", datetime(2022, 4, 18, 12, 0)),
    # an offset from UTC: Brussels time (summer: UTC+2)
    ("2022-04-18T10:00:00+02:00", None, datetime(2022, 4, 18, 10, 0)), ("2022-04-18T08:00:00Z", None,
                                                                        datetime(2022, 4, 18, 10, 0)),
    ("2022-04-18 23:30+00:00", None, datetime(2022, 4, 19, 1, 30)),
])
def test_articles_noon_and_offsets_from_utc(date_cell, time_cell, start):
    assert to_datetime(date_cell, time_cell) == start


@pytest.mark.parametrize(
    "value",
    [None, float("nan"), pd.NaT, pd.NA, np.datetime64("NaT"), np.float64("nan"), "", "   ", "garbage", "31/02/2022", "18/13/2022", "2022-04-31", "18/04",
     "18.04", "18/04/2022abc", "18/04/20225", True, 0.375, 0, -5, 475123456, 10**12, float("inf"), time(9, 0),
     datetime(1899, 12, 30, 9, 0), datetime(1899, 12, 31, 9, 0), datetime(1900, 1, 1, 12, 0), 60, "123"],
)
def test_unusable_dates_are_none(value):
    assert to_date(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("01/02/03", date(2003, 2, 1)), ("1er mai 2022", date(2022, 5, 1)), (61, date(1900, 3, 1)),
     (59, date(1900, 2, 28)), (2, date(1900, 1, 2)), ("29/02/24", date(2024, 2, 29)), ("12/05/54", date(2054, 5, 12))],
)
def test_day_first_two_digit_years_and_the_1900_serials(value, expected):
    assert to_date(value) == expected


@given(st.dates(date(1900, 1, 2), date(2199, 12, 31)), st.sampled_from("/.-"), st.booleans())
def test_any_date_written_day_first_reads_back(day, sep, padded):
    text = f"{day.day:02d}{sep}{day.month:02d}{sep}{day.year}" if padded else f"{day.day}{sep}{day.month}{sep}{day.year}"
    assert to_date(text) == day
    assert to_date(day.isoformat()) == day
    if 2000 <= day.year <= 2099:
        assert to_date(f"{day.day:02d}{sep}{day.month:02d}{sep}{day.year % 100:02d}") == day


@given(st.datetimes(datetime(1900, 3, 1), datetime(2199, 12, 31, 23, 59, 59)).map(lambda m: m.replace(microsecond=0)))
def test_any_excel_serial_reads_back_to_the_second(moment):
    serial = (moment - datetime(1899, 12, 30)) / timedelta(days=1)
    assert to_datetime(serial) == moment
    assert to_date(serial) == moment.date()


# ---------------------------------------------------------------- times


@given(st.times().map(lambda t: t.replace(microsecond=0)))
def test_any_time_written_or_as_a_day_fraction_reads_back(clock):
    assert to_time(f"{clock.hour}:{clock.minute:02d}") == clock.replace(second=0)
    assert to_time(f"{clock.hour:02d}h{clock.minute:02d}") == clock.replace(second=0)
    assert to_time(clock.isoformat()) == clock
    assert to_time((clock.hour * 3600 + clock.minute * 60 + clock.second) / 86400) == clock


@pytest.mark.parametrize(
    ("value", "expected"),
    [("9:00", time(9)), ("09:30", time(9, 30)), ("9h30", time(9, 30)), ("9H30", time(9, 30)), ("9h", time(9)),
     ("09.30", time(9, 30)), ("0930", time(9, 30)), ("930", time(9, 30)), ("9", time(9)), ("9u30", time(9, 30)),
     ("9 uur", time(9)), ("09:30:15", time(9, 30, 15)), ("2:30 pm", time(14, 30)), ("12 am", time(0)),
     ("12:15 PM", time(12, 15)), (" 14:05 ", time(14, 5)), ("0:00", time(0)), ("23:59", time(23, 59)),
     (time(9, 30), time(9, 30)), (datetime(2022, 4, 18, 8, 30), time(8, 30)), (pd.Timestamp("2022-04-18 08:30"), time(8, 30)),
     (datetime(1899, 12, 30, 9), time(9)), (datetime(1900, 1, 1, 9), time(9)), (np.datetime64("2022-04-18T08:30"), time(8, 30)), (timedelta(hours=9, minutes=30), time(9, 30)),
     (0.375, time(9)), (0.0, time(0)), ("0.375", time(9)), (930, time(9, 30)), (9, time(9)), (44669.375, time(9)),
     ("18/04/2022 08:30", time(8, 30)), ("2022-04-18T08:30:00", time(8, 30)), ("1899-12-30 09:00:00", time(9))],
)
def test_times_in_every_shape(value, expected):
    assert to_time(value) == expected


@pytest.mark.parametrize(
    "value",
    [None, float("nan"), pd.NaT, "", "abc", "25:00", "24:00", "9h75", "9:5", "12:30:75", "2460", "99", "13 pm",
     "0 am", "18/04/2022", 44669, -0.5, 24, 2460, timedelta(days=1, hours=2), timedelta(hours=-1), True, date(2022, 4, 18)],
)
def test_unusable_times_are_none(value):
    assert to_time(value) is None


@pytest.mark.parametrize(
    ("date_value", "time_value", "expected"),
    [(date(2022, 4, 18), time(9, 30), datetime(2022, 4, 18, 9, 30)),
     ("18/04/2022", "9h30", datetime(2022, 4, 18, 9, 30)),
     ("18/04/2022 08:30", None, datetime(2022, 4, 18, 8, 30)),
     ("18/04/2022 08:30", "10:00", datetime(2022, 4, 18, 10)),
     ("18/04/2022 08:30", "garbage", datetime(2022, 4, 18, 8, 30)),
     ("18/04/2022 08:30", float("nan"), datetime(2022, 4, 18, 8, 30)),
     (44669.354, None, datetime(2022, 4, 18, 8, 29, 46)),
     (44669, 0.375, datetime(2022, 4, 18, 9)),
     (datetime(2022, 4, 18, 8, 30), None, datetime(2022, 4, 18, 8, 30)),
     (datetime(2022, 4, 18), datetime(1899, 12, 30, 14, 15), datetime(2022, 4, 18, 14, 15)),
     (pd.Timestamp("2022-04-18"), "", datetime(2022, 4, 18)),
     ("18/04/2022", None, datetime(2022, 4, 18))],
)
def test_datetime_from_a_date_cell_and_a_time_cell(date_value, time_value, expected):
    result = to_datetime(date_value, time_value)
    assert result == expected and type(result) is datetime and result.tzinfo is None


@pytest.mark.parametrize("date_value", [None, "", "garbage", float("nan"), time(9), datetime(1899, 12, 30, 9)])
def test_no_datetime_without_a_usable_date(date_value):
    assert to_datetime(date_value, "09:00") is None


@pytest.mark.parametrize(("date_value", "time_value", "near", "expected"), [
    ("mar 19/04", "08:00", date(2022, 4, 18), datetime(2022, 4, 19, 8)),
    ("19.04 14h30", None, date(2022, 4, 18), datetime(2022, 4, 19, 14, 30)),
    ("mardi 19 avril", None, date(2022, 4, 18), datetime(2022, 4, 19)),
    ("02/01", "09:00", date(2022, 12, 30), datetime(2023, 1, 2, 9)),  # the week of New Year
    ("30/12", None, date(2023, 1, 2), datetime(2022, 12, 30)),
    ("29/02", None, date(2024, 1, 5), datetime(2024, 2, 29)),
    ("19/04/2021", None, date(2022, 4, 18), datetime(2021, 4, 19)),  # its own year wins
])
def test_a_date_written_without_its_year_takes_the_year_nearest_to_the_day_given(date_value, time_value, near,
                                                                                 expected):
    assert to_datetime(date_value, time_value, near=near) == expected


@pytest.mark.parametrize("date_value", ["19/04", "mar 19/04", "19 avril", "29/02", "19/13", "8.30", "19"])
def test_a_date_without_its_year_is_no_date_when_nothing_gives_one_nor_an_impossible_one(date_value):
    assert to_datetime(date_value) is None
    if date_value in ("29/02", "19/13", "8.30", "19"):
        assert to_datetime(date_value, near=date(2022, 4, 18)) is None


def test_the_first_day_a_title_or_a_name_gives():
    assert first_day([None, "Planning - semaine du 18/04 au 22/04/2022", "Imprimé le 01/03/2021"]) == date(2022, 4, 22)
    assert first_day([datetime(2022, 4, 19, 8), "x"]) == date(2022, 4, 19)
    assert first_day(["Consultations", "", 12]) is None
    assert first_day(["Planning des consultations – avril 2022"]) == date(2022, 4, 15)
    assert first_day(["Agenda Dec. 2022"]) == date(2022, 12, 15) and first_day(["Salle 2022"]) is None


def test_aware_datetimes_become_naive_local_times():
    aware = pd.Timestamp("2022-04-18 08:30", tz="Europe/Brussels")
    assert to_datetime(aware) == datetime(2022, 4, 18, 8, 30)
    assert to_time(aware).tzinfo is None


# ---------------------------------------------------------------- text and names


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, ""), (float("nan"), ""), (pd.NA, ""), (pd.NaT, ""), (12.0, "12"), (12, "12"), (12.5, "12.5"),
     (pd.Series([12.0]).iloc[0], "12"), ("12.0", "12.0"), ("  Dupont  ", "Dupont"), ("Jean   Pierre\n\tMarie", "Jean Pierre Marie"),
     ("=SUM(A1)", "=SUM(A1)"), (" +32 475", "+32 475"), ("-x", "-x"), ("@home", "@home"), ("D'Hondt", "D'Hondt"),
     ("Müller-Lüdenscheidt", "Müller-Lüdenscheidt"), ("Ørsted Raphaël", "Ørsted Raphaël"), ("L’Écuyer", "L’Écuyer"), ("", "")],
)
def test_clean_text(value, expected):
    assert clean_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("DUPONT Jean", ("DUPONT", "Jean")), ("Dupont, Jean", ("Dupont", "Jean")), ("Dupont,Jean", ("Dupont", "Jean")),
     ("D'HONDT Marie-Claire", ("D'HONDT", "Marie-Claire")), ("Müller-Lüdenscheidt Hans", ("Müller-Lüdenscheidt", "Hans")),
     ("VAN DEN BERGHE Anne", ("VAN DEN BERGHE", "Anne")), ("Van den Berghe Anne", ("Van den Berghe", "Anne")),
     ("VAN DEN BERGHE ANNE", ("VAN DEN BERGHE", "ANNE")), ("van den BERGHE Anne", ("van den BERGHE", "Anne")),
     ("Anne VAN DEN BERGHE", ("VAN DEN BERGHE", "Anne")), ("Jean DUPONT", ("DUPONT", "Jean")),
     ("DE SMET Jean-Pierre", ("DE SMET", "Jean-Pierre")), ("DUPONT Jean Pierre", ("DUPONT", "Jean Pierre")),
     ("Dupont Jean", ("Dupont", "Jean")), ("Van Damme", ("Van Damme", "")), ("ÉTIENNE Océane", ("ÉTIENNE", "Océane")),
     ("  DUPONT   Jean ", ("DUPONT", "Jean")), ("Dupont", ("Dupont", "")), ("DUPONT", ("DUPONT", "")), ("", ("", "")),
     (None, ("", "")), (float("nan"), ("", "")),
     # a note after the name is no part of it
     ("DUPONT Jeanne (née MARTIN)", ("DUPONT", "Jeanne")), ("DUPONT Jean °01/02/1950", ("DUPONT", "Jean")),
     ("MARTIN Luc (°1961)", ("MARTIN", "Luc")), ("D'Hondt [VIP] Léa", ("D'Hondt", "Léa"))],
)
def test_split_patient(value, expected):
    assert split_patient(value) == expected


def test_a_birth_date_is_never_in_the_future():
    from datetime import date

    from crisis_tui.core.ingest.normalize import to_birth_date

    today = date(2026, 12, 1)
    assert to_birth_date("12/05/54", today) == date(1954, 5, 12)
    assert to_birth_date("12/05/04", today) == date(2004, 5, 12)
    assert to_birth_date("29/02/28", today) == date(1928, 2, 29)
    assert to_birth_date("n/a", today) is None
