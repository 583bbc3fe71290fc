"""`crisis-tui copy --to URL [--merge update|replace] [--json]`: this database (the home's, or --db) copied into
another, e.g. the laptop's SQLite into the shared PostgreSQL when the network is back, or back again."""

from __future__ import annotations

import argparse

from crisis_tui.cli._common import catalog, open_workspace, print_json
from crisis_tui.config import db_url_from
from crisis_tui.core.copy import MERGES, copy_database
from crisis_tui.core.db import make_engine
from crisis_tui.core.errors import UsageError
from crisis_tui.i18n import Message


def register(commands) -> None:
    parser = commands.add_parser("copy", help="copy this database into another one (SQLite <-> PostgreSQL)")
    parser.add_argument("--to", required=True, help="the target: an SQLAlchemy URL or an SQLite file path")
    parser.add_argument("--merge", choices=MERGES,
                        help="when the target is not empty: update (it is an earlier copy of this database: refused "
                             "if it holds anything this one lacks) or replace (its content is dropped)")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    workspace = open_workspace(args)
    try:
        target = make_engine(db_url_from(args.to))
    except ValueError as exc:
        reason = exc.args[0] if exc.args else str(exc)
        raise UsageError(Message("error.option_reason", option="--to", reason=reason)) from None
    try:
        report = copy_database(workspace.engine, target, merge=args.merge)
    finally:
        target.dispose()
    if args.json:
        print_json(report.as_json())
        return 0
    cat = catalog(args)
    t = cat.t
    print(t("cli_copy.done", rows=report.rows, source=report.source, target=report.target))
    if report.dropped:
        print(t("cli_copy.dropped", n=report.dropped))
    for problem in report.audit_problems:
        print(t("cli_copy.audit", problem=problem.said(cat)))
    return 0
