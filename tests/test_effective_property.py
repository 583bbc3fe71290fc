"""The effective status follows the precedence patient > doctor > service > cell for any mix of decisions,
and its SQL twin (the review page) agrees with it row by row and in its counts."""

from __future__ import annotations

from collections import Counter
from datetime import date, time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import delete

from crisis_tui.core.decisions import UNDECIDED, cell_decisions, decide
from crisis_tui.core.effective import CELL_TO_EFFECTIVE, SCOPES, TITLES, active_overrides, effective_status
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.models import Appointment, AuditEntry, Decision, Meeting, Override, utcnow
from crisis_tui.core.overrides import review_page
from crisis_tui.core.text import tokens
from tests.factories import appointment

D1, D2, D3 = date(2026, 12, 7), date(2026, 12, 8), date(2026, 12, 9)
SITES, ACTS = ["ARL", "LIB"], ["consultation", "surgery"]
DOCTORS = ["Dr Lambert", "Dr Lambert Paul", "Dr Roux", "Prof. Lamberts"]
SERVICES = ["Oncologie", "Cardiologie", "Oncologie pédiatrique"]
NAMES = ["Dupont", "Dupont-Roux", "Lefèvre"]

appointments_st = st.lists(
    st.tuples(st.sampled_from(SITES), st.sampled_from(ACTS), st.sampled_from([D1, D2, D3]), st.sampled_from(DOCTORS),
              st.sampled_from(SERVICES), st.sampled_from(NAMES)),
    min_size=1, max_size=20,
)
decisions_st = st.lists(st.tuples(st.sampled_from(SITES), st.sampled_from(ACTS), st.sampled_from([D1, D2, D3]),
                                  st.sampled_from(["maintained", "cancelled", "case_by_case", "stopped"])), max_size=6)
overrides_st = st.lists(
    st.tuples(
        st.sampled_from(SCOPES),
        st.sampled_from(["Lambert", "Dr Lambert Paul", "Roux", "Oncologie", "Oncologie pédiatrique", "Dupont",
                         "Lefevre", "Cardiologie"]),
        st.sampled_from(SITES + [None]), st.sampled_from(ACTS), st.sampled_from([(D1, D1), (D1, D3), (D2, D3)]),
        st.sampled_from(["maintained", "cancelled", "pending"]),
        st.one_of(st.none(), st.integers(0, 19)),  # names an appointment (a patient decision from the review)
        st.booleans(),  # removed
    ),
    max_size=10,
)


def oracle_covers(override: Override, row: Appointment) -> bool:
    """Written apart from `covers`: the same words, read from the names as typed."""
    if override.removed_at is not None or override.activity != row.activity:
        return False
    if override.site not in (None, row.site) or not override.day_from <= row.day <= override.day_to:
        return False
    if override.appointment_id is not None:
        return override.appointment_id == row.id
    text = {"doctor": row.doctor, "service": row.service, "patient": f"{row.last_name} {row.first_name}"}[override.scope]
    words = [w for w in tokens(override.value) if override.scope != "doctor" or w not in TITLES]
    return set(words) <= set(tokens(text))


def expected(cell_status: str, row: Appointment, overrides: list[Override]) -> tuple[str, str, int | None]:
    covering = [o for o in overrides if oracle_covers(o, row)]
    if not covering:
        return CELL_TO_EFFECTIVE[cell_status], "cell", None
    best = min(covering, key=lambda o: (SCOPES.index(o.scope), -o.id))
    return best.status, best.scope, best.id


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(appointments_st, decisions_st, overrides_st)
def test_precedence_and_sql_twin_for_any_mix(workspace, appts, decisions, overrides):
    with workspace.session() as s:
        for model in (Override, Decision, AuditEntry, Appointment, Meeting):
            s.exec(delete(model))
        rows = [appointment(s, site, act, day, time(8, i), doctor=doctor, service=service, last_name=name)
                for i, (site, act, day, doctor, service, name) in enumerate(appts)]
        m = open_meeting(s, D1)
        for site, act, day, status in decisions:
            decide(s, m, [site], [act], day, day, status)
        written = []
        for scope, value, site, act, (start, end), status, pinned, removed in overrides:
            target = rows[pinned] if pinned is not None and pinned < len(rows) else None
            if target is not None:
                scope, site, act, start, end = "patient", target.site, target.activity, target.day, target.day
            override = Override(meeting_id=m.id, scope=scope, site=site, activity=act, day_from=start, day_to=end,
                                value=value, status=status, appointment_id=target.id if target else None,
                                removed_at=utcnow() if removed else None)
            s.add(override)
            s.flush()
            written.append(override)
        active = active_overrides(s, D1, D3)
        cells = cell_decisions(s, D1, D3)
        want: dict[int, tuple] = {}
        for row in rows:
            status = cells.get((row.site, row.activity, row.day), UNDECIDED).status
            got = effective_status(status, row, active)
            want[row.id] = expected(status, row, written)
            assert (got.status, got.source, got.override.id if got.override else None) == want[row.id]
        for site in SITES + [None]:
            for act in ACTS:
                page = review_page(s, workspace.reference, site, act, D1, D3, limit=100)
                mine = [r for r in rows if r.activity == act and site in (None, r.site)]
                assert page.total == len(page.rows) == len(mine)
                for item in page.rows:
                    assert (item.status, item.source, item.override_id) == want[item.appointment_id]
                statuses = Counter(want[r.id][0] for r in mine)
                assert page.pending_left == statuses["pending"]
                for status in {want[r.id][0] for r in mine[:1]} | {"pending"}:
                    assert review_page(s, workspace.reference, site, act, D1, D3, status=status).total == statuses[status]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["maintained", "cancelled", "case_by_case", "stopped"]), overrides_st,
       st.sampled_from(["maintained", "cancelled", "pending"]))
def test_a_patient_decision_beats_every_exception(workspace, cell, overrides, mine):
    with workspace.session() as s:
        for model in (Override, Decision, AuditEntry, Appointment, Meeting):
            s.exec(delete(model))
        row = appointment(s, "LIB", "surgery", D1, doctor="Dr Lambert Paul", service="Oncologie", last_name="Dupont")
        m = open_meeting(s, D1)
        decide(s, m, ["LIB"], ["surgery"], D1, D1, cell)
        for scope, value, site, _act, (start, end), status, _pinned, removed in overrides:
            if scope != "patient":
                s.add(Override(meeting_id=m.id, scope=scope, site=site, activity="surgery", day_from=start,
                               day_to=end, value=value, status=status, removed_at=utcnow() if removed else None))
        s.add(Override(meeting_id=m.id, scope="patient", site="LIB", activity="surgery", day_from=D1, day_to=D1,
                       value="Dupont", appointment_id=row.id, status=mine))
        s.flush()
        got = effective_status(cell, row, active_overrides(s, D1, D1))
    assert (got.status, got.source) == (mine, "patient")
