"""The minutes workbook (procès-verbal): one sheet, A4 landscape, one page wide, written from `minutes_content`.

Sections in print order: the meeting, the IT situation, the decision grid of each day (status as text and
colour), the changes since the previous meeting, each cell's decision with its reason, rule and impact (totals
as `status --json` sums them), exceptions and patient decisions (counted: no patient name), call outcomes so far,
actions, notes, and the signature block (name, role, date, SHA-256 and the previous hash; lines to sign by hand
while unsigned). The footer carries the hash (or "draft") and "page x / y" on every page.

LibreOffice does not grow a row for wrapped text in merged cells: each such row gets its height from its text.
"""

from __future__ import annotations

import textwrap
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from sqlmodel import Session

from crisis_tui.core.documents.sealed_copies import record_copy
from crisis_tui.core.documents.workbook import (HEADER_STYLE, STATUS_COLOURS, atomic_save, output_path,
                                                register_styles, set_text, set_widths, setup_print, status_fill)
from crisis_tui.core.errors import UsageError
from crisis_tui.core.meetings import latest_meeting
from crisis_tui.core.minutes import decided_days, minutes_content
from crisis_tui.core.models import Meeting
from crisis_tui.core.reference import Reference
from crisis_tui.core.told import COUNT_KEYS, ExportResult
from crisis_tui.core.workspace import Workspace
from crisis_tui.i18n import Catalog, Message

COLUMNS = 12
FIRST_WIDTH, OTHER_WIDTH = 21.0, 12.5
LINE_HEIGHT = 15.0
TITLE_STYLE, SUBTITLE_STYLE, EMERGENCY_STYLE = "minutes_title", "minutes_subtitle", "minutes_emergency"
SECTION_STYLE, LABEL_STYLE, WRAP_STYLE, BOX_STYLE = "minutes_section", "minutes_label", "minutes_wrap", "minutes_box"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
COUNT_COLUMNS = ("appointments", "sms", "calls", "doctor_calls", "unreachable", "pending")
TOLD = COUNT_COLUMNS[1:]


class Wording:
    """Labels of the minutes in one language: statuses, sites, activities, days."""

    def __init__(self, catalog: Catalog, reference: Reference) -> None:
        self.t = catalog.t
        self.sites = {s.code: s.name for s in reference.sites}
        self.activities = {a.code: a.label(catalog.lang) for a in reference.activities}

    def status(self, status: str) -> str:
        return self.t("minutes.mixed") if status == "mixed" else self.t(f"status.{status}")

    def site(self, code: str | None) -> str:
        return self.t("minutes.every_site") if not code else self.sites.get(code, code)

    def activity(self, code: str) -> str:
        return self.activities.get(code, code)

    def day(self, iso: str | None) -> str:
        if not iso:
            return ""
        day = date.fromisoformat(iso[:10])
        return f"{self.t('minutes.weekday.' + WEEKDAYS[day.weekday()])} {day:%d/%m/%Y}"

    def short(self, iso: str | None) -> str:
        return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}" if iso else ""

    def days(self, first: str, last: str) -> str:
        return self.day(first) if first == last else f"{self.day(first)} → {self.day(last)}"

    def stamp(self, local: str) -> str:
        """"2026-12-06 09:15" as "06/12/2026 09:15"."""
        return f"{local[8:10]}/{local[5:7]}/{local[:4]} {local[11:16]}"

    def attendees(self, people: list[dict]) -> str:
        return ", ".join(f"{p['name']} ({p['role']})" if p.get("role") else p["name"] for p in people) or "-"

    def title(self, content: dict) -> str:
        meeting = content["meeting"]
        return self.t("minutes.doc.meeting", kind=self.t(f"meeting_kind.{meeting['kind']}"), id=meeting["id"],
                      day=self.day(meeting["day"]), start=meeting["start"])

    def rule(self, rules: list[str]) -> str:
        return ", ".join(self.t(f"uncontacted.{r}") for r in rules)


