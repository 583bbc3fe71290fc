"""`crisis-tui outcomes PATH... [--json]`: read filled call lists back and record each call's outcome.

`recorded` counts the outcomes this read stored, `unchanged` those already stored as they are (a list read
again), `unmatched` the rows not taken. Those are reported on stderr, one line each (and in the JSON's
`problems`); the command is done (exit 0). A missing, unreadable or foreign file: exit 2, nothing recorded.
"""

from __future__ import annotations

import argparse
import sys

from crisis_tui.cli._common import catalog, open_workspace, print_json
from crisis_tui.core.outcomes import read_back


def register(commands) -> None:
    parser = commands.add_parser("outcomes", help="read filled call lists back and record each call's outcome")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="filled call list(s), or a folder of them")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    workspace = open_workspace(args)
    with workspace.session() as session:
        report = read_back(session, args.paths, catalog(args))
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if args.json:
        print_json(report.as_json())
    else:
        print(catalog(args).t("telling.cli.outcomes", **report.counts()))
    return 0
