"""The demo: the bundled sample exports of the week after the attack, copied into a home's inbox and imported.

The exports (made by `python -m crisis_tui.core.demo_exports`) cover Monday 2026-12-07 .. Sunday 2026-12-13;
the cell meets on Sunday 2026-12-06, and the board opens on Monday, the first day the decisions touch.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from crisis_tui.config import BUNDLED_DATA
from crisis_tui.core.errors import UsageError
from crisis_tui.core.ingest.importer import ImportReport, import_paths
from crisis_tui.core.workspace import Workspace
from crisis_tui.i18n import Message

DEMO_MEETING_DAY = date(2026, 12, 6)
DEMO_DAY = date(2026, 12, 7)
DEMO_DIR = BUNDLED_DATA / "demo"
MANIFEST_NAME = "MANIFEST.json"


def demo_files(folder: Path = DEMO_DIR) -> list[Path]:
    """The bundled exports in import order: names sorted (MANIFEST.json's duplicate counts assume that order)."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.name != MANIFEST_NAME and p.name[0] != ".")
    if not files:
        raise UsageError(Message("error.no_demo", folder=folder))
    return files


def copy_into(inbox: Path, source: Path) -> Path:
    """`source` copied into `inbox`: an identical copy already there is reused; a different file of that name is
    never overwritten (the copy gets a numbered name); the copy is written under a temporary name, then renamed."""
    data = source.read_bytes()
    target, n = inbox / source.name, 2
    while target.exists() and target.read_bytes() != data:
        target, n = inbox / f"{source.stem} ({n}){source.suffix}", n + 1
    if not target.exists():
        part = inbox / f".{target.name}.part"
        part.write_bytes(data)
        part.replace(target)
    return target


def fill_demo_home(workspace: Workspace, *, progress=None, cancel=None) -> ImportReport:
    """Copy the bundled exports into the home's inbox and import them; doing it again adds no appointment."""
    inbox = workspace.home.inbox
    inbox.mkdir(parents=True, exist_ok=True)
    paths = [copy_into(inbox, source) for source in demo_files()]
    return import_paths(workspace, paths, progress=progress, cancel=cancel)
