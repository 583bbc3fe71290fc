"""Filled call lists read back: outcomes recorded by reference (FR or EN labels or a clear synonym, any case or
accents), altered, unknown or contradictory rows reported one line each and never guessed, a list read again
recording nothing new, a foreign file refused whole; the board's figures."""

from __future__ import annotations

import json
from datetime import date, datetime, time

import pytest
from openpyxl import load_workbook
from sqlmodel import select
from sqlalchemy import event, update
from told_support import D1, calls_export, read_call_lists, read_csv, sms_export

from crisis_tui.cli import main
from crisis_tui.core.decisions import decide
from crisis_tui.core.errors import UsageError
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.models import CallOutcome, Meeting, Notification, Override
from crisis_tui.core.outcomes import outcome_codes, outcome_counts, read_back, time_text
from crisis_tui.core.text import fold
from crisis_tui.i18n import Catalog
from tests.factories import appointment

OUTCOME, NOTES, PATIENT, TIME = "L", "M", "D", "C"


def _scenario(workspace):
    with workspace.session() as s:
        for n in range(4):
            appointment(s, "ARL", at=time(9 + n, 0), phone_kind="landline", doctor="Dr Roux", last_name=f"Dupont{n}")
        appointment(s, "ARL", at=time(8, 0), phone_kind="mobile", doctor="Dr Lambert", last_name="Lambertin")
        appointment(s, "ARL", at=time(8, 30), phone_kind="mobile", doctor="Dr Roux", last_name="Texto")
        appointment(s, "ARL", at=time(13, 0), phone_kind="none", doctor="Dr Roux", last_name="Sansnumero")
        meeting = open_meeting(s, date(2026, 12, 6))
        decide(s, meeting, ["ARL"], ["consultation"], D1, D1, "cancelled")
        s.add(Override(meeting_id=meeting.id, scope="doctor", site="ARL", activity="consultation", day_from=D1,
                       day_to=D1, value="Lambert", status="maintained"))


def _fill(source, target, edits: dict[str, dict[str, object]]):
    """Save a copy of the list with cells changed: {sheet: {"L2": "Joint", ...}}."""
    wb = load_workbook(source)
    for sheet, cells in edits.items():
        for ref, value in cells.items():
            wb[sheet][ref] = value
    wb.save(target)
    return target


def _outcomes(workspace):
    with workspace.session() as s:
        rows = s.exec(select(Notification.reference, CallOutcome.outcome, CallOutcome.notes)
                      .join(CallOutcome, CallOutcome.notification_id == Notification.id).order_by(CallOutcome.id))
        return [tuple(r) for r in rows]


def test_round_trip_in_either_language_any_case(workspace, tmp_path):
    _scenario(workspace)
    exported = calls_export(workspace, tmp_path).files[0]
    refs = [r[0].value for r in load_workbook(exported)["Arlon"].iter_rows(min_row=2)]
    filled = _fill(exported, tmp_path / "rempli.xlsx", {
        "Arlon": {"L2": "Joint", "M2": "rappeler lundi", "L3": "messagerie", "L4": "PAS DE REPONSE",
                  "L5": "Wrong number", "C5": time(12, 0)},
        "Médecins": {"L2": " reached "},
    })
    with workspace.session() as s:
        report = read_back(s, [filled], Catalog("fr"))
    assert (report.recorded, report.unmatched, report.problems) == (5, 0, [])
    assert report.files == [str(filled)]
    assert _outcomes(workspace)[:4] == [(refs[0], "reached", "rappeler lundi"), (refs[1], "voicemail", ""),
                                        (refs[2], "no_answer", ""), (refs[3], "wrong_number", "")]
    assert _outcomes(workspace)[4][1] == "reached"
    with workspace.session() as s:  # read again, named twice and through its folder: nothing new, one file read
        again = read_back(s, [filled, filled, tmp_path, tmp_path / "." / filled.name])
        assert s.exec(select(CallOutcome.source_file)).first() == str(filled)
    assert (again.recorded, again.unchanged, again.unmatched) == (0, 5, 0) and len(_outcomes(workspace)) == 5
    assert again.files == [str(filled), str(exported)]


