"""`crisis-tui it load|set|order|status`: the IT restart board from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlmodel import Session

from crisis_tui.cli._common import catalog, open_workspace, parse_date, print_json
from crisis_tui.core.clock import today
from crisis_tui.core.it.vocab import STATUSES, TIERS, UP
from crisis_tui.core.it_restart import (
    activity_readiness, load_systems, progress, restart_order, set_eta, set_status, waiting_on,
)
from crisis_tui.core.meetings import open_meeting_of


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("it", help="the IT restart board: systems, restart order, progress")
    commands = parser.add_subparsers(dest="it_command", required=True, parser_class=type(parser))
    load = commands.add_parser("load", help="replace the systems list with an xlsx or csv file")
    load.add_argument("path", help="the list (columns Système/System, Priorité/Priority, Dépend de/Depends on, ...)")
    load.add_argument("--json", action="store_true", help='print {"loaded": N, "file": PATH}')
    load.set_defaults(handler=_load)
    change = commands.add_parser("set", help="change a system's status (and its note, its ETA)")
    change.add_argument("name", help="the system's name (case and accents ignored)")
    change.add_argument("--status", required=True, help="down/en panne/rouge, restoring/en cours/ambre, "
                        "restored/rétabli/vert, verified/vérifié/bleu")
    change.add_argument("--note", help="replaces the system's note")
    change.add_argument("--eta", help="the date it is expected back (YYYY-MM-DD)")
    change.set_defaults(handler=_set)
    order = commands.add_parser("order", help="the systems in restart order")
    order.add_argument("--json", action="store_true")
    order.set_defaults(handler=_order)
    status = commands.add_parser("status", help="counts per tier, status and site; activities that can resume")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=_status)


def _meeting_id(session: Session) -> int | None:
    """Today's open meeting, which changes made during it belong to (none is opened for an IT change)."""
    meeting = open_meeting_of(session, today())
    return meeting.id if meeting else None


def _load(args: argparse.Namespace) -> int:
    workspace = open_workspace(args)
    with workspace.session() as session:
        count = load_systems(session, Path(args.path), reference=workspace.reference, meeting_id=_meeting_id(session))
    if args.json:
        print_json({"loaded": count, "file": args.path})
    else:
        print(catalog(args).t("it.loaded", count=count, file=args.path))
    return 0


def _set(args: argparse.Namespace) -> int:
    eta = parse_date(args.eta, "--eta")
    workspace = open_workspace(args)
    with workspace.session() as session:
        meeting_id = _meeting_id(session)
        system = set_status(session, args.name, args.status, note=args.note, meeting_id=meeting_id)
        if eta is not None:
            set_eta(session, system.name, eta, meeting_id=meeting_id)
        waiting = waiting_on(session, system) if system.status in UP else []
    t = catalog(args).t
    print(t("it.changed", name=system.name, status=t(f"it.status.{system.status}")))
    if waiting:  # recorded as said, but its activities cannot resume on it yet
        print(f"crisis-tui: {t('it.waits_on', name=system.name, systems=', '.join(waiting))}", file=sys.stderr)
    return 0


def _order(args: argparse.Namespace) -> int:
    workspace = open_workspace(args)
    with workspace.session(readonly=True) as session:
        items = restart_order(session)
    if args.json:
        print_json({"order": [item.as_dict() for item in items]})
        return 0
    t = catalog(args).t
    for item in items:
        marker = f"  {t('it.next')}" if item.can_start else ""
        status = f"{t(f'it.status.{item.status}')} ({t(f'it.colour.{item.colour}')})"
        print(f"{item.position:>3}. P{item.tier}  {item.name}  {status}{marker}")
    if not items:
        print(t("it.empty"))
    return 0


def _next_line(t, items, nexts: list[str]) -> str:
    """What can start now; else why nothing can: no list, every system back, the rest being restored, or
    waiting for dependencies."""
    if nexts:
        return t("it.next_list", names=", ".join(nexts))
    if not items:
        return t("it.empty")
    if all(item.status in UP for item in items):
        return t("it.all_back")
    if not any(item.status == "down" for item in items):
        return t("it.restoring_only")
    return t("it.nothing_next")


def _status(args: argparse.Namespace) -> int:
    workspace = open_workspace(args)
    with workspace.session(readonly=True) as session:
        counts = progress(session)
        readiness = activity_readiness(session, workspace.reference)
        items = restart_order(session)
    activities = [
        {"site": site.code, "activity": activity.code, "state": readiness[(site.code, activity.code)]}
        for site in workspace.reference.sites
        for activity in workspace.reference.activities
        if (site.code, activity.code) in readiness
    ]
    nexts = [item.name for item in items if item.can_start]
    if args.json:
        print_json({**counts, "next": nexts, "activities": activities})
        return 0
    t = catalog(args).t
    header = "".join(f"{t(f'it.status.{s}'):>12}" for s in STATUSES) + f"{t('it.column.total'):>8}"
    print(f"{'':<16}{header}")
    rows = [(t("it.progress.tier", tier=tier), counts["tiers"][tier]) for tier in TIERS]
    rows += [(t("it.progress.all"), {**counts["statuses"], "total": counts["total"]})]
    rows += [(site, bucket) for site, bucket in counts["sites"].items()]
    for label, bucket in rows:
        print(f"{label:<16}" + "".join(f"{bucket[s]:>12}" for s in STATUSES) + f"{bucket['total']:>8}")
    print(_next_line(t, items, nexts))
    for state in ("can_resume", "systems_down"):
        cells = [f"{a['activity']}@{a['site']}" for a in activities if a["state"] == state]
        if cells:
            print(f"{t(f'it.readiness.{state}')}: {', '.join(cells)}")
    return 0
