"""`crisis-tui override ...`: an exception by doctor or service, or one patient's decision, in the open meeting.
Words naming several doctors (or services) are refused unless `--every-match` says all of them are meant.

The same core service as the review and exceptions screens (`core/overrides.py`).
"""

from __future__ import annotations

import argparse
import sys

from crisis_tui.cli._common import add_date_range, catalog, date_range, open_workspace, print_json
from crisis_tui.cli.meeting import codes
from crisis_tui.core.clock import today
from crisis_tui.core.errors import UsageError
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.models import OVERRIDE_STATUSES
from crisis_tui.core.overrides import (add_override, check_override_status, counted_names, covered_count,
                                       decide_patients,
                                       lift_patients, matching_names, names_nobody, names_several, remove_matching,
                                       resolve_patient)
from crisis_tui.i18n import Message


def register(commands) -> None:
    parser = commands.add_parser("override", help="a decision below the cell: a doctor, a service or one patient")
    add_date_range(parser)
    parser.add_argument("--site", required=True, help="site code, name or alias, or all")
    parser.add_argument("--activity", required=True, help="activity code, name or alias")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--doctor", help="the doctor's name (words of it)")
    who.add_argument("--service", help="the service's name (words of it)")
    who.add_argument("--patient", help="the patient's name: it must name one patient")
    parser.add_argument("--status", help=" | ".join(OVERRIDE_STATUSES) + " (with --remove: only those)")
    parser.add_argument("--note", default="", help="the reason")
    parser.add_argument("--by", default="", help="who decided (default: the meeting's chair)")
    parser.add_argument("--remove", action="store_true", help="lift the exception (or the patient's decision)")
    parser.add_argument("--every-match", action="store_true",
                        help="--doctor/--service: cover every name the words match, even several doctors")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    day_from, day_to = date_range(args)
    if args.status is None and not args.remove:
        raise UsageError(Message("error.status_required", choices=" | ".join(OVERRIDE_STATUSES)))
    if args.status is not None:
        check_override_status(args.status)
    workspace = open_workspace(args)
    reference = workspace.reference
    sites = codes(args.site, reference.site_matcher, [], "site")  # "all" gives []: every site, Override.site None
    site = sites[0] if sites else None
    activities = codes(args.activity, reference.activity_matcher, [], "activity")
    if not activities:
        raise UsageError(Message("error.one_activity", value=args.activity))
    activity = activities[0]
    scope, value = next((s, v) for s, v in (("doctor", args.doctor), ("service", args.service),
                                              ("patient", args.patient)) if v is not None)
    t = catalog(args).t
    with workspace.session() as session:
        meeting = open_meeting(session, today())
        result = {"meeting": meeting.id, "scope": scope, "value": value, "site": site, "activity": activity,
                  "date": day_from.isoformat(), "to": day_to.isoformat(), "removed": [], "overrides": [],
                  "appointments": 0, "matched": []}
        if scope == "patient":
            ids = [a.id for a in resolve_patient(session, value, activity, site, day_from, day_to)]
            result["appointments"] = len(ids)
            if args.remove:
                result["removed"] = [o.id for o in lift_patients(session, meeting, ids, actor=args.by or None)]
                message = t("cli_override.patient_lifted", n=len(result["removed"]), patient=value)
            else:
                written = decide_patients(session, meeting, ids, args.status, args.note, args.by)
                result["overrides"] = [o.id for o in written]
                message = t("cli_override.patient_decided", n=len(ids), patient=value,
                            status=t(f"status.{args.status}"))
        elif args.remove:
            removed = remove_matching(session, meeting, scope=scope, value=value, activity=activity, site=site,
                                      day_from=day_from, day_to=day_to, status=args.status, actor=args.by or None)
            result["removed"] = [o.id for o in removed]
            message = t("cli_override.lifted", n=len(removed), value=value)
        else:
            if (nobody := names_nobody(session, scope, value, activity, site, day_from, day_to)) is not None:
                raise UsageError(Message("cli_override.names_nobody", scope=scope, value=value, n=nobody[0],
                                         activity=activity, site=site or Message("error.every_site"),
                                         day_from=day_from, day_to=day_to, close=", ".join(nobody[1]) or "-"))
            several = [] if args.every_match else names_several(session, scope, value, activity, site, day_from,
                                                                day_to)
            if several:
                raise UsageError(Message("cli_override.names_several", scope=scope, value=value,
                                         names=counted_names(several)))
            override = add_override(session, meeting, scope=scope, value=value, activity=activity, site=site,
                                    day_from=day_from, day_to=day_to, status=args.status, note=args.note,
                                    decided_by=args.by)
            result["overrides"] = [override.id]
            result["appointments"] = covered_count(session, override)
            result["matched"] = [{"name": name, "appointments": n} for name, n in
                                 matching_names(session, scope, value, activity, site, day_from, day_to)]
            names = ", ".join(f"{m['name']} ({m['appointments']})" for m in result["matched"]) or "-"
            message = t("cli_override.added", id=override.id, n=result["appointments"], names=names,
                        status=t(f"status.{args.status}"), meeting=meeting.id)
    if args.json:
        print_json(result)
    else:
        print(message)
    kind = reference.activity(activity)
    if scope == "patient" and not args.remove and not kind.patient_level:
        # recorded: the reference data only says this activity is not usually decided patient by patient
        print(f"crisis-tui: {t('cli_override.not_patient_level', activity=kind.label(args.lang))}", file=sys.stderr)
    return 0