def test_altered_and_unknown_rows_are_reported_never_guessed(workspace, tmp_path):
    _scenario(workspace)
    exported = calls_export(workspace, tmp_path).files[0]
    filled = _fill(exported, tmp_path / "rempli.xlsx", {"Arlon": {
        "L2": "Joint", "D2": "Quelquun Dautre",  # the patient changed
        "L3": "Joint", "C3": "15:45",  # the time changed
        "L4": "peut-être",  # not an outcome of the list
        "L5": "Joint",  # fine
        "A6": "C999-1", "L6": "Joint",  # a reference nobody exported
        "L7": "Messagerie",  # an outcome without reference
    }})
    with workspace.session() as s:
        report = read_back(s, [filled], Catalog("en"))
    assert (report.recorded, report.unmatched) == (1, 5)
    ref = load_workbook(exported)["Arlon"]
    assert report.problems == [
        f"rempli.xlsx, sheet Arlon, row 2: row {ref['A2'].value} no longer matches the exported list (Patient)",
        f"rempli.xlsx, sheet Arlon, row 3: row {ref['A3'].value} no longer matches the exported list (Time)",
        "rempli.xlsx, sheet Arlon, row 4: unknown outcome peut-être (expected: Reached, Voicemail, No answer, "
        "Wrong number)",
        "rempli.xlsx, sheet Arlon, row 6: unknown reference C999-1",
        "rempli.xlsx, sheet Arlon, row 7: outcome without a reference",
    ]
    assert [r[0] for r in _outcomes(workspace)] == [ref["A5"].value]


def _append(path, sheet: str, row: int, edits: dict[str, object]):
    """Copy a row of the sheet to its end, with cells changed ({"L": "Joint"}), as a secretary duplicating a line."""
    wb = load_workbook(path)
    ws = wb[sheet]
    end = ws.max_row + 1
    for cell in ws[row]:
        ws.cell(end, cell.column, edits.get(cell.column_letter, cell.value))
    wb.save(path)
    return end


def test_a_reference_with_contradictory_outcomes_is_reported_and_neither_recorded(workspace, tmp_path):
    _scenario(workspace)
    exported = calls_export(workspace, tmp_path).files[0]
    ref = load_workbook(exported)["Arlon"]
    filled = _fill(exported, tmp_path / "rempli.xlsx", {"Arlon": {"L2": "Joint", "L3": "Messagerie", "L4": "Joint"}})
    end = _append(filled, "Arlon", 3, {"L": "Joint"})
    _append(filled, "Arlon", 4, {"L": "joint", "M": "rappeler"})  # the same outcome twice: one outcome
    problem = (f"rempli.xlsx, sheet Arlon, rows 3, {end}: contradictory outcomes for reference {ref['A3'].value} "
               "(Voicemail, Reached), none recorded")
    for _ in range(2):
        with workspace.session() as s:
            report = read_back(s, [filled], Catalog("en"))
        assert report.problems == [problem] and report.unmatched == 2
        assert _outcomes(workspace) == [(ref["A2"].value, "reached", ""), (ref["A4"].value, "reached", "rappeler")]
    copy = _fill(exported, tmp_path / "copie.xlsx", {"Arlon": {"L3": "Messagerie"}})
    with workspace.session() as s:  # across files too, each place named
        report = read_back(s, [filled, copy], Catalog("fr"))
    assert report.problems == [
        f"rempli.xlsx, feuille Arlon, lignes 3, {end} ; copie.xlsx, feuille Arlon, ligne 3 : issues contradictoires "
        f"pour la référence {ref['A3'].value} (Messagerie, Joint), aucune enregistrée"]
    assert len(_outcomes(workspace)) == 2


