"""`crisis-tui import PATH... [--site CODE] [--activity CODE] [--json]`: import spreadsheet exports.

Exit 0 when every file imported (rejected rows are reported, not an error); exit 2 when a file could not be
imported: one line on stderr names it and says why (the other files are still imported, and --json still
reports every file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crisis_tui.cli._common import catalog, open_workspace, print_json
from crisis_tui.core.ingest.importer import ImportReport, import_paths
from crisis_tui.core.reference import Matcher, resolve_code


def register(commands) -> None:
    parser = commands.add_parser("import", help="import spreadsheet exports (a folder: every spreadsheet in it)")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="xlsx, xlsm, xls, ods, csv or txt file, or folder")
    parser.add_argument("--site", help="site of every row (code, name or alias), instead of the file's own")
    parser.add_argument("--activity", help="activity of every row (code, name or alias), instead of the file's own")
    parser.add_argument("--json", action="store_true", help="the report as one JSON object on stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    workspace = open_workspace(args)
    reference = workspace.reference
    site = _code(args.site, reference.site_matcher, "site")
    activity = _code(args.activity, reference.activity_matcher, "activity")
    report = import_paths(workspace, args.paths, site=site, activity=activity, lang=args.lang)
    if args.json:
        print_json(report.as_json())
    else:
        _print_human(report, args)
    for failed in report.failed:
        print(f"crisis-tui: {failed.error.said(catalog(args))}", file=sys.stderr)
    return 2 if report.failed else 0


def _code(value: str | None, matcher: Matcher, what: str) -> str | None:
    if value is None:
        return None
    return resolve_code(value, matcher, what)


def _print_human(report: ImportReport, args: argparse.Namespace) -> None:
    t = catalog(args).t
    for entry in report.files:
        if entry.status == "error":
            continue
        print(t("import.cli.file_sheet" if entry.sheet else "import.cli.file", file=Path(entry.path).name,
                sheet=entry.sheet, rows=entry.rows, imported=entry.imported, duplicates=entry.duplicates,
                rejected=entry.rejected))
        if entry.rejects_file:
            print(t("import.cli.rejects", path=entry.rejects_file))
    print(t("import.cli.total", imported=report.imported, duplicates=report.duplicates, rejected=report.rejected))
