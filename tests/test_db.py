"""The engine factory: SQLite pragmas; on both backends one writer at a time (the second waits, then gives up with
a clear message), readers never wait, and the audit chain cannot fork."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import time
from contextlib import contextmanager
from typing import Iterator

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, select

from crisis_tui.cli import main
from crisis_tui.config import BUNDLED_DATA, Home
from crisis_tui.core import audit, db
from crisis_tui.core.db import DatabaseBusy, create_schema, make_engine, session_scope
from crisis_tui.core.errors import UsageError
from crisis_tui.core.models import AuditEntry, Meeting, Site
from crisis_tui.core.workspace import Workspace
from import_files import sample


def test_sqlite_engine_has_wal_foreign_keys_and_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'x.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    engine.dispose()


def test_a_new_sqlite_database_has_large_pages_and_an_old_one_keeps_its_own(tmp_path):
    old = tmp_path / "old.db"  # made by an earlier crisis-tui, at SQLite's default page size
    plain = create_engine(f"sqlite:///{old}")
    SQLModel.metadata.create_all(plain)
    plain.dispose()
    for path, size in ((tmp_path / "new.db", db.SQLITE_PAGE_SIZE), (old, 4096)):
        engine = make_engine(f"sqlite:///{path}")
        create_schema(engine)
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA page_size")).scalar() == size
        engine.dispose()


def test_only_sqlite_and_postgresql_urls_and_passwords_are_never_shown():
    with pytest.raises(ValueError, match=r"mysql://user:\*\*\*@host/db: only SQLite and PostgreSQL"):
        make_engine("mysql://user:secret@host/db")
    with pytest.raises(ValueError, match="not an SQLAlchemy URL") as raised:
        make_engine("postgresql+psycopg//cell:secret@server")
    assert "secret" not in str(raised.value)
    for url in ("postgresql://cell:secret@server/crisis", "postgres://cell:secret@server/crisis",
                "postgresql+psycopg2://cell:secret@server/crisis", "postgresql+asyncpg://cell:secret@server/crisis",
                "postgresql+pg8000://cell:secret@server/crisis"):  # through the driver crisis-tui ships
        engine = make_engine(url)  # no connection is made yet
        assert engine.dialect.driver == "psycopg", url
        assert engine.url.render_as_string(hide_password=False) == "postgresql+psycopg://cell:secret@server/crisis"


def test_a_bad_database_url_is_one_line_in_the_users_language(tmp_path, capsys):
    assert main(["--home", str(tmp_path), "--db", "mysql://user:secret@host/db", "status", "--date", "2026-12-07"]) == 2
    err = capsys.readouterr().err
    assert err == ("crisis-tui: --db : base mysql://user:***@host/db : seules SQLite et PostgreSQL sont prises en "
                   "charge\n")
    assert main(["--home", str(tmp_path), "--lang", "en", "copy", "--to", "mysql://x:secret@y/db"]) == 2
    err = capsys.readouterr().err
    assert err == "crisis-tui: --to: database mysql://x:***@y/db: only SQLite and PostgreSQL are supported\n"


def test_a_database_driver_that_cannot_be_loaded_or_a_port_that_is_no_number_is_one_line_naming_the_option(
        tmp_path, capsys, monkeypatch):
    cipher = tmp_path / "cipher.db"
    home = ["--home", str(tmp_path / "home")]
    for options, line in (
            (["--db", f"sqlite+pysqlcipher://:secret@/{cipher}"],
             f"--db : base sqlite+pysqlcipher://:***@/{cipher} : le pilote pysqlcipher ne peut pas être chargé "
             "(No module named 'pysqlcipher3')"),
            (["--db", "sqlite+nosuchdriver:///x.db"],
             "--db : base sqlite+nosuchdriver:///x.db : le pilote nosuchdriver ne peut pas être chargé "
             "(Can't load plugin: sqlalchemy.dialects:sqlite.nosuchdriver)"),
            (["--db", "postgresql+psycopg://cell:secret@127.0.0.1:notaport/crisis"],
             "--db : le port de l'URL de la base n'est pas un nombre de 1 à 65535"),
            (["--lang", "en", "--db", "postgresql+psycopg2://cell:secret@127.0.0.1:70000/crisis"],
             "--db: the database URL's port is not a number from 1 to 65535")):
        for command in (["status", "--date", "2026-12-07"], []):  # [] is the TUI
            assert main([*home, *options, *command]) == 2, options
            assert capsys.readouterr() == ("", f"crisis-tui: {line}\n"), options
    assert main([*home, "--lang", "en", "copy", "--to", f"sqlite+pysqlcipher://:secret@/{cipher}"]) == 2
    assert capsys.readouterr().err == (f"crisis-tui: --to: database sqlite+pysqlcipher://:***@/{cipher}: the driver "
                                       "pysqlcipher cannot be loaded (No module named 'pysqlcipher3')\n")
    monkeypatch.setenv("CRISIS_TUI_DB", "postgresql://cell:secret@127.0.0.1:port/crisis")
    assert main([*home, "--lang", "en", "meeting", "open"]) == 2
    assert capsys.readouterr().err == ("crisis-tui: CRISIS_TUI_DB: the database URL's port is not a number from 1 to "
                                       "65535\n")
    assert not cipher.exists()


def test_a_connection_option_of_another_driver_is_one_line(tmp_path, capsys):
    url = "postgresql+asyncpg://cell:secret@127.0.0.1:1/crisis?ssl=require"  # asyncpg's, not libpq's
    assert main(["--home", str(tmp_path), "--db", url, "status", "--date", "2026-12-07"]) == 2
    assert capsys.readouterr().err == ("crisis-tui: base postgresql+psycopg://cell:***@127.0.0.1:1/crisis?ssl=require "
                                       ": invalid connection option \"ssl\"\n")


@pytest.mark.postgres
def test_a_postgresql_url_naming_another_driver_works_through_psycopg(pg_url, tmp_path, capsys):
    psycopg2_url = pg_url.replace("postgresql+psycopg://", "postgresql+psycopg2://")
    home = ["--home", str(tmp_path / "home")]
    assert main([*home, "--db", psycopg2_url, "meeting", "open"]) == 0
    laptop = tmp_path / "laptop.db"
    assert main([*home, "--db", pg_url.replace("postgresql+psycopg://", "postgresql+asyncpg://"), "copy",
                 "--to", str(laptop)]) == 0
    capsys.readouterr()
    assert main([*home, "--db", str(laptop), "status", "--date", "2026-12-07", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["meeting"]["kind"] == "daily"


@pytest.fixture
def short_waits(monkeypatch):
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 300)
    monkeypatch.setattr(db, "PG_LOCK_TIMEOUT", "300ms")


def test_a_second_writer_waits_then_gives_up_while_readers_go_on(db_url, short_waits):
    first, second = make_engine(db_url), make_engine(db_url)
    create_schema(first)
    with session_scope(first) as session:
        audit.record(session, action="first", target="x")
        with pytest.raises(DatabaseBusy, match="nothing was changed"):
            with session_scope(second) as other:
                audit.record(other, action="second", target="x")
        with session_scope(second, readonly=True) as reader:  # sees what is committed, waits for nobody
            assert reader.execute(text("SELECT COUNT(*) FROM auditentry")).scalar() == 0
    with session_scope(second) as other:
        audit.record(other, action="second", target="x")
        assert list(other.exec(select(AuditEntry.action).order_by(AuditEntry.id))) == ["first", "second"]
        assert audit.verify_chain(other) == []
    first.dispose()
    second.dispose()


def test_a_busy_database_is_said_in_the_users_language(tmp_path, capsys, short_waits):
    database = tmp_path / "crisis.db"
    home = ["--home", str(tmp_path / "home")]
    assert main([*home, "--db", str(database), "meeting", "open"]) == 0
    capsys.readouterr()
    other = sqlite3.connect(database, isolation_level=None)  # another workstation, in the middle of a change
    other.execute("BEGIN IMMEDIATE")
    for lang, line in ((["--lang", "fr"], "la base est occupée : un autre poste l'a gardée verrouillée trop "
                                          "longtemps ; rien n'a été modifié, réessayez"),
                       (["--lang", "en"], "the database is busy: another workstation kept it locked too long; "
                                          "nothing was changed, try again")):
        assert main([*home, *lang, "--db", str(database), "meeting", "open", "--emergency"]) == 2
        assert capsys.readouterr().err == f"crisis-tui: {line}\n"
    other.close()


@contextmanager
def _writing_elsewhere(url: str) -> Iterator[None]:
    """Another workstation in the middle of a change: its transaction holds the writer lock."""
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            session.execute(text("SELECT 1"))
            yield
    finally:
        engine.dispose()


def test_reading_commands_and_opening_the_tui_do_not_wait_for_another_workstations_change(db_url, tmp_path, capsys):
    home = Home(tmp_path / "home", db_override=db_url).ensure()
    options = ["--home", str(home.root), "--db", db_url]
    assert main([*options, "meeting", "open"]) == 0  # the database made, the reference stored
    capsys.readouterr()
    with _writing_elsewhere(db_url):  # its lock would be waited for 30 s, then 'the database is busy'
        started = time.monotonic()
        assert _within(20, [*options, "status", "--date", "2026-12-07", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["meeting"]["kind"] == "daily"
        assert _within(20, [*options, "verify", "--json"]) == 0
        Workspace.open(home).close()  # as the TUI starts
        assert time.monotonic() - started < 10
    assert json.loads(capsys.readouterr().out)["ok"]


def test_opening_still_upgrades_an_older_schema_and_stores_changed_reference_data(db_url, tmp_path):
    home = Home(tmp_path / "home", db_override=db_url).ensure()
    Workspace.open(home).close()
    engine = make_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("DROP INDEX ux_auditentry_prev_hash"))
    sites = (BUNDLED_DATA / "sites.csv").read_text(encoding="utf-8")
    (home.data_dir / "sites.csv").write_text(sites.replace("Arlon", "Arlon (CSL)", 1), encoding="utf-8")
    Workspace.open(home).close()
    with engine.connect() as connection:
        assert "ux_auditentry_prev_hash" in {index["name"] for index in inspect(connection).get_indexes("auditentry")}
    with session_scope(engine, readonly=True) as session:
        assert "Arlon (CSL)" in {site.name for site in session.exec(select(Site))}
    engine.dispose()


def test_the_audit_chain_cannot_fork(db_url):
    engine = make_engine(db_url)
    create_schema(engine)
    with session_scope(engine) as session:
        entry = audit.record(session, action="first", target="x")
    with pytest.raises(IntegrityError):
        with session_scope(engine) as session:
            fork = AuditEntry(action="fork", target="x", prev_hash=entry.prev_hash, hash="f" * 64)
            session.add(fork)
    engine.dispose()


def test_a_server_that_does_not_answer_is_said_in_one_line_without_the_password():
    engine = make_engine("postgresql://cell:secret@127.0.0.1:1/crisis")
    with pytest.raises(UsageError, match=r"database postgresql\+psycopg://cell:\*\*\*@127.0.0.1:1/crisis: ") as raised:
        create_schema(engine)
    assert "\n" not in str(raised.value) and "secret" not in str(raised.value)


@pytest.fixture
def silent_server():
    """A local port whose connections are accepted (the kernel's backlog) and never answered: a PostgreSQL server
    stopped with kill -STOP, or frozen."""
    with socket.create_server(("127.0.0.1", 0), backlog=8) as listener:
        yield listener.getsockname()[1]


def _within(seconds: int, command: list[str]) -> int:
    """`main(command)`'s exit code; the test fails when it has not returned after `seconds`."""
    def late(_signum, _frame):
        pytest.fail(f"still waiting after {seconds} s: {command}")

    previous = signal.signal(signal.SIGALRM, late)
    signal.alarm(seconds)
    try:
        return main(command)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_server_that_accepts_the_connection_but_never_answers_is_one_line_after_the_connect_timeout(
        silent_server, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(db, "PG_CONNECT_TIMEOUT", 2)  # psycopg's shortest
    url = f"postgresql+psycopg://cell:secret@127.0.0.1:{silent_server}/crisis"
    started = time.monotonic()
    assert _within(30, ["--home", str(tmp_path), "--db", url, "status", "--date", "2026-12-07"]) == 2
    assert time.monotonic() - started < 10
    assert capsys.readouterr().err == (f"crisis-tui: base postgresql+psycopg://cell:***@127.0.0.1:{silent_server}"
                                       "/crisis : connection timeout expired\n")
    monkeypatch.setattr(db, "PG_CONNECT_TIMEOUT", 3600)  # the URL's own connect_timeout wins
    assert _within(30, ["--home", str(tmp_path), "--db", f"{url}?connect_timeout=2", "meeting", "open"]) == 2
    assert "connection timeout expired" in capsys.readouterr().err


@pytest.mark.postgres
def test_postgresql_connections_have_tcp_keepalives_unless_the_url_says_otherwise(pg_url):
    engine = make_engine(f"{pg_url}?keepalives_idle=5")
    with engine.connect() as connection:
        parameters = connection.connection.driver_connection.info.get_parameters()
    engine.dispose()
    assert {name: parameters.get(name) for name in db.PG_KEEPALIVES} == {
        "keepalives": "1", "keepalives_idle": "5", "keepalives_interval": "10", "keepalives_count": "3",
        "tcp_user_timeout": "60000"}
    assert parameters["connect_timeout"] == "10"


def _real_database(folder) -> bytes:
    workspace = Workspace.open(Home(folder).ensure())
    workspace.close()  # the last connection closed: the WAL is folded into the file
    return (folder / "data" / "crisis.db").read_bytes()


@pytest.mark.parametrize("damage", ["random bytes", "cut short", "a spreadsheet"])
def test_a_damaged_database_or_another_kind_of_file_is_one_line_exit_2_and_left_as_it_was(tmp_path, capsys, damage):
    if damage == "a spreadsheet":
        database = sample(tmp_path, "export_consultations_bastogne.xlsx")  # --db some.xlsx
    else:
        real = _real_database(tmp_path / "real")
        database = tmp_path / "crisis.db"
        database.write_bytes(os.urandom(50_000) if damage == "random bytes" else real[:len(real) // 10])
    before = database.read_bytes()
    agenda = sample(tmp_path, "export_tronque.xlsx")
    for command in ([], ["status", "--date", "2026-12-07"], ["import", str(agenda)], ["meeting", "open"],
                    ["decide", "--date", "2026-12-07", "--site", "all", "--activity", "all", "--status", "cancelled"],
                    ["export", "calls", "--date", "2026-12-07"], ["verify"]):  # [] is the TUI
        assert main(["--home", str(tmp_path / "home"), "--db", str(database), *command]) == 2, command
        err = capsys.readouterr().err
        assert err == (f"crisis-tui: {database} : ce fichier n'est pas une base de données lisible (endommagé, "
                       "tronqué ou d'un autre type) ; rien n'a été modifié\n"), command
    assert database.read_bytes() == before


def test_a_read_only_database_file_refuses_every_change_in_one_line_and_is_still_read(tmp_path, capsys):
    _real_database(tmp_path / "home")
    database = tmp_path / "home" / "data" / "crisis.db"
    read_only = f"sqlite:///file:{database}?mode=ro&uri=true"  # as a chmod 444 file opens (root ignores modes)
    agenda = sample(tmp_path, "export_consultations_bastogne.xlsx")
    for command in (["meeting", "open"], ["import", str(agenda), "--json"],
                    ["decide", "--date", "2026-12-07", "--site", "all", "--activity", "all", "--status", "cancelled"]):
        assert main(["--home", str(tmp_path / "home"), "--db", read_only, "--lang", "en", *command]) == 2, command
        out, err = capsys.readouterr()
        assert (out, err) == ("", f"crisis-tui: file:{database}: the database cannot be written (read-only file); "
                                  "nothing was changed\n"), command
    assert main(["--home", str(tmp_path / "home"), "--db", read_only, "status", "--date", "2026-12-07"]) == 0
    capsys.readouterr()
    engine = make_engine(f"sqlite:///{database}")
    with session_scope(engine, readonly=True) as session:
        assert session.exec(select(Meeting)).all() == []
    engine.dispose()
