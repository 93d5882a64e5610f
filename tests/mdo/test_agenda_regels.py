"""mdo.selectors.agenda_regels and print_regels, the view model of the agenda, called directly (not through a view)."""

from django.urls import reverse

from mdo import selectors, services
from mdo.forms import NotulenForm, PlanBesluitForm, ToewijzenForm
from tests import factories


def _regels(demo, overleg, **kwargs):
    return selectors.agenda_regels(
        demo["procesmanager"], selectors.overleg_detail(demo["procesmanager"], overleg.pk), **kwargs
    )


def test_an_open_melding_item_gets_its_person_forms_links_and_the_other_mdos(demo):
    factories.mdo_melding(demo, huishouden=[("hoofdpersoon", factories.persoon_gegevens(achternaam="Regelmans"))])
    overleg = factories.overleg(demo)
    ander = factories.overleg(demo, dagen=14)
    [regel] = _regels(demo, overleg)
    punt = overleg.agendapunten.get()
    assert (regel.nummer, regel.punt, regel.persoon.achternaam) == (1, punt, "Regelmans")
    assert isinstance(regel.forms["toewijzen"], ToewijzenForm) and regel.forms["toewijzen"].prefix == f"t{punt.pk}"
    assert isinstance(regel.forms["besluit"], NotulenForm) and not isinstance(regel.forms["besluit"], PlanBesluitForm)
    assert regel.forms["toewijzen"].kandidaten  # the ranked regisseurs
    assert set(regel.urls) == {"melding", "verplaatsen", "besluit", "regisseurs_zoeken", "agenda"}
    assert regel.urls["besluit"] == reverse("mdo:besluit", args=[overleg.pk, punt.pk])
    assert regel.urls["melding"] == reverse("meldpunt:melding", args=[punt.melding_id])
    assert [pk for pk, _ in regel.naar] == [str(ander.pk)]
    assert regel.gevonden is None and regel.zoek == ""


def test_the_regisseur_search_and_a_bound_form_land_on_their_own_item(demo):
    factories.mdo_melding(demo)
    factories.mdo_melding(demo)
    overleg = factories.overleg(demo)
    eerste, tweede = overleg.agendapunten.order_by("volgorde")
    achternaam = demo["regisseur_mee"].last_name
    bound = NotulenForm({}, prefix=f"b{tweede.pk}")
    regels = _regels(demo, overleg, zoek_punt=str(tweede.pk), zoek=achternaam, bound=(tweede.pk, "besluit", bound))
    assert regels[0].gevonden is None and regels[0].forms["besluit"] is not bound
    assert regels[1].zoek == achternaam and regels[1].forms["besluit"] is bound
    assert str(demo["regisseur_mee"].pk) in [optie["pk"] for optie in regels[1].gevonden]


def test_a_closed_agenda_offers_no_forms_and_the_print_rows_have_none(demo):
    factories.mdo_melding(demo, huishouden=[("hoofdpersoon", factories.persoon_gegevens(achternaam="Afgerond"))])
    overleg = factories.overleg(demo)
    services.overleg_afronden(door=demo["procesmanager"], overleg=overleg)
    [regel] = _regels(demo, overleg)
    assert regel.forms == {} and regel.naar == [] and set(regel.urls) == {"melding"}
    [afdruk] = selectors.print_regels(selectors.overleg_detail(demo["procesmanager"], overleg.pk))
    assert (afdruk.nummer, afdruk.persoon.achternaam, afdruk.forms) == (1, "Afgerond", {})