class _Sheet:
    """A normal worksheet written top down: sections, label lines, tables over the 12 columns."""

    def __init__(self, ws, columns: int) -> None:
        self.ws, self.columns, self.row = ws, columns, 1
        self.widths = [FIRST_WIDTH] + [OTHER_WIDTH] * (columns - 1)
        set_widths(ws, self.widths)

    def put(self, column: int, value, style: str | None = None, span: int = 1) -> None:
        cell = self.ws.cell(self.row, column)
        if isinstance(value, int) and not isinstance(value, bool):
            cell.value = value
        else:
            set_text(cell, value)
        if style:
            cell.style = style
        if span > 1:
            self.ws.merge_cells(start_row=self.row, start_column=column, end_row=self.row, end_column=column + span - 1)

    def lines(self, text: str, column: int, span: int) -> int:
        """Lines `text` takes when wrapped in the span (a bold or capital letter is wider than the unit '0')."""
        width = max(4, int(sum(self.widths[column - 1:column - 1 + span])) - 2)
        return sum(max(1, len(textwrap.wrap(part, width))) for part in (text or "").split("\n"))

    def next(self, lines: int = 1) -> None:
        if lines > 1:
            self.ws.row_dimensions[self.row].height = LINE_HEIGHT * lines
        self.row += 1

    def title(self, text: str, style: str = TITLE_STYLE) -> None:
        self.put(1, text, style, self.columns)
        self.ws.row_dimensions[self.row].height = 24
        self.next()

    def section(self, text: str) -> None:
        self.next()
        self.put(1, text, SECTION_STYLE, self.columns)
        self.next()

    def line(self, label: str, value: str, style: str = WRAP_STYLE) -> None:
        self.put(1, label, LABEL_STYLE)
        self.put(2, value, style, self.columns - 1)
        self.next(max(self.lines(label, 1, 1), self.lines(value, 2, self.columns - 1)))

    def table_row(self, cells: list[tuple], header: bool = False) -> None:
        """`cells`: (value, span) or (value, span, style); wrapped text sets the row's height."""
        column, lines = 1, 1
        for value, span, *style in cells:
            chosen = HEADER_STYLE if header else (style[0] if style else WRAP_STYLE)
            self.put(column, value, chosen, span)
            if isinstance(value, str):
                lines = max(lines, self.lines(value, column, span))
            column += span
        self.next(lines)

    def table(self, title: str, empty: str, header: list[tuple], rows: list[list[tuple]]) -> bool:
        """A section `title` with its table (`header`, then `rows`), or the line `empty` when there are no rows;
        whether there were."""
        self.section(title)
        if not rows:
            self.line("", empty)
            return False
        self.table_row(header, header=True)
        for row in rows:
            self.table_row(row)
        return True


def _add_styles(wb: Workbook) -> None:
    register_styles(wb)
    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    band = PatternFill(fill_type="solid", start_color="1F4E78", end_color="1F4E78")
    for style in (NamedStyle(name=TITLE_STYLE, font=Font(bold=True, size=16)),
                  NamedStyle(name=SUBTITLE_STYLE, font=Font(bold=True, size=13)),
                  NamedStyle(name=EMERGENCY_STYLE, font=Font(bold=True, size=13, color="C00000")),
                  NamedStyle(name=SECTION_STYLE, font=Font(bold=True, size=12, color="FFFFFF"), fill=band),
                  NamedStyle(name=LABEL_STYLE, font=Font(bold=True), alignment=wrap),
                  NamedStyle(name=WRAP_STYLE, alignment=wrap, border=box),
                  NamedStyle(name=BOX_STYLE, border=Border(bottom=Side(style="medium", color="000000")))):
        wb.add_named_style(style)
    for status, (_, ink) in STATUS_COLOURS.items():
        wb.add_named_style(NamedStyle(name=_status(status), font=Font(bold=True, color=ink), fill=status_fill(status),
                                      border=box, alignment=wrap))


def _status(status: str) -> str:
    return f"minutes_status_{status}" if status in STATUS_COLOURS else WRAP_STYLE


