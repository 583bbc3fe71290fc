"""`crisis-tui export sms|calls|minutes --date D [--to D2] [--secretaries N] [--out DIR] [--gsm7] [--new] [--json]`.

Each kind is one entry of `EXPORTS`: ``fn(args, workspace, day_from, day_to, out_dir) -> ExportResult`` (the
JSON: ``files`` and the counts ``sms, calls, doctor_calls, unreachable, pending``, always those of the whole range,
as `status --json` sums them; `--new` adds ``already_told``, and says who was left out under the counts).
`minutes --meeting N` of a signed meeting writes the minutes it was signed with and counts their totals; asked for
other days than the signed ones, it says so on stderr (one line).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

from crisis_tui.cli._common import add_date_range, catalog, date_range, open_workspace, print_json
from crisis_tui.core.documents.call_lists import export_calls
from crisis_tui.core.documents.minutes import export_minutes
from crisis_tui.core.documents.sms_batch import export_sms
from crisis_tui.core.errors import UsageError
from crisis_tui.core.told import ExportResult, run_export
from crisis_tui.core.workspace import Workspace
from crisis_tui.i18n import Message

MAX_SECRETARIES = 50


def _sms(args, workspace: Workspace, day_from: date, day_to: date, out_dir: Path) -> ExportResult:
    return run_export(workspace, export_sms, workspace.reference, catalog(args), day_from, day_to, out_dir,
                      gsm7=args.gsm7, new_only=args.new)


def _calls(args, workspace: Workspace, day_from: date, day_to: date, out_dir: Path) -> ExportResult:
    return run_export(workspace, export_calls, workspace.reference, catalog(args), day_from, day_to, out_dir,
                      secretaries=args.secretaries, new_only=args.new)


def _minutes(args, workspace: Workspace, day_from: date, day_to: date, out_dir: Path) -> ExportResult:
    result = export_minutes(workspace, catalog(args), day_from, day_to, out_dir, meeting_id=args.meeting)
    if result.notice is not None:
        print(f"crisis-tui: {result.notice.said(catalog(args))}", file=sys.stderr)
    return replace(result, notice=None)  # said


EXPORTS = {"sms": _sms, "calls": _calls, "minutes": _minutes}


def register(commands) -> None:
    parser = commands.add_parser("export", help="write the SMS batch, the call lists, or the minutes")
    parser.add_argument("kind", choices=tuple(EXPORTS))
    add_date_range(parser)
    parser.add_argument("--secretaries", type=int, default=1, help="split each site's calls into N lists")
    parser.add_argument("--out", help="folder for the files (default: <home>/exports)")
    parser.add_argument("--gsm7", action="store_true", help="SMS: transliterate to stay in GSM-7")
    parser.add_argument("--new", action="store_true",
                        help="leave out the patients already told: SMS, the same message sent; calls, a call that "
                             "reached them with the same news")
    parser.add_argument("--meeting", type=int, help="minutes: the meeting's id (default: the latest)")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    day_from, day_to = date_range(args)
    if not 1 <= args.secretaries <= MAX_SECRETARIES:
        raise UsageError(catalog(args).t("telling.cli.secretaries", value=args.secretaries))
    workspace = open_workspace(args)
    try:
        out_dir = Path(args.out).expanduser() if args.out else workspace.home.exports
        result = EXPORTS[args.kind](args, workspace, day_from, day_to, out_dir)
    except OSError as exc:
        raise UsageError(Message("error.out_not_writable", folder=out_dir, detail=exc.strerror or exc)) from None
    if args.json:
        print_json(result.as_json())
        return 0
    t = catalog(args).t
    print(t("telling.cli.files"))
    for path in result.files:
        print(f"  {path}")
    print(t("telling.cli.counts", **result.counts))
    if result.notice is not None:
        print(result.notice.said(catalog(args)))
    return 0
