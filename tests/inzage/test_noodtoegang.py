"""Break the glass: the meldpunt opens a casus outside its rights only with a written reason, for four hours,
read-only, flagged in the access log and reviewed by the procesmanager on the dashboard."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from casusregie import services
from casusregie.models import CasusToegang, Noodtoegang

from .conftest import household_ids, rows

REDEN = "Acute dreiging gemeld door de politie; regisseur onbereikbaar."


def urls(casus):
    return {
        "dossier": reverse("casusregie:dossier", args=[casus.pk]),
        "noodtoegang": reverse("casusregie:noodtoegang", args=[casus.pk]),
        "melding": reverse("meldpunt:melding", args=[casus.melding_id]),
        "plan": reverse("casusregie:plan", args=[casus.plannen.get().pk]),
    }


@pytest.fixture
def meldpunt(client, demo):
    client.force_login(demo["meldpunt"])
    return client


def test_the_melding_page_offers_emergency_access_with_a_warning(meldpunt, casus):
    u = urls(casus)
    assert meldpunt.get(u["dossier"]).status_code == 404
    html = meldpunt.get(u["melding"]).content.decode()
    assert "Noodtoegang tot de casus" in html and u["noodtoegang"] in html
    html = meldpunt.get(u["noodtoegang"]).content.decode()
    assert "U heeft geen recht op deze casus." in html
    assert "procesmanager beoordeelt" in html and "vervalt na 4 uur" in html


@pytest.mark.parametrize("reden", ["", "   ", "te kort"])
def test_without_a_written_reason_there_is_no_access(meldpunt, casus, reden):
    u = urls(casus)
    response = meldpunt.post(u["noodtoegang"], {"noodtoegang-reden": reden})
    assert response.status_code == 200
    assert "aria-invalid" in response.content.decode()
    assert not Noodtoegang.objects.exists()
    assert meldpunt.get(u["dossier"]).status_code == 404
    assert not rows(grond="noodtoegang")


def test_with_a_reason_the_meldpunt_reads_the_casus_for_four_hours_flagged_in_the_log(meldpunt, demo, casus):
    u = urls(casus)
    response = meldpunt.post(u["noodtoegang"], {"noodtoegang-reden": REDEN})
    assert response.status_code == 302 and response.url == u["dossier"]
    toegang = Noodtoegang.objects.get()
    assert (toegang.gebruiker, toegang.casus, toegang.reden) == (demo["meldpunt"], casus, REDEN)
    assert timedelta(hours=3, minutes=59) < toegang.verloopt_op - timezone.now() <= timedelta(hours=4)
    assert toegang.history.get().history_user == demo["meldpunt"]
    assert CasusToegang.objects.filter(casus=casus, gebruiker=demo["meldpunt"], reden=REDEN).exists()

    response = meldpunt.get(u["dossier"])
    assert response.status_code == 200
    assert "Noodtoegang" in response.content.decode()
    assert meldpunt.get(u["plan"]).status_code == 200
    logged = rows(gebruiker=demo["meldpunt"])
    assert {r.grond for r in logged} == {"noodtoegang"}
    assert {r.persoon_id for r in logged if r.object_type == "casus"} == household_ids(casus)
    assert {r.object_type for r in logged} == {"casus", "plan"}
    # The melding page now links straight to the dossier.
    assert "U heeft noodtoegang tot" in meldpunt.get(u["melding"]).content.decode()
    assert meldpunt.get(u["noodtoegang"]).status_code == 302


def test_emergency_access_is_read_only(meldpunt, demo, casus):
    services.noodtoegang_openen(door=demo["meldpunt"], casus=casus, reden=REDEN)
    response = meldpunt.post(reverse("casusregie:journaal_toevoegen", args=[casus.pk]), {"journaal-tekst": "Notitie"})
    assert response.status_code == 403
    assert not casus.journaal.filter(tekst="Notitie").exists()
    html = meldpunt.get(urls(casus)["dossier"]).content.decode()
    assert "Toevoegen aan journaal" not in html and "Casus afsluiten" not in html


def test_after_four_hours_the_casus_is_closed_again(meldpunt, demo, casus):
    toegang = services.noodtoegang_openen(door=demo["meldpunt"], casus=casus, reden=REDEN)
    assert meldpunt.get(urls(casus)["dossier"]).status_code == 200
    Noodtoegang.objects.filter(pk=toegang.pk).update(verloopt_op=timezone.now() - timedelta(seconds=1))
    before = len(rows())
    assert meldpunt.get(urls(casus)["dossier"]).status_code == 404
    assert meldpunt.get(urls(casus)["plan"]).status_code == 404
    assert len(rows()) == before


def test_who_may_break_the_glass(demo, casus):
    with pytest.raises(PermissionDenied):
        services.noodtoegang_openen(door=demo["regisseur_tactus"], casus=casus, reden=REDEN)
    with pytest.raises(PermissionDenied):
        services.noodtoegang_openen(door=demo["wethouder"], casus=casus, reden=REDEN)
    with pytest.raises(PermissionDenied):  # a casusregisseur works through grants, never breaks the glass
        services.noodtoegang_openen(door=demo["regisseur_dimence"], casus=casus, reden=REDEN)
    services.noodtoegang_openen(door=demo["meldpunt"], casus=casus, reden=REDEN)
    with pytest.raises(ValidationError, match="al noodtoegang"):
        services.noodtoegang_openen(door=demo["meldpunt"], casus=casus, reden=REDEN)
    # The procesmanager already sees every casus; an explicit emergency access is still allowed and flagged.
    services.noodtoegang_openen(door=demo["procesmanager"], casus=casus, reden=REDEN)
    assert Noodtoegang.objects.count() == 2


def test_a_procesmanager_emergency_access_is_logged_as_such(client, demo, casus):
    services.noodtoegang_openen(door=demo["procesmanager"], casus=casus, reden=REDEN)
    client.force_login(demo["procesmanager"])
    client.get(urls(casus)["dossier"])
    assert {r.grond for r in rows()} == {"noodtoegang"}


def test_others_cannot_ask_for_it_through_the_url(client, demo, casus):
    for username in ("regisseur_tactus", "wethouder", "beleid"):
        client.force_login(demo[username])
        assert client.get(urls(casus)["noodtoegang"]).status_code == 404
        assert client.post(urls(casus)["noodtoegang"], {"noodtoegang-reden": REDEN}).status_code == 404
    assert not Noodtoegang.objects.exists()


def test_the_procesmanager_reviews_it_on_the_dashboard(client, demo, casus):
    toegang = services.noodtoegang_openen(door=demo["meldpunt"], casus=casus, reden=REDEN)
    client.force_login(demo["procesmanager"])
    dashboard = reverse("casusregie:dashboard")
    html = client.get(dashboard).content.decode()
    assert "Noodtoegang ter beoordeling" in html
    assert str(demo["meldpunt"]) in html and REDEN in html and casus.nummer in html
    url = reverse("casusregie:noodtoegang_beoordelen", args=[toegang.pk])

    response = client.post(url, {f"nt{toegang.pk}-gerechtvaardigd": "ja", f"nt{toegang.pk}-oordeel": ""})
    assert response.status_code == 200 and "aria-invalid" in response.content.decode()
    toegang.refresh_from_db()
    assert not toegang.beoordeeld

    response = client.post(
        url, {f"nt{toegang.pk}-gerechtvaardigd": "ja", f"nt{toegang.pk}-oordeel": "Terecht: acute situatie."}
    )
    assert response.status_code == 302
    toegang.refresh_from_db()
    assert (toegang.beoordeeld_door, toegang.gerechtvaardigd, toegang.oordeel) == (
        demo["procesmanager"],
        True,
        "Terecht: acute situatie.",
    )
    assert toegang.beoordeeld_op is not None
    assert toegang.history.first().history_user == demo["procesmanager"]
    html = client.get(dashboard).content.decode()
    assert REDEN not in html and "Er is geen noodtoegang die op beoordeling wacht." in html
    assert (
        client.post(url, {f"nt{toegang.pk}-gerechtvaardigd": "nee", f"nt{toegang.pk}-oordeel": "x"}).status_code == 404
    )


def test_only_the_procesmanager_reviews_and_never_their_own(client, demo, casus):
    eigen = services.noodtoegang_openen(door=demo["procesmanager"], casus=casus, reden=REDEN)
    with pytest.raises(ValidationError, match="ander"):
        services.noodtoegang_beoordelen(
            door=demo["procesmanager"], noodtoegang=eigen, gerechtvaardigd=True, oordeel="ok"
        )
    with pytest.raises(PermissionDenied):
        services.noodtoegang_beoordelen(door=demo["meldpunt"], noodtoegang=eigen, gerechtvaardigd=True, oordeel="ok")
    client.force_login(demo["meldpunt"])
    url = reverse("casusregie:noodtoegang_beoordelen", args=[eigen.pk])
    assert client.post(url, {f"nt{eigen.pk}-gerechtvaardigd": "ja", f"nt{eigen.pk}-oordeel": "ok"}).status_code == 403
    client.force_login(demo["procesmanager"])
    html = client.get(reverse("casusregie:dashboard")).content.decode()
    assert "Uw eigen noodtoegang wordt door een andere procesmanager beoordeeld." in html


# --- the reason names the situation in words; the privacy officer sees every opening -------------------------

NIETSZEGGEND = [
    "xxxxxxxxxxxxxxxxxxxxxxx",
    "a a a a a a a a a a a",
    "test test test test test",
    "12345678901234567890 ab",
]


@pytest.mark.parametrize("reden", NIETSZEGGEND)
def test_a_reason_without_words_is_refused_by_the_service(demo, casus, reden):
    with pytest.raises(ValidationError) as refused:
        services.noodtoegang_openen(door=demo["meldpunt"], casus=casus, reden=reden)
    assert "verschillende woorden" in refused.value.message_dict["reden"][0]
    assert not Noodtoegang.objects.exists() and not CasusToegang.objects.filter(gebruiker=demo["meldpunt"]).exists()


@pytest.mark.parametrize("reden", NIETSZEGGEND)
def test_a_reason_without_words_is_refused_by_the_form(meldpunt, casus, reden):
    response = meldpunt.post(urls(casus)["noodtoegang"], {"noodtoegang-reden": reden})
    html = response.content.decode()
    assert response.status_code == 200 and "aria-invalid" in html
    assert "Beschrijf in woorden de situatie van de cliënt" in html
    assert not Noodtoegang.objects.exists()


def test_a_real_sentence_is_accepted_by_form_and_service(meldpunt, demo, casus):
    response = meldpunt.post(
        urls(casus)["noodtoegang"], {"noodtoegang-reden": "Cliënt dreigt met zelfdoding; 112 gebeld."}
    )
    assert response.status_code == 302
    services.noodtoegang_openen(door=demo["procesmanager"], casus=casus, reden="Politie meldt acuut huiselijk geweld.")
    assert Noodtoegang.objects.count() == 2


def test_the_privacy_officer_sees_every_emergency_access_from_the_home_page(client, demo, casus, privacy, huishouden):
    toegang = services.noodtoegang_openen(door=demo["meldpunt"], casus=casus, reden=REDEN)
    client.force_login(privacy)
    lijst = reverse("casusregie:noodtoegangen")
    assert lijst in client.get(reverse("home")).content.decode()
    before = len(rows())
    html = client.get(lijst).content.decode()
    for shown in (demo["meldpunt"].username, str(demo["meldpunt"].organisatie), casus.nummer, REDEN):
        assert shown in html, shown
    assert "nog niet beoordeeld" in html
    for _, persoon in huishouden:  # no client names: casus number, user and reason only
        assert persoon["achternaam"] not in html
    assert len(rows()) == before  # shows nobody's data, so no access-log row
    assert reverse("casusregie:dossier", args=[casus.pk]) not in html
    services.noodtoegang_beoordelen(
        door=demo["procesmanager"], noodtoegang=toegang, gerechtvaardigd=False, oordeel="Geen acute nood."
    )
    html = client.get(lijst).content.decode()
    assert "niet gerechtvaardigd" in html and "Geen acute nood." in html


@pytest.mark.parametrize("username", ["meldpunt", "regisseur_dimence", "coordinator", "wethouder", "beleid", "beheer"])
def test_others_do_not_get_the_list(client, demo, casus, username):
    services.noodtoegang_openen(door=demo["procesmanager"], casus=casus, reden=REDEN)
    client.force_login(demo[username])
    response = client.get(reverse("casusregie:noodtoegangen"))
    assert response.status_code == 403 and REDEN not in response.content.decode()
