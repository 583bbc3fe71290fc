"""`verify` also checks the written copies of signed minutes: a value changed in a pv_*.xlsx still where it was
written is named; a copy saved again unchanged, moved away or deleted is not an alteration."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from crisis_tui.core.documents.sealed_copies import values_digest
from crisis_tui.core.signing import sign_meeting
from minutes_support import run, seed


def _signed_copy(capsys, home, workspace, tmp_path):
    meeting_id = seed(workspace)
    with workspace.session() as s:
        sign_meeting(s, workspace.reference, meeting_id, "Dr Director", "Directeur médical")
    code, out, _ = run(capsys, home, "export", "minutes", "--date", "2026-12-07", "--out", str(tmp_path), "--json")
    assert code == 0
    return meeting_id, tmp_path / json.loads(out)["files"][0].rsplit("/", 1)[-1]


def _replace(path, old, new):
    workbook = load_workbook(path)
    changed = 0
    for row in workbook.active.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and old in cell.value:
                cell.value, changed = cell.value.replace(old, new), changed + 1
    assert changed
    workbook.save(path)


def test_a_status_changed_in_a_written_copy_of_signed_minutes_is_named(capsys, home, workspace, tmp_path):
    meeting_id, copy = _signed_copy(capsys, home, workspace, tmp_path)
    assert run(capsys, home, "verify", "--json")[0] == 0
    _replace(copy, "Annulé", "Maintenu")
    code, out, _ = run(capsys, home, "verify", "--json")
    assert code == 1 and json.loads(out)["problems"] == [
        f"meeting {meeting_id}: the signed minutes written to {copy.name} were changed after they were written "
        "(their values differ from those the audit log recorded)"]
    code, out, _ = run(capsys, home, "verify")
    assert code == 1 and f"le procès-verbal signé écrit dans {copy.name} a été modifié" in out


def test_a_copy_saved_again_unchanged_moved_or_deleted_is_no_alteration(capsys, home, workspace, tmp_path):
    _, copy = _signed_copy(capsys, home, workspace, tmp_path)
    before = values_digest(copy)
    load_workbook(copy).save(copy)  # opened and saved again: its bytes change, not its values
    assert values_digest(copy) == before and run(capsys, home, "verify", "--json")[0] == 0
    copy.rename(tmp_path / "elsewhere.xlsx")
    assert run(capsys, home, "verify", "--json")[0] == 0


def test_a_copy_no_longer_a_workbook_is_named(capsys, home, workspace, tmp_path):
    meeting_id, copy = _signed_copy(capsys, home, workspace, tmp_path)
    copy.write_bytes(b"gone")
    code, out, _ = run(capsys, home, "verify", "--json")
    assert code == 1 and json.loads(out)["problems"][0].startswith(f"meeting {meeting_id}: the signed minutes written")


def test_a_draft_written_before_signing_is_not_checked(capsys, home, workspace, tmp_path):
    seed(workspace)
    code, out, _ = run(capsys, home, "export", "minutes", "--date", "2026-12-07", "--out", str(tmp_path), "--json")
    draft = tmp_path / json.loads(out)["files"][0].rsplit("/", 1)[-1]
    _replace(draft, "Annulé", "Maintenu")
    assert run(capsys, home, "verify", "--json")[0] == 0
