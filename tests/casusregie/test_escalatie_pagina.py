"""The escalation page at working density (issue 17): the level's own question first, its answer form right
under it, then the history; a doorbraak as a readable block (budget, the three justifications as a list)."""

import re
from decimal import Decimal

from django.urls import reverse

from casusregie import services
from casusregie.models import EscalatieNiveau
from tests import factories


def test_question_then_answer_form_then_history_and_the_doorbraak_as_a_block(client, demo):
    casus = factories.casus(demo)
    e = services.casus_escaleren(door=casus.casusregisseur, casus=casus, reden="wachtlijst", vraag="VRAAG-PM")
    services.escalatie_opschalen(
        door=demo["procesmanager"],
        escalatie=e,
        naar=EscalatieNiveau.objects.get(code="wethouder"),
        toelichting="VRAAG-WH",
    )
    e.refresh_from_db()
    services.doorbraak_vastleggen(
        door=demo["wethouder"],
        escalatie=e,
        maatwerkbudget=Decimal("4800"),
        legitimiteit="Past binnen de Wmo.",
        betrokkenheid="Alle partners akkoord.",
        rendement="Voorkomt een huisuitzetting.",
    )
    client.force_login(demo["wethouder"])
    html = client.get(reverse("casusregie:escalatie", args=[e.pk])).content.decode()

    volgorde = [html.index(t) for t in ("VRAAG-WH", "Antwoord vastleggen", "Eerder verloop", "VRAAG-PM")]
    assert volgorde == sorted(volgorde)
    blok = re.search(r'<section class="bzt-card bzt-doorbraak".*?</section>', html, re.S).group(0)
    assert "4.800,00" in blok
    punten = re.findall(r"<li><strong>(\w+)</strong><br>([^<]+)</li>", blok)
    assert punten == [
        ("Legitimiteit", "Past binnen de Wmo."),
        ("Betrokkenheid", "Alle partners akkoord."),
        ("Rendement", "Voorkomt een huisuitzetting."),
    ]
