"""Shared set-up for the minutes, signing and verify tests: a meeting with decisions, an exception, a patient
decision and notes, over known appointments; the CLI run in-process."""

from __future__ import annotations

from datetime import date

from crisis_tui.cli import main
from crisis_tui.core.decisions import decide
from crisis_tui.core.meetings import open_meeting, update_meeting
from crisis_tui.core.overrides import add_override
from tests.factories import appointment

MEETING_DAY, D1, D2 = date(2026, 12, 6), date(2026, 12, 7), date(2026, 12, 8)
PATIENT = "Zwijsen-Ohlala"


def seed(workspace, *, chair: str = "Dr Chair") -> int:
    """Meeting 1 (daily, 6 Dec): BAS consultations cancelled on the 7th, LIB surgery case by case on the 7th-8th,
    Dr Lambert keeps his BAS consultations, one LIB surgery patient kept; notes and actions. Its id."""
    with workspace.session() as s:
        for kind in ("mobile", "landline", "none"):
            appointment(s, "BAS", "consultation", D1, phone_kind=kind, doctor="Dr Lambert" if kind == "none" else "Dr Roux")
            appointment(s, "LIB", "surgery", D1, phone_kind=kind)
        kept = appointment(s, "LIB", "surgery", D2, last_name=PATIENT)
        meeting = open_meeting(s, MEETING_DAY, chair=chair, attendees=["Anne Secr (secrétaire)", "Paul IT (IT)"])
        decide(s, meeting, ["BAS"], ["consultation"], D1, D1, "cancelled", reason="DPI down")
        decide(s, meeting, ["LIB"], ["surgery"], D1, D2, "case_by_case", reason="with the medical director",
               uncontacted="attend_unless_contacted")
        add_override(s, meeting, scope="doctor", value="Dr Lambert", activity="consultation", site="BAS",
                     day_from=D1, day_to=D1, status="maintained", note="keeps his own")
        add_override(s, meeting, scope="patient", value=PATIENT, activity="surgery", site="LIB", day_from=D2,
                     day_to=D2, status="maintained", appointment_id=kept.id)
        update_meeting(s, meeting, notes="IT expects the DPI back on Wednesday", actions="=call the press")
        return meeting.id


def run(capsys, home, *args) -> tuple[int, str, str]:
    code = main(["--home", str(home.root), *args])
    out, err = capsys.readouterr()
    return code, out, err
