"""SMS alphabet, part count and transliteration."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from crisis_tui.core.sms_text import GSM7, encoding_of, length, segments, transliterate

LATIN = st.text(st.characters(codec="utf-8", categories=["L", "P", "Zs", "Nd", "S"], max_codepoint=0x24F)
                | st.sampled_from("’‘“”«»…–—\u00a0\u202f\u2009œŒ°№ﬁ½"))
ANY = st.text(st.characters(codec="utf-8"))


@pytest.mark.parametrize("text", ["Bonjour", "RDV annulé à 08:30, Müller-Lüdenscheidt ÉÄÖÑÜ äöñü èùìò",
                                  "D'Hondt @ 5€ [x] {y} ~|^\\", "Ç", ""])
def test_gsm7_texts(text):
    assert encoding_of(text) == "GSM-7"


@pytest.mark.parametrize("char", list("âêîôûçëï’“”«»") + ["œ", "á", "\u00a0", "😀", "\t"])
def test_product_rule_characters_force_ucs2(char):
    assert encoding_of(f"Votre rendez-vous {char}") == "UCS-2"


@pytest.mark.parametrize(("text", "parts"), [
    ("a" * 160, 1), ("a" * 161, 2), ("a" * 153 * 2, 2), ("a" * (153 * 2 + 1), 3),
    ("â" * 70, 1), ("â" * 71, 2), ("â" * 67 * 2, 2), ("â" * (67 * 2 + 1), 3),
    ("€" * 80, 1), ("€" * 80 + "a", 2), ("a" * 159 + "€", 2), ("a" * 158 + "€", 1),
    ("😀" * 35, 1), ("😀" * 35 + "a", 2), ("", 1),
])
def test_segment_boundaries(text, parts):
    assert segments(text) == parts


def test_extension_characters_count_double():
    assert length("a€[") == 5
    assert length("â😀") == 3
    assert segments("{" * 76 + "}" * 5) == 2


def test_a_two_septet_character_is_never_split_across_parts():
    # 152 + 2 + 152 = 306 septets would fit two parts of 153 only by splitting the euro sign.
    assert segments("a" * 152 + "€" + "a" * 152) == 3
    assert segments("â" * 66 + "😀" + "â" * 66) == 3


def test_transliterate_examples():
    text = "Hôpital: Cité ça «RDV» l’été… – Œuvre\u00a0N° 5 ÊÎÔÛ ë ï"
    assert transliterate(text) == "Hopital: Cité ca \"RDV\" l'été... - OEuvre No 5 EIOU e i"
    kept = "é è à ù ì ò É Ä Ö Ñ Ü ä ö ñ ü Ç"
    assert transliterate(kept) == kept
    assert transliterate("e\u0301") == "é"
    assert transliterate("1½ ﬁn 😀") == "11/2 fin ?"


@given(LATIN)
def test_transliterated_latin_text_is_gsm7(text):
    assert encoding_of(transliterate(text)) == "GSM-7"


@given(ANY)
def test_transliterate_always_gives_gsm7_and_is_idempotent(text):
    out = transliterate(text)
    assert set(out) <= GSM7
    assert transliterate(out) == out


@given(st.text(st.sampled_from(sorted(GSM7))))
def test_gsm7_text_is_left_alone(text):
    assert transliterate(text) == text


@given(ANY, ANY)
def test_segments_never_decrease_when_text_grows(prefix, rest):
    assert segments(prefix) <= segments(prefix + rest)


@given(ANY)
@example("a" * 152 + "€" + "a" * 152)
def test_segments_match_the_part_sizes(text):
    # Each full part may leave one unit unused rather than split a character.
    n, parts = length(text), segments(text)
    single, part = (160, 153) if encoding_of(text) == "GSM-7" else (70, 67)
    assert parts == 1 if n <= single else (parts - 1) * (part - 1) < n <= parts * part
