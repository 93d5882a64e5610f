"""The MDO in the browser: move an item in place (htmx) without losing typed notulen, assign a
casusregisseur, and close the meeting after confirming."""

import pytest
from playwright.sync_api import expect

from casusregie.models import Casus
from mdo.models import Overleg
from tests import factories
from tests.helpers import login, screenshot

pytestmark = [pytest.mark.browser]


def test_chair_moves_assigns_and_closes(page, demo):
    eerste = factories.mdo_melding(demo)
    tweede = factories.mdo_melding(demo, codes=("verslaving", "criminaliteit", "psychiatrie"))
    overleg = factories.overleg(demo)
    punt1, punt2 = overleg.agendapunten.order_by("volgorde")
    login(page, "procesmanager")
    page.goto(f"/mdo/{overleg.pk}/")

    page.locator(f"#id_b{punt1.pk}-notulen").fill("Half getypte notulen")
    page.locator(f"#punt-{punt2.pk} summary").first.click()  # folded: the first open item is the one opened
    page.locator(f"#punt-{punt2.pk}").get_by_role("button", name="Omhoog").click()
    expect(page.locator("#agenda .bzt-agendapunt").first).to_have_id(f"punt-{punt2.pk}")  # redrawn in place
    assert page.get_by_role("status").filter(has_text="omhoog verplaatst").count() == 1
    assert page.locator(f"#id_b{punt1.pk}-notulen").input_value() == "Half getypte notulen"
    screenshot(page, "mdo-agenda")

    item = page.locator(f"#punt-{punt2.pk}")
    item.get_by_label(str(demo["regisseur_tactus"]), exact=False).check()
    item.get_by_label("Notulen").first.fill("Verslaving en criminaliteit voorop.")
    item.get_by_role("button", name="Casusregisseur toewijzen").click()
    assert "is casusregisseur van casus" in page.get_by_role("status").inner_text()
    assert Casus.objects.get(melding=tweede).casusregisseur == demo["regisseur_tactus"]

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="MDO afronden").click()
    assert "is afgerond" in page.get_by_role("status").inner_text()
    overleg.refresh_from_db()
    assert overleg.status == Overleg.Status.AFGEROND
    assert eerste.nummer in page.content()


def test_chair_finds_a_regisseur_who_is_not_listed_and_assigns(page, demo):
    from tests.mdo.test_zoeken import extra_users

    melding = factories.mdo_melding(demo)
    extra = extra_users(demo, 12)
    overleg = factories.overleg(demo)
    punt = overleg.agendapunten.get()
    login(page, "procesmanager")
    page.goto(f"/mdo/{overleg.pk}/")
    item = page.locator(f"#punt-{punt.pk}")
    getoond = item.locator(f'input[name="t{punt.pk}-casusregisseur"]').evaluate_all("els => els.map(e => e.value)")
    gezocht = next(u for u in extra if str(u.pk) not in getoond)

    item.get_by_label("Andere casusregisseur zoeken").fill(gezocht.last_name)  # htmx, while typing
    item.get_by_role("radio", name=str(gezocht), exact=False).check()
    item.get_by_role("button", name="Casusregisseur toewijzen").click()
    assert "is casusregisseur van casus" in page.get_by_role("status").inner_text()
    assert Casus.objects.get(melding=melding).casusregisseur == gezocht
