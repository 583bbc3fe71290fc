"""The wording: phones as dialled, SMS text per activity and status with date, time, site, service, the rule
for uncontacted patients and the site's call-back number, in French and English."""

from __future__ import annotations

from datetime import datetime

import phonenumbers
from hypothesis import given
from hypothesis import strategies as st

from crisis_tui.core.decisions import CellDecision
from crisis_tui.core.messages import Wording, display_phone, display_phones
from crisis_tui.core.models import Appointment
from crisis_tui.core.notify import Told, Verdict
from crisis_tui.core.sms_text import encoding_of
from crisis_tui.i18n import Catalog


def told(activity="consultation", status="cancelled", site="ARL", service="Cardiologie", change=False,
         rule="cancelled_unless_contacted", channel="sms", start=datetime(2026, 12, 7, 9, 5)) -> Told:
    a = Appointment(id=1, site=site, activity=activity, start=start, day=start.date(), service=service,
                    doctor="Dr Lambert", last_name="Dupont", first_name="Marie", dedupe_key="x")
    return Told(a, CellDecision("cancelled", uncontacted=rule), Verdict(status, "cell", channel, change))


@given(st.sampled_from(["4", "2", "3", "9", "1", "5", "6", "7", "8", "80", "90", "42", "43"]),
       st.integers(0, 10**9))
def test_fast_belgian_format_equals_phonenumbers(prefix, digits):
    for length in (8, 9):
        nsn = (prefix + str(digits).zfill(9))[:length]
        number = "+32" + nsn
        want = phonenumbers.format_number(phonenumbers.parse(number), phonenumbers.PhoneNumberFormat.NATIONAL)
        assert display_phone(number) == want


def test_phones_as_dialled():
    assert display_phone("+32475123456") == "0475 12 34 56"
    assert display_phone("+3261212121") == "061 21 21 21"
    assert display_phone("+3221234567") == "02 123 45 67"
    assert display_phone("+352621123456") == "+352 621 123 456"
    assert display_phone("+33612345678") == "+33 6 12 34 56 78"
    assert display_phone("0475/12.34.56") == "0475/12.34.56"
    assert display_phones("+32475123456;+3261212121") == "0475 12 34 56 / 061 21 21 21"


def test_french_sms_names_date_time_site_service_rule_and_callback(workspace):
    text = Wording(Catalog("fr"), workspace.reference).message(told())
    assert text.startswith("Arlon : votre rendez-vous de consultation (Cardiologie) du lundi 07/12 à 9h05 est annulé")
    assert "Sans nouvel avis de notre part, ne vous présentez pas." in text
    assert text.endswith("Infos : 063 23 11 11")


def test_an_appointment_without_its_time_is_told_its_day_only(workspace):
    day_only = told(start=datetime(2026, 12, 7))  # the export gave no time, or one nobody could read
    assert Wording(Catalog("fr"), workspace.reference).message(day_only).startswith(
        "Arlon : votre rendez-vous de consultation (Cardiologie) du lundi 07/12 est annulé")
    assert " on Mon 07/12 is cancelled" in Wording(Catalog("en"), workspace.reference).message(day_only)


def test_english_and_other_activities(workspace):
    wording = Wording(Catalog("en"), workspace.reference)
    text = wording.message(told("radiology", "stopped", "LIB", service=""))
    assert text.startswith("Libramont: your radiology appointment on Mon 07/12 at 9:05 is cancelled, "
                           "the service is stopped")
    assert text.endswith("Info: 061 23 81 11")
    pending = wording.message(told("surgery", "pending", rule="attend_unless_contacted", channel="call"))
    assert "decision pending" in pending and "Unless we call you again, please come as planned." in pending


def test_changes_are_said_as_changes(workspace):
    fr = Wording(Catalog("fr"), workspace.reference)
    kept = told(status="maintained", change=True)
    assert ("CHANGEMENT, votre rendez-vous de consultation (Cardiologie) du lundi 07/12 à 9h05 est finalement "
            "maintenu") in fr.message(kept)
    assert "Présentez-vous comme prévu." in fr.message(kept)
    assert fr.status(kept.verdict) == "CHANGEMENT : finalement maintenu"
    assert fr.status(told(change=True).verdict) == "CHANGEMENT : finalement annulé"
    assert fr.status(told().verdict) == "Annulé"
    assert fr.status(told(status="pending", channel="call").verdict).startswith("EN ATTENTE")


def test_accents_outside_gsm7_force_ucs2_and_the_plain_french_stays_gsm7(workspace):
    fr = Wording(Catalog("fr"), workspace.reference)
    assert encoding_of(fr.message(told())) == "GSM-7"  # é and à are GSM-7
    assert encoding_of(fr.message(told(site="NEU"))) == "UCS-2"  # Neufchâteau


def test_every_status_and_rule_has_its_words(workspace):
    for lang in ("fr", "en"):
        wording = Wording(Catalog(lang), workspace.reference)
        for activity in [a.code for a in workspace.reference.activities]:
            for status in ("cancelled", "stopped", "maintained", "pending"):
                for change in (False, True):
                    for rule in ("cancelled_unless_contacted", "attend_unless_contacted"):
                        text = wording.message(told(activity, status, change=change, rule=rule))
                        assert "{" not in text and "07/12" in text


def test_callers_words_are_short_the_row_gives_the_rest(workspace):
    fr = Wording(Catalog("fr"), workspace.reference)
    assert fr.call_text(told(channel="call")) == (
        "Rendez-vous annulé (cyberattaque). Sans nouvel avis de notre part, ne vous présentez pas. "
        "Infos : 063 23 11 11")
    pending = fr.call_text(told("surgery", "pending", rule="cancelled_unless_contacted", channel="call"))
    assert pending.startswith("Décision pas encore prise, nous vous rappellerons. Sans nouvel appel de notre part, "
                              "considérez-le comme annulé.")
    assert fr.call_text(told(status="maintained", change=True, channel="doctor_call")).startswith(
        "Changement : rendez-vous finalement maintenu. Présentez-vous comme prévu.")