def write_minutes(content: dict, reference: Reference, catalog: Catalog, path: Path,
                  minutes_hash: str | None = None) -> Path:
    """Write the minutes workbook at `path` (atomically, never overwriting)."""
    w = Wording(catalog, reference)
    t = w.t
    wb = Workbook()
    _add_styles(wb)
    ws = wb.active
    ws.title = t("minutes.doc.sheet")
    activities = [a.code for a in reference.activities]
    sheet = _Sheet(ws, max(COLUMNS, len(activities) + 1))
    meeting, signature = content["meeting"], content.get("signature")
    setup_print(ws, landscape=True, title_rows=None, header_left=t("minutes.doc.confidential"),
                header_center=t("minutes.doc.header", id=meeting["id"]),
                header_right=w.days(content["days"]["from"], content["days"]["to"]),
                footer_center="page &P / &N", gridlines=False)
    ws.oddFooter.left.text = (t("minutes.doc.footer_hash", hash=minutes_hash) if minutes_hash
                              else t("minutes.doc.footer_draft"))
    ws.oddFooter.left.size = 7
    sheet.title(t("minutes.doc.title"))
    sheet.title(w.title(content), EMERGENCY_STYLE if meeting["kind"] == "emergency" else SUBTITLE_STYLE)
    _meeting(sheet, w, content)
    _it(sheet, w, content["it"])
    _grid(sheet, w, content, activities)
    _changes(sheet, w, content["changes"])
    _impact(sheet, w, content)
    _exceptions(sheet, w, content)
    _outcomes(sheet, w, content["outcomes"])
    sheet.section(t("minutes.doc.actions"))
    sheet.line(t("minutes.doc.actions"), content["actions"] or "-")
    sheet.line(t("minutes.doc.notes"), content["notes"] or "-")
    _signature(sheet, w, signature, minutes_hash)
    return atomic_save(wb, path)


def _meeting(sheet: _Sheet, w: Wording, content: dict) -> None:
    t, meeting = w.t, content["meeting"]
    sheet.line(t("minutes.doc.chair"), meeting["chair"] or "-")
    sheet.line(t("minutes.doc.attendees"), w.attendees(meeting["attendees"]))
    sheet.line(t("minutes.doc.days"), w.days(content["days"]["from"], content["days"]["to"]))
    previous = meeting.get("previous")
    sheet.line(t("minutes.doc.previous"), t("minutes.doc.previous_id", id=previous) if previous else "-")


def _it(sheet: _Sheet, w: Wording, systems: list[dict]) -> None:
    t = w.t
    header = [(t("minutes.col.position"), 1), (t("minutes.col.system"), 3), (t("minutes.col.tier"), 1),
              (t("minutes.col.it_status"), 1), (t("minutes.col.eta"), 1), (t("minutes.col.next"), 1),
              (t("minutes.col.notes"), sheet.columns - 8)]
    rows = [[(s["position"], 1), (s["name"], 3), (s["tier"], 1), (t(f"it.status.{s['status']}"), 1),
             (w.short(s["eta"]), 1), (t("minutes.doc.next") if s["next"] else "", 1), (s["notes"], sheet.columns - 8)]
            for s in systems]
    sheet.table(t("minutes.doc.it"), t("minutes.doc.it_none"), header, rows)


def _grid(sheet: _Sheet, w: Wording, content: dict, activities: list[str]) -> None:
    t = w.t
    sheet.section(t("minutes.doc.grid"))
    rest = sheet.columns - len(activities) - 1
    for day, sites in content["grid"].items():
        header = [(w.day(day), 1)] + [(w.activity(a), 1) for a in activities] + ([("", rest)] if rest else [])
        sheet.table_row(header, header=True)
        for site, statuses in grid_sites(w, sites):
            row = [(w.site(site), 1, LABEL_STYLE)]
            row += [(w.status(statuses.get(a, "maintained")), 1, _status(statuses.get(a, "maintained")))
                    for a in activities]
            sheet.table_row(row)


def _changes(sheet: _Sheet, w: Wording, changes: list[dict]) -> None:
    t = w.t
    header = [(t("minutes.col.site"), 2), (t("minutes.col.activity"), 2), (t("minutes.col.days"), 4),
              (t("minutes.col.before"), 2), (t("minutes.col.after"), 2)]
    rows = [[(w.site(c["site"]), 2), (w.activity(c["activity"]), 2), (w.days(c["day"], last), 4),
             (w.status(c["before"]), 2, _status(c["before"])), (w.status(c["after"]), 2, _status(c["after"]))]
            for c, last in grouped_changes(changes)]
    sheet.table(t("minutes.doc.changes"), t("minutes.doc.no_changes"), header, rows)


