"""`crisis-tui sign --by NAME [--role TEXT]`, `crisis-tui verify [--json]`, and `crisis-tui minutes`: the minutes'
content as JSON (the same as the workbook and the TUI preview), their notes and actions (until signed).

`sign` and `minutes` work on the latest meeting unless `--meeting ID` names another; `sign` without it refuses when
several meetings are unsigned (which one the director signs is not guessed).
"""

from __future__ import annotations

import argparse
from datetime import timezone

from crisis_tui.cli._common import add_date_range, catalog, date_range, open_workspace, print_json
from crisis_tui.core.documents.minutes import meeting_for_export
from crisis_tui.core.errors import UsageError
from crisis_tui.core.meetings import unsigned_meetings, update_meeting
from crisis_tui.core.minutes import decided_days, minutes_content
from crisis_tui.core.signing import sign_meeting, verify
from crisis_tui.i18n import Message


def register(commands) -> None:
    sign = commands.add_parser("sign", help="the medical director signs off the meeting's minutes (then locked)")
    sign.add_argument("--by", required=True, help="the signer's name")
    sign.add_argument("--role", default="", help="the signer's role (e.g. medical director)")
    sign.add_argument("--meeting", type=int, help="the meeting to sign (default: the latest one)")
    sign.add_argument("--json", action="store_true", help="one JSON object on stdout")
    sign.set_defaults(handler=run_sign)

    check = commands.add_parser("verify", help="check that no signed minute and no audit entry was altered")
    check.add_argument("--json", action="store_true", help="one JSON object on stdout")
    check.set_defaults(handler=run_verify)

    minutes = commands.add_parser("minutes", help="the minutes' content; set their notes and actions")
    minutes.add_argument("--meeting", type=int, help="the meeting (default: the latest one)")
    add_date_range(minutes, required=False)
    minutes.add_argument("--notes", help="replace the meeting's free notes")
    minutes.add_argument("--actions", help="replace the meeting's actions")
    minutes.add_argument("--json", action="store_true", help="the minutes' content as one JSON object on stdout")
    minutes.set_defaults(handler=run_minutes)


def run_sign(args: argparse.Namespace) -> int:
    workspace = open_workspace(args)
    with workspace.session() as session:
        if args.meeting is None and len(unsigned := unsigned_meetings(session)) > 1:
            t = catalog(args).t
            raise UsageError(Message("error.several_unsigned", meetings=", ".join(
                f"{m.id} ({t(f'meeting_kind.{m.kind}')}, {m.day:%d/%m/%Y})" for m in unsigned)))
        meeting_id = meeting_for_export(session, args.meeting).id
        meeting = sign_meeting(session, workspace.reference, meeting_id, args.by, args.role)
        result = {"meeting": meeting.id, "kind": meeting.kind, "signed_by": meeting.signed_by,
                  "signed_role": meeting.signed_role,
                  "signed_at": meeting.signed_at.replace(tzinfo=timezone.utc).isoformat(),
                  "date": meeting.minutes_from.isoformat(), "to": meeting.minutes_to.isoformat(),
                  "hash": meeting.minutes_hash, "prev_hash": meeting.prev_hash}
    if args.json:
        print_json(result)
    else:
        print(catalog(args).t("minutes.cli.signed", id=result["meeting"], by=result["signed_by"],
                              day_from=result["date"], day_to=result["to"], hash=result["hash"]))
    return 0


def run_verify(args: argparse.Namespace) -> int:
    workspace = open_workspace(args)
    with workspace.session(readonly=True) as session:
        report = verify(session)
    cat = catalog(args)
    if args.json:
        print_json(report.as_json())
    elif report.ok:
        print(cat.t("minutes.cli.verify_ok", n=report.meetings_signed))
    else:
        print(cat.t("minutes.cli.verify_failed", n=len(report.problems), signed=report.meetings_signed))
        for problem in report.problems:
            print(f"  {problem.said(cat)}")
    return 0 if report.ok else 1


def run_minutes(args: argparse.Namespace) -> int:
    days = date_range(args) if args.date else None
    workspace = open_workspace(args)
    with workspace.session() as session:
        meeting = meeting_for_export(session, args.meeting)
        if args.notes is not None or args.actions is not None:
            update_meeting(session, meeting, notes=args.notes, actions=args.actions)
        day_from, day_to = days if days and not meeting.signed else decided_days(session, meeting)
        content = minutes_content(session, workspace.reference, meeting, day_from, day_to)
        minutes_hash = meeting.minutes_hash
    if args.json:
        print_json({**content, "minutes_hash": minutes_hash})
        return 0
    t = catalog(args).t
    totals = content["totals"]
    print(t("minutes.cli.summary", id=content["meeting"]["id"], kind=t(f"meeting_kind.{content['meeting']['kind']}"),
            day_from=day_from, day_to=day_to, decisions=sum(1 for d in content["decisions"] if d["own"]),
            changes=len(content["changes"]), **totals))
    signature = content["signature"]
    print(t("minutes.cli.signed_by", by=signature["by"], at=signature["local"], hash=minutes_hash) if signature
          else t("minutes.cli.unsigned"))
    return 0
