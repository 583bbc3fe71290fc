"""`crisis-tui --demo` works on its own throw-away home, whatever database the environment names."""

from __future__ import annotations

from sqlmodel import func, select

from crisis_tui.cli import main
from crisis_tui.core.demo import DEMO_DAY
from crisis_tui.core.models import Appointment
from crisis_tui.ui.app import CrisisApp


def test_demo_fills_a_throw_away_home_not_the_database_of_the_environment(tmp_path, monkeypatch):
    shared = tmp_path / "shared.db"
    monkeypatch.setenv("CRISIS_TUI_DB", str(shared))
    monkeypatch.setenv("CRISIS_TUI_HOME", str(tmp_path / "home"))
    opened = {}

    def run(app):
        with app.workspace.session(readonly=True) as session:
            opened["appointments"] = session.exec(select(func.count()).select_from(Appointment)).one()
        opened["url"], opened["day"] = app.workspace.home.db_url, app.target_day

    monkeypatch.setattr(CrisisApp, "run", run)
    assert main(["--demo"]) == 0
    assert opened["appointments"] > 400 and opened["day"] == DEMO_DAY
    assert "crisis-tui-demo-" in opened["url"] and not shared.exists()