def test_a_foreign_or_missing_file_records_nothing(workspace, tmp_path):
    _scenario(workspace)
    exported = calls_export(workspace, tmp_path).files[0]
    filled = _fill(exported, tmp_path / "rempli.xlsx", {"Arlon": {"L2": "Joint"}})
    sms = sms_export(workspace, tmp_path).files[1]
    with workspace.session() as s, pytest.raises(UsageError, match="no call-list sheet"):
        read_back(s, [filled, sms], Catalog("en"))
    with workspace.session() as s, pytest.raises(UsageError, match="no such file"):
        read_back(s, [filled, tmp_path / "absent.xlsx"], Catalog("en"))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really")
    with workspace.session() as s, pytest.raises(UsageError, match="broken.xlsx: cannot be read"):
        read_back(s, [filled, broken], Catalog("en"))
    long_field = tmp_path / "long.csv"  # the reader fails midway through the rows: refused all the same
    long_field.write_text("Réf.;Résultat\nA1;Joint\n" + "x" * 200_000 + ";Joint\n", encoding="utf-8")
    with workspace.session() as s, pytest.raises(UsageError, match="long.csv: cannot be read"):
        read_back(s, [filled, long_field], Catalog("en"))
    assert _outcomes(workspace) == []
    with workspace.session() as s:  # a folder: its call lists only (the SMS batch is skipped)
        (tmp_path / "in").mkdir()
        filled.rename(tmp_path / "in" / filled.name)
        sms.rename(tmp_path / "in" / sms.name)
        report = read_back(s, [tmp_path / "in"])
    assert report.recorded == 1 and report.files == [str(tmp_path / "in" / filled.name)]
    (tmp_path / "inbox").mkdir()
    (tmp_path / "in" / sms.name).rename(tmp_path / "inbox" / sms.name)
    with workspace.session() as s, pytest.raises(UsageError, match="inbox: no filled call list here"):
        read_back(s, [tmp_path / "inbox"], Catalog("en"))  # appointment exports and SMS batches only


READ_BACK_AT = datetime(2026, 12, 7, 9, 32)  # UTC: 10:32 in Brussels


def _read_back_at(workspace, filled) -> None:
    """Read `filled` back, its outcomes stamped READ_BACK_AT."""
    with workspace.session() as s:
        read_back(s, [filled])
        s.execute(update(CallOutcome).values(recorded_at=READ_BACK_AT))


def _without(rows, *columns):
    return [{k: v for k, v in row.items() if k not in columns} for row in rows]


def test_the_next_lists_show_each_patients_last_call_and_list_the_same_patients(workspace, tmp_path):
    _scenario(workspace)
    first = calls_export(workspace, tmp_path)
    before = read_call_lists(first.files[0])
    assert {r["last_call"] for rows in before.values() for r in rows} == {None}
    _read_back_at(workspace, _fill(first.files[0], tmp_path / "rempli.xlsx", {"Arlon": {
        "L2": "Joint", "L3": "Faux numéro", "M3": "numéro de sa fille", "L4": "Messagerie"}}))
    second = calls_export(workspace, tmp_path)
    after = read_call_lists(second.files[0])
    assert second.counts == first.counts
    assert list(after) == list(before)
    for sheet in before:  # the same patients, in the same order, told the same: only the reference's n moves on
        assert _without(after[sheet], "reference", "last_call") == _without(before[sheet], "reference", "last_call")
        assert [r["reference"][:-2] for r in after[sheet]] == [r["reference"][:-2] for r in before[sheet]]
    assert [(r["patient"], r["last_call"]) for r in after["Arlon"]] == [
        ("Dupont0 Jean", "Joint (07/12 10:32)"), ("Dupont1 Jean", "Faux numéro (07/12 10:32) : numéro de sa fille"),
        ("Dupont2 Jean", "Messagerie (07/12 10:32)"), ("Dupont3 Jean", None)]
    assert {r["last_call"] for sheet in ("Médecins", "Injoignables") for r in after[sheet]} == {None}
    english = read_call_lists(calls_export(workspace, tmp_path, lang="en").files[0])
    assert [r["last_call"] for r in english["Arlon"]][:2] == [
        "Reached (07/12 10:32)", "Wrong number (07/12 10:32): numéro de sa fille"]


def test_a_call_that_told_another_status_says_it_was_before_the_change(workspace, tmp_path):
    _scenario(workspace)
    first = calls_export(workspace, tmp_path).files[0]
    _read_back_at(workspace, _fill(first, tmp_path / "rempli.xlsx", {"Arlon": {"L2": "Joint"}}))
    with workspace.session() as s:
        meeting = s.exec(select(Meeting)).one()
        decide(s, meeting, ["ARL"], ["consultation"], D1, D1, "maintained")
    arlon = read_call_lists(calls_export(workspace, tmp_path).files[0])["Arlon"]
    assert arlon[0]["status"] == "CHANGEMENT : finalement maintenu"
    assert arlon[0]["last_call"] == "Joint (07/12 10:32), avant le changement"


