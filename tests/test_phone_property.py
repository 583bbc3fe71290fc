"""Properties of phone reading: the fast path says exactly what phonenumbers says, numbers put together in one cell
come apart again, nothing a cell may hold breaks phone_info, and columns read in bulk read as cells one by one."""

from __future__ import annotations

import phonenumbers
from hypothesis import example, given, settings
from hypothesis import strategies as st

from crisis_tui.core.ingest.normalize import normalize_phone, phone_info
from crisis_tui.core.ingest.phones import (
    _cell_readings, _fast_phone, _phonenumbers_phone, _several, _two, column_readings, phone_infos,
)

# area codes in use plus some that are not, so both answers get drawn
AREA_CODES = ["2", "3", "9", "10", "11", "12", "13", "14", "15", "16", "19", "42", "43", "50", "51", "53", "56", "58",
              "59", "60", "61", "63", "64", "65", "67", "69", "71", "78", "80", "81", "82", "83", "84", "85", "86", "87",
              "89", "90", "70", "77", "88", "40", "41", "44", "17", "18", "1", "4", "5", "6", "7", "8"]
MOBILE_PREFIXES = ["45", "46", "47", "48", "49", "40", "41", "43", "44"]
SEPARATORS = ["", " ", " ", ".", "/", "-", "\u00a0", "\u2013", " / ", "  ", "(", ")", "\t"]
PREFIXES = ["", "", "0", "0", "+32", "+32 ", "0032", "00 32 ", "32", "+32 (0)", "+32 0", "+ 32 ", "0 ", "00", "0032 0", "320",
            "32 0", "++32", "+0", "+33 ", "0033", "+352 ", "00352"]


def _grouped(draw, digits: str) -> str:
    """The digits cut at random places with random separators."""
    out, rest = [], digits
    while rest:
        size = draw(st.integers(1, max(1, len(rest))))
        out.append(rest[:size])
        rest = rest[size:]
        if rest:
            out.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(out)


@st.composite
def national_numbers(draw) -> str:
    """A Belgian national significant number: mostly real mobile and landline shapes, sometimes a length off."""
    head = draw(st.sampled_from(MOBILE_PREFIXES + AREA_CODES))
    length = draw(st.sampled_from([9 if head[0] == "4" and head[1:2] not in ("2", "3") else 8] * 4 + [6, 7, 8, 9, 10]))
    tail = draw(st.text("0123456789", min_size=max(0, length - len(head)), max_size=max(0, length - len(head))))
    return head + tail


@st.composite
def belgian_shapes(draw) -> str:
    """A Belgian number the way people and Excel write it: any prefix (or the lost leading zero), any grouping."""
    prefix = draw(st.sampled_from(PREFIXES))
    body = _grouped(draw, draw(national_numbers()))
    return draw(st.sampled_from(["", " "])) + prefix + body + draw(st.sampled_from(["", " ", "-"]))


@settings(max_examples=1500, deadline=None)
@given(belgian_shapes())
@example("0475 12 34 56")
@example("475123456")
@example("32475123456")
@example("3261212121")
@example("321234567")
@example("0032 475 12 34 56")
@example("+320475123456")
@example("0800 12 345")
def test_fast_path_agrees_with_phonenumbers_on_belgian_shapes(raw):
    fast = _fast_phone(raw)
    if fast is not None:
        assert fast == _phonenumbers_phone(raw)
    assert normalize_phone(raw) == _phonenumbers_phone(raw)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="0123456789+ ./-()\u00a0\u2013\u2014x#*abcGSM:;,\n\t", max_size=30))
def test_fast_path_agrees_with_phonenumbers_on_random_strings(raw):
    fast = _fast_phone(raw)
    if fast is not None:
        assert fast == _phonenumbers_phone(raw)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_fast_path_agrees_with_phonenumbers_on_any_text(raw):
    fast = _fast_phone(raw)
    if fast is not None:
        assert fast == _phonenumbers_phone(raw)


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from(["", "0", "+32", "0032", "+32 ", "0032 ", "+32 (0)", "0032 0", "32"]),
    st.sampled_from(["45", "46", "47", "48", "49", "61", "63", "84", "2", "42", "3", "9"]),
    st.data(),
)
def test_fast_path_answers_every_usual_belgian_shape(prefix, head, data):
    length = 9 if head[0] == "4" and head[1] not in "23" else 8
    nsn = head + data.draw(st.text("0123456789", min_size=length - len(head), max_size=length - len(head)))
    grouped = _grouped(data.draw, nsn).replace("\t", " ").replace("(", "").replace(")", "")
    assert _fast_phone(prefix + grouped) is not None


