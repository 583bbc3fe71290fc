"""`verify`: any change made straight in the database to a signed meeting, its decisions, exceptions, stored
minutes, hash chain or the audit log is found and named; `crisis-tui verify` exits 1; the TUI's start warning."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlmodel import select

from conftest import ON_POSTGRES
from crisis_tui.config import Home
from crisis_tui.core.decisions import decide
from crisis_tui.core.undo import undo_last
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.minutes import digest
from crisis_tui.core.models import Decision, Meeting, Override
from crisis_tui.core.overrides import add_override, decide_patients, lift_patients, remove_override
from crisis_tui.core.signing import sign_meeting, startup_warning, verify
from crisis_tui.core.workspace import Workspace
from crisis_tui.i18n import Catalog
from minutes_support import D1, D2, MEETING_DAY, run, seed


def sign(workspace, meeting_id: int, by: str = "Dr Director") -> None:
    with workspace.session() as s:
        sign_meeting(s, workspace.reference, meeting_id, by, "Directeur médical")


def two_signed(workspace) -> tuple[int, int]:
    first = seed(workspace)
    sign(workspace, first)
    with workspace.session() as s:
        second = open_meeting(s, MEETING_DAY)
        decide(s, second, ["ARL"], ["radiology"], D2, D2, "stopped", reason="PACS down")
        second_id = second.id
    sign(workspace, second_id)
    return first, second_id


def tamper(workspace, sql: str, **params) -> None:
    """Run the statements (separated by "; ") straight on the database, as someone bypassing the application."""
    with workspace.engine.begin() as connection:
        for statement in sql.split("; "):
            assert connection.execute(text(statement), params).rowcount >= 1, statement


def problems(workspace) -> list[str]:
    with workspace.session() as s:
        report = verify(s)
    assert report.ok == (not report.problems)
    return report.problems


TAMPERS = [
    ("update decision set status = 'maintained' where site = 'BAS'",
     "meeting {first}: decision BAS/consultation/2026-12-07 altered after signing"),
    ("update decision set reason = 'nothing' where site = 'LIB' and day = '2026-12-08'",
     "meeting {first}: decision LIB/surgery/2026-12-08 altered after signing"),
    ("delete from decision where site = 'ARL'",
     "meeting {second}: decision ARL/radiology/2026-12-08 removed after signing"),
    ("insert into decision (meeting_id, site, activity, day, status, reason, uncontacted, decided_at) values "
     "({first}, 'VIR', 'surgery', '2026-12-07', 'stopped', '', 'cancelled_unless_contacted', '2026-12-06 10:00:00')",
     "meeting {first}: decision VIR/surgery/2026-12-07 added after signing"),
    ("update override set status = 'cancelled' where scope = 'doctor'",
     "meeting {first}: exception or patient decision 1 altered after signing"),
    ("update override set value = 'Someone Else' where scope = 'patient'",
     "meeting {first}: exception or patient decision 2 altered after signing"),
    ("update meeting set chair = 'Dr Nobody' where id = {first}", "meeting {first}: chair altered after signing"),
    ("update meeting set signed_by = 'Dr Forger' where id = {second}",
     "meeting {second}: signed_by altered after signing"),
    ("update meeting set notes = 'rewritten' where id = {first}", "meeting {first}: notes altered after signing"),
    ("update meeting set minutes_json = replace(minutes_json, 'DPI down', 'DPI up') where id = {first}",
     "meeting {first}: minutes content altered"),
    ("update meeting set minutes_hash = '{zeros}' where id = {first}",
     "meeting {second}: chain broken"),
    ("update meeting set signed_at = null where id = {second}",
     "meeting {second}: its signature by Dr Director was removed"),
    ("update auditentry set reason = 'forged' where action = 'decide' and target = 'ARL/radiology/2026-12-08'",
     "audit entry"),
    ("delete from auditentry where action = 'sign' and meeting_id = {second}",
     "meeting {second}: no 'sign' entry in the audit log"),
]


@pytest.mark.parametrize(("sql", "expected"), TAMPERS, ids=[t[1].split(": ", 1)[-1][:40] for t in TAMPERS])
def test_an_alteration_in_the_database_is_found_and_named(workspace, sql, expected):
    first, second = two_signed(workspace)
    assert problems(workspace) == []
    values = {"first": first, "second": second, "zeros": "0" * 64}
    tamper(workspace, sql.format(**values))
    found = problems(workspace)
    assert any(expected.format(**values) in p for p in found), found


@pytest.mark.skipif(ON_POSTGRES, reason="the sqlite3 shell's way: foreign keys off")
def test_a_signed_meeting_deleted_outright_is_named(workspace, home):
    _, second = two_signed(workspace)
    workspace.engine.dispose()
    with sqlite3.connect(home.data_dir / "crisis.db") as connection:  # foreign keys are off by default
        connection.execute("delete from decision where meeting_id = ?", (second,))
        connection.execute("delete from meeting where id = ?", (second,))
    found = problems(workspace)
    assert f"meeting {second}: signed by Dr Director (the audit log records it) but removed from the database" in found
    assert f"meeting {second}: opened (the audit log records it) but removed from the database" in found


def test_the_minutes_altered_consistently_still_break_the_chain_and_the_audit_log(workspace):
    """Someone rewrites a decision, the stored minutes and their hash together: the next signature's link and the
    audit log's sign entry still tell."""
    first, second = two_signed(workspace)
    with workspace.session() as s:
        meeting = s.get(Meeting, first)
        content = json.loads(meeting.minutes_json)
        content["record"]["decisions"]["BAS/consultation/2026-12-07"]["status"] = "maintained"
        forged = json.dumps(content)
        new_hash = digest(content)
    tamper(workspace, "update decision set status = 'maintained' where site = 'BAS'")
    tamper(workspace, "update meeting set minutes_json = :j, minutes_hash = :h where id = :id", j=forged, h=new_hash,
           id=first)
    found = problems(workspace)
    assert any(f"meeting {first}: minutes hash altered" in p for p in found)
    assert any(f"meeting {second}: chain broken" in p for p in found)