def test_lists_of_the_new_only_leave_out_who_a_call_reached_with_the_same_news(workspace, tmp_path):
    _scenario(workspace)
    first = calls_export(workspace, tmp_path)
    _read_back_at(workspace, _fill(first.files[0], tmp_path / "rempli.xlsx", {"Arlon": {
        "L2": "Joint", "L3": "Faux numéro", "L4": "Messagerie"}, "Médecins": {"L2": "Joint"}}))
    new = calls_export(workspace, tmp_path, new_only=True)
    lists = read_call_lists(new.files[0])
    assert [r["patient"] for r in lists["Arlon"]] == ["Dupont1 Jean", "Dupont2 Jean", "Dupont3 Jean"]
    assert "Médecins" not in lists and [r["patient"] for r in lists["Injoignables"]] == ["Sansnumero Jean"]
    assert new.already_told == 2 and new.counts == first.counts and new.notice.said(Catalog("en")) == (
        "2 patient(s) left out: a call already reached them with the same news")
    with workspace.session() as s:  # news changed: the patient reached before is to be called again
        decide(s, s.exec(select(Meeting)).one(), ["ARL"], ["consultation"], D1, D1, "maintained")
    changed = calls_export(workspace, tmp_path, new_only=True)
    assert changed.already_told == 0 and "Dupont0 Jean" in [r["patient"] for r in read_call_lists(
        changed.files[0])["Arlon"]]


def test_last_calls_cost_one_query_whatever_the_number_of_outcomes(workspace, tmp_path):
    _scenario(workspace)
    first = calls_export(workspace, tmp_path).files[0]

    def statements() -> int:
        """SQL statements one call-list export runs."""
        seen = []

        def count(*_args) -> None:
            seen.append(1)

        event.listen(workspace.engine, "before_cursor_execute", count)
        try:
            calls_export(workspace, tmp_path)
        finally:
            event.remove(workspace.engine, "before_cursor_execute", count)
        return len(seen)

    _read_back_at(workspace, _fill(first, tmp_path / "un.xlsx", {"Arlon": {"L2": "Joint"}}))
    one = statements()
    _read_back_at(workspace, _fill(first, tmp_path / "tous.xlsx", {"Arlon": {
        "L2": "Joint", "L3": "Messagerie", "L4": "Pas de réponse", "L5": "Faux numéro"}, "Médecins": {"L2": "Joint"}}))
    assert statements() == one


def test_outcome_counts_for_the_board(workspace, tmp_path):
    _scenario(workspace)
    sms_export(workspace, tmp_path)
    exported = calls_export(workspace, tmp_path).files[0]
    filled = _fill(exported, tmp_path / "rempli.xlsx", {"Arlon": {"L2": "Joint", "L3": "Messagerie"}})
    with workspace.session() as s:
        read_back(s, [filled])
        counts = outcome_counts(s, D1, D1)
    # 1 SMS, 4 calls (1 reached), 1 doctor's call, 1 unreachable
    assert counts == {("ARL", "consultation"): {"told": 7, "reached": 1, "not_reached": 5}}
    with workspace.session() as s:
        decide(s, open_meeting(s, date(2026, 12, 6)), ["ARL"], ["consultation"], D1, D1, "stopped")
    calls_export(workspace, tmp_path)  # told again (a new status): the earlier call no longer counts
    with workspace.session() as s:
        assert outcome_counts(s, D1, D1)[("ARL", "consultation")]["reached"] == 0


def test_what_secretaries_write_for_an_outcome(workspace, tmp_path):
    written = {"Répondeur": "voicemail", "Messagerie vocale": "voicemail", "boîte vocale": "voicemail",
               "voicemail": "voicemail", "Faux n°": "wrong_number", "faux num.": "wrong_number",
               "Mauvais numéro": "wrong_number", "verkeerd nummer": "wrong_number", "pas de reponse": "no_answer",
               "Pas répondu": "no_answer", "geen antwoord": "no_answer", "Bereikt": "reached",
               "Voice mail": "voicemail", "VOICE-MAIL": "voicemail", "message laissé": "voicemail",
               "Contacté": "reached", "ne répond pas": "no_answer", "Numéro erroné": "wrong_number",
               "injoignable": None, "niet bereikt": None, "faux": None, "mesagerie": None, "oui": None, "x": None}
    codes = outcome_codes()
    assert {word: codes.get(fold(word)) for word in written} == written
    _scenario(workspace)
    exported = calls_export(workspace, tmp_path).files[0]
    filled = _fill(exported, tmp_path / "rempli.xlsx", {"Arlon": {"L2": "Répondeur", "L3": "Faux n°",
                                                                  "L4": "Injoignable"}})
    with workspace.session() as s:
        report = read_back(s, [filled], Catalog("en"))
    assert (report.recorded, report.unmatched) == (2, 1) and "unknown outcome Injoignable" in report.problems[0]
    assert [o for _, o, _ in _outcomes(workspace)] == ["voicemail", "wrong_number"]


