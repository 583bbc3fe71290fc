"""`crisis-tui demo [--json]`: fill the home with the bundled sample exports, imported."""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path

from crisis_tui.cli._common import catalog, open_workspace, print_json
from crisis_tui.core.demo import DEMO_DAY, DEMO_MEETING_DAY, fill_demo_home


def register(commands) -> None:
    parser = commands.add_parser("demo", help="fill the home with the bundled sample exports, imported")
    parser.add_argument("--json", action="store_true", help="the import report as one JSON object on stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    workspace = open_workspace(args)
    report = fill_demo_home(workspace)
    if args.json:
        print_json(report.as_json())
        return 0
    t = catalog(args).t
    for entry in report.files:
        name = Path(entry.path).name
        if entry.status == "error":
            print(t("demo.file_error", file=name, error=entry.error.said(catalog(args))))
            continue
        print(t("demo.file_sheet" if entry.sheet else "demo.file", file=name, sheet=entry.sheet, rows=entry.rows,
                imported=entry.imported, duplicates=entry.duplicates, rejected=entry.rejected))
    print(t("demo.total", imported=sum(f.imported for f in report.files),
            duplicates=sum(f.duplicates for f in report.files), rejected=sum(f.rejected for f in report.files),
            home=workspace.home.root))
    print(t("demo.next", start=DEMO_DAY, end=DEMO_DAY + timedelta(days=6), meeting=DEMO_MEETING_DAY))
    return 0
