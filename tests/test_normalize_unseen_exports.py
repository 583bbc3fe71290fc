"""Cells an audit found in unseen exports: placeholder names and places, courtesy titles, dotted acronyms, times
written as a range, and times that cannot be read at all."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crisis_tui.core.ingest.normalize import (
    clean_name, clean_text, split_patient, to_datetime, to_time, unread_time,
)
from crisis_tui.core.reference import load_reference
from crisis_tui.core.text import place_tokens, tokens

PLACEHOLDERS = ["-", "?", "/", ".", "--", "...", " - ", "?/?", "\u2014", "*"]


@pytest.mark.parametrize("value", [*PLACEHOLDERS, "0", "12345", 0, 12345.0, "0 0"])
def test_a_patient_cell_without_a_letter_is_no_name(value):
    assert split_patient(value) == ("", "")
    assert clean_name(value) == ""


@pytest.mark.parametrize("value", PLACEHOLDERS)
def test_a_cell_without_a_letter_or_a_digit_is_empty_text(value):
    assert clean_text(value) == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", "12"), (12.0, "12"), ("-x", "-x"), ("=1", "=1"), ("+32 475", "+32 475"), ("C.H.A.", "C.H.A."),
     ("D'Hondt", "D'Hondt"), ("Ø", "Ø")],
)
def test_text_with_a_letter_or_a_digit_stays_as_typed(value, expected):
    assert clean_text(value) == expected


@given(st.text(max_size=30))
def test_names_with_a_letter_are_otherwise_untouched(text):
    if any(ch.isalpha() for ch in text) and not set(text) & set("()[]°"):  # a note after the name is dropped
        assert clean_name(text) == clean_text(text) != ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Mme DUPONT Jeanne", ("DUPONT", "Jeanne")), ("M. Dupont Jean", ("Dupont", "Jean")),
     ("Mr SMITH John", ("SMITH", "John")), ("Mrs Smith Jane", ("Smith", "Jane")), ("Ms SMITH Jane", ("SMITH", "Jane")),
     ("Mlle Martin Julie", ("Martin", "Julie")), ("Mevr. Peeters An", ("Peeters", "An")),
     ("Dhr. PEETERS Jan", ("PEETERS", "Jan")), ("Mevrouw Janssens Els", ("Janssens", "Els")),
     ("Meneer Claes Tom", ("Claes", "Tom")), ("Madame Anne VAN DEN BERGHE", ("VAN DEN BERGHE", "Anne")),
     ("MONSIEUR D'HONDT Marc", ("D'HONDT", "Marc")), ("Mme Dupont, Jeanne", ("Dupont", "Jeanne")),
     ("Mme. Durand", ("Durand", ""))],
)
def test_courtesy_titles_before_a_patient_name_are_dropped(value, expected):
    assert split_patient(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Madame", ("Madame", "")), ("Mme", ("Mme", "")), ("Mme -", ("Mme", "-")), ("Dupont Mme", ("Dupont", "Mme")),
     ("Mmes Dupont", ("Mmes", "Dupont")), ("Marc DUPONT", ("DUPONT", "Marc"))],
)
def test_a_title_alone_or_after_the_name_is_kept(value, expected):
    assert split_patient(value) == expected


@pytest.mark.parametrize(
    ("value", "words"),
    [("C.H.A.", ("cha",)), ("c.h.a", ("cha",)), ("I.F.A.C.", ("ifac",)), ("C.S.L", ("csl",)), ("É.T.A.", ("eta",)),
     ("Agenda C.H.A.xlsx", ("agenda", "cha", "xlsx")), ("C.H.A.Bastogne", ("cha", "bastogne")),
     ("St.-Vith", ("st", "vith")), ("Hôpital d'Arlon", ("hopital", "d", "arlon")), ("C. H. A.", ("c", "h", "a")),
     (None, ())],
)
def test_a_dotted_acronym_is_one_word_of_a_place(value, words):
    assert place_tokens(value) == words


def test_people_keep_their_initials_as_words():
    assert tokens("J.P. Dupont") == ("j", "p", "dupont")


@pytest.mark.parametrize(
    ("value", "code"),
    [("C.H.A.", "LIB"), ("c.h.a", "LIB"), ("I.F.A.C.", "MAR"), ("C.S.L", "ARL"), ("C.P. Neufchâteau", "NEU"),
     ("Agenda C.H.A.xlsx", "LIB")],
)
def test_sites_written_as_dotted_acronyms_are_found(home, value, code):
    assert load_reference(home).find_site(value) == code


def test_activities_written_as_dotted_acronyms_are_found(home):
    assert load_reference(home).find_activity("R.X. thorax") == "radiology"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("15:30-16:00", time(15, 30)), ("15:30 - 16:00", time(15, 30)), ("15:30\u201316:00", time(15, 30)),
     ("de 15h45 à 16h", time(15, 45)), ("De 15H45 A 16H", time(15, 45)), ("15h30 - 16h", time(15, 30)),
     ("15h-16h", time(15)), ("van 9u30 tot 10u", time(9, 30)), ("from 2:30 pm to 3 pm", time(14, 30)),
     ("9 a.m. - 10 a.m.", time(9)), ("entre 14h et 15h", time(14)), ("8h30 > 9h", time(8, 30))],
)
def test_a_time_range_gives_its_first_time(value, expected):
    assert to_time(value) == expected
    assert to_datetime("18/04/2022", value) == datetime.combine(datetime(2022, 4, 18), expected)
    assert to_datetime(f"18/04/2022 {value}") == datetime.combine(datetime(2022, 4, 18), expected)


@pytest.mark.parametrize("value", ["8:30-", "- 9h", "15:30-matin", "18-04-2022", "8:5", "matin", "?", "après-midi"])
def test_no_time_from_half_a_range_a_date_or_words(value):
    assert to_time(value) is None


@pytest.mark.parametrize("value", ["matin", "?", "8:5", "voir dossier"])
def test_an_unreadable_time_keeps_the_appointment_on_its_day_at_midnight_like_a_date_without_time(value):
    # the patient must still be told: rejecting the row would drop him from every list, so the appointment is
    # kept at 00:00 of its day, as for an export with no time column at all
    assert to_datetime("18/04/2022", value) == to_datetime("18/04/2022") == datetime(2022, 4, 18)


@pytest.mark.parametrize(("value", "expected"), [
    ("8,30", time(8, 30)), ("14,45", time(14, 45)), ("8,3", time(8, 30)), ("8.3", time(8, 30)),
    ("08.30u", time(8, 30)), ("om 8u30", time(8, 30)), ("8 uur 30", time(8, 30)), ("8h30'", time(8, 30)),
    ("à 9h", time(9)), ("8 uur", time(8)),
    (8.3, time(8, 30)), (14.45, time(14, 45)), (8.0, time(8)), (0.375, time(9)),
])
def test_times_as_secretaries_type_them(value, expected):
    assert to_time(value) == expected


@pytest.mark.parametrize("value", [8.75, 23.99, "8,75"])
def test_a_decimal_time_whose_minutes_cannot_be_is_none(value):
    assert to_time(value) is None


@pytest.mark.parametrize(("value", "expected"), [
    ("Lu 18/04/2022", datetime(2022, 4, 18)), ("lun. 18/04/2022", datetime(2022, 4, 18)),
    ("lundi 18/04/2022 08:30", datetime(2022, 4, 18, 8, 30)), ("Ma 19.04.22", datetime(2022, 4, 19)),
    ("maandag 18-04-2022", datetime(2022, 4, 18)), ("20220418", datetime(2022, 4, 18)), (20220418, datetime(2022, 4, 18)),
    ("18/04/2022\n08:30", datetime(2022, 4, 18, 8, 30)), ("18/04/2022 - 08:30", datetime(2022, 4, 18, 8, 30)),
    ("April 18, 2022", datetime(2022, 4, 18)), ("Monday, April 18, 2022", datetime(2022, 4, 18)),
    ("Apr 18th 2022", datetime(2022, 4, 18)),
])
def test_dates_as_exports_write_them(value, expected):
    assert to_datetime(value) == expected


@pytest.mark.parametrize("value", ["Dupont 18/04/2022", "20221318", "mars 2022", "Lu", 20221318])
def test_words_before_a_date_other_than_a_weekday_and_impossible_compact_dates_are_no_date(value):
    assert to_datetime(value) is None


def test_a_time_nobody_can_read_is_remembered_with_the_start():
    assert unread_time("18/04/2022", "matin") == "matin"
    assert unread_time("18/04/2022 après-midi", None) == "après-midi"
    assert unread_time("18/04/2022", "8:30") == unread_time("18/04/2022 08:30", None) == ""
    assert unread_time("18/04/2022", None) == unread_time(datetime(2022, 4, 18), "") == ""
