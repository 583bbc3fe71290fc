"""`crisis-tui export sms|calls|minutes`: the files, their rows, and counts equal to `status --json`'s sums on
the article's scenario; usage errors exit 2 and write nothing."""

from __future__ import annotations

import json
from datetime import date, time

from told_support import D1, read_call_lists, read_csv

from crisis_tui.cli import main
from crisis_tui.core.decisions import decide
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.models import Override
from tests.factories import appointment

KEYS = ("sms", "calls", "doctor_calls", "unreachable", "pending")


def _article(workspace):
    """Sunday's meeting for Monday at Libramont: consultations cancelled (Dr Lambert keeps his), surgery case by
    case (one kept), radiology and scintigraphy cancelled, Covid stopped, blood draws maintained.

    Expected: SMS 3 consultations + 3 exams/Covid mobiles; calls 1 consultation landline + 3 reachable surgeries
    + 3 exams/Covid landlines; doctor's calls 2; unreachable 2 consultations + 1 surgery; pending 3 surgeries."""
    with workspace.session() as s:
        for n, kind in enumerate(["mobile", "mobile", "mobile", "landline", "none", "invalid"]):
            appointment(s, "LIB", "consultation", at=time(8, n), phone_kind=kind, doctor="Dr Dupont")
        for n, kind in enumerate(["mobile", "none"]):
            appointment(s, "LIB", "consultation", at=time(9, n), phone_kind=kind, doctor="Dr Lambert Paul")
        kept = appointment(s, "LIB", "surgery", at=time(7, 30), phone_kind="mobile", last_name="Gardé")
        for n, kind in enumerate(["mobile", "landline", "none"]):
            appointment(s, "LIB", "surgery", at=time(8, n), phone_kind=kind)
        for activity in ("radiology", "scintigraphy", "covid_centre"):
            appointment(s, "LIB", activity, phone_kind="mobile")
            appointment(s, "LIB", activity, phone_kind="landline")
        for kind in ("mobile", "landline", "none"):
            appointment(s, "NEU", "blood_draw", phone_kind=kind)
        meeting = open_meeting(s, date(2026, 12, 6))
        decide(s, meeting, ["LIB"], ["consultation", "radiology", "scintigraphy"], D1, D1, "cancelled")
        decide(s, meeting, ["LIB"], ["surgery"], D1, D1, "case_by_case")
        decide(s, meeting, ["LIB"], ["covid_centre"], D1, D1, "stopped")
        decide(s, meeting, ["NEU"], ["blood_draw"], D1, D1, "maintained")
        s.add(Override(meeting_id=meeting.id, scope="doctor", site="LIB", activity="consultation", day_from=D1,
                       day_to=D1, value="Lambert", status="maintained"))
        s.add(Override(meeting_id=meeting.id, scope="patient", site="LIB", activity="surgery", day_from=D1,
                       day_to=D1, value="Gardé", appointment_id=kept.id, status="maintained"))


def _json(capsys, *argv) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_counts_equal_rows_and_status_sums(workspace, home, capsys):
    _article(workspace)
    base = ["--home", str(home.root)]
    status = _json(capsys, *base, "status", "--date", "2026-12-07", "--json")
    sums = {k: sum(c[k] for c in status["cells"]) for k in KEYS}
    assert sums == {"sms": 6, "calls": 7, "doctor_calls": 2, "unreachable": 3, "pending": 3}
    sms = _json(capsys, *base, "export", "sms", "--date", "2026-12-07", "--json")
    calls = _json(capsys, *base, "export", "calls", "--date", "2026-12-07", "--secretaries", "2", "--json")
    assert {k: sms[k] for k in KEYS} == {k: calls[k] for k in KEYS} == sums
    assert [p.rsplit(".", 1)[1] for p in sms["files"]] == ["csv", "xlsx"]
    assert all(p.startswith(str(home.exports)) and "_2026-12-07_" in p for p in sms["files"] + calls["files"])
    assert len(read_csv(sms["files"][0])) == sums["sms"]
    sheets = read_call_lists(calls["files"][0])
    assert sum(len(sheets[n]) for n in sheets if n.startswith("Libramont")) == sums["calls"]
    assert len(sheets["Médecins"]) == sums["doctor_calls"] and len(sheets["Injoignables"]) == sums["unreachable"]
    assert list(sheets)[:2] == ["Libramont (1 de 2)", "Libramont (2 de 2)"]
    again = _json(capsys, *base, "status", "--date", "2026-12-07", "--json")
    assert {k: sum(c[k] for c in again["cells"]) for k in KEYS} == sums  # telling changes no count


def test_text_output_and_out_folder(workspace, home, tmp_path, capsys):
    _article(workspace)
    assert main(["--home", str(home.root), "--lang", "en", "export", "calls", "--date", "2026-12-07",
                 "--out", str(tmp_path / "usb")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Files written:" and out[1].strip().startswith(str(tmp_path / "usb" / "calls_2026-12-07_"))
    assert out[2] == "SMS 6, calls 7, doctors' calls 2, unreachable 3, pending 3"


def test_sms_new_leaves_out_who_already_received_the_same_message(workspace, home, capsys):
    _article(workspace)
    base = ["--home", str(home.root), "export", "sms", "--date", "2026-12-07"]
    first = _json(capsys, *base, "--new", "--json")
    assert first["already_told"] == 0 and len(read_csv(first["files"][0])) == first["sms"] == 6
    again = _json(capsys, *base, "--new", "--json")
    assert again["already_told"] == 6 and read_csv(again["files"][0]) == [] and again["sms"] == 6
    assert "already_told" not in _json(capsys, *base, "--json")
    assert main([*base, "--new"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "6 SMS laissé(s) de côté : ces patients ont déjà reçu le même message")
    assert main(["--home", str(home.root), "--lang", "en", *base[2:], "--new", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["already_told"] == 0  # in English: other words, sent again
    calls = ["--home", str(home.root), "export", "calls", "--date", "2026-12-07", "--new"]
    assert main(calls) == 0 and "laissé(s) de côté" not in capsys.readouterr().out  # no call reached anyone yet


def test_usage_errors_exit_2_and_write_nothing(workspace, home, tmp_path, capsys):
    _article(workspace)
    base = ["--home", str(home.root), "export"]
    assert main([*base, "calls", "--date", "2026-12-07", "--secretaries", "0"]) == 2
    assert "--secretaries 0" in capsys.readouterr().err
    assert main([*base, "sms", "--date", "2026-12-07", "--to", "2026-12-06"]) == 2
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert main([*base, "sms", "--date", "2026-12-07", "--out", str(blocker / "sub")]) == 2
    assert capsys.readouterr().err.count("\n") == 2
    assert list(home.exports.iterdir()) == []
