"""The App: screens, global bindings, command palette."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from crisis_tui.core.workspace import Workspace
from crisis_tui.i18n import Catalog


class CrisisApp(App):
    TITLE = "crisis-tui"

    def __init__(self, workspace: Workspace, lang: str = "fr") -> None:
        super().__init__()
        self.workspace = workspace
        self.catalog = Catalog(lang)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.catalog.t("app.title"))
        yield Footer()
