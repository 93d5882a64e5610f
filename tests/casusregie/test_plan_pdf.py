"""The plan van aanpak as PDF (issue 17): goals, actions, organisations and dates, for whoever may see the plan,
logged as an export; no data of household members the plan is not about."""

import subprocess
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from bzt.models import InzageRegel, Organisatie
from casusregie import services
from tests import factories


def pdf_tekst(data):
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)  # noqa: S603, S607
    return result.stdout.decode().replace("\xa0", " ")


def _plan_voor_een_van_twee(demo):
    hoofd = factories.persoon_gegevens(voornaam="Henk", achternaam="Planmans", bsn="111222333")
    partner = factories.persoon_gegevens(voornaam="Petra", achternaam="Buitenplan", bsn="123456782")
    casus = factories.casus(demo, huishouden=[("hoofdpersoon", hoofd), ("partner", partner)])
    plan = casus.plannen.get()
    henk = casus.melding.betrokkenen.get(rol="hoofdpersoon").persoon
    doel = services.doel_toevoegen(
        door=casus.casusregisseur,
        plan=plan,
        lock_version=plan.lock_version,
        leefgebied="schulden",
        omschrijving="Schulden in beeld en een betalingsregeling.",
    )
    plan.refresh_from_db()
    services.actie_toevoegen(
        door=casus.casusregisseur,
        plan=plan,
        lock_version=plan.lock_version,
        omschrijving="Aanmelden bij de schuldhulpverlening",
        eigenaar=Organisatie.objects.get(naam="Gemeente Deventer"),
        deadline=timezone.localdate() + timedelta(days=14),
        doel=doel,
        personen=[henk],
    )
    plan.refresh_from_db()
    return casus, plan, henk


def test_the_pdf_holds_the_plan_and_no_other_household_member(client, demo):
    casus, plan, henk = _plan_voor_een_van_twee(demo)
    partner = casus.melding.betrokkenen.get(rol="partner").persoon
    assert henk.bsn and partner.bsn  # both have a BSN in the register
    client.force_login(demo["regisseur_dimence"])
    response = client.get(reverse("casusregie:plan_pdf", args=[plan.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    tekst = pdf_tekst(response.content)
    for verwacht in (
        "Plan van aanpak",
        casus.nummer,
        "Henk Planmans",
        "Schulden in beeld en een betalingsregeling.",
        "Aanmelden bij de schuldhulpverlening",
        "Gemeente Deventer",
        (timezone.localdate() + timedelta(days=14)).strftime("%Y"),
    ):
        assert verwacht in tekst, verwacht
    for verboden in ("Petra", "Buitenplan", partner.bsn, henk.bsn):
        assert verboden not in tekst, verboden


def test_who_may_see_the_plan_may_download_it_and_the_download_is_logged(client, demo):
    casus, plan, henk = _plan_voor_een_van_twee(demo)
    url = reverse("casusregie:plan_pdf", args=[plan.pk])
    client.force_login(demo["regisseur_tactus"])
    assert client.get(url).status_code == 404  # not their casus: same answer as a plan that does not exist
    client.force_login(demo["meldpunt"])
    assert client.get(url).status_code == 404
    assert not InzageRegel.objects.filter(actie="exporteren").exists()

    client.force_login(demo["procesmanager"])
    assert client.get(url).status_code == 200
    [regel] = InzageRegel.objects.filter(actie="exporteren", object_type="plan")
    assert (regel.object_id, regel.persoon_id, regel.gebruiker_id) == (plan.pk, henk.pk, demo["procesmanager"].pk)
