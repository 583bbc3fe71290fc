"""Call lists: sheets per site / secretary / doctors / unreachable, order, page breaks per service, phones as
dialled, the outcome drop-down, print settings, no formula; printed through LibreOffice."""

from __future__ import annotations

import re
from datetime import date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from pdfcheck import needs_libreoffice, pages, to_pdf
from sqlmodel import select
from told_support import D1, calls_export, failing_saves, read_call_lists

from crisis_tui.core.decisions import decide
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.models import Notification, Override
from crisis_tui.core.told import split_balanced
from tests.factories import appointment

NOW = datetime(2026, 12, 6, 18, 30)
FORMULA = "=cmd|' /C calc'!A0"


def _scenario(workspace, calls_per_service=3):
    """ARL consultations cancelled: landline patients in two services, Dr Lambert keeps his, some without a
    number; LIB radiology cancelled with one patient without a number."""
    with workspace.session() as s:
        for n in range(calls_per_service):
            for service, hour in (("Oncologie", 14 - n % 3), ("Cardiologie", 9 + n % 3)):
                appointment(s, "ARL", at=time(hour, n // 3), phone_kind="landline", service=service, doctor="Dr Roux")
        foreign = appointment(s, "ARL", at=time(7, 45), phone_kind="landline", service="Cardiologie", doctor="Dr Roux",
                              last_name=FORMULA)
        foreign.phones = "+352621123456;+3261212121"
        appointment(s, "ARL", at=time(8, 0), doctor="Dr Lambert", phone_kind="none")
        appointment(s, "ARL", at=time(8, 15), doctor="Dr Lambert", phone_kind="mobile")
        appointment(s, "ARL", at=time(11, 0), phone_kind="none", doctor="Dr Roux")
        appointment(s, "LIB", "radiology", at=time(10, 0), phone_kind="invalid")
        meeting = open_meeting(s, date(2026, 12, 6))
        decide(s, meeting, ["ARL"], ["consultation"], D1, D1, "cancelled")
        decide(s, meeting, ["LIB"], ["radiology"], D1, D1, "cancelled")
        s.add(Override(meeting_id=meeting.id, scope="doctor", site="ARL", activity="consultation", day_from=D1,
                       day_to=D1, value="Lambert", status="maintained"))


def test_sheets_rows_and_order(workspace, tmp_path):
    _scenario(workspace)
    result = calls_export(workspace, tmp_path, now=NOW)
    assert result.files[0].name == "appels_2026-12-07_20261206-1830.xlsx"
    sheets = read_call_lists(result.files[0])
    assert list(sheets) == ["Arlon", "Médecins", "Injoignables"]
    arlon = sheets["Arlon"]
    assert [(r["service"], r["time"]) for r in arlon] == [
        ("Cardiologie", "07:45"), ("Cardiologie", "09:00"), ("Cardiologie", "10:00"), ("Cardiologie", "11:00"),
        ("Oncologie", "12:00"), ("Oncologie", "13:00"), ("Oncologie", "14:00")]
    first = arlon[0]
    assert first["patient"] == f"{FORMULA} Jean"
    assert first["phones"] == "+352 621 123 456\n061 21 21 21"
    assert arlon[1]["phones"] == "061 21 21 21"
    assert (first["date"], first["activity"], first["site"], first["status"], first["outcome"]) == (
        "07/12/2026", "Consultations", "Arlon", "Annulé", None)
    assert first["tell"] == ("Rendez-vous annulé (cyberattaque). Sans nouvel avis de notre part, "
                             "ne vous présentez pas. Infos : 063 23 11 11")
    assert [r["time"] for r in sheets["Médecins"]] == ["08:00", "08:15"]
    assert sheets["Médecins"][0]["phones"] == "(aucun numéro)"  # the doctor looks in his own files
    assert [(r["site"], r["time"]) for r in sheets["Injoignables"]] == [("Arlon", "11:00"), ("Libramont", "10:00")]
    assert result.counts == {"sms": 0, "calls": 7, "doctor_calls": 2, "unreachable": 2, "pending": 0}
    with workspace.session() as s:
        recorded = s.exec(select(Notification.reference, Notification.channel)).all()
    written = {r["reference"] for rows in sheets.values() for r in rows}
    assert {ref for ref, _ in recorded} == written and len(recorded) == 11
    assert {channel for ref, channel in recorded if ref.startswith("D")} == {"doctor_call"}


def test_print_settings_page_breaks_dropdown_and_no_formula(workspace, tmp_path):
    _scenario(workspace)
    wb = load_workbook(calls_export(workspace, tmp_path, now=NOW).files[0])
    arlon = wb["Arlon"]
    assert [b.id for b in arlon.row_breaks.brk] == [5]  # Oncologie starts on row 6: a new page
    assert [b.id for b in wb["Médecins"].row_breaks.brk] == []
    assert [b.id for b in wb["Injoignables"].row_breaks.brk] == [2]  # a page per site
    for ws in wb:
        setup = ws.page_setup
        assert (setup.orientation, int(setup.paperSize), setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$1" and ws.freeze_panes == "A2"
        assert ws.oddHeader.left.text == "CONFIDENTIEL" and ws.oddHeader.right.text == "07/12/2026"
        assert ws.oddFooter.center.text == "page &P / &N" and ws.oddFooter.right.text == "Édité le 06/12/2026 18:30"
        [validation] = ws.data_validations.dataValidation
        assert validation.formula1 == '"Joint,Messagerie,Pas de réponse,Faux numéro"'
        assert str(validation.sqref).startswith("L2")
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
    assert wb["Arlon"].oddHeader.center.text == "Arlon : liste d'appel"
    assert wb["Arlon"]["D2"].value == f"{FORMULA} Jean" and wb["Arlon"]["D2"].data_type == "s"
    assert str(wb["Arlon"].data_validations.dataValidation[0].sqref) == "L2:L8"


def test_english_lists(workspace, tmp_path):
    _scenario(workspace)
    wb = load_workbook(calls_export(workspace, tmp_path, lang="en").files[0])
    assert wb.sheetnames == ["Arlon", "Doctors", "Unreachable"]
    assert [c.value for c in wb["Arlon"][1]][-4:] == ["What to tell", "Outcome", "Notes", "Last call"]
    assert wb["Arlon"].data_validations.dataValidation[0].formula1 == '"Reached,Voicemail,No answer,Wrong number"'
    assert wb["Arlon"].oddHeader.left.text == "CONFIDENTIAL"


def test_secretaries_split_each_site_balanced_and_in_order(workspace, tmp_path):
    _scenario(workspace, calls_per_service=5)  # 11 calls at Arlon
    with workspace.session() as s:  # the first service of the list, the last call of the day
        appointment(s, "ARL", at=time(16, 0), phone_kind="landline", service="Allergologie", doctor="Dr Roux")
        s.commit()
    whole = read_call_lists(calls_export(workspace, tmp_path).files[0])["Arlon"]
    sheets = read_call_lists(calls_export(workspace, tmp_path, secretaries=3).files[0])
    parts = [sheets[f"Arlon ({n} de 3)"] for n in (1, 2, 3)]
    assert [len(p) for p in parts] == [4, 4, 4]
    ids = lambda rows: sorted(r["reference"][1:].split("-")[0] for r in rows)  # noqa: E731
    assert sorted(sum((ids(p) for p in parts), [])) == ids(whole)  # every call once
    times = [sorted(r["time"] for r in part) for part in parts]
    assert times[0][-1] <= times[1][0] and times[1][-1] <= times[2][0]  # the first secretary the earliest calls
    for part in parts:
        keys = [(r["service"], r["time"]) for r in part]
        assert keys == sorted(keys)  # a page per service, in time order
    assert list(sheets)[3:] == ["Médecins", "Injoignables"]
    wb = load_workbook(calls_export(workspace, tmp_path, secretaries=3).files[0])
    assert wb["Arlon (2 de 3)"].oddHeader.center.text == "Arlon : liste d'appel, secrétaire 2 de 3"


@given(st.lists(st.integers(), max_size=60), st.integers(1, 12))
def test_split_balanced(items, parts):
    split = split_balanced(items, parts)
    assert sum(split, []) == items
    assert len(split) == min(parts, len(items))
    sizes = [len(p) for p in split]
    assert not sizes or max(sizes) - min(sizes) <= 1
    assert sizes == sorted(sizes, reverse=True)


def test_a_failed_save_leaves_no_file_and_records_nothing(workspace, tmp_path, monkeypatch):
    _scenario(workspace)
    failing_saves(monkeypatch)
    with pytest.raises(OSError):
        calls_export(workspace, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []
    with workspace.session() as s:
        assert s.exec(select(Notification)).all() == []


@needs_libreoffice
@pytest.mark.xdist_group("libreoffice")
def test_printed_lists_repeat_the_header_and_fit_one_page_wide(workspace, tmp_path):
    _scenario(workspace, calls_per_service=40)
    path = calls_export(workspace, tmp_path, now=NOW).files[0]
    printed = pages(to_pdf(path, tmp_path / "pdf"))
    assert len(printed) >= 4
    total = len(printed)
    references = 0
    for page in printed:
        assert page.is_a4() and page.landscape, page.number
        for text in ("CONFIDENTIEL", "Réf.", "Heure", "Patient", "À dire", "Issue", "Remarques", "07/12/2026",
                     "Édité le 06/12/2026 18:30"):
            assert text in page.text, (page.number, text)
        assert re.search(rf"page \d+ / {total}|page \d+ / \d+", page.text)
        assert not ("Cardiologie" in page.text and "Oncologie" in page.text), page.number
        references += len(re.findall(r"\b[CDU]\d+-1\b", page.text))
    assert references == 81 + 2 + 2
