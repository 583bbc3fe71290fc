"""Opening the TUI (the only place outside crisis_tui.ui that imports it)."""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from crisis_tui.cli._common import open_workspace

DEMO_PREFIX = "crisis-tui-demo-"
DEMO_KEPT_SECONDS = 24 * 3600  # a demo's home, with what was exported from it, is kept a day after its last use


def launch_tui(args: argparse.Namespace) -> int:
    target_day = None
    if args.demo:
        from crisis_tui.core.demo import DEMO_DAY, fill_demo_home

        target_day = DEMO_DAY
        _remove_old_demos(Path(tempfile.gettempdir()))
        args.home = tempfile.mkdtemp(prefix=DEMO_PREFIX)
        args.db = str(Path(args.home) / "data" / "crisis.db")  # never a shared database named by CRISIS_TUI_DB
        workspace = open_workspace(args)
        fill_demo_home(workspace)
    else:
        workspace = open_workspace(args)
    from crisis_tui.ui.app import CrisisApp

    app = CrisisApp(workspace, lang=args.lang, target_day=target_day)
    app.run()
    return app.return_code or 0


def _remove_old_demos(folder: Path) -> None:
    """The demo homes earlier `--demo` runs left in ``folder`` (each run makes one, and a killed run cannot remove
    its own), once untouched (their database neither) for DEMO_KEPT_SECONDS."""
    now = time.time()
    for home in folder.glob(f"{DEMO_PREFIX}*"):
        try:
            used = max(path.stat().st_mtime for path in (home, *home.glob("data/*")))
        except OSError:  # gone meanwhile, or not ours: left as it is
            continue
        if now - used > DEMO_KEPT_SECONDS:
            shutil.rmtree(home, ignore_errors=True)