def test_time_cells_in_any_shape():
    assert [time_text(v) for v in ("09:05", "9h05", " 9:05 ", time(9, 5), 0.37847222, "soon", None)] == [
        "09:05", "09:05", "09:05", "09:05", "09:05", None, None]


def test_outcomes_command(workspace, home, tmp_path, capsys):
    _scenario(workspace)
    exported = calls_export(workspace, tmp_path).files[0]
    filled = _fill(exported, tmp_path / "rempli.xlsx", {"Arlon": {"L2": "Joint", "A3": "X1-1", "L3": "Joint"}})
    assert main(["--home", str(home.root), "outcomes", str(filled), "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == {"files": [str(filled)], "recorded": 1, "unchanged": 0, "unmatched": 1,
                               "problems": ["rempli.xlsx, feuille Arlon, ligne 3 : référence X1-1 inconnue"]}
    assert err.splitlines() == ["rempli.xlsx, feuille Arlon, ligne 3 : référence X1-1 inconnue"]
    assert main(["--home", str(home.root), "--lang", "en", "outcomes", str(filled), str(filled)]) == 0
    out, err = capsys.readouterr()
    assert out == "0 outcome(s) recorded, 1 already known, 1 row(s) not matched\n" and len(err.splitlines()) == 1
    assert main(["--home", str(home.root), "outcomes", str(tmp_path / "nope.xlsx")]) == 2
    assert "nope.xlsx" in capsys.readouterr().err


def test_a_list_saved_as_csv_reads_back(workspace, tmp_path):
    _scenario(workspace)
    exported = calls_export(workspace, tmp_path).files[0]
    rows = [[c.value or "" for c in row] for row in load_workbook(exported)["Arlon"].iter_rows()]
    rows[1][11], rows[2][11] = "Joint", "Faux numéro"
    saved = tmp_path / "arlon.csv"
    saved.write_bytes("\r\n".join(";".join(f'"{v}"' for v in row) for row in rows).encode("cp1252"))
    with workspace.session() as s:
        report = read_back(s, [saved])
    assert (report.recorded, report.unmatched) == (2, 0)
    assert [o for _, o, _ in _outcomes(workspace)] == ["reached", "wrong_number"]


def test_an_appointment_without_its_time_shows_none_and_reads_back_blank_or_as_listed_before(workspace, tmp_path):
    with workspace.session() as s:
        appointment(s, "ARL", at=time(0, 0), phone_kind="landline", last_name="Minuit")
        appointment(s, "ARL", at=time(0, 0), phone_kind="mobile", last_name="Texto")
        decide(s, open_meeting(s, date(2026, 12, 6)), ["ARL"], ["consultation"], D1, D1, "cancelled")
    sms = sms_export(workspace, tmp_path)
    (row,) = [r for r in read_csv(sms.files[0])]
    assert row["time"] == "" and "à 0h00" not in row["message"]
    exported = calls_export(workspace, tmp_path).files[0]
    sheet = load_workbook(exported)["Arlon"]
    assert [sheet["A2"].value.startswith("C"), sheet["C2"].value] == [True, None]  # no "00:00" for a caller to read
    with workspace.session() as s:
        assert read_back(s, [_fill(exported, tmp_path / "blank.xlsx", {"Arlon": {"L2": "Joint"}})]).recorded == 1
    with workspace.session() as s:  # a list written before the time was left blank said 00:00
        older = _fill(exported, tmp_path / "older.xlsx", {"Arlon": {"C2": "00:00", "L2": "Messagerie"}})
        report = read_back(s, [older])
    assert report.recorded == 1 and report.problems == []
