"""Foreign numbers a spreadsheet stored as numbers (LibreOffice turns +33612345678 and 0033612345678 into the number
33612345678) are read as the international numbers they were; Belgian readings do not change."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crisis_tui.core.ingest.normalize import PhoneInfo, normalize_phone, phone_info
from crisis_tui.core.ingest.phones import column_readings, phone_infos


@pytest.mark.parametrize(
    ("typed", "e164", "kind"),
    [("+33612345678", "+33612345678", "mobile"), ("0033612345678", "+33612345678", "mobile"),
     ("00352621123456", "+352621123456", "mobile"), ("+352621123456", "+352621123456", "mobile"),
     ("0031612345678", "+31612345678", "mobile"), ("+4915123456789", "+4915123456789", "mobile"),
     ("+33387123456", "+33387123456", "landline"), ("+49651123456", "+49651123456", "landline")],
)
def test_a_foreign_number_stored_as_a_number_keeps_its_country(typed, e164, kind):
    stored = float(typed.lstrip("+0"))  # what LibreOffice keeps of the cell
    digits = e164[1:]
    assert phone_info([stored]) == PhoneInfo(digits, e164, kind, kind)
    assert phone_info([f"{stored}"]) == PhoneInfo(digits, e164, kind, kind)  # the float's text, from a csv
    assert phone_infos([[stored], [digits]]) == [PhoneInfo(f"{digits} | {digits}", e164, f"{kind};{kind}", kind)]


@pytest.mark.parametrize(
    ("stored", "e164", "kind"),
    [(475123456.0, "+32475123456", "mobile"), (32475123456.0, "+32475123456", "mobile"),
     (61212121.0, "+3261212121", "landline"), (3261212121.0, "+3261212121", "landline")],
)
def test_belgian_numbers_stored_as_numbers_read_as_before(stored, e164, kind):
    assert phone_info([stored]).phones == e164 and phone_info([stored]).kind == kind


@pytest.mark.parametrize("stored", [4741234567.0, 4951234567.0, 352261234.0, 12345678901234.0, 3247512345.0])
def test_digits_that_are_no_number_anywhere_or_a_belgian_mobile_with_a_digit_too_many_stay_invalid(stored):
    # 474 123 4567 would be a Norwegian mobile, 495 123 4567 a German landline: a typed 0474/0495 number with one
    # digit too many is no reason to send an SMS abroad
    assert phone_info([stored]).kind == "invalid"


REGIONS = ["FR", "LU", "NL", "DE", "GB", "CH", "ES", "IT", "PT", "PL", "RO", "MA", "TR", "US", "CA", "BR", "CN", "IN"]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(REGIONS), st.sampled_from([phonenumbers.PhoneNumberType.MOBILE,
                                                   phonenumbers.PhoneNumberType.FIXED_LINE]))
def test_every_valid_foreign_number_that_lost_its_plus_is_itself_again(region, number_type):
    example = phonenumbers.example_number_for_type(region, number_type)
    e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
    digits = e164[1:]
    if len(digits) == 10 and digits.startswith("4"):
        return  # the shape of a Belgian mobile with a digit too many: left invalid on purpose
    assert normalize_phone(e164) == normalize_phone(digits) == phone_info([float(digits)])[1:3]


@settings(max_examples=300, deadline=None)
@given(st.text("0123456789", min_size=1, max_size=9))
def test_up_to_nine_digits_are_only_ever_read_as_belgian(digits):
    answer = normalize_phone(digits)
    assert answer[0] is None or answer[0].startswith("+32")
    assert column_readings([digits]) == [((digits, *answer),)]
