"""The MDO is the casusregisseur's meeting too (issue 14; seed 000: "In het MDO zijn de betrokken
casusregisseurs aanwezig"): a casusregisseur puts their own casus on a coming MDO with a question, sees the agenda
items and besluiten about their own casussen (nothing else of the agenda), and the besluit is in their dossier."""

import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bzt.workflow import TransitionNotAllowed
from casusregie import rechten as casus_rechten
from casusregie import services as casus_services
from casusregie.models import AfsluitReden, Casus
from casusregie.timeline import tijdlijn
from casusregie.workflow import WIJZIGEN
from mdo import selectors, services
from mdo.models import AgendaPunt
from tests import factories

MIJN = "mdo:mijn_punten"


def _agenderen(demo, casus, vraag="Hoe krijgen we de woningcorporatie aan tafel?", **kwargs):
    return services.casus_agenderen(door=demo["regisseur_dimence"], casus=casus, vraag=vraag, **kwargs)


def test_the_regisseur_puts_their_own_casus_on_the_next_mdo_with_a_question(demo):
    c = factories.casus(demo)
    factories.overleg(demo, dagen=14)
    eerst = factories.overleg(demo, dagen=3)
    punt = _agenderen(demo, c)
    assert punt.overleg == eerst and punt.soort == AgendaPunt.Soort.CASUSBESPREKING and punt.open
    assert (
        punt.vraag == "Hoe krijgen we de woningcorporatie aan tafel?"
        and punt.aangemeld_door == demo["regisseur_dimence"]
    )
    assert punt.history.first().history_user == demo["regisseur_dimence"]
    # the chair sees the question on the agenda
    regels = selectors.agenda_regels(demo["procesmanager"], selectors.overleg_detail(demo["procesmanager"], eerst.pk))
    assert [r.punt.vraag for r in regels if r.punt.casus_id == c.pk] == [punt.vraag]


def test_only_who_holds_the_change_right_on_the_casus_may_put_it_on_the_agenda(demo):
    c = factories.casus(demo)
    factories.overleg(demo)
    casus_services.betrokkene_toevoegen(
        door=demo["regisseur_dimence"],
        casus=c,
        professional=demo["regisseur_iriszorg"],
        rol="Hulp",
        grondslag="convenant",
    )
    for wie in ("regisseur_tactus", "regisseur_iriszorg", "procesmanager", "meldpunt"):
        with pytest.raises(PermissionDenied):
            services.casus_agenderen(door=demo[wie], casus=c, vraag="Mag dit?")
    assert not AgendaPunt.objects.filter(casus=c).exists()


def test_refusals_are_clear_dutch_messages(demo):
    c = factories.casus(demo)
    with pytest.raises(ValidationError, match="nog geen MDO gepland"):
        _agenderen(demo, c)
    overleg = factories.overleg(demo)
    with pytest.raises(ValidationError, match="Schrijf de vraag"):
        _agenderen(demo, c, vraag="  ")
    _agenderen(demo, c)
    with pytest.raises(ValidationError, match="staat al"):
        _agenderen(demo, c)
    services.overleg_afronden(door=demo["procesmanager"], overleg=overleg)
    ander = factories.casus(demo)
    with pytest.raises(ValidationError, match="komend, gepland MDO"):
        _agenderen(demo, ander, overleg=overleg)
    factories.overleg(demo, dagen=10)
    ander = factories.afsluitklaar(demo, ander)
    casus_services.casus_afsluiten(
        door=demo["regisseur_dimence"], casus=ander, reden=AfsluitReden.objects.get(code="doel_bereikt")
    )
    with pytest.raises((ValidationError, PermissionDenied)):  # a closed casus: the change right is gone too
        _agenderen(demo, ander)


def test_the_besluit_and_the_question_are_in_the_dossier_timeline_and_a_postponed_question_moves_on(demo):
    c = factories.casus(demo)
    overleg = factories.overleg(demo, dagen=3)
    volgend = factories.overleg(demo, dagen=10)
    punt = _agenderen(demo, c)
    services.besluit_aanhouden(door=demo["procesmanager"], punt=punt, notulen="Eerst de corporatie uitnodigen.")
    doorgeschoven = AgendaPunt.objects.get(overleg=volgend, casus=c)
    assert doorgeschoven.vraag == punt.vraag and doorgeschoven.aangemeld_door == demo["regisseur_dimence"]
    services.besluit_besproken(door=demo["procesmanager"], punt=doorgeschoven, notulen="Corporatie schuift aan.")
    teksten = [e.tekst for e in tijdlijn(c) if e.soort == "mdo"]
    assert any(f"MDO {overleg.datum:%d-%m-%Y}: Aangehouden" in t for t in teksten)
    assert any("Besproken — Corporatie schuift aan." in t for t in teksten)
    assert any("met de vraag: Hoe krijgen we de woningcorporatie aan tafel?" in t for t in teksten)


