"""Opening the TUI (the only place outside crisis_tui.ui that imports it)."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from crisis_tui.cli._common import open_workspace


def launch_tui(args: argparse.Namespace) -> int:
    target_day = None
    if args.demo:
        from crisis_tui.core.demo import DEMO_DAY, fill_demo_home

        target_day = DEMO_DAY
        args.home = tempfile.mkdtemp(prefix="crisis-tui-demo-")
        args.db = str(Path(args.home) / "data" / "crisis.db")  # never a shared database named by CRISIS_TUI_DB
        workspace = open_workspace(args)
        fill_demo_home(workspace)
    else:
        workspace = open_workspace(args)
    from crisis_tui.ui.app import CrisisApp

    app = CrisisApp(workspace, lang=args.lang, target_day=target_day)
    app.run()
    return app.return_code or 0
