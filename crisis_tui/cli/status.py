"""`crisis-tui status --date D [--to D2] [--json]`: the board as figures."""

from __future__ import annotations

import argparse

from crisis_tui.cli._common import add_date_range, catalog, date_range, open_workspace, print_json
from crisis_tui.core.board import board_counts
from crisis_tui.core.meetings import latest_meeting


def register(commands) -> None:
    parser = commands.add_parser("status", help="the board for a day or a range, as figures")
    add_date_range(parser)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    day_from, day_to = date_range(args)
    workspace = open_workspace(args)
    with workspace.session(readonly=True) as session:
        cells = board_counts(session, workspace.reference, day_from, day_to)
        meeting = latest_meeting(session)
    if args.json:
        print_json({
            "date": day_from.isoformat(), "to": day_to.isoformat(),
            "meeting": None if meeting is None else {"id": meeting.id, "kind": meeting.kind, "signed": meeting.signed},
            "cells": [cell.as_json() for cell in cells],
        })
        return 0
    t = catalog(args).t
    print(t("cli_status.title", day_from=day_from, day_to=day_to))
    for cell in cells:
        if cell.appointments or cell.status != "maintained":
            status = t(f"status.{cell.status}") if cell.status != "mixed" else t("cli_status.mixed")
            print(t("cli_status.line", site=cell.site, activity=cell.activity, status=status, n=cell.appointments,
                    sms=cell.sms, calls=cell.calls, doctor_calls=cell.doctor_calls, unreachable=cell.unreachable,
                    pending=cell.pending))
    return 0
