"""Helpers every command uses: the workspace from global options, dates, JSON output."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date

from crisis_tui.config import resolve_home
from crisis_tui.core.errors import UsageError
from crisis_tui.core.workspace import Workspace
from crisis_tui.i18n import Catalog, Message


# commands that only look at what the cell has done: run on a database that was not there, they say so
READING_COMMANDS = frozenset({"status", "export", "outcomes", "verify"})
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # date.fromisoformat also takes 20261207 and 2026-W49-1


def open_workspace(args: argparse.Namespace) -> Workspace:
    """The command's workspace, opened once; `main` closes it when the command ends, whatever happens. A reading
    command that finds no SQLite database (a mistyped --home or --db) warns on stderr: its figures are those of the
    empty database just made, not the cell's."""
    if getattr(args, "workspace", None) is None:
        try:
            home = resolve_home(args.home, args.db)
            database = home.sqlite_file
            was_there = database is None or database.exists()
            args.workspace = Workspace.open(home)
        except ValueError as exc:  # a bad --home, --db or reference file: its line, said in the user's language
            raise UsageError(exc.args[0] if exc.args else str(exc)) from exc
        if not was_there and getattr(args, "command", None) in READING_COMMANDS:
            print(f"crisis-tui: {catalog(args).t('error.new_database', path=database)}", file=sys.stderr)
    return args.workspace


def catalog(args: argparse.Namespace) -> Catalog:
    return Catalog(args.lang)


def parse_date(value: str | None, option: str) -> date | None:
    """A date option's day, written YYYY-MM-DD and nothing else (the contract), or UsageError naming the option."""
    if value is None:
        return None
    try:
        if not ISO_DAY.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(Message("error.bad_date", option=option, value=value)) from None


def date_range(args: argparse.Namespace) -> tuple[date, date]:
    """`--date D [--to D2]` as a checked pair."""
    start = parse_date(args.date, "--date")
    end = parse_date(args.to, "--to") or start
    if end < start:
        raise UsageError(Message("error.reversed_dates", day_to=args.to, day_from=args.date))
    return start, end


def add_date_range(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument("--date", required=required, help="day (YYYY-MM-DD)")
    parser.add_argument("--to", help="last day of a range (YYYY-MM-DD)")


def print_json(payload: object) -> None:
    json.dump(payload, sys.stdout, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
