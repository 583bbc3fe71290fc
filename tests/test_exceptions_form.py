"""The exception form's defaults and size (found by an audit): the site and activity of the cell the screen was
opened for; with no cell, no site until the chair chooses one (never every site silently); every field on an
80x24 terminal."""

from __future__ import annotations

from textual.geometry import Region
from textual.widgets import Input, Label, Select, Static

from crisis_tui.i18n import Catalog
from crisis_tui.ui.screens.exceptions import EVERY_SITE, ExceptionForm, ExceptionsScreen
from tests.test_exceptions_screen import D1, active, settled, setup
from tests.ui_pilot import hosted


async def opened_form(pilot, screen) -> ExceptionForm:
    await settled(pilot, screen)
    await pilot.press("a")
    await pilot.pause()
    form = pilot.app.screen
    assert isinstance(form, ExceptionForm)
    return form


def test_the_form_starts_on_the_cell_the_screen_was_opened_for(workspace):
    meeting_id = setup(workspace)
    screen = ExceptionsScreen(workspace, Catalog("fr"), meeting_id, D1, D1, site="ARL", activity="surgery")

    async def steps(pilot, screen):
        form = await opened_form(pilot, screen)
        assert form.query_one("#form-site", Select).value == "ARL"
        assert form.query_one("#form-activity", Select).value == "surgery"
        for ch in "lambert":
            await pilot.press(ch)
        await pilot.press("ctrl+s")
        await settled(pilot, screen)

    hosted(screen, steps, (160, 45))
    added = active(workspace)[-1]
    assert (added.value, added.site, added.activity) == ("lambert", "ARL", "surgery")


def test_with_no_cell_the_site_must_be_chosen_and_every_site_is_one_choice(workspace):
    meeting_id = setup(workspace)
    screen = ExceptionsScreen(workspace, Catalog("fr"), meeting_id, D1, D1)

    async def steps(pilot, screen):
        form = await opened_form(pilot, screen)
        site = form.query_one("#form-site", Select)
        assert site.is_blank() and "Choisir le site" in str(site.query_one("SelectCurrent #label", Static).render())
        for ch in "lambert":
            await pilot.press(ch)
        await pilot.press("ctrl+s")  # a quick save: refused, the site asked for
        await pilot.pause()
        assert pilot.app.screen is form and form.focused is site
        assert "Choisissez le site" in str(form.query_one("#form-error", Static).render())
        site.value = EVERY_SITE  # chosen, not assumed
        await pilot.press("ctrl+s")
        await settled(pilot, screen)

    hosted(screen, steps, (160, 45))
    added = active(workspace)[-1]
    assert (added.value, added.site, added.activity) == ("lambert", None, "consultation")


def test_every_field_of_the_form_is_on_an_80x24_screen(workspace):
    meeting_id = setup(workspace)
    for lang in ("fr", "en"):
        screen = ExceptionsScreen(workspace, Catalog(lang), meeting_id, D1, D1, site="LIB", activity="consultation")

        async def steps(pilot, screen):
            form = await opened_form(pilot, screen)
            for ch in "lambert":
                await pilot.press(ch)
            await pilot.pause()
            visible = Region(0, 0, 80, 24)
            box = form.query_one("ExceptionForm > Vertical").content_region
            widgets = list(form.query(Input)) + list(form.query(Select)) + list(form.query(Label))
            assert len(widgets) == 20  # 5 inputs, 4 selects, 9 field labels, the title and the hint
            for widget in widgets:
                region = widget.region
                assert region.width and visible.contains_region(region) and box.contains_region(region), (
                    lang, widget, region, box)

        hosted(screen, steps, (80, 24))


def test_words_naming_nobody_or_several_doctors_are_refused_as_the_cli_refuses_them(workspace):
    from tests.factories import appointment

    meeting_id = setup(workspace)
    with workspace.session() as s:
        for doctor in ("Dr Jean Martin", "Dr Saint-Martin"):
            appointment(s, "LIB", "consultation", D1, doctor=doctor)
    screen = ExceptionsScreen(workspace, Catalog("fr"), meeting_id, D1, D1, site="LIB", activity="consultation")

    async def steps(pilot, screen):
        form = await opened_form(pilot, screen)
        error = form.query_one("#form-error", Static)

        async def saved(value: str) -> str:
            form.query_one("#form-value", Input).value = value
            await pilot.press("ctrl+s")
            for _ in range(100):
                await pilot.pause()
                if pilot.app.screen is not form or str(error.render()):
                    break
            return str(error.render())

        assert "aucun des 4 RDV" in await saved("Lambret") and "proches : Dr Lambert" in str(error.render())
        refusal = await saved("Martin")
        assert "plusieurs noms" in refusal and "Dr Jean Martin (1)" in refusal and "Dr Saint-Martin (1)" in refusal
        assert pilot.app.screen is form
        await saved("Martin")  # the very same words again: both are meant
        await settled(pilot, screen)

    hosted(screen, steps, (160, 45))
    assert [o.value for o in active(workspace)] == ["Oncologie", "Martin"]


def test_enter_moves_through_every_field_lists_included_and_saves_from_the_last(workspace):
    meeting_id = setup(workspace)
    screen = ExceptionsScreen(workspace, Catalog("fr"), meeting_id, D1, D1, site="LIB", activity="consultation")

    async def steps(pilot, screen):
        form = await opened_form(pilot, screen)
        for ch in "lambert":
            await pilot.press(ch)
        seen = []
        for _ in range(16):
            if pilot.app.screen is not form:
                break
            seen.append(pilot.app.focused.id)
            await pilot.press("enter")  # on a list: opens it, then again: takes the choice and moves on
            await pilot.pause()
        await settled(pilot, screen)
        assert "form-site" in seen and "form-status" in seen

    hosted(screen, steps, (160, 45))
    assert active(workspace)[-1].value == "lambert"
