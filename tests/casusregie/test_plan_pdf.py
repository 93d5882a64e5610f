"""The plan van aanpak as PDF (issue 17): goals, actions, organisations and dates, for whoever may see the plan,
logged as an export; no data of household members the plan is not about."""

import subprocess
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from bzt.models import Bestandstaak, InzageRegel, Organisatie
from casusregie import services
from tests import factories
from tests.helpers import pdf_via_taak


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


def test_the_pdf_holds_the_plan_and_no_other_household_member(client, demo, media, django_capture_on_commit_callbacks):
    casus, plan, henk = _plan_voor_een_van_twee(demo)
    partner = casus.melding.betrokkenen.get(rol="partner").persoon
    assert henk.bsn and partner.bsn  # both have a BSN in the register
    client.force_login(demo["regisseur_dimence"])
    url = reverse("casusregie:plan_pdf", args=[plan.pk])
    response = pdf_via_taak(client, url, django_capture_on_commit_callbacks)
    assert f"plan-van-aanpak-{casus.nummer}-v{plan.versie}.pdf" in response["Content-Disposition"]
    tekst = pdf_tekst(response.pdf)
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


def test_who_may_see_the_plan_may_download_it_and_the_download_is_logged(
    client, demo, media, django_capture_on_commit_callbacks
):
    casus, plan, henk = _plan_voor_een_van_twee(demo)
    url = reverse("casusregie:plan_pdf", args=[plan.pk])
    for username in ("regisseur_tactus", "meldpunt"):  # not their casus: same answer as a missing plan
        client.force_login(demo[username])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert not InzageRegel.objects.filter(actie="exporteren").exists()
    assert not Bestandstaak.objects.exists()

    client.force_login(demo["procesmanager"])
    assert client.get(url).status_code == 200  # the page with the button
    assert not InzageRegel.objects.filter(actie="exporteren").exists()  # asking shows nothing: not logged
    pdf_via_taak(client, url, django_capture_on_commit_callbacks)
    [regel] = InzageRegel.objects.filter(actie="exporteren", object_type="plan")
    assert (regel.object_id, regel.persoon_id, regel.gebruiker_id) == (plan.pk, henk.pk, demo["procesmanager"].pk)


def test_the_download_logs_the_persons_the_file_was_made_with(client, demo, media, django_capture_on_commit_callbacks):
    """The file keeps what it showed when it was made; a plan changed before the download (an action for the partner
    added) must not change whom the access log says was exported."""
    import re

    casus, plan, henk = _plan_voor_een_van_twee(demo)
    partner = casus.melding.betrokkenen.get(rol="partner").persoon
    client.force_login(demo["regisseur_dimence"])
    with django_capture_on_commit_callbacks(execute=True):
        voortgang = client.post(reverse("casusregie:plan_pdf", args=[plan.pk]))["Location"]
    taak = Bestandstaak.objects.get()
    assert taak.personen == [henk.pk]

    plan.refresh_from_db()
    services.actie_toevoegen(
        door=casus.casusregisseur,
        plan=plan,
        lock_version=plan.lock_version,
        omschrijving="Gesprek met de partner",
        eigenaar=Organisatie.objects.get(naam="Gemeente Deventer"),
        deadline=timezone.localdate() + timedelta(days=7),
        doel=plan.doelen.get(),
        personen=[partner],
    )
    download = re.search(r'href="(/taken/\d+/download/)"', client.get(voortgang).content.decode()).group(1)
    response = client.get(download)
    assert response.status_code == 200
    assert "Buitenplan" not in pdf_tekst(b"".join(response.streaming_content))
    regels = InzageRegel.objects.filter(actie="exporteren", object_type="plan")
    assert sorted(regels.values_list("persoon_id", flat=True)) == [henk.pk]
