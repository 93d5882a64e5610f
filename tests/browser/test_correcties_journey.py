"""Issue 15, in the browser: the meldpunt corrects a wrongly typed birth date and adds a newborn to a household;
the casusregisseur marks a waiting list solved and the procesmanager's dashboard count drops."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from bzt.models import Organisatie
from casusregie import services as casus_services
from meldpunt.models import Correctie
from tests import factories
from tests.browser.test_casus_journey import as_user, status_text  # noqa: F401 - the shared fixture
from tests.helpers import screenshot

pytestmark = [pytest.mark.browser]


def test_correct_a_birth_date_add_a_newborn_and_solve_a_waiting_list(as_user, demo):  # noqa: F811
    melding = factories.melding(demo["meldpunt"])
    hoofd = melding.betrokkenen.get().persoon

    # The meldpunt corrects the birth date that was typed wrongly, with a reason.
    mp = as_user("meldpunt")
    mp.goto(reverse("meldpunt:melding", args=[melding.pk]))
    mp.get_by_role("link", name=f"Gegevens van {hoofd.naam} corrigeren").click()
    mp.get_by_label("Geboortedatum").fill("1984-03-02")
    mp.get_by_label("Reden van de correctie").fill("Typefout: 1984 in plaats van 1948")
    mp.get_by_role("button", name="Correctie opslaan").click()
    assert "De correctie is opgeslagen" in status_text(mp)
    expect(mp.locator("#kop-huishouden + div")).to_contain_text("2 maart 1984")
    expect(mp.locator("#kop-correcties + ul")).to_contain_text("Typefout: 1984 in plaats van 1948")

    # ... and adds the newborn to the household.
    mp.get_by_role("link", name="Persoon aan het huishouden toevoegen").click()
    mp.get_by_label("Rol in het huishouden").select_option("kind")
    mp.get_by_label("Voornaam").fill("Noor")
    mp.get_by_label("Achternaam").fill(hoofd.achternaam)
    mp.get_by_label("Geboortedatum").fill((timezone.localdate() - timedelta(days=2)).isoformat())
    mp.get_by_label("Reden van de correctie").fill("Kind geboren")
    mp.get_by_role("button", name="Toevoegen").click()
    assert "De correctie is opgeslagen" in status_text(mp)
    expect(mp.locator("#kop-huishouden + div")).to_contain_text(f"Noor {hoofd.achternaam}")
    screenshot(mp, "correcties-melding")
    hoofd.refresh_from_db()
    assert hoofd.geboortedatum == date(1984, 3, 2)
    assert Correctie.objects.filter(melding=melding).count() == 2

    # A waiting list holds up a casus: the procesmanager's dashboard counts it.
    casus = factories.casus(demo)
    casus_services.wachtlijst_melden(
        door=casus.casusregisseur,
        casus=casus,
        organisatie=Organisatie.objects.get(naam="Iriszorg"),
        voorziening="Beschermd wonen",
        sinds=timezone.localdate() - timedelta(days=5),
    )
    pm = as_user("procesmanager")
    pm.goto(reverse("casusregie:dashboard"))
    expect(pm.locator("#wachtlijsten").locator("..")).to_contain_text("Iriszorg")

    # The regisseur marks it solved with its outcome; the dashboard no longer counts it.
    reg = as_user("regisseur_dimence")
    reg.goto(reverse("casusregie:dossier", args=[casus.pk]))
    reg.get_by_role("link", name="Opgelost: Iriszorg, Beschermd wonen").click()
    reg.get_by_label("Geplaatst").check()
    reg.get_by_role("button", name="Opgelost").click()
    assert "De wachtlijst is opgelost" in status_text(reg)
    expect(reg.locator("#kop-wachtlijsten + p")).to_contain_text("geplaatst")
    pm.reload()
    expect(pm.locator("#wachtlijsten").locator("..")).to_contain_text("Er zijn geen open wachtlijsten gemeld.")
