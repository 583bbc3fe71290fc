"""The chair and attendees dialog: the chair on one line, one attendee a line as "Name" or "Name (role)"."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, TextArea

from crisis_tui.core.meetings import parse_attendee
from crisis_tui.i18n import Catalog
from crisis_tui.ui.keymap import localize_bindings


@dataclass(frozen=True)
class People:
    chair: str
    attendees: list[dict[str, str]]


def attendee_line(attendee: dict[str, str]) -> str:
    return f"{attendee['name']} ({attendee['role']})" if attendee.get("role") else attendee["name"]


class PeopleDialog(ModalScreen[People | None]):
    """ctrl+s (or Save) saves; escape leaves the meeting as it was."""

    HELP_KEY = "ui.help.people"
    BINDINGS = [
        Binding("escape", "cancel", "ui.dialog.cancel", show=False, id="people.cancel"),
        Binding("ctrl+s", "save", "ui.dialog.save", show=False, id="people.save"),
    ]

    def __init__(self, catalog: Catalog, chair: str, attendees: list[dict[str, str]]) -> None:
        super().__init__(classes="dialog")
        localize_bindings(self, catalog)
        self.catalog = catalog
        self.chair = chair
        self.attendees = attendees

    def compose(self) -> ComposeResult:
        t = self.catalog.t
        with Vertical(classes="dialog-box people-box"):
            yield Label(t("ui.people.title"), classes="dialog-title")
            yield Label(t("ui.people.chair"))
            yield Input(value=self.chair, id="people-chair")
            yield Label(t("ui.people.attendees"))
            yield TextArea("\n".join(attendee_line(a) for a in self.attendees), id="people-attendees")
            yield Label(t("ui.people.hint"), classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("ui.dialog.save"), id="save", variant="primary")
                yield Button(t("ui.dialog.cancel"), id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#people-attendees", TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save() if event.button.id == "save" else self.action_cancel()

    def action_save(self) -> None:
        lines = self.query_one("#people-attendees", TextArea).text.splitlines()
        attendees = [parse_attendee(line) for line in lines if line.strip()]
        self.dismiss(People(self.query_one("#people-chair", Input).value.strip(), attendees))

    def action_cancel(self) -> None:
        self.dismiss(None)
