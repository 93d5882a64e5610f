"""1 huishouden, 1 plan, 1 regisseur, in the browser: a new melding about a household with an open casus is added
to that casus by the meldpunt, and the casusregisseur sees it on the home page and in the dossier's timeline."""

import pytest
from django.urls import reverse

from casusregie.models import CasusMelding
from tests import factories
from tests.browser.test_casus_journey import as_user, status_text  # noqa: F401 - the shared fixture

pytestmark = [pytest.mark.browser]


def test_a_new_melding_joins_the_open_casus_and_the_regisseur_sees_it(as_user, demo):  # noqa: F811
    casus = factories.casus(demo)
    lid = casus.melding.betrokkenen.get().persoon
    nieuw = factories.melding(demo["meldpunt"], huishouden=[("hoofdpersoon", lid)])

    mp = as_user("meldpunt")
    mp.goto(reverse("meldpunt:melding", args=[nieuw.pk]))
    assert f"Casus {casus.nummer}" in mp.locator("#kop-open-casus + p").inner_text()
    mp.get_by_role("button", name="Bij de open casus voegen").click()
    assert f"is bij casus {casus.nummer} gevoegd" in status_text(mp)
    assert CasusMelding.objects.get(melding=nieuw).casus == casus

    reg = as_user("regisseur_dimence")
    signaal = reg.locator("#kop-nieuwe-meldingen + ul")
    assert f"melding {nieuw.nummer} is bij uw casus gevoegd door het meldpunt" in signaal.inner_text()
    signaal.get_by_role("link", name=casus.nummer).first.click()
    assert f"Melding {nieuw.nummer}" in reg.locator("#kop-tijdlijn").locator("..").inner_text()
    reg.goto("/")
    assert reg.locator("#kop-nieuwe-meldingen").count() == 0  # seen: the signal is gone
