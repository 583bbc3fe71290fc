"""The edit-decision dialog (enter on the board): status, reason, and what a patient nobody reached should assume."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet

from crisis_tui.core.models import STATUSES, UNCONTACTED_RULES
from crisis_tui.i18n import Catalog
from crisis_tui.ui.keymap import localize_bindings


@dataclass(frozen=True)
class DecisionEdit:
    status: str
    reason: str
    uncontacted: str


class DecisionDialog(ModalScreen[DecisionEdit | None]):
    """Enter in the reason (or ctrl+s anywhere, or the Save button) saves; escape leaves everything as it was."""

    AUTO_FOCUS = ""  # on_mount focuses, without scrolling a tall box away from its top
    HELP_KEY = "ui.help.decision"
    BINDINGS = [
        Binding("escape", "cancel", "ui.dialog.cancel", show=False, id="decision.cancel"),
        Binding("ctrl+s", "save", "ui.dialog.save", show=False, id="decision.save"),
    ]

    def __init__(self, catalog: Catalog, what: str, current: DecisionEdit) -> None:
        super().__init__(classes="dialog")
        localize_bindings(self, catalog)
        self.catalog = catalog
        self.what = what
        self.current = current

    def compose(self) -> ComposeResult:
        t = self.catalog.t
        with Vertical(classes="dialog-box decision-box"):
            yield Label(t("ui.decision.title", what=self.what), classes="dialog-title")
            yield Label(t("ui.decision.status"))
            with RadioSet(id="decision-status"):
                for status in STATUSES:
                    yield RadioButton(t(f"status.{status}"), value=status == self.current.status, name=status)
            yield Label(t("ui.decision.reason"))
            yield Input(self.current.reason, t("ui.decision.reason_placeholder"), id="decision-reason")
            yield Label(t("ui.decision.rule"))
            with RadioSet(id="decision-rule"):
                for rule in UNCONTACTED_RULES:
                    yield RadioButton(t(f"uncontacted.{rule}"), value=rule == self.current.uncontacted, name=rule)
            yield Label(t("ui.decision.hint"), classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("ui.dialog.save"), id="save", variant="primary")
                yield Button(t("ui.dialog.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#decision-reason", Input).focus(scroll_visible=False)

    def _chosen(self, radio_id: str, default: str) -> str:
        pressed = self.query_one(radio_id, RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else default

    def edit(self) -> DecisionEdit:
        return DecisionEdit(
            self._chosen("#decision-status", self.current.status),
            self.query_one("#decision-reason", Input).value.strip(),
            self._chosen("#decision-rule", self.current.uncontacted),
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save() if event.button.id == "save" else self.action_cancel()

    def action_save(self) -> None:
        self.dismiss(self.edit())

    def action_cancel(self) -> None:
        self.dismiss(None)
