"""The sign-off dialog: the medical director types his name and role, ticks that he approves, and signs.

Dismissed with a `Signature` (the signing itself is the caller's: `core.signing.sign_meeting`), or None.
On a short terminal (80x24) the fields, the checkbox and the buttons drop their borders so that everything, the
buttons included, fits on screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label

from crisis_tui.i18n import Catalog
from crisis_tui.ui.keymap import localize_bindings


COMPACT_BELOW = 34  # terminal rows under which the dialog is drawn compact (it needs 33 rows with borders)


@dataclass(frozen=True)
class Signature:
    by: str
    role: str


class SignDialog(ModalScreen[Signature | None]):
    AUTO_FOCUS = ""  # on_mount focuses, without scrolling a tall box away from its top
    HELP_KEY = "ui.help.sign"
    DEFAULT_CSS = """
    SignDialog { align: center middle; }
    SignDialog .sign-box { width: 84; max-width: 100%; height: auto; max-height: 100%; overflow-y: auto;
                           border: thick $error; padding: 1 2; background: $surface; }
    SignDialog .sign-box Label { width: 100%; }
    SignDialog .sign-title { text-style: bold; margin-bottom: 1; }
    SignDialog .sign-warning { color: $warning; margin: 1 0; }
    SignDialog #sign-problem { color: $error; }
    SignDialog .sign-buttons { height: auto; align-horizontal: right; }
    SignDialog .sign-buttons Button { margin-left: 2; }
    SignDialog.-compact .sign-box { padding: 0 1; }
    SignDialog.-compact .sign-buttons { margin-top: 1; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "ui.dialog.cancel", id="sign.cancel"),
        Binding("ctrl+s", "sign", "minutes.sign.sign", id="sign.sign"),
    ]

    def __init__(self, catalog: Catalog, summary: str, role: str | None = None) -> None:
        super().__init__()
        localize_bindings(self, catalog)
        self.catalog = catalog
        self.summary = summary
        self.role = catalog.t("minutes.sign.default_role") if role is None else role

    def compose(self) -> ComposeResult:
        t = self.catalog.t
        with Vertical(classes="sign-box"):
            yield Label(t("minutes.sign.title"), classes="sign-title")
            yield Label(self.summary, markup=False)
            yield Label(t("minutes.sign.warning"), classes="sign-warning")
            yield Label(t("minutes.sign.name"))
            yield Input(id="sign-name", placeholder=t("minutes.sign.name_placeholder"))
            yield Label(t("minutes.sign.role"))
            yield Input(self.role, id="sign-role")
            yield Checkbox(t("minutes.sign.confirm"), id="sign-confirm")
            yield Label("", id="sign-problem", markup=False)
            with Horizontal(classes="sign-buttons"):
                yield Button(t("minutes.sign.sign"), id="sign", variant="error")
                yield Button(t("ui.dialog.cancel"), id="cancel")

    def on_mount(self) -> None:
        self._fit(self.app.size.height)
        self.query_one("#sign-name", Input).focus(scroll_visible=False)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.height)

    def _fit(self, height: int) -> None:
        """Borderless fields and buttons when the terminal is short, so the Sign and Cancel buttons stay in view."""
        compact = height < COMPACT_BELOW
        self.set_class(compact, "-compact")
        for widget in self.query("Input, Checkbox, Button"):
            widget.compact = compact

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#sign-role" if event.input.id == "sign-name" else "#sign-confirm").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_sign() if event.button.id == "sign" else self.action_cancel()

    def action_sign(self) -> None:
        t = self.catalog.t
        name = self.query_one("#sign-name", Input).value.strip()
        problem = self.query_one("#sign-problem", Label)
        if not name:
            problem.update(t("minutes.sign.need_name"))
            self.query_one("#sign-name", Input).focus()
        elif not self.query_one("#sign-confirm", Checkbox).value:
            problem.update(t("minutes.sign.need_confirm"))
            self.query_one("#sign-confirm", Checkbox).focus()
        else:
            self.dismiss(Signature(name, self.query_one("#sign-role", Input).value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)
