"""The SMS batch: CSV + xlsx twin, fixed columns, one row per appointment, segments and encoding, --gsm7,
formula-like text kept as text, never half written, never overwritten."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from openpyxl import load_workbook
from sqlmodel import select
from told_support import D1, failing_saves, read_csv, read_sms_xlsx, sms_export

from crisis_tui.core.decisions import decide
from crisis_tui.core.documents import sms_batch
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.models import Notification
from crisis_tui.core.sms_text import encoding_of, segments
from tests.factories import appointment

NOW = datetime(2026, 12, 6, 18, 30)


def _cancel(workspace, sites=("ARL", "NEU"), activity="consultation"):
    with workspace.session() as s:
        decide(s, open_meeting(s, date(2026, 12, 6)), list(sites), [activity], D1, D1, "cancelled")


def test_columns_rows_and_the_first_mobile(workspace, tmp_path):
    with workspace.session() as s:
        a = appointment(s, "ARL", at=time(8, 30), service="=HYPERLINK(\"x\")", last_name="-Dupont")
        a.phones, a.phone_kinds = "+32475000001;+32476000002;+3261212121", "mobile;mobile;landline"
        appointment(s, "ARL", phone_kind="landline")
    _cancel(workspace)
    result = sms_export(workspace, tmp_path, now=NOW)
    csv_path, xlsx_path = result.files
    assert csv_path.name == "sms_2026-12-07_20261206-1830.csv" and xlsx_path.name == "sms_2026-12-07_20261206-1830.xlsx"
    header = csv_path.read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(sms_batch.SMS_COLUMNS)
    [row] = read_csv(csv_path)
    assert row["phone"] == "+32475000001"  # E.164, not guarded
    assert row["service"] == "'=HYPERLINK(\"x\")" and row["last_name"] == "'-Dupont"
    assert (row["site"], row["activity"], row["date"], row["time"], row["status"], row["change"]) == (
        "ARL", "consultation", "2026-12-07", "08:30", "cancelled", "0")
    assert row["segments"] == str(segments(row["message"])) and row["encoding"] == encoding_of(row["message"])
    ws = load_workbook(xlsx_path).active
    assert [c.value for c in ws[1]] == list(sms_batch.SMS_COLUMNS)
    service = ws.cell(row=2, column=sms_batch.SMS_COLUMNS.index("service") + 1)
    assert service.value == "=HYPERLINK(\"x\")" and service.data_type == "s"
    assert read_sms_xlsx(xlsx_path)[0]["phone"] == "+32475000001"
    assert result.counts == {"sms": 1, "calls": 1, "doctor_calls": 0, "unreachable": 0, "pending": 0}


def test_accents_force_ucs2_and_gsm7_transliterates(workspace, tmp_path):
    with workspace.session() as s:
        appointment(s, "NEU", service="Prélèvements à jeun")
    _cancel(workspace)
    [plain] = read_csv(sms_export(workspace, tmp_path).files[0])
    assert "Neufchâteau" in plain["message"] and plain["encoding"] == "UCS-2"
    assert int(plain["segments"]) == segments(plain["message"]) >= 3
    [gsm] = read_csv(sms_export(workspace, tmp_path, gsm7=True).files[0])
    assert "Neufchateau" in gsm["message"] and "Prélèvements à jeun" in gsm["message"]
    assert gsm["encoding"] == "GSM-7" and int(gsm["segments"]) == 2
    with workspace.session() as s:
        recorded = s.exec(select(Notification.message).order_by(Notification.id.desc())).first()
    assert recorded == gsm["message"]  # what was actually sent


def test_a_failed_xlsx_leaves_no_csv_and_records_nothing(workspace, tmp_path, monkeypatch):
    with workspace.session() as s:
        appointment(s, "ARL")
    _cancel(workspace)
    failing_saves(monkeypatch)
    out = tmp_path / "out"
    with pytest.raises(OSError, match="disk full"):
        sms_export(workspace, out)
    assert list(out.iterdir()) == []
    with workspace.session() as s:
        assert s.exec(select(Notification)).all() == []


def test_a_failed_record_takes_the_files_back(workspace, tmp_path, monkeypatch):
    with workspace.session() as s:
        appointment(s, "ARL")
    _cancel(workspace)

    def failing(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(sms_batch, "record", failing)
    with pytest.raises(RuntimeError):
        sms_export(workspace, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_two_exports_in_the_same_minute_never_overwrite(workspace, tmp_path):
    with workspace.session() as s:
        appointment(s, "ARL")
    _cancel(workspace)
    first = sms_export(workspace, tmp_path, now=NOW)
    second = sms_export(workspace, tmp_path, now=NOW)
    assert [p.name for p in second.files] == ["sms_2026-12-07_20261206-1830-2.csv",
                                              "sms_2026-12-07_20261206-1830-2.xlsx"]
    assert all(p.exists() for p in first.files + second.files)


def test_english_messages(workspace, tmp_path):
    with workspace.session() as s:
        appointment(s, "ARL", "radiology", service="")
    _cancel(workspace, activity="radiology")
    [row] = read_csv(sms_export(workspace, tmp_path, lang="en").files[0])
    assert row["message"].startswith("Arlon: your radiology appointment on Mon 07/12 at 9:00 is cancelled")


def test_a_batch_of_new_messages_leaves_out_who_already_received_the_same_one(workspace, tmp_path):
    with workspace.session() as s:
        first = appointment(s, "ARL", at=time(8, 30))
        appointment(s, "NEU", at=time(9, 0), service="Prélèvements")
    _cancel(workspace, sites=("ARL",))
    assert [r["site"] for r in read_csv(sms_export(workspace, tmp_path).files[0])] == ["ARL"]
    _cancel(workspace, sites=("NEU",))  # a later meeting cancels another site
    full = sms_export(workspace, tmp_path)  # every patient to be told, as before
    assert [r["site"] for r in read_csv(full.files[0])] == ["ARL", "NEU"] and "already_told" not in full.as_json()
    new = sms_export(workspace, tmp_path, new_only=True)
    assert read_csv(new.files[0]) == [] and new.already_told == 2  # both were in the full batch just sent
    with workspace.session() as s:
        appointment(s, "NEU", at=time(11, 0), last_name="Nouveau")  # a late export brings a patient
    with workspace.session() as s:
        decide(s, open_meeting(s, date(2026, 12, 6)), ["ARL"], ["consultation"], D1, D1, "stopped")
    new = sms_export(workspace, tmp_path, new_only=True, gsm7=True)
    rows = read_csv(new.files[0])
    # the stopped activity is a new message for the first patient; the new patient's is new; NEU's first is not
    assert sorted((r["site"], r["last_name"]) for r in rows) == [("ARL", first.last_name), ("NEU", "Nouveau")]
    assert new.as_json()["already_told"] == 1 and new.counts["sms"] == 3
    again = sms_export(workspace, tmp_path, new_only=True)  # the same messages without accents: already sent
    assert read_csv(again.files[0]) == [] and again.already_told == 3
