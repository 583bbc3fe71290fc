"""The minutes screen: a preview of the minutes (`core.minutes.minutes_content`, the same content as the workbook),
their notes and actions editable until the meeting is signed, the export (a toast gives the file's path), and the
medical director's sign-off (`SignDialog`, then `core.signing.sign_meeting`; the signed minutes are written at once).
The preview, the export and the signature cover the same days: those the meeting decided (`core.minutes.decided_days`),
whatever days the board showed, so the director signs what he was shown.

Every read and write runs in a thread worker, each in its own transaction; a signed meeting refuses any change.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static, TextArea
from textual.worker import Worker, WorkerState

from crisis_tui.core.db import session_scope
from crisis_tui.core.documents.minutes import (
    COUNT_COLUMNS, Wording, export_minutes, grid_sites, grouped_changes, impact_rows,
)
from crisis_tui.core.errors import UsageError
from crisis_tui.core.meetings import update_meeting
from crisis_tui.core.minutes import decided_days, minutes_content
from crisis_tui.core.models import Meeting
from crisis_tui.core.signing import sign_meeting
from crisis_tui.core.workspace import Workspace
from crisis_tui.i18n import Catalog
from crisis_tui.ui.keymap import localize_bindings
from crisis_tui.ui.widgets.decision_grid import STATUS_STYLES
from crisis_tui.ui.widgets.dialogs import ErrorDialog, error_text
from crisis_tui.ui.widgets.sign_dialog import SignDialog, Signature

STATUS_STYLES_ALL = {**STATUS_STYLES, "pending": "bold white on dodger_blue3"}


def _status(w: Wording, status: str) -> Text:
    return Text(f" {w.status(status)} ", style=STATUS_STYLES_ALL.get(status, ""))


class MinutesScreen(Screen):
    HELP_KEY = "minutes.screen.help"
    DEFAULT_CSS = """
    MinutesScreen #minutes-title { height: auto; padding: 0 1; background: $boost; text-style: bold; }
    MinutesScreen #minutes-title.-signed { color: $warning; }
    MinutesScreen #minutes-body { height: 1fr; padding: 0 1; }
    MinutesScreen .minutes-label { text-style: bold; margin-top: 1; }
    MinutesScreen TextArea { height: 5; }
    """
    BINDINGS = [
        Binding("ctrl+s,f2", "save", "minutes.keys.save", id="minutes.save", priority=True),
        Binding("ctrl+e,f3", "export", "minutes.keys.export", id="minutes.export", priority=True),
        Binding("f9", "sign", "minutes.keys.sign", id="minutes.sign", priority=True),
        Binding("f5", "reload", "minutes.keys.reload", show=False, id="minutes.reload"),
        Binding("escape", "back", "minutes.keys.back", id="minutes.back"),
    ]

    def __init__(self, workspace: Workspace, catalog: Catalog, meeting_id: int, day_from: date, day_to: date) -> None:
        super().__init__()
        localize_bindings(self, catalog)
        self.workspace = workspace
        self.catalog = catalog
        self.meeting_id = meeting_id
        self.day_from, self.day_to = day_from, day_to  # the board's days; the minutes are those of the days decided
        self.wording = Wording(catalog, workspace.reference)
        self.content: dict | None = None
        self.signed = False
        self.saved = ("", "")  # notes and actions as stored
        self.last_export: Path | None = None
        self.busy = 0  # workers running (tests wait on it)
        self.leaving = False  # escape pressed: saving the typed text before closing

    def compose(self) -> ComposeResult:
        t = self.catalog.t
        yield Header()
        yield Static(t("minutes.screen.loading"), id="minutes-title", markup=False)
        with VerticalScroll(id="minutes-body"):
            yield Static(id="minutes-preview")
            yield Label(t("minutes.doc.actions"), classes="minutes-label")
            yield TextArea(id="minutes-actions")
            yield Label(t("minutes.doc.notes"), classes="minutes-label")
            yield TextArea(id="minutes-notes")
            yield Static(id="minutes-signature", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()

    # -- workers --------------------------------------------------------------------------------------------------
    def _start(self, job, name: str) -> None:
        self.busy += 1
        self.run_worker(job, thread=True, group="minutes", name=name, exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "minutes" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self.busy -= 1
        if event.state == WorkerState.ERROR:
            self.leaving = False
            self.app.push_screen(ErrorDialog(self.catalog, error_text(worker.error, self.catalog)))
            if worker.name != "read":  # show the meeting as it is now (signed meanwhile?)
                self.action_reload()
            return
        getattr(self, f"_after_{worker.name}")(worker.result)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Once signed, nothing can be saved or signed: the footer offers neither and their keys do nothing."""
        return not (self.signed and action in ("save", "sign"))

    def _texts(self) -> tuple[str, str]:
        return self.query_one("#minutes-notes", TextArea).text, self.query_one("#minutes-actions", TextArea).text

    # -- read -----------------------------------------------------------------------------------------------------
    def action_reload(self) -> None:
        self._start(self._read, "read")

    def _read(self) -> dict:
        with session_scope(self.workspace.engine, readonly=True) as session:
            meeting = session.get(Meeting, self.meeting_id)
            if meeting is None:
                raise UsageError(self.catalog.t("minutes.screen.no_meeting", id=self.meeting_id))
            # the days signing freezes (`sign_meeting` signs these), whatever days the board shows
            day_from, day_to = decided_days(session, meeting)
            content = minutes_content(session, self.workspace.reference, meeting, day_from, day_to)
            return {"content": content, "hash": meeting.minutes_hash, "notes": meeting.notes,
                    "actions": meeting.actions}

    def _after_read(self, result: dict) -> None:
        self.content = content = result["content"]
        self.signed = content["signature"] is not None
        self.saved = (result["notes"], result["actions"])
        for name, text in (("notes", result["notes"]), ("actions", result["actions"])):
            area = self.query_one(f"#minutes-{name}", TextArea)
            if area.text != text:
                area.load_text(text)
            area.read_only = self.signed
        self.refresh_bindings()
        self._show(content, result["hash"])

    # -- write ----------------------------------------------------------------------------------------------------
    def action_save(self) -> None:
        if self.signed:
            self.app.push_screen(ErrorDialog(self.catalog, self.catalog.t("minutes.screen.locked")))
            return
        notes, actions = self._texts()
        self._start(lambda: self._save(notes, actions), "save")

    def _save(self, notes: str, actions: str) -> None:
        with self.workspace.session() as session:
            meeting = session.get(Meeting, self.meeting_id)
            update_meeting(session, meeting, notes=notes, actions=actions)

    def _after_save(self, _result) -> None:
        self.notify(self.catalog.t("minutes.screen.saved"))
        self.action_reload()

    def action_export(self) -> None:
        self._start(self._export, "export")

    def _export(self) -> Path:
        """The minutes shown: those of the days the meeting decided (the days signing freezes), signed or not."""
        return export_minutes(self.workspace, self.catalog, None, None, self.workspace.home.exports,
                              meeting_id=self.meeting_id).files[0]

    def _after_export(self, path: Path) -> None:
        self.last_export = path
        self.notify(self.catalog.t("minutes.screen.exported", path=path), timeout=10)

    def action_sign(self) -> None:
        t = self.catalog.t
        if self.content is None:
            return
        if self.signed:
            signature = self.content["signature"]
            self.app.push_screen(ErrorDialog(self.catalog, t("minutes.screen.already", by=signature["by"],
                                                             at=self.wording.stamp(signature["local"]))))
            return
        own = sum(1 for d in self.content["decisions"] if d["own"])
        summary = t("minutes.sign.summary", meeting=self.wording.title(self.content), decisions=own,
                    changes=len(self.content["changes"]))

        def signed(signature: Signature | None) -> None:
            if signature is not None:
                notes, actions = self._texts()
                self._start(lambda: self._sign(signature, notes, actions), "sign")

        self.app.push_screen(SignDialog(self.catalog, summary), signed)

    def _sign(self, signature: Signature, notes: str, actions: str) -> Path:
        """The notes and actions on screen saved, the meeting signed (one transaction), then its minutes written."""
        with self.workspace.session() as session:
            meeting = session.get(Meeting, self.meeting_id)
            if not meeting.signed and (notes, actions) != (meeting.notes, meeting.actions):
                update_meeting(session, meeting, notes=notes, actions=actions)
            sign_meeting(session, self.workspace.reference, self.meeting_id, signature.by, signature.role)
        return self._export()

    def _after_sign(self, path: Path) -> None:
        self.last_export = path
        self.notify(self.catalog.t("minutes.screen.signed", path=path), timeout=10)
        self.action_reload()

    def action_back(self) -> None:
        """Back to the screen below. Notes or actions typed and not saved are saved first (as ctrl+s does), with a
        toast, and the screen closes once they are; should saving fail (the meeting signed meanwhile), it stays open
        on the error. A signed meeting has nothing to save."""
        if self.leaving:
            return
        if not self.signed and self.content is not None and self._texts() != self.saved:
            self.leaving = True
            notes, actions = self._texts()
            self._start(lambda: self._save(notes, actions), "leave")
            return
        self.dismiss()

    def _after_leave(self, _result) -> None:
        self.notify(self.catalog.t("minutes.screen.saved"))
        self.dismiss()

    # -- preview --------------------------------------------------------------------------------------------------
    def _show(self, content: dict, minutes_hash: str | None) -> None:
        t, w = self.catalog.t, self.wording
        meeting = content["meeting"]
        title = self.query_one("#minutes-title", Static)
        lines = [w.title(content), t("minutes.screen.people", chair=meeting["chair"] or "-",
                                     attendees=w.attendees(meeting["attendees"])),
                 t("minutes.screen.days", days=w.days(content["days"]["from"], content["days"]["to"]))]
        signature = content["signature"]
        lines.append(t("minutes.screen.signed_by", by=signature["by"], role=signature["role"] or "-",
                       at=w.stamp(signature["local"]), hash=minutes_hash) if signature
                     else t("minutes.screen.unsigned"))
        title.update("\n".join(lines))
        title.set_class(signature is not None, "-signed")
        self.query_one("#minutes-preview", Static).update(Group(*self._sections(content)))
        self.query_one("#minutes-signature", Static).update(
            t("minutes.screen.locked") if signature else t("minutes.screen.editable"))

    def _sections(self, content: dict) -> list:
        t, w = self.catalog.t, self.wording
        parts: list = [Text(t("minutes.doc.grid"), style="bold underline")]
        activities = [a.code for a in self.workspace.reference.activities]
        for day, sites in content["grid"].items():
            grid = Table(title=w.day(day), title_justify="left", box=None, padding=(0, 1))
            grid.add_column(t("minutes.col.site"))
            for code in activities:
                grid.add_column(w.activity(code), max_width=16)
            for site, statuses in grid_sites(w, sites):
                grid.add_row(w.site(site), *(_status(w, statuses.get(a, "maintained")) for a in activities))
            parts.append(grid)
        parts.append(Text(t("minutes.doc.changes"), style="bold underline"))
        colon = t("minutes.screen.colon")
        changes = [Text.assemble(f"{w.site(c['site'])} · {w.activity(c['activity'])} · {w.days(c['day'], last)}{colon}",
                                 _status(w, c["before"]), " → ", _status(w, c["after"]))
                   for c, last in grouped_changes(content["changes"])]
        parts += changes or [Text(t("minutes.doc.no_changes"))]
        parts += [Text(t("minutes.doc.impact"), style="bold underline"), self._impact(content)]
        parts.append(Text(t("minutes.doc.exceptions"), style="bold underline"))
        exceptions = [Text(f"{t('minutes.scope.' + e['scope'])} {e['value']} · {w.site(e['site'])} · "
                           f"{w.activity(e['activity'])} · {w.days(e['from'], e['to'])}{colon}{w.status(e['status'])}"
                           + (f" ({e['note']})" if e["note"] else "")) for e in content["exceptions"]]
        exceptions += [Text(t("minutes.screen.patients", n=p["count"], site=w.site(p["site"]),
                              activity=w.activity(p["activity"]), status=w.status(p["status"])))
                       for p in content["patient_decisions"]]
        parts += exceptions or [Text(t("minutes.doc.no_exceptions"))]
        outcomes = content["outcomes"]
        parts += [Text(t("minutes.doc.outcomes"), style="bold underline"),
                  Text(t("minutes.screen.outcomes", **{k: outcomes[k] for k in ("told", "reached", "not_reached")}))]
        parts.append(Text(t("minutes.doc.it"), style="bold underline"))
        it = content["it"]
        up = sum(1 for s in it if s["status"] in ("restored", "verified"))
        next_up = ", ".join(s["name"] for s in it if s["next"]) or "-"
        parts.append(Text(t("minutes.screen.it", up=up, total=len(it), next=next_up) if it
                          else t("minutes.doc.it_none")))
        return parts

    def _impact(self, content: dict) -> Table:
        t, w = self.catalog.t, self.wording
        table = Table(box=None, padding=(0, 1), show_footer=True)
        totals = content["totals"]
        table.add_column(t("minutes.col.site"), t("minutes.doc.total"))
        table.add_column(t("minutes.col.activity"))
        table.add_column(t("minutes.col.status"))
        table.add_column(t("minutes.col.reason"), max_width=30)
        table.add_column(t("minutes.col.rule"), max_width=22)
        for key in COUNT_COLUMNS:
            table.add_column(t(f"minutes.col.{key}"), str(totals[key]), justify="right")
        for c in impact_rows(content):
            table.add_row(w.site(c["site"]), w.activity(c["activity"]), _status(w, c["status"]),
                          "; ".join(c["reasons"]), w.rule(c["rules"]), *(str(c[k]) for k in COUNT_COLUMNS))
        return table
