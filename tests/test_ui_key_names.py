"""Keys the footer and the help name in words are named in the interface's language (found by an audit: the
French footers said "esc" and "space" while the board said "␣")."""

from __future__ import annotations

import pytest
from textual.binding import Binding
from textual.widgets import Footer

from tests.ui_pilot import fill, make_app, pilot_test, settle


@pytest.mark.parametrize("lang, expected", [
    ("fr", ["Échap", "Espace", "^s", "Maj+Tab", "^Début", "f9", "Suppr"]),
    ("en", ["esc", "space", "^s", "shift+tab", "^home", "f9", "del"]),
])
def test_keys_are_named_in_the_interface_language(workspace, lang, expected):
    app = make_app(workspace, lang=lang)
    keys = ["escape", "space", "ctrl+s", "shift+tab", "ctrl+home", "f9", "delete"]
    assert [app.get_key_display(Binding(key, "x", "y")) for key in keys] == expected
    assert app.get_key_display(Binding("space", "x", "y", key_display="␣")) == "␣"  # a display chosen stays


@pilot_test
async def test_the_french_footer_of_a_screen_says_echap(workspace):
    fill(workspace)
    app = make_app(workspace, lang="fr")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("w")  # the export screen: Échap to go back
        await settle(pilot)
        footer = app.screen.query_one(Footer)
        texts = " ".join(str(key.render()) for key in footer.query("FooterKey"))
        assert "Échap" in texts and "esc" not in texts
