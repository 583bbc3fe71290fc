"""The App the chair drives: today's meeting opened (or resumed), the board, the screens reachable from it, the
command palette, F1 help, the keymap file, and the error dialog every failure ends in. At start, `verify` runs in a
thread: a signed minute or audit entry altered is shown in the error dialog.

Other screens plug in with one line in SCREEN_HOOKS: `ScreenHook(name, title_key, factory)`, where `factory`
takes the app and returns the Screen (the app offers `workspace`, `catalog`, `meeting_id`, `chair`,
`target_days()` and `cursor_cell()` of the board), e.g.
    ScreenHook("export", "ui.go.export", lambda app: ExportScreen(app.workspace, app.catalog, *app.target_days())),
The hook gives the palette a "go: <title>" entry and `app.action_go(name)` (bind a key to `app.go('<name>')`).
`escape` on a pushed screen should `dismiss()` it: the board recounts when it comes back.
"""

from __future__ import annotations

import asyncio
import signal
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Iterable

from rich.align import Align
from rich.text import Text
from sqlmodel import Session
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.screen import Screen
from textual.theme import ThemeProvider
from textual.worker import Worker, WorkerState

from crisis_tui.core.clock import today
from crisis_tui.core.db import session_scope
from crisis_tui.core.errors import UsageError
from crisis_tui.core.meetings import attendees_of, meeting_of_the_day, open_meeting, update_meeting
from crisis_tui.core.models import Meeting
from crisis_tui.core.signing import startup_warning
from crisis_tui.core.sync import lock_meeting
from crisis_tui.core.workspace import Workspace
from crisis_tui.i18n import Catalog
from crisis_tui.ui.commands import CrisisCommands, localized
from crisis_tui.ui.keymap import KEYMAP_FILE, binding_ids, load_keymap, localize_bindings, unknown_ids
from crisis_tui.ui.screens.board import BoardScreen
from crisis_tui.ui.screens.exceptions import ExceptionForm, ExceptionsScreen
from crisis_tui.ui.screens.export import ExportScreen
from crisis_tui.ui.screens.help import GENERIC_HELP, HelpScreen, key_help
from crisis_tui.ui.screens.import_files import ImportScreen
from crisis_tui.ui.screens.it_board import ItBoardScreen
from crisis_tui.ui.screens.minutes import MinutesScreen
from crisis_tui.ui.screens.outcomes import OutcomesDialog
from crisis_tui.ui.screens.review import ReasonDialog, ReviewScreen
from crisis_tui.ui.widgets.decision_dialog import DecisionDialog
from crisis_tui.ui.widgets.decision_grid import DecisionGrid
from crisis_tui.ui.widgets.dialogs import ConfirmDialog, ErrorDialog, TextInputDialog, error_text
from crisis_tui.ui.widgets.meeting_dialog import People, PeopleDialog
from crisis_tui.ui.widgets.sign_dialog import SignDialog
from crisis_tui.ui.writes import Job, Then, WriteQueue


@dataclass(frozen=True)
class ScreenHook:
    """A screen reachable by name: the palette's "go: <title>" entry and `app.go('<name>')`."""

    name: str
    title_key: str  # catalog key of the screen's title
    factory: Callable[["CrisisApp"], Screen]


SCREEN_HOOKS: tuple[ScreenHook, ...] = (
    ScreenHook("import", "ui.import.title", lambda app: ImportScreen(app.workspace, app.catalog)),
    ScreenHook("review", "ui.go.review", lambda app: ReviewScreen(
        app.workspace, app.catalog, app.meeting_id, *app.cursor_cell(), *app.target_days())),
    ScreenHook("exceptions", "ui.go.exceptions", lambda app: ExceptionsScreen(
        app.workspace, app.catalog, app.meeting_id, *app.target_days(), *app.cursor_cell())),
    ScreenHook("export", "ui.go.export", lambda app: ExportScreen(app.workspace, app.catalog, *app.target_days())),
    ScreenHook("outcomes", "ui.go.outcomes", lambda app: OutcomesDialog(app.workspace, app.catalog)),
    ScreenHook("minutes", "ui.go.minutes", lambda app: MinutesScreen(
        app.workspace, app.catalog, app.meeting_id, *app.target_days())),
    ScreenHook("it", "ui.go.it", lambda app: ItBoardScreen(
        app.workspace, app.catalog, actor=app.chair, meeting_id=app.meeting_id)),
)