UNTRACED = [
    ("update decision set status = 'maintained' where site = 'BAS'",
     "meeting {m}: decision BAS/consultation/2026-12-07 changed without a trace"),
    ("update decision set uncontacted = 'cancelled_unless_contacted' where site = 'LIB' and day = '2026-12-08'",
     "meeting {m}: decision LIB/surgery/2026-12-08 changed without a trace"),
    ("delete from decision where site = 'BAS'",
     "meeting {m}: decision BAS/consultation/2026-12-07 removed without a trace"),
    ("insert into decision (meeting_id, site, activity, day, status, reason, uncontacted, decided_at) values "
     "({m}, 'VIR', 'surgery', '2026-12-07', 'stopped', '', 'cancelled_unless_contacted', '2026-12-06 10:00:00')",
     "meeting {m}: decision VIR/surgery/2026-12-07 added without a trace"),
    ("update override set status = 'cancelled' where scope = 'doctor'",
     "meeting {m}: exception or patient decision 1 (doctor:Dr Lambert@BAS/consultation/2026-12-07) changed"),
    ("update override set day_to = '2026-12-09' where scope = 'doctor'",
     "meeting {m}: exception or patient decision 1 (doctor:Dr Lambert@BAS/consultation/2026-12-07..2026-12-09) "
     "changed"),
    ("update override set removed_at = '2026-12-06 11:00:00' where scope = 'patient'",
     "meeting {m}: exception or patient decision 2 (patient:appointment 7@LIB/surgery/2026-12-08) changed"),
    ("delete from override where scope = 'patient'",
     "meeting {m}: exception or patient decision 2 (patient:appointment 7@LIB/surgery/2026-12-08) removed"),
    ("insert into override (meeting_id, scope, site, activity, day_from, day_to, value, match_key, status, note, "
     "decided_by, decided_at) values ({m}, 'service', 'ARL', 'consultation', '2026-12-07', '2026-12-07', 'Cardio', "
     "'cardio', 'maintained', '', 'Dr Chair', '2026-12-06 10:00:00')",
     "meeting {m}: exception or patient decision 3 (service:Cardio@ARL/consultation/2026-12-07) added"),
]


@pytest.mark.parametrize(("sql", "expected"), UNTRACED, ids=[t[1].split(": ", 1)[-1] for t in UNTRACED])
def test_the_open_meeting_cannot_change_without_a_trace(workspace, sql, expected):
    """Not signed yet, nothing is sealed; but each decision and exception must be as the audit log last recorded
    it: one line naming the meeting and the cell (or the exception), and nothing else."""
    meeting_id = seed(workspace)
    assert problems(workspace) == []
    tamper(workspace, sql.format(m=meeting_id))
    found = problems(workspace)
    assert len(found) == 1 and found[0].startswith(expected.format(m=meeting_id)), found


