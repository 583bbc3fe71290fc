"""Big jobs run with the cyclic collector paused (a full collection over their millions of objects held the GIL for
up to a second, freezing the TUI), and leave it as they found it, even when they fail."""

from __future__ import annotations

import gc

import pytest

from crisis_tui.core.ingest import importer
from crisis_tui.core.told import run_export
from import_files import FR_HEADER, appointments, xlsx


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_an_export_runs_with_the_collector_paused_and_gives_it_back(workspace, collector_on):
    seen = []

    def export(session, *args, files):
        seen.append(gc.isenabled())
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        run_export(workspace, export)
    assert seen == [False] and gc.isenabled()


def test_an_import_runs_with_the_collector_paused_and_gives_it_back(workspace, tmp_path, monkeypatch, collector_on):
    seen = []
    convert = importer.SheetPlan.convert

    def watched(plan, rows):
        seen.append(gc.isenabled())
        return convert(plan, rows)

    monkeypatch.setattr(importer.SheetPlan, "convert", watched)
    path = xlsx(tmp_path / "consultations_arlon.xlsx", ("S", [FR_HEADER, *appointments(3)]))
    report = importer.import_file(workspace, path)
    assert report.imported == 3 and seen and not any(seen) and gc.isenabled()
