"""Schema creation and upgrades, on SQLite and on PostgreSQL: versions recorded, additive changes of models.py
applied to an older database (existing rows take the default), numbered steps run once, in order, all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select, text

from crisis_tui.core.db import make_engine, session_scope
from crisis_tui.core.errors import UsageError
from crisis_tui.core.models import Site
from crisis_tui.core.schema import BASELINE, STEPS, Step, database_version, head, upgrade, version_table


def _versions(engine) -> list[tuple[int, str]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(
            select(version_table.c.version, version_table.c.description).order_by(version_table.c.version))]


def _make_old(engine) -> None:
    """A database as an older crisis-tui left it: no schema_version, a column and an index missing, rows in."""
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE schema_version"))
        connection.execute(text("DROP INDEX ux_auditentry_prev_hash"))
        connection.execute(text("ALTER TABLE site DROP COLUMN callback_phone"))
        connection.execute(text("INSERT INTO site (code, name, kind, \"order\") "
                                "VALUES ('OLD', 'Old site', 'hospital', 1)"))


def test_a_new_database_is_created_at_the_current_version(db_url):
    engine = make_engine(db_url)
    assert upgrade(engine) == head()
    assert upgrade(engine) == head()  # again: nothing to do
    assert _versions(engine) == [(head(), "created")]
    assert {"meeting", "auditentry", "schema_version"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_an_older_database_gets_the_missing_column_with_its_default_and_the_missing_index(db_url):
    engine = make_engine(db_url)
    _make_old(engine)
    upgrade(engine)
    assert "callback_phone" in {c["name"] for c in inspect(engine).get_columns("site")}
    assert "ux_auditentry_prev_hash" in {i["name"] for i in inspect(engine).get_indexes("auditentry")}
    with session_scope(engine) as session:
        assert session.get(Site, "OLD").callback_phone == ""
        session.add(Site(code="NEW", name="New site", kind="hospital", callback_phone="+3261000000"))
    assert _versions(engine) == [(BASELINE, "baseline: made before schema versions were recorded"),
                                 *((step.version, step.description) for step in STEPS)]
    engine.dispose()


def test_steps_run_once_in_order_and_a_failing_one_changes_nothing(db_url):
    engine = make_engine(db_url)
    upgrade(engine, ())  # at version 1
    ran = []

    def note(n):
        def run(connection):
            ran.append(n)
            connection.execute(text(f"UPDATE activity SET label_en = 'step {n}'"))
        return run

    def fail(connection):
        connection.execute(text("UPDATE activity SET label_en = 'half done'"))
        raise RuntimeError("step 4 failed")

    steps = (Step(3, "third", note(3)), Step(2, "second", note(2)))
    with session_scope(engine) as session:
        session.execute(text("INSERT INTO activity (code, label_fr, label_en, channel, patient_level, \"order\") "
                             "VALUES ('x', 'x', 'x', 'sms', false, 1)"))
    assert upgrade(engine, steps) == 3 and ran == [2, 3]
    assert upgrade(engine, steps) == 3 and ran == [2, 3]
    with pytest.raises(RuntimeError, match="step 4"):
        upgrade(engine, (*steps, Step(4, "fourth", fail)))
    with engine.connect() as connection:
        assert database_version(connection) == 3
        assert connection.execute(text("SELECT label_en FROM activity")).scalar() == "step 3"
    engine.dispose()


def test_a_database_from_a_newer_crisis_tui_is_refused(db_url):
    engine = make_engine(db_url)
    upgrade(engine, (Step(head() + 1, "a later version", lambda connection: None),))
    with pytest.raises(UsageError, match=f"schema version {head() + 1}, newer than this crisis-tui \\({head()}\\)"):
        upgrade(engine)
    engine.dispose()


def test_step_2_drops_the_appointment_batch_index_no_search_uses(db_url):
    engine = make_engine(db_url)
    upgrade(engine, ())
    with engine.begin() as connection:
        connection.execute(text("CREATE INDEX ix_appointment_batch_id ON appointment (batch_id)"))
    assert upgrade(engine) == 2
    assert "ix_appointment_batch_id" not in {i["name"] for i in inspect(engine).get_indexes("appointment")}
    engine.dispose()


@pytest.mark.parametrize("foreign", [
    "CREATE TABLE patients (id INTEGER PRIMARY KEY, nom TEXT)",  # nothing of ours
    "CREATE TABLE meeting (id INTEGER PRIMARY KEY, title TEXT NOT NULL)",  # one of our names, not our table
])
def test_another_applications_database_is_refused_and_left_as_it_was(tmp_path, foreign):
    path = tmp_path / "other.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text(foreign))
    with pytest.raises(UsageError, match="belongs to another application"):
        upgrade(engine)
    assert inspect(engine).get_table_names() in (["patients"], ["meeting"])
    engine.dispose()


def test_copy_to_another_applications_database_exits_2_in_one_line(home, tmp_path, capsys):
    from crisis_tui.cli import main

    other = tmp_path / "other.db"
    engine = make_engine(f"sqlite:///{other}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE meeting (id INTEGER PRIMARY KEY, title TEXT NOT NULL)"))
    engine.dispose()
    assert main(["--home", str(home.root), "--lang", "en", "copy", "--to", str(other)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "belongs to another application (tables meeting)" in err