@st.composite
def valid_belgian_numbers(draw) -> tuple[str, str, str]:
    """(as written, E.164, kind) of a valid Belgian number written with a national or international prefix."""
    kind = draw(st.sampled_from(["mobile", "landline"]))
    if kind == "mobile":
        nsn = draw(st.sampled_from(["45", "46", "47", "48", "49"])) + draw(st.text("0123456789", min_size=7, max_size=7))
    else:
        nsn = draw(st.sampled_from(["61", "63", "84", "81", "87", "10", "22", "32", "42", "92"]))
        nsn += draw(st.text("0123456789", min_size=6, max_size=6))
    prefix = draw(st.sampled_from(["0", "0", "+32 ", "0032 ", "", "+32 (0)"]))
    grouped = _grouped(draw, nsn).replace("\t", " ").replace(" / ", " ")
    return prefix + grouped, f"+32{nsn}", kind


@settings(max_examples=400, deadline=None)
@given(st.lists(valid_belgian_numbers(), min_size=1, max_size=3), st.sampled_from(["; ", " / ", "\n", " ", ", ", " - ", " ou "]))
def test_numbers_written_together_in_one_cell_come_apart(numbers, glue):
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(e164)) for _, e164, _ in numbers)
    info = phone_info([glue.join(written for written, _, _ in numbers)])
    assert info.kinds.split(";") == [kind for _, _, kind in numbers]
    assert sorted(info.phones.split(";")) == sorted({e164 for _, e164, _ in numbers})


cells = st.one_of(
    st.none(), st.floats(allow_nan=True), st.integers(), st.text(max_size=40),
    st.text(alphabet="0123456789+ ./-;,\n", max_size=40), belgian_shapes(),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(cells, max_size=4))
def test_phone_info_is_consistent_whatever_the_cells(values):
    info = phone_info(values)
    kinds = info.kinds.split(";") if info.kinds else []
    raws = info.raw.split(" | ") if info.raw else []
    phones = info.phones.split(";") if info.phones else []
    assert len(raws) == len(kinds) and set(kinds) <= {"mobile", "landline", "invalid"}
    assert len(phones) == len(set(phones)) <= len(kinds) and all(p.startswith("+") for p in phones)
    assert info.kind == next((k for k in ("mobile", "landline", "invalid") if k in kinds), "none")
    mobiles = [p for p in phones if normalize_phone(p)[1] == "mobile"]
    assert phones[: len(mobiles)] == mobiles


column_cells = st.one_of(
    cells, st.floats(min_value=1e7, max_value=1e12), st.just(""), st.just("  "),
    st.sampled_from(["475123456.0", "61212121.0", "61212121,00", "4.75123456E+08", "0475\u00a012 34 56", "0475 12 34 56\n061 21 21 21",
                     "+32 (0)475 12 34 56", "0475+123456", "\u2003061 21 21 21", "061\t21 21 21"]),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(column_cells, min_size=3, max_size=3), max_size=12))
def test_phone_columns_read_in_bulk_say_what_each_row_read_alone_says(rows):
    columns = [list(column) for column in zip(*rows)] or [[], [], []]
    assert phone_infos(columns) == [phone_info(row) for row in rows]
    assert column_readings(columns[0]) == [_cell_readings(cell) for cell in columns[0]]


# (raw, E.164, kind): a number's kind is its own, whatever cell it came from
readings = st.tuples(st.sampled_from(["0475 12 34 56", "061 21 21 21", "abc", ""]),
                     st.sampled_from([("+32475123456", "mobile"), ("+32475000000", "mobile"),
                                      ("+3261212121", "landline"), ("+3263000000", "landline"), (None, "invalid")]),
                     ).map(lambda r: (r[0], *r[1]))


@settings(max_examples=300, deadline=None)
@given(readings, readings)
@example(("0475 12 34 56", "+32475123456", "mobile"), ("0475123456", "+32475123456", "mobile"))
@example(("061 21 21 21", "+3261212121", "landline"), ("0475 12 34 56", "+32475123456", "mobile"))
def test_two_numbers_sum_up_as_several_do(first, second):
    assert _two(first, second) == _several([first, second])