def grid_sites(w: Wording, sites: dict[str, dict[str, str]]) -> list[tuple[str, dict[str, str]]]:
    """One day of the grid, its sites in the reference data's order (hospitals, then rest homes...): a signed
    record keeps them sorted by code."""
    order = {code: place for place, code in enumerate(w.sites)}
    return sorted(sites.items(), key=lambda item: order.get(item[0], len(order)))


def grouped_changes(changes: list[dict]) -> list[tuple[dict, str]]:
    """The same change of a cell on consecutive days, once: (its first day's change, its last day)."""
    groups: list[tuple[dict, str]] = []
    for change in changes:
        if groups:
            first, last = groups[-1]
            same = all(first[k] == change[k] for k in ("site", "activity", "before", "after"))
            if same and date.fromisoformat(change["day"]) == date.fromisoformat(last) + timedelta(days=1):
                groups[-1] = (first, change["day"])
                continue
        groups.append((change, change["day"]))
    return groups


def _impact(sheet: _Sheet, w: Wording, content: dict) -> None:
    """The cells of `impact_rows`; the totals are those of every cell."""
    t = w.t
    sheet.section(t("minutes.doc.impact"))
    sheet.table_row([(t("minutes.col.site"), 1), (t("minutes.col.activity"), 1), (t("minutes.col.status"), 1),
                     (t("minutes.col.reason"), 2), (t("minutes.col.rule"), 1)]
                    + [(t(f"minutes.col.{k}"), 1) for k in COUNT_COLUMNS], header=True)
    for c in impact_rows(content):
        status = w.status(c["status"])
        if c["status"] == "mixed":
            status = "\n".join(f"{d[8:10]}/{d[5:7]} {w.status(s)}" for d, s in c["statuses"].items())
        sheet.table_row([(w.site(c["site"]), 1), (w.activity(c["activity"]), 1), (status, 1, _status(c["status"])),
                         ("\n".join(c["reasons"]), 2), (w.rule(c["rules"]), 1)] + [(c[k], 1) for k in COUNT_COLUMNS])
    totals = content["totals"]
    sheet.table_row([(t("minutes.doc.total"), 6, LABEL_STYLE)] + [(totals[k], 1, LABEL_STYLE) for k in COUNT_COLUMNS])


def impact_rows(content: dict) -> list[dict]:
    """The impact of the cells worth a line: decided, not maintained, or with anyone to tell."""
    decided = {(d["site"], d["activity"]) for d in content["decisions"]}
    return [c for c in content["impact"]
            if any(c[k] for k in TOLD) or c["status"] != "maintained" or (c["site"], c["activity"]) in decided]


def _exceptions(sheet: _Sheet, w: Wording, content: dict) -> None:
    t = w.t
    sheet.section(t("minutes.doc.exceptions"))
    if not content["exceptions"] and not content["patient_decisions"]:
        sheet.line("", t("minutes.doc.no_exceptions"))
        return
    if content["exceptions"]:
        sheet.table_row([(t("minutes.col.scope"), 1), (t("minutes.col.who"), 2), (t("minutes.col.site"), 1),
                         (t("minutes.col.activity"), 1), (t("minutes.col.days"), 2), (t("minutes.col.status"), 1),
                         (t("minutes.col.reason"), 3), (t("minutes.col.decided_by"), 1)], header=True)
        for e in content["exceptions"]:
            sheet.table_row([(t(f"minutes.scope.{e['scope']}"), 1), (e["value"], 2), (w.site(e["site"]), 1),
                             (w.activity(e["activity"]), 1), (w.days(e["from"], e["to"]), 2),
                             (w.status(e["status"]), 1, _status(e["status"])), (e["note"], 3), (e["decided_by"], 1)])
    if content["patient_decisions"]:
        sheet.line("", t("minutes.doc.patient_decisions"), LABEL_STYLE)
        sheet.table_row([(t("minutes.col.site"), 2), (t("minutes.col.activity"), 2), (t("minutes.col.status"), 2),
                         (t("minutes.col.patients"), 2)], header=True)
        for p in content["patient_decisions"]:
            sheet.table_row([(w.site(p["site"]), 2), (w.activity(p["activity"]), 2),
                             (w.status(p["status"]), 2, _status(p["status"])), (p["count"], 2)])