def test_a_decision_changed_before_signing_is_still_found_after(workspace):
    """The signature seals the rows as they are: one altered behind the application's back before it is still
    named, by the audit log."""
    meeting_id = seed(workspace)
    tamper(workspace, "update decision set reason = 'forged' where site = 'BAS'")
    sign(workspace, meeting_id)
    assert problems(workspace) == [
        f"meeting {meeting_id}: decision BAS/consultation/2026-12-07 changed without a trace "
        "(it differs from what the audit log last recorded)"]


def test_the_last_decide_entry_cut_off_the_audit_log_leaves_its_decision_untraced(workspace):
    """Cutting the tail of the audit chain leaves the chain intact, but not the decisions it recorded."""
    meeting_id = seed(workspace)
    with workspace.session() as s:
        decide(s, s.get(Meeting, meeting_id), ["ARL"], ["covid_centre"], D2, D2, "stopped")
    tamper(workspace, "delete from auditentry where id = (select max(id) from auditentry)")
    assert problems(workspace) == [f"meeting {meeting_id}: decision ARL/covid_centre/2026-12-08 added without a trace "
                                   "(no audit log entry names it)"]


def test_a_meeting_whose_whole_tail_of_the_audit_log_was_cut_with_its_decisions_is_named(workspace):
    """The end of the log cut away together with the rows it recorded: the meeting it opened is left untraced."""
    meeting_id = seed(workspace)
    sign(workspace, meeting_id)
    with workspace.session() as s:
        later = open_meeting(s, MEETING_DAY)
        decide(s, later, ["ARL"], ["covid_centre"], D2, D2, "stopped")
        later_id = later.id
    assert problems(workspace) == []
    tamper(workspace, "delete from decision where meeting_id = :m; delete from auditentry where meeting_id = :m",
           m=later_id)
    assert problems(workspace) == [f"meeting {later_id}: the audit log does not record its opening "
                                   "(a meeting added by hand, or the end of the log erased)"]
    tamper(workspace, "delete from meeting where id = :m", m=later_id)
    assert problems(workspace) == []


def test_a_decision_taken_back_by_the_audit_log_replayed_with_its_undo(workspace):
    """Undo restores a cell or deletes it: the audit log replayed with its undo entries agrees; a row someone puts
    back after the undo does not."""
    meeting_id = seed(workspace)
    with workspace.session() as s:
        meeting = s.get(Meeting, meeting_id)
        decide(s, meeting, ["BAS", "ARL"], ["consultation"], D1, D1, "stopped", reason="flood")
        assert len(undo_last(s, meeting).cells) == 2
        decide(s, meeting, ["LIB"], ["surgery"], D2, D2, "maintained")
    assert problems(workspace) == []
    tamper(workspace, "insert into decision (meeting_id, site, activity, day, status, reason, uncontacted, decided_at)"
                      " values (:m, 'ARL', 'consultation', '2026-12-07', 'stopped', 'flood', "
                      "'cancelled_unless_contacted', '2026-12-06 10:00:00')", m=meeting_id)
    assert problems(workspace) == [f"meeting {meeting_id}: decision ARL/consultation/2026-12-07 added without a "
                                   "trace (no audit log entry names it)"]


def test_decisions_and_exceptions_made_through_the_application_are_all_traced(workspace):
    """Replace, lift, undo, patient decisions, a later meeting lifting an earlier one's exception: nothing is
    reported."""
    meeting_id = seed(workspace)
    sign(workspace, meeting_id)
    with workspace.session() as s:
        later = open_meeting(s, MEETING_DAY, emergency=True)
        decide(s, later, ["BAS"], ["consultation"], D1, D2, "maintained", reason="DPI back")
        decide(s, later, ["BAS"], ["consultation"], D1, D1, "cancelled")
        undo_last(s, later)
        exception = s.exec(select(Override).where(Override.scope == "doctor")).one()
        remove_override(s, later, exception.id)
        add_override(s, later, scope="service", value="Cardiologie", activity="consultation", site=None, day_from=D1,
                     day_to=D2, status="maintained")
        add_override(s, later, scope="service", value="Cardiologie", activity="consultation", site=None, day_from=D1,
                     day_to=D2, status="cancelled", note="replaced")
        patient = s.exec(select(Override).where(Override.scope == "patient")).one()
        decide_patients(s, later, [patient.appointment_id], "cancelled", note="changed his mind")
        lift_patients(s, later, [patient.appointment_id])
    assert problems(workspace) == []


