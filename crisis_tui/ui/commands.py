"""The command palette (ctrl+p): namespaced commands ("meeting: ...", "go: ...", "board: ...").

The "go: ..." entries come from the app's screen hooks (`crisis_tui.ui.app.SCREEN_HOOKS`), so a new screen
appears here by adding its hook.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Callable

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from crisis_tui.i18n import Catalog

if TYPE_CHECKING:
    from crisis_tui.ui.app import CrisisApp


@dataclass(frozen=True)
class Command:
    title: str
    help: str
    run: Callable[[], object]


def app_commands(app: "CrisisApp", screen: Screen) -> list[Command]:
    """Every command the palette offers on `screen` (where it was opened), in display order."""
    t = app.catalog.t
    commands = [
        Command(t("ui.cmd.emergency"), t("ui.cmd.emergency_help"), app.action_emergency),
        Command(t("ui.cmd.people"), t("ui.cmd.people_help"), app.action_people),
        Command(t("ui.cmd.go_board"), t("ui.cmd.go_board_help"), partial(app.action_go, "board")),
    ]
    commands += [Command(t("ui.cmd.go", what=t(hook.title_key)), t("ui.cmd.go_help", what=t(hook.title_key)),
                         partial(app.action_go, hook.name)) for hook in app.screen_hooks]
    board = app.board
    if board is not None and screen is board:
        commands += [
            Command(t("ui.cmd.undo"), t("ui.keys.undo"), board.action_undo),
            Command(t("ui.cmd.refresh"), t("ui.keys.refresh"), board.action_recount),
            Command(t("ui.cmd.default_day"), t("ui.keys.default_day"), board.action_default_day),
            Command(t("ui.cmd.goto"), t("ui.keys.goto"), board.action_goto),
        ]
    commands.append(Command(t("ui.cmd.help"), t("ui.keys.help"), app.action_help))
    return commands


class CrisisCommands(Provider):
    def _commands(self) -> list[Command]:
        return app_commands(self.app, self.screen)  # type: ignore[arg-type]

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.title, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), command.run, text=command.title, help=command.help)


_SYSTEM_HELP_KEYS = {
    "Change the current theme": "theme_help",
    "Quit the application as soon as possible": "quit_help",
    "Hide the keys and widget help panel": "keys_hide_help",
    "Show help for the focused widget and a summary of available keys": "keys_show_help",
    "Minimize the widget and restore to normal size": "minimize_help",
    "Maximize the focused widget": "maximize_help",
    "Save an SVG 'screenshot' of the current screen": "screenshot_help",
}


def localized(command: SystemCommand, catalog: Catalog) -> SystemCommand:
    """One of Textual's own palette commands with its title and help in the catalog's language (unchanged when
    Textual brings one the catalog does not know)."""
    title_key, help_key = f"ui.system.{command.title}", _SYSTEM_HELP_KEYS.get(command.help)
    return command._replace(
        title=catalog.t(title_key) if catalog.has(title_key) else command.title,
        help=catalog.t(f"ui.system.{help_key}") if help_key else command.help,
    )