def _outcomes(sheet: _Sheet, w: Wording, outcomes: dict) -> None:
    t = w.t
    header = [(t("minutes.col.site"), 2), (t("minutes.col.activity"), 2), (t("minutes.col.told"), 2),
              (t("minutes.col.reached"), 2), (t("minutes.col.not_reached"), 2)]
    rows = [[(w.site(c["site"]), 2), (w.activity(c["activity"]), 2), (c["told"], 2), (c["reached"], 2),
             (c["not_reached"], 2)] for c in outcomes["cells"]]
    if sheet.table(t("minutes.doc.outcomes"), t("minutes.doc.no_outcomes"), header, rows):
        sheet.table_row([(t("minutes.doc.total"), 4, LABEL_STYLE), (outcomes["told"], 2, LABEL_STYLE),
                         (outcomes["reached"], 2, LABEL_STYLE), (outcomes["not_reached"], 2, LABEL_STYLE)])


def _signature(sheet: _Sheet, w: Wording, signature: dict | None, minutes_hash: str | None) -> None:
    t = w.t
    sheet.section(t("minutes.doc.signature"))
    if signature is None:
        sheet.line("", t("minutes.doc.unsigned"), LABEL_STYLE)
        for label in ("blank_name", "role", "date", "sign_here"):
            sheet.put(1, t(f"minutes.doc.sig_{label}"), LABEL_STYLE)
            sheet.put(2, None, BOX_STYLE, 5)
            sheet.next(2)
        return
    sheet.line(t("minutes.doc.sig_name"), signature["by"])
    sheet.line(t("minutes.doc.sig_role"), signature["role"] or "-")
    sheet.line(t("minutes.doc.sig_date"), w.stamp(signature["local"]))
    sheet.line(t("minutes.doc.sig_hash"), minutes_hash or "-")
    sheet.line(t("minutes.doc.sig_prev"), signature["prev_hash"])
    sheet.line("", t("minutes.doc.sealed"), LABEL_STYLE)


def meeting_for_export(session: Session, meeting_id: int | None) -> Meeting:
    meeting = session.get(Meeting, meeting_id) if meeting_id is not None else latest_meeting(session)
    if meeting is None:
        raise UsageError(Message("error.no_meeting_yet") if meeting_id is None
                         else Message("error.no_such_meeting", id=meeting_id))
    return meeting


def export_minutes(workspace: Workspace, catalog: Catalog, day_from: date | None, day_to: date | None,
                   out_dir: Path, meeting_id: int | None = None) -> ExportResult:
    """Write the minutes of the meeting (the latest one by default) for the days given (None: the days it decided).
    A signed meeting's minutes are those it was signed with, for the days it decided, whatever days were asked for
    (the result's notice then says so). The counts are the totals of the minutes written."""
    with workspace.session() as session:
        meeting = meeting_for_export(session, meeting_id)
        own = decided_days(session, meeting)
        notice = None
        if meeting.signed and day_from is not None and (day_from, day_to) != own:
            notice = Message("minutes.cli.signed_days", id=meeting.id, day_from=day_from, day_to=day_to,
                             own_from=own[0], own_to=own[1])
        if day_from is None or day_to is None or meeting.signed:
            day_from, day_to = own
        content = minutes_content(session, workspace.reference, meeting, day_from, day_to)
        minutes_hash = meeting.minutes_hash if meeting.signed else None
    path = output_path(Path(out_dir), catalog.t("minutes.doc.file_stem"), day_from, day_to, "xlsx")
    written = write_minutes(content, workspace.reference, catalog, path, minutes_hash)
    if minutes_hash is not None:  # a signed meeting's: `verify` will check this copy's values
        with workspace.session() as session:
            record_copy(session, meeting.id, written)
    return ExportResult([written], {k: content["totals"][k] for k in COUNT_KEYS}, notice)
