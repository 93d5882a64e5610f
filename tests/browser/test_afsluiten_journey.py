"""Closing only when care is arranged, in the browser: the casusregisseur tries to close, is refused with the list
of what is missing (an open action, an open waiting list), arranges it (the action handed over to a named
organisation, the waiting list solved), closes, and later finds the nazorg task on the home page."""

import pytest
from django.utils import timezone

from bzt.models import Organisatie
from casusregie import services
from casusregie.models import Casus, Nazorg
from tests import factories
from tests.browser.test_casus_journey import as_user, status_text  # noqa: F401 - the shared fixture

pytestmark = [pytest.mark.browser]


def test_refused_with_what_is_missing_then_arranged_closed_and_looked_back_on(as_user, demo):  # noqa: F811
    casus = factories.casus(demo)
    factories.vastgesteld_plan(demo, casus)  # its action "Aanmelden schuldhulp" is still open
    services.wachtlijst_melden(
        door=casus.casusregisseur,
        casus=casus,
        organisatie=Organisatie.objects.get(naam="Iriszorg"),
        voorziening="Beschermd wonen",
        sinds=timezone.localdate(),
    )
    reg = as_user("regisseur_dimence")
    reg.goto(f"/casussen/{casus.pk}/")
    afsluiten = reg.locator("#kop-afsluiten").locator("..")
    assert "Nog niet geregeld" in afsluiten.inner_text()  # the checklist, before submitting

    # The casusregisseur tries to close anyway: refused with every condition that is not met.
    reg.get_by_label("Reden van afsluiten").select_option(label="Doelen bereikt")
    reg.once("dialog", lambda d: d.accept())
    reg.get_by_role("button", name="Casus afsluiten").click()
    weigering = reg.locator("#kop-afsluiten").locator("..").get_by_role("alert").inner_text()
    assert "De casus is niet afgesloten:" in weigering
    assert "Actie ‘Aanmelden schuldhulp’ (Gemeente Deventer) is nog open" in weigering
    assert "De wachtlijst bij Iriszorg voor Beschermd wonen is nog niet opgelost." in weigering
    assert Casus.objects.get(pk=casus.pk).open

    # Arranging it: the action is handed over to Carinova, the waiting list is solved.
    reg.get_by_role("link", name="Plan bekijken").click()
    reg.get_by_label("Overdragen aan (organisatie) voor Aanmelden schuldhulp").select_option(label="Carinova")
    reg.get_by_role("button", name="Overdragen").click()
    assert "De actie is overgedragen aan Carinova." in status_text(reg)
    reg.goto(f"/casussen/{casus.pk}/")
    reg.get_by_role("link", name="Opgelost: Iriszorg").click()  # solved with its outcome (issue 15)
    reg.get_by_label("Geplaatst").check()
    reg.get_by_role("button", name="Opgelost").click()
    assert "De wachtlijst is opgelost" in status_text(reg)
    reg.goto(f"/casussen/{casus.pk}/")
    assert "Alles is geregeld" in reg.locator("#kop-afsluiten").locator("..").inner_text()

    # Now it closes.
    reg.get_by_label("Reden van afsluiten").select_option(label="Doelen bereikt")
    reg.once("dialog", lambda d: d.accept())
    reg.get_by_role("button", name="Casus afsluiten").click()
    assert "De casus is afgesloten." in status_text(reg)
    casus.refresh_from_db()
    assert casus.status == Casus.Status.AFGESLOTEN

    # Months later (the date set here): the nazorg task is on the home page; "hoe gaat het?" is recorded.
    reg.goto("/")
    assert "Nazorg: hoe gaat het?" not in reg.content()
    Nazorg.objects.filter(casus=casus).update(op=timezone.localdate())
    reg.reload()
    taak = reg.get_by_role("form", name=f"Nazorg {casus.nummer}")
    taak.get_by_label("Stabiel: het gaat goed").check()
    taak.get_by_label("Korte notitie").fill("Gebeld: de huur wordt betaald, contact met Carinova loopt.")
    taak.get_by_role("button", name="Nazorg vastleggen").click()
    assert "De nazorg is vastgelegd." in status_text(reg)
    nazorg = Nazorg.objects.get(casus=casus)
    assert (nazorg.status, nazorg.uitkomst, nazorg.uitgevoerd_door) == (
        "uitgevoerd",
        "stabiel",
        demo["regisseur_dimence"],
    )
    assert reg.get_by_role("form", name=f"Nazorg {casus.nummer}").count() == 0  # done: off the home page
