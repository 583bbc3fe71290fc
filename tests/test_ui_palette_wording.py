"""The palette says what each screen does (found by an audit): the export entry opened a screen that writes the SMS
batch and the call lists, not the minutes, yet promised the minutes (they are written from the minutes screen)."""

from __future__ import annotations

from crisis_tui.ui.commands import app_commands
from crisis_tui.ui.screens.export import ExportScreen
from crisis_tui.ui.screens.minutes import MinutesScreen
from tests.ui_pilot import make_app, pilot_test, settle

MINUTES_WORDS = {"fr": "procès-verbal", "en": "minutes"}


@pilot_test
async def test_only_the_minutes_entry_speaks_of_the_minutes_and_the_export_entry_opens_the_export(workspace):
    for lang, typed in (("fr", "exporter SMS"), ("en", "export SMS")):
        app = make_app(workspace, lang)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            commands = app_commands(app, app.screen)
            export, = [c for c in commands if typed in c.title]
            assert MINUTES_WORDS[lang] not in export.title.lower() + export.help.lower()
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*typed)
            await pilot.pause(0.3)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ExportScreen)
            app.action_go("board")
            await settle(pilot)
            for command in app_commands(app, app.screen):  # an entry naming the minutes opens the minutes screen
                if MINUTES_WORDS[lang] in command.title.lower() and command.title.startswith(("aller", "go")):
                    command.run()
                    await settle(pilot)
                    assert isinstance(app.screen, MinutesScreen), command.title
                    app.action_go("board")
                    await settle(pilot)
