"""Cells an audit found in unseen exports: placeholder names and places, courtesy titles, dotted acronyms, times
written as a range, and times that cannot be read at all."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crisis_tui.core.ingest.normalize import clean_name, clean_text, split_patient

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
    if any(ch.isalpha() for ch in text):
        assert clean_name(text) == clean_text(text) != ""
