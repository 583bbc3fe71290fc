"""F1: help for the screen or dialog it was opened from: what it is for, every key active there (as remapped by
the keymap) with its binding id, and how to remap keys."""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from crisis_tui.i18n import Catalog

GENERIC_HELP = "ui.help.generic"


@dataclass(frozen=True)
class KeyHelp:
    keys: str
    description: str
    binding_id: str


def key_help(screen: Screen) -> list[KeyHelp]:
    """The bindings with an id active on `screen` (focused widget, screen, app), one line per id, keys as
    displayed (after the keymap)."""
    app = screen.app
    by_id: dict[str, tuple[list[str], str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.id or not binding.description:
            continue
        keys, _ = by_id.setdefault(binding.id, ([], binding.description))
        shown = app.get_key_display(binding.with_key(key))
        if shown not in keys:
            keys.append(shown)
    return [KeyHelp(", ".join(keys), description, binding_id) for binding_id, (keys, description) in by_id.items()]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q", "close", show=False, id="help.close")]  # and F1, the app's help key

    def __init__(self, catalog: Catalog, help_key: str, keys: list[KeyHelp]) -> None:
        super().__init__(classes="dialog")
        self.catalog = catalog
        self.help_key = help_key if catalog.has(help_key) else GENERIC_HELP
        self.keys = keys

    def compose(self) -> ComposeResult:
        t = self.catalog.t
        table = Table(box=None, padding=(0, 2), show_header=True, header_style="bold")
        table.add_column(t("ui.help.col_keys"), no_wrap=True, style="bold")
        table.add_column(t("ui.help.col_action"))
        table.add_column(t("ui.help.col_id"), style="dim", no_wrap=True)
        for entry in self.keys:
            table.add_row(entry.keys, entry.description, entry.binding_id)
        with Vertical(classes="dialog-box help-box"):
            yield Label(t("ui.help.title"), classes="dialog-title")
            with VerticalScroll():
                yield Static(Text(t(self.help_key)), classes="help-intro")
                yield Static(table)
                yield Static(Text(t("ui.help.keymap")), classes="help-keymap")
            yield Label(t("ui.help.close"), classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
