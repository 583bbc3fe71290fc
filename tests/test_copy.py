"""`crisis-tui copy`: a demo database with decisions, exceptions, exported lists, outcomes and a signature copied
exactly (SQLite -> SQLite here, SQLite -> PostgreSQL -> SQLite with a server); a target holding work refused unless
told how; `update` refused when the target went its own way; a failed copy changes nothing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlmodel import SQLModel, select

from crisis_tui.cli import main
from crisis_tui.config import BUNDLED_DATA, Home
from crisis_tui.core.audit import verify_chain
from crisis_tui.core.db import make_engine, session_scope
from crisis_tui.core.demo import DEMO_DAY, fill_demo_home
from crisis_tui.core.models import Appointment, AuditEntry, CallOutcome, Meeting, Notification, utcnow
from crisis_tui.core.workspace import Workspace

DAY = DEMO_DAY.isoformat()


@pytest.fixture(autouse=True)
def _home_elsewhere(tmp_path, monkeypatch):
    """`--db` alone: the home (inbox, exports) would be the current directory."""
    monkeypatch.setenv("CRISIS_TUI_HOME", str(tmp_path / "home"))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """A laptop's database after a day's work, built once: copy the file before changing it."""
    home = Home(tmp_path_factory.mktemp("laptop") / "home").ensure()
    workspace = Workspace.open(home)
    fill_demo_home(workspace)
    with workspace.session() as session:
        doctor = session.exec(select(Appointment.doctor).where(Appointment.activity == "consultation")).first()
    workspace.close()
    cli = ["--home", str(home.root)]
    assert main([*cli, "decide", "--date", DAY, "--to", "2026-12-09", "--site", "all", "--activity", "consultation",
                 "--status", "cancelled", "--note", "Cyberattaque"]) == 0
    assert main([*cli, "override", "--date", DAY, "--site", "all", "--activity", "consultation", "--doctor", doctor,
                 "--status", "maintained", "--note", "garde ses RDV"]) == 0
    for kind in ("sms", "calls"):
        assert main([*cli, "export", kind, "--date", DAY, "--json"]) == 0
    workspace = Workspace.open(home)
    with workspace.session() as session:
        called = session.exec(select(Appointment).where(Appointment.activity == "surgery")).first()
        notification = Notification(appointment_id=called.id, reference="C-0001", channel="call",
                                    told_status="cancelled", message="Votre RDV est annulé")
        session.add(notification)
        session.flush()
        session.add(CallOutcome(notification_id=notification.id, outcome="voicemail", notes="=rappeler"))
        meeting = session.exec(select(Meeting)).first()
        meeting.signed_at, meeting.signed_by, meeting.minutes_hash = utcnow(), "Dr Signer", "ab" * 32
        session.add(meeting)
    workspace.close()
    return home.data_dir / "crisis.db"


def _laptop(demo_db: Path, tmp_path: Path, name: str = "laptop.db") -> str:
    """A copy of the demo database (SQLite's backup: what the WAL holds too)."""
    target = tmp_path / name
    with sqlite3.connect(demo_db) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return str(target)


def content(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in id order."""
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = {table.name: [tuple(r) for r in connection.execute(
                    select(table).order_by(*table.primary_key.columns))]
                for table in SQLModel.metadata.sorted_tables}
    engine.dispose()
    return rows


def copy(capsys, source: str, *args: str) -> tuple[int, str, str]:
    code = main(["--db", source, "copy", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_copy_is_exact_and_the_target_keeps_working(demo_db, tmp_path, capsys):
    laptop = _laptop(demo_db, tmp_path)
    code, out, _ = copy(capsys, laptop, "--to", str(tmp_path / "copy.db"), "--json")
    report = json.loads(out)
    assert code == 0 and report["rows"] == sum(report["tables"].values()) and report["audit_problems"] == []
    before = content(f"sqlite:///{laptop}")
    assert content(f"sqlite:///{tmp_path / 'copy.db'}") == before
    assert all(before[name] for name in ("appointment", "decision", "override", "notification", "calloutcome"))
    assert main(["--db", str(tmp_path / "copy.db"), "decide", "--date", DAY, "--site", "all", "--activity",
                 "surgery", "--status", "stopped"]) == 0


def test_a_target_holding_work_is_refused_unless_told_how(demo_db, tmp_path, capsys):
    laptop, other = _laptop(demo_db, tmp_path), _laptop(demo_db, tmp_path, "other.db")
    assert main(["--db", other, "decide", "--date", DAY, "--site", "all", "--activity", "surgery",
                 "--status", "stopped"]) == 0
    capsys.readouterr()
    theirs = content(f"sqlite:///{other}")
    code, out, err = copy(capsys, laptop, "--to", other)
    assert (code, out) == (2, "") and err.count("\n") == 1 and "la base n'est pas vide" in err and "--merge" in err
    code, _, err = copy(capsys, laptop, "--to", other, "--merge", "update")
    assert code == 2 and err.count("\n") == 1 and "que cette base n'a pas" in err
    assert content(f"sqlite:///{other}") == theirs
    code, out, _ = copy(capsys, laptop, "--to", other, "--merge", "replace")
    assert code == 0 and "remplacées" in out
    assert content(f"sqlite:///{other}") == content(f"sqlite:///{laptop}")


def test_update_brings_an_earlier_copy_up_to_date(demo_db, tmp_path, capsys):
    laptop, earlier = _laptop(demo_db, tmp_path), str(tmp_path / "earlier.db")
    assert copy(capsys, laptop, "--to", earlier)[0] == 0
    assert main(["--db", laptop, "decide", "--date", DAY, "--site", "all", "--activity", "surgery",
                 "--status", "stopped"]) == 0
    capsys.readouterr()
    assert copy(capsys, laptop, "--to", earlier)[0] == 2
    assert copy(capsys, laptop, "--to", earlier, "--merge", "update")[0] == 0
    assert content(f"sqlite:///{earlier}") == content(f"sqlite:///{laptop}")


def test_update_after_rows_deleted_here_since_the_copy(demo_db, tmp_path, capsys):
    """An IT list loaded again with fewer systems: the rows gone here are no work done there."""
    laptop, earlier = _laptop(demo_db, tmp_path), str(tmp_path / "earlier.db")
    assert main(["--db", laptop, "it", "load", str(BUNDLED_DATA / "it_systems.csv")]) == 0
    assert copy(capsys, laptop, "--to", earlier)[0] == 0
    short = tmp_path / "short.csv"
    short.write_text("Système;Priorité\nRéseau;1\nDPI;2\n", encoding="utf-8")
    assert main(["--db", laptop, "it", "load", str(short)]) == 0
    capsys.readouterr()
    code, _, err = copy(capsys, laptop, "--to", earlier, "--merge", "update")
    assert code == 0, err
    assert content(f"sqlite:///{earlier}") == content(f"sqlite:///{laptop}")


def test_a_copy_that_fails_its_check_changes_nothing(demo_db, tmp_path, capsys):
    laptop, target = _laptop(demo_db, tmp_path), str(tmp_path / "target.db")
    engine = make_engine(f"sqlite:///{laptop}")
    with session_scope(engine) as session:  # someone altered an entry of the laptop's audit log
        entry = session.exec(select(AuditEntry).order_by(AuditEntry.id)).first()
        entry.reason = "altered"
        session.add(entry)
        problems = verify_chain(session)
    engine.dispose()
    code, out, _ = copy(capsys, laptop, "--to", target, "--json")
    assert code == 0 and json.loads(out)["audit_problems"] == problems != []  # copied as it was, and said
    code, _, err = copy(capsys, laptop, "--to", laptop)
    assert code == 2 and "c'est la base copiée elle-même" in err


@pytest.mark.postgres
def test_sqlite_to_postgresql_and_back_is_exact_with_the_same_figures(demo_db, tmp_path, pg_url, capsys):
    laptop, back = _laptop(demo_db, tmp_path), str(tmp_path / "back.db")
    assert copy(capsys, laptop, "--to", pg_url)[0] == 0
    assert copy(capsys, pg_url, "--to", back)[0] == 0
    original = content(f"sqlite:///{laptop}")
    assert content(pg_url) == original and content(f"sqlite:///{back}") == original
    figures = []
    for db in (laptop, pg_url, back):
        assert main(["--db", db, "status", "--date", DAY, "--to", "2026-12-13", "--json"]) == 0
        figures.append(json.loads(capsys.readouterr().out))
    assert figures[0] == figures[1] == figures[2]
    assert main(["--db", pg_url, "decide", "--date", DAY, "--site", "all", "--activity", "surgery",
                 "--status", "stopped"]) == 0  # the ids go on after the copied ones
    engine = make_engine(pg_url)
    with session_scope(engine) as session:
        assert verify_chain(session) == []
        assert max(session.exec(select(AuditEntry.id))) > max(row[0] for row in original["auditentry"])
    engine.dispose()
