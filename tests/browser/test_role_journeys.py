"""The main journeys of the roles not walked elsewhere: the coördinerend ambtenaar decides an escalation at
their level; functioneel beheer blocks unused accounts."""

import pytest
from django.utils import timezone

from bzt.models import User
from casusregie import services
from casusregie.models import Escalatie, EscalatieNiveau
from tests import factories
from tests.a11y import assert_accessible
from tests.helpers import login, screenshot

pytestmark = [pytest.mark.browser]


def test_the_coordinator_answers_an_escalation_at_their_level(page, demo):
    casus = factories.casus(demo)
    escalatie = services.casus_escaleren(
        door=demo["regisseur_dimence"], casus=casus, reden="afspraken", vraag="Woningcorporatie komt afspraken niet na."
    )
    services.escalatie_opschalen(
        door=demo["procesmanager"],
        escalatie=escalatie,
        naar=EscalatieNiveau.objects.get(code="coordinerend_ambtenaar"),
        toelichting="Ambtelijk contact met de corporatie nodig.",
    )
    login(page, "coordinator")
    page.get_by_role("link", name=casus.nummer, exact=True).click()  # not the notification that names it
    assert "Woningcorporatie komt afspraken niet na." in page.locator("main").inner_text()
    page.locator("#id_antwoord-antwoord").fill("Gesprek met de directeur gepland.")
    page.locator("#id_antwoord-besluit").fill("Afspraak binnen een week nakomen.")
    page.get_by_role("button", name="Antwoord vastleggen").click()
    assert "vastgelegd" in page.get_by_role("status").inner_text()
    escalatie.refresh_from_db()
    assert escalatie.status == Escalatie.Status.BEANTWOORD
    assert_accessible(page)
    screenshot(page, "escalatie-coordinator")


def test_functioneel_beheer_blocks_accounts_that_were_not_used(page, demo):
    User.objects.filter(pk=demo["regisseur_mee"].pk).update(last_login=timezone.now() - timezone.timedelta(days=400))
    login(page, "beheer")
    assert "1 account is langer dan de ingestelde termijn niet gebruikt" in page.locator("main").inner_text()
    page.get_by_role("button", name="Nu blokkeren").click()
    assert "gestart" in page.get_by_role("status").inner_text()
    assert not User.objects.get(pk=demo["regisseur_mee"].pk).is_active
    screenshot(page, "home-beheer-na-blokkeren")
