"""`crisis-tui meeting open ...` and `crisis-tui decide ...`: the same core services as the board's keys."""

from __future__ import annotations

import argparse
import sys

from crisis_tui.cli._common import add_date_range, catalog, date_range, open_workspace
from crisis_tui.core.clock import today
from crisis_tui.core.decisions import check_status, check_uncontacted, decide
from crisis_tui.core.errors import UsageError
from crisis_tui.core.meetings import open_meeting, unsigned_meetings
from crisis_tui.core.models import STATUSES, UNCONTACTED_RULES
from crisis_tui.core.reference import Matcher, resolve_code
from crisis_tui.i18n import Message


def register(commands) -> None:
    meeting = commands.add_parser("meeting", help="open (or resume) a meeting")
    actions = meeting.add_subparsers(dest="meeting_action", required=True)
    opened = actions.add_parser("open", help="open today's daily meeting (resumed if open), or an emergency one")
    opened.add_argument("--emergency", action="store_true")
    opened.add_argument("--chair")
    opened.add_argument("--attendee", action="append", default=[], help='"Name" or "Name (role)"; repeat')
    opened.set_defaults(handler=run_open)

    decide_parser = commands.add_parser("decide", help="record a decision in the open meeting")
    add_date_range(decide_parser)
    decide_parser.add_argument("--site", required=True, help="site code, name or alias, or all")
    decide_parser.add_argument("--activity", required=True, help="activity code, name or alias, or all")
    decide_parser.add_argument("--status", required=True, help=" | ".join(STATUSES))
    decide_parser.add_argument("--note", help="the reason")
    decide_parser.add_argument("--uncontacted", help=" | ".join(UNCONTACTED_RULES))
    decide_parser.set_defaults(handler=run_decide)


def run_open(args: argparse.Namespace) -> int:
    chair = None if args.chair is None else args.chair.strip()
    if chair == "":  # the chair is who every audit entry names
        raise UsageError(Message("error.name_needed", option="chair"))
    workspace = open_workspace(args)
    with workspace.session() as session:
        meeting = open_meeting(session, today(), emergency=args.emergency, chair=chair, attendees=args.attendee)
        t = catalog(args).t
        print(t("cli_meeting.opened", id=meeting.id, kind=t(f"meeting_kind.{meeting.kind}"), day=meeting.day))
        unsigned = [str(m.id) for m in unsigned_meetings(session) if m.id != meeting.id]
    if unsigned:  # their minutes still wait for the medical director's signature
        print(f"crisis-tui: {t('cli_meeting.still_unsigned', meetings=', '.join(unsigned))}", file=sys.stderr)
    return 0


def codes(value: str, matcher: Matcher, every: list[str], what: str) -> list[str]:
    if value.strip().lower() in ("all", "tout", "tous", "toutes"):
        return every
    return [resolve_code(value, matcher, what)]


def run_decide(args: argparse.Namespace) -> int:
    day_from, day_to = date_range(args)
    check_status(args.status)
    check_uncontacted(args.uncontacted)
    workspace = open_workspace(args)
    reference = workspace.reference
    sites = codes(args.site, reference.site_matcher, [s.code for s in reference.sites], "site")
    activities = codes(args.activity, reference.activity_matcher, [a.code for a in reference.activities], "activity")
    with workspace.session() as session:
        meeting = open_meeting(session, today())
        changed = decide(session, meeting, sites, activities, day_from, day_to, args.status,
                         reason=args.note, uncontacted=args.uncontacted)
    print(catalog(args).t("cli_meeting.decided", n=changed, meeting=meeting.id))
    return 0
