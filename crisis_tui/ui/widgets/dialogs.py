"""Modal dialogs every screen uses: confirm (anything destructive), error (text that can be selected and copied),
one line of text.

Each takes the app's Catalog for its labels. Push them with `app.push_screen(dialog, callback)` or
`await app.push_screen_wait(dialog)` from a worker. `error_text(error, catalog)` is what any failure shows;
`report_error(screen, catalog, error)` says it in a toast and in the error dialog (screens need no particular App).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, TextArea

from crisis_tui.core.errors import UsageError
from crisis_tui.i18n import Catalog
from crisis_tui.ui.keymap import localize_bindings


def error_text(error: BaseException | str, catalog: Catalog) -> str:
    """A failure as the user reads it: a text as it is, a UsageError (already one clear line) in the catalog's
    language, any other error with its type's name before its message."""
    if isinstance(error, UsageError):
        return error.said(catalog)
    if isinstance(error, str):
        return error
    return f"{type(error).__name__}: {error}"


def report_error(screen: Screen, catalog: Catalog, error: BaseException | str) -> None:
    """A failure said in a toast and in the error dialog (its text can be copied) pushed over `screen`."""
    text = error_text(error, catalog)
    screen.notify(text, severity="error", timeout=10)
    screen.app.push_screen(ErrorDialog(catalog, text))


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question: `y`/enter on Yes confirms, `n`/escape refuses."""

    AUTO_FOCUS = ""  # on_mount focuses, without scrolling a tall box away from its top
    HELP_KEY = "ui.help.confirm"
    BINDINGS = [
        Binding("y,o", "answer(True)", "ui.keys.yes", show=False, id="dialog.yes"),
        Binding("n,escape", "answer(False)", "ui.keys.no", show=False, id="dialog.no"),
    ]

    def __init__(self, catalog: Catalog, message: str, *, title: str | None = None, danger: bool = True) -> None:
        super().__init__(classes="dialog")
        localize_bindings(self, catalog)
        self.catalog = catalog
        self.message = message
        self.title_text = title or catalog.t("ui.dialog.confirm_title")
        self.danger = danger

    def compose(self) -> ComposeResult:
        t = self.catalog.t
        with Vertical(classes="dialog-box"):
            yield Label(self.title_text, classes="dialog-title")
            yield Label(self.message, classes="dialog-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("ui.dialog.yes"), id="yes", variant="error" if self.danger else "primary")
                yield Button(t("ui.dialog.no"), id="no")

    def on_mount(self) -> None:
        self.query_one("#no" if self.danger else "#yes", Button).focus(scroll_visible=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ErrorDialog(ModalScreen[None]):
    """An error the user can read, select and copy (`c` copies all of it); escape or enter closes."""

    AUTO_FOCUS = ""  # on_mount focuses, without scrolling a tall box away from its top
    HELP_KEY = "ui.help.error"
    BINDINGS = [
        Binding("escape,enter", "close", "ui.dialog.close", show=False, id="dialog.close"),
        Binding("c", "copy", "ui.dialog.copy", show=False, id="dialog.copy"),
    ]

    def __init__(self, catalog: Catalog, text: str, *, title: str | None = None) -> None:
        super().__init__(classes="dialog")
        localize_bindings(self, catalog)
        self.catalog = catalog
        self.text = text
        self.title_text = title or catalog.t("ui.dialog.error_title")

    def compose(self) -> ComposeResult:
        t = self.catalog.t
        with Vertical(classes="dialog-box error-box"):
            yield Label(self.title_text, classes="dialog-title")
            yield TextArea(self.text, read_only=True, soft_wrap=True, id="error-text")
            yield Label(t("ui.dialog.error_hint"), classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("ui.dialog.copy"), id="copy")
                yield Button(t("ui.dialog.close"), id="close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus(scroll_visible=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "copy":
            self.action_copy()
        else:
            self.dismiss(None)

    def action_copy(self) -> None:
        area = self.query_one(TextArea)
        self.app.copy_to_clipboard(area.selected_text or self.text)
        self.notify(self.catalog.t("ui.dialog.copied"))

    def action_close(self) -> None:
        self.dismiss(None)


class TextInputDialog(ModalScreen[str | None]):
    """One line of text: enter gives it, escape gives None."""

    HELP_KEY = "ui.help.text_input"
    BINDINGS = [Binding("escape", "cancel", "ui.dialog.cancel", show=False, id="dialog.cancel")]

    def __init__(self, catalog: Catalog, title: str, value: str = "", *, placeholder: str = "") -> None:
        super().__init__(classes="dialog")
        localize_bindings(self, catalog)
        self.catalog = catalog
        self.title_text = title
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(value=self.value, placeholder=self.placeholder, id="text-input")
            yield Label(self.catalog.t("ui.dialog.input_hint"), classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