def test_mijn_mdo_punten_shows_the_own_items_and_besluiten_and_nothing_else_of_the_agenda(client, demo):
    eigen = factories.casus(demo, huishouden=[("hoofdpersoon", factories.persoon_gegevens(achternaam="Eigenaar"))])
    vreemd = factories.casus(
        demo,
        regisseur="regisseur_tactus",
        huishouden=[("hoofdpersoon", factories.persoon_gegevens(achternaam="Vreemdeling"))],
    )
    overleg = factories.overleg(demo)
    _agenderen(demo, eigen, vraag="Vraag over mijn eigen casus")
    ander_punt = services.casus_agenderen(door=demo["regisseur_tactus"], casus=vreemd, vraag="Geheime vraag van Tactus")
    services.besluit_besproken(door=demo["procesmanager"], punt=ander_punt, notulen="Notulen over Vreemdeling")
    services.overleg_afronden(door=demo["procesmanager"], overleg=overleg, overige_aanwezigen="Jan Aanwezig, Politie")

    client.force_login(demo["regisseur_dimence"])
    body = client.get(reverse(MIJN)).content.decode()
    assert "Vraag over mijn eigen casus" in body and eigen.nummer in body
    assert "Niet behandeld; doorgeschoven." in body  # the besluit of the own item
    for vreemd_woord in ("Geheime vraag", "Vreemdeling", vreemd.nummer, "Jan Aanwezig"):
        assert vreemd_woord not in body

    client.force_login(demo["regisseur_tactus"])
    body = client.get(reverse(MIJN)).content.decode()
    assert "Notulen over Vreemdeling" in body
    assert "Vraag over mijn eigen casus" not in body and eigen.nummer not in body

    for wie in ("procesmanager", "meldpunt", "beleid"):
        client.force_login(demo[wie])
        assert client.get(reverse(MIJN)).status_code == 403


def test_web_the_regisseur_puts_a_casus_on_the_agenda(client, demo):
    c = factories.casus(demo)
    ander = factories.casus(demo, regisseur="regisseur_tactus")
    overleg = factories.overleg(demo)
    client.force_login(demo["regisseur_dimence"])
    dossier = client.get(reverse("casusregie:dossier", args=[c.pk])).content.decode()
    assert reverse(MIJN) in dossier
    page = client.get(reverse(MIJN) + f"?casus={c.pk}")
    assert page.status_code == 200
    assert [v for v, _ in page.context["form"].fields["casus"].choices if v] == [c.pk]  # only own casussen

    url = reverse("mdo:casus_agenderen")
    response = client.post(url, {"agenderen-casus": c.pk, "agenderen-overleg": overleg.pk, "agenderen-vraag": ""})
    assert response.status_code == 200 and "Schrijf de vraag die u aan het MDO stelt." in response.content.decode()
    response = client.post(url, {"agenderen-casus": ander.pk, "agenderen-overleg": overleg.pk, "agenderen-vraag": "x"})
    assert response.status_code == 200 and "Kies een open casus van uzelf." in response.content.decode()
    assert not AgendaPunt.objects.filter(casus=ander).exists()
    response = client.post(
        url, {"agenderen-casus": c.pk, "agenderen-overleg": overleg.pk, "agenderen-vraag": "Wie neemt de schulden op?"}
    )
    assert response.status_code == 302
    assert AgendaPunt.objects.get(casus=c, overleg=overleg).vraag == "Wie neemt de schulden op?"
    assert "Wie neemt de schulden op?" in client.get(reverse(MIJN)).content.decode()

    client.force_login(demo["procesmanager"])  # not a regisseur: no form
    assert (
        client.post(url, {"agenderen-casus": c.pk, "agenderen-overleg": overleg.pk, "agenderen-vraag": "x"}).status_code
        == 403
    )