class CrisisPalette(CommandPalette):
    """Textual's command palette with its prompt and its "no matches" line in the interface's language."""

    def __init__(self, catalog: Catalog, placeholder: str, **kwargs) -> None:
        super().__init__(placeholder=placeholder, **kwargs)
        self.no_matches = catalog.t("ui.palette.no_matches")

    def _watch__list_visible(self) -> None:
        """The list shows when Textual has put its English "No matches found" in it: said in our words."""
        super()._watch__list_visible()
        results = self.query_one(CommandList)
        if results.option_count == 1 and results.get_option_at_index(0).id == self._NO_MATCHES:
            results.replace_option_prompt(self._NO_MATCHES, Align.center(Text(self.no_matches, style="not bold")))


# keys Textual shows by an English name or abbreviation -> their entry in the catalog's ui.key_names
KEY_NAMES = {"esc": "escape", "space": "space", "del": "delete", "pgup": "pageup", "pgdn": "pagedown",
             "home": "home", "end": "end", "tab": "tab"}


# what ends the app as ctrl+q does: a shutdown or `kill` (SIGTERM), the terminal closed (SIGHUP; none on Windows)
ENDING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class CrisisApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "crisis-tui"
    COMMANDS = App.COMMANDS | {CrisisCommands}
    BINDINGS = [
        Binding("f1", "help", "ui.keys.help", id="app.help", priority=True),  # priority: modal dialogs too
        Binding("ctrl+q", "quit", "ui.keys.quit", show=False, id="app.quit", priority=True),
    ]

    def __init__(
        self,
        workspace: Workspace,
        lang: str = "fr",
        *,
        target_day: date | None = None,
        clock: Callable[[], date] = today,
        keymap_path: Path | None = None,
        screen_hooks: tuple[ScreenHook, ...] = SCREEN_HOOKS,
    ) -> None:
        """`clock` gives today (the meeting's day); the board opens on `target_day`, by default the day after."""
        super().__init__()
        self.workspace = workspace
        self.catalog = Catalog(lang)
        localize_bindings(self, self.catalog)
        self.clock = clock
        self.target_day = target_day or clock() + timedelta(days=1)
        self.keymap_path = keymap_path or workspace.home.root / KEYMAP_FILE
        self.screen_hooks = screen_hooks
        self.meeting_id: int | None = None
        self.meeting_signed = False
        self.chair = ""
        self.board: BoardScreen | None = None
        self.writes = WriteQueue(self, workspace, on_error=self._write_failed, on_idle=self._writes_done)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own palette commands (theme, quit...), in the interface's language."""
        for command in super().get_system_commands(screen):
            yield localized(command, self.catalog)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CrisisPalette(self.catalog, self.catalog.t("ui.palette.commands"), id="--command-palette"))

    def search_themes(self) -> None:
        self.push_screen(CrisisPalette(self.catalog, self.catalog.t("ui.palette.themes"), providers=[ThemeProvider]))

    def on_mount(self) -> None:
        self.title = self.catalog.t("app.title")
        keymap_problem = self._load_keymap()
        self.board = BoardScreen(self.workspace, self.catalog, target_day=self.target_day)
        self.push_screen(self.board)
        self.open_meeting()
        if keymap_problem:
            self.show_error(keymap_problem)
        self._verify()
        self._end_on_signals()

    def _end_on_signals(self) -> None:
        """SIGTERM or SIGHUP ends the app as ctrl+q does, with 128 + the signal as the exit code: the terminal is
        given back as it was, not left full of escape codes (each decision is already saved in its own
        transaction). Where the loop cannot take signals (Windows), they keep their default action."""
        loop = asyncio.get_running_loop()
        for ending in ENDING_SIGNALS:
            try:
                loop.add_signal_handler(ending, self.exit, None, 128 + ending)
            except (NotImplementedError, RuntimeError, ValueError):
                return

    @work(thread=True, group="startup-verify", exit_on_error=False)
    def _verify(self) -> str | None:
        """`verify` at start, off the UI thread (it reads the whole audit log)."""
        return startup_warning(self.workspace, self.catalog)

    def _verified(self, worker: Worker) -> None:
        if worker.state == WorkerState.ERROR:
            self.show_error(worker.error)
        elif worker.result:
            self.notify(worker.result.splitlines()[0], severity="error", timeout=30)
            self.show_error(worker.result)

    def _load_keymap(self) -> str | None:
        try:
            keymap = load_keymap(self.keymap_path)
        except ValueError as exc:
            return str(exc)
        self.set_keymap(keymap)
        known = binding_ids(CrisisApp, BoardScreen, DecisionGrid, ImportScreen, HelpScreen, ConfirmDialog,
                            ErrorDialog, TextInputDialog, DecisionDialog, PeopleDialog, ReviewScreen, ReasonDialog,
                            ExceptionsScreen, ExceptionForm, ExportScreen, OutcomesDialog, MinutesScreen, SignDialog,
                            ItBoardScreen)
        unknown = unknown_ids(keymap, known)
        return self.catalog.t("ui.keymap.unknown", path=self.keymap_path, ids=", ".join(unknown)) if unknown else None

    def get_key_display(self, binding: Binding) -> str:
        """A key as the footer and the help show it, named in the interface's language (Échap, Espace, Suppr)."""
        shown = super().get_key_display(binding)
        if binding.key_display:
            return shown
        *modifiers, key = shown.split("+")
        caret = "^" if key.startswith("^") and len(key) > 1 else ""
        named = KEY_NAMES.get(key[len(caret):])
        if named is not None:
            key = caret + self.catalog.t(f"ui.key_names.{named}")
        return "+".join([*(self.catalog.t("ui.key_names.shift") if m == "shift" else m for m in modifiers), key])

    def cursor_cell(self) -> tuple[str, str]:
        """(site code, activity code) under the board's cursor (for screens about one cell)."""
        if self.board is None or not self.board.is_mounted:
            return self.workspace.reference.sites[0].code, self.workspace.reference.activities[0].code
        return self.board.grid.cursor_cell

    def target_days(self) -> tuple[date, date]:
        """The board's day range (for screens that work on the same days)."""
        if self.board is None:
            return self.target_day, self.target_day
        return self.board.day_from, self.board.day_to

    # -- writes and the meeting ------------------------------------------------------------------------------------
    def write(self, job: Job, then: Then | None = None) -> None:
        """`job(session)` in a writing transaction off the UI thread, after the writes asked before it; `then(result)`
        on the UI thread. A failure (a signed meeting, a busy database) ends in the error dialog."""
        self.writes.submit(job, then)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if self.writes.handle(event):
            return
        if event.worker.group == "startup-verify" and event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            self._verified(event.worker)

    def _write_failed(self, error: BaseException) -> None:
        self.show_error(error)
        self.refresh_meeting()

    def _writes_done(self) -> None:
        if self.board is not None and self.board.is_mounted:
            self.board.recount()

    def open_meeting(self, *, emergency: bool = False, then: Then | None = None) -> None:
        """Today's meeting opened or resumed (or, signed, shown read-only), or a new emergency one; shown in the
        header once open."""

        def opened(meeting: object) -> None:
            self.show_meeting(meeting)
            if then is not None:
                then(meeting)

        if emergency:
            self.write(lambda session: open_meeting(session, self.clock(), emergency=True), opened)
        else:
            self.write(lambda session: meeting_of_the_day(session, self.clock()), opened)

    def lock_meeting(self, session: Session) -> Meeting:
        """The app's meeting as committed now, locked for this writing transaction; LockedError once signed."""
        if self.meeting_id is None:
            raise UsageError(self.catalog.t("ui.meeting.none"))
        return lock_meeting(session, self.meeting_id)

    def read_meeting(self) -> Meeting | None:
        """The app's meeting as committed now (a read that never waits)."""
        if self.meeting_id is None:
            return None
        with session_scope(self.workspace.engine, readonly=True) as session:
            return session.get(Meeting, self.meeting_id)

    def refresh_meeting(self) -> None:
        meeting = self.read_meeting()
        if meeting is not None:
            self.show_meeting(meeting)

    def show_meeting(self, meeting: Meeting) -> None:
        t = self.catalog.t
        self.meeting_id, self.meeting_signed, self.chair = meeting.id, meeting.signed, meeting.chair
        parts = [t("ui.meeting.header", kind=t(f"meeting_kind.{meeting.kind}"), id=meeting.id,
                   day=meeting.day.strftime("%d/%m/%Y"))]
        if meeting.kind == "emergency":
            parts[0] = "⚠ " + parts[0].upper()
        n = len(attendees_of(meeting))
        parts.append(t("ui.meeting.chair", chair=meeting.chair, n=n) if meeting.chair else t("ui.meeting.no_chair"))
        if meeting.signed:
            parts.append(t("ui.meeting.signed", by=meeting.signed_by or ""))
        self.sub_title = " · ".join(parts)
        self.set_class(meeting.kind == "emergency", "-emergency")
        self.set_class(meeting.signed, "-signed")
        if self.board is not None:
            self.board.show_info()

    def action_emergency(self) -> None:
        t = self.catalog.t

        def opened(meeting: object) -> None:
            self.notify(t("ui.meeting.emergency_opened", id=self.meeting_id), severity="warning")

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.open_meeting(emergency=True, then=opened)

        self.push_screen(ConfirmDialog(self.catalog, t("ui.meeting.confirm_emergency"), danger=False), confirmed)

    def action_people(self) -> None:
        meeting = self.read_meeting()
        if meeting is None:
            self.show_error(self.catalog.t("ui.meeting.none"))
            return

        def saved(updated: object) -> None:
            self.show_meeting(updated)
            self.notify(self.catalog.t("ui.people.saved"))

        def done(people: People | None) -> None:
            if people is not None:
                self.write(lambda session: update_meeting(session, self.lock_meeting(session), chair=people.chair,
                                                          attendees=people.attendees), saved)

        self.push_screen(PeopleDialog(self.catalog, meeting.chair, attendees_of(meeting)), done)

    # -- screens, help, errors ------------------------------------------------------------------------------------
    def action_go(self, name: str) -> None:
        if name == "board":
            while self.board is not None and self.screen is not self.board and len(self.screen_stack) > 1:
                self.pop_screen()
            return
        hook = next((h for h in self.screen_hooks if h.name == name), None)
        if hook is None:
            self.show_error(self.catalog.t("ui.go.unknown", name=name))
        elif getattr(self.screen, "hook_name", None) != name:
            screen = hook.factory(self)
            screen.hook_name = name
            self.push_screen(screen)

    def action_help(self) -> None:
        """The help of the screen or dialog on top; on the help itself, closes it."""
        screen = self.screen
        if isinstance(screen, HelpScreen):
            screen.dismiss(None)
        else:
            self.push_screen(HelpScreen(self.catalog, getattr(screen, "HELP_KEY", GENERIC_HELP), key_help(screen)))

    def show_error(self, error: BaseException | str) -> None:
        """An error in a dialog whose text can be selected and copied; the app carries on."""
        self.push_screen(ErrorDialog(self.catalog, error_text(error, self.catalog)))