def test_verify_cli_finds_the_open_meeting_changed(capsys, home, workspace):
    meeting_id = seed(workspace)
    tamper(workspace, "update decision set status = 'cancelled' where meeting_id = :id and site = 'LIB'",
           id=meeting_id)
    code, out, _ = run(capsys, home, "verify", "--json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False and data["meetings_signed"] == 0 and len(data["problems"]) == 2
    code, out, _ = run(capsys, home, "verify")
    assert code == 1 and f"réunion {meeting_id} : décision LIB/surgery/2026-12-07 modifiée sans trace" in out


def test_verify_cli_json_and_exit_codes(capsys, home, workspace):
    first, _ = two_signed(workspace)
    code, out, _ = run(capsys, home, "verify", "--json")
    assert code == 0 and json.loads(out) == {"ok": True, "meetings_signed": 2, "problems": []}
    code, out, _ = run(capsys, home, "--lang", "en", "verify")
    assert code == 0 and "2 signed meeting(s)" in out
    tamper(workspace, "update decision set status = 'maintained' where site = 'BAS'")
    code, out, _ = run(capsys, home, "verify", "--json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False and data["meetings_signed"] == 2
    assert data["problems"] == [f"meeting {first}: decision BAS/consultation/2026-12-07 altered after signing"]
    code, out, _ = run(capsys, home, "verify")  # people read it in French, scripts read the JSON in English
    assert code == 1 and f"réunion {first} : décision BAS/consultation/2026-12-07 modifiée après la signature" in out


def test_startup_warning(workspace):
    first, _ = two_signed(workspace)
    assert startup_warning(workspace) is None
    tamper(workspace, "update meeting set chair = 'Dr Nobody' where id = :id", id=first)
    warning = startup_warning(workspace, Catalog("en"))
    assert warning.startswith("Integrity check: 1 problem(s)") and f"meeting {first}: chair altered" in warning
    assert "Contrôle d'intégrité : 1 problème(s)" in startup_warning(workspace)
    assert f"réunion {first} : chair modifié après la signature" in startup_warning(workspace)


@pytest.fixture(scope="module")
def sealed_copy(tmp_path_factory):
    """A home with meeting 1 signed, built once: each example below works on a copy of its database file."""
    home = Home(tmp_path_factory.mktemp("sealed") / "home").ensure()
    workspace = Workspace.open(home)
    sign(workspace, seed(workspace))
    workspace.close()
    return home


@pytest.mark.skipif(ON_POSTGRES, reason="copies an SQLite file")
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(["status", "reason", "uncontacted", "day", "site", "activity", "decided_at"]),
       row=st.integers(min_value=0, max_value=2))
def test_any_column_of_any_signed_decision_altered_is_named(sealed_copy, tmp_path_factory, field, row):
    """Property: whichever signed decision row and column is changed, verify names a decision of meeting 1."""
    home = Home(tmp_path_factory.mktemp("copy") / "home").ensure()
    shutil.copy(sealed_copy.data_dir / "crisis.db", home.data_dir / "crisis.db")
    workspace = Workspace.open(home)
    try:
        other = {"status": "'stopped'", "reason": "'forged'", "day": "'2026-12-20'", "site": "'VIR'",
                 "activity": "'radiology'", "decided_at": "'2020-01-01 00:00:00.000000'",
                 "uncontacted": "case when uncontacted = 'attend_unless_contacted' then 'cancelled_unless_contacted' "
                                "else 'attend_unless_contacted' end"}  # each differs from every value seeded
        with workspace.session() as s:
            ids = [d.id for d in s.exec(select(Decision).order_by(Decision.id))]
        tamper(workspace, f"update decision set {field} = {other[field]} where id = :id", id=ids[row])
        found = problems(workspace)
        assert found and all(p.startswith("meeting 1: decision ") for p in found), found
    finally:
        workspace.close()