def test_a_closed_mdo_refuses_in_the_service_not_with_a_500(demo):
    c = factories.casus(demo)
    overleg = factories.overleg(demo)
    services.overleg_afronden(door=demo["procesmanager"], overleg=overleg)
    with pytest.raises(ValidationError) as refused:
        _agenderen(demo, c, overleg=overleg)
    assert not isinstance(refused.value, TransitionNotAllowed) or refused.value.messages


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_put_the_casus_on_the_agenda_once(demo):
    """Two tabs submit at the same moment: the casus row lock serialises them; the second sees the first item."""
    from django.db import transaction

    from casusregie.models import Casus

    c = factories.casus(demo)
    factories.overleg(demo)
    bezig, results = threading.Event(), {}

    def eerste():
        try:
            with transaction.atomic():
                _agenderen(demo, Casus.objects.get(pk=c.pk), vraag="Eerste")
                bezig.set()
                time.sleep(1)
            results["eerste"] = "ok"
        finally:
            bezig.set()
            connection.close()

    def tweede():
        try:
            bezig.wait(timeout=30)
            _agenderen(demo, Casus.objects.get(pk=c.pk), vraag="Tweede")
            results["tweede"] = "ok"
        except ValidationError:
            results["tweede"] = "geweigerd"
        finally:
            connection.close()

    threads = [threading.Thread(target=eerste), threading.Thread(target=tweede)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == {"eerste": "ok", "tweede": "geweigerd"}
    assert list(AgendaPunt.objects.filter(casus=c).values_list("vraag", flat=True)) == ["Eerste"]


def _eigen_casussen_met_punten(demo, overleg, aantal):
    """`aantal` casussen of regisseur_dimence, each with two items: the melding assigned at the MDO (an item
    on the melding) and the casus put on that agenda with a question (an item on the casus)."""
    meldingen = [factories.mdo_melding(demo) for _ in range(aantal)]
    services.agenda_vullen(door=demo["procesmanager"], overleg=overleg)
    casussen = []
    for melding in meldingen:
        punt = AgendaPunt.objects.get(overleg=overleg, melding=melding)
        c = services.besluit_toewijzen(
            door=demo["procesmanager"], punt=punt, casusregisseur=demo["regisseur_dimence"], notulen="Akkoord."
        )
        _agenderen(demo, c, vraag=f"Vraag over {c.nummer}")
        casussen.append(c)
    return casussen


def test_mijn_mdo_punten_uses_the_same_number_of_queries_for_one_or_four_casussen(client, demo):
    overleg = factories.overleg(demo)
    client.force_login(demo["regisseur_dimence"])

    def pagina():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse(MIJN))
        assert response.status_code == 200
        return response, len(ctx.captured_queries)

    eerst = _eigen_casussen_met_punten(demo, overleg, 1)
    response, klein = pagina()
    assert len(response.context["punten"]) == 2
    casussen = eerst + _eigen_casussen_met_punten(demo, overleg, 3)
    response, groot = pagina()
    assert groot == klein
    # both kinds of item of every own casus, each with its own casus; the open casussen in the form
    punten = response.context["punten"]
    assert sorted((p.eigen_casus.pk, p.soort) for p in punten) == sorted(
        (c.pk, soort) for c in casussen for soort in (AgendaPunt.Soort.MELDING, AgendaPunt.Soort.CASUSBESPREKING)
    )
    body = response.content.decode()
    assert all(f"Vraag over {c.nummer}" in body for c in casussen)
    assert {v for v, _ in response.context["form"].fields["casus"].choices if v} == {c.pk for c in casussen}


def test_te_agenderen_casussen_are_the_own_open_casussen_mag_allows(demo):
    """te_agenderen_casussen asks the casus's state in memory and takes the grant from eigen_casussen: that is
    mag(user, "mdo_agenderen", casus) only while that right is the change right."""
    assert casus_rechten.RECHTEN["mdo_agenderen"].permissions == (WIJZIGEN,)
    open_casus = factories.casus(demo)
    dicht = factories.afsluitklaar(demo, factories.casus(demo))
    casus_services.casus_afsluiten(
        door=demo["regisseur_dimence"], casus=dicht, reden=AfsluitReden.objects.get(code="doel_bereikt")
    )
    factories.casus(demo, regisseur="regisseur_tactus")
    for wie in ("regisseur_dimence", "regisseur_tactus", "procesmanager"):
        user = demo[wie]
        verwacht = [
            c
            for c in Casus.objects.order_by("-toegewezen_op", "-id")
            if c.status != Casus.Status.AFGESLOTEN and casus_rechten.mag(user, "mdo_agenderen", c)
        ]
        assert selectors.te_agenderen_casussen(user) == verwacht
    assert selectors.te_agenderen_casussen(demo["regisseur_dimence"]) == [open_casus]
