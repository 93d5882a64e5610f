"""Each gemeente its own escalation ladder (docs/regio.md § Each gemeente its own ladder): in this region the
regionale mandaatcommissie holds for Zutphen and Lochem only. On every path that chooses a level: the start level,
opschalen (service and page), who handles and sees it (every page and fragment of the permission matrix, the
notifications), a move, the import, and functioneel beheer's edits with their validation and history."""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bzt.models import Notificatie
from casusregie import referentie, services
from casusregie.models import Casus, Escalatie, EscalatieNiveau, EscalatieSoort
from casusregie.selectors import escalaties_for, escalaties_op_mijn_niveau
from casusregie.workflow import handles
from keten.importer import ImportRejected, import_meldingen
from tests.security.test_permission_matrix import MATRIX, url_names

from .conftest import casus_in, naar_wethouder

pytestmark = pytest.mark.django_db

ALLEEN, BEHALVE, ALLE = EscalatieNiveau.GeldtVoor.ALLEEN, EscalatieNiveau.GeldtVoor.BEHALVE, "alle"


def niveau(code):
    return EscalatieNiveau.objects.get(code=code)


def fout(error):
    return " ".join(error.value.messages)


def instellen(regio, code, geldt_voor, *gemeenten, reden="Regionale afspraak"):
    n = niveau(code)
    return referentie.escalatieniveau_wijzigen(
        door=regio["beheer"],
        niveau=n,
        naam=n.naam,
        volgorde=n.volgorde,
        behandelaars=n.behandelaars,
        geldt_voor=geldt_voor,
        gemeenten=[regio["gemeenten"][g] for g in gemeenten],
        reden=reden,
    )


@pytest.fixture
def ladder(regio):
    """The mandaatcommissie above Zutphen (GM0301) and Lochem (GM0262) only."""
    instellen(regio, "regionale_mandaatcommissie", ALLEEN, "GM0301", "GM0262")
    return regio


def opschalen(door, e, code, toelichting="Besluit nodig."):
    return services.escalatie_opschalen(door=door, escalatie=e, naar=niveau(code), toelichting=toelichting)


def test_zutphen_climbs_wethouder_burgemeester_mandaatcommissie_and_stops_there(ladder, client):
    regio = ladder
    e = naar_wethouder(regio, casus_in(regio, "GM0301"))
    assert e.niveau.volgende(e.gemeente) == niveau("burgemeester")
    e = opschalen(regio["wethouder_zutphen"], e, "burgemeester")
    assert handles(regio["burgemeester_zutphen"], e) and not handles(regio["burgemeester"], e)
    client.force_login(regio["burgemeester_zutphen"])
    pagina = client.get(reverse("casusregie:escalatie", args=[e.pk])).content.decode()
    assert "Verder opschalen" in pagina and "Regionale mandaatcommissie" in pagina
    e = opschalen(regio["burgemeester_zutphen"], e, "regionale_mandaatcommissie")
    assert handles(regio["mandaatcommissie"], e)
    assert list(escalaties_op_mijn_niveau(regio["mandaatcommissie"])) == [e]
    # the top of Zutphen's ladder: no button, and the service refuses
    assert e.niveau.volgende(e.gemeente) is None
    client.force_login(regio["mandaatcommissie"])
    pagina = client.get(reverse("casusregie:escalatie", args=[e.pk])).content.decode()
    assert "Verder opschalen" not in pagina and "Antwoord en besluit" in pagina
    with pytest.raises(ValidationError) as error:
        opschalen(regio["mandaatcommissie"], e, "burgemeester")
    assert "hoogste niveau van de escalatieladder van Zutphen" in fout(error)


def test_raalte_stops_at_its_burgemeester_no_button_and_the_service_refuses(ladder, client):
    regio = ladder
    e = naar_wethouder(regio, casus_in(regio, "GM0177"))
    e = opschalen(regio["wethouder_raalte"], e, "burgemeester")
    assert e.niveau.volgende(e.gemeente) is None
    burgemeester = regio["burgemeester_raalte"]
    client.force_login(burgemeester)
    url = reverse("casusregie:escalatie", args=[e.pk])
    pagina = client.get(url).content.decode()
    assert "Verder opschalen" not in pagina and 'value="opschalen"' not in pagina
    assert "Regionale mandaatcommissie" not in pagina
    with pytest.raises(ValidationError) as error:
        opschalen(burgemeester, e, "regionale_mandaatcommissie")
    assert (
        fout(error)
        == "Burgemeester is het hoogste niveau van de escalatieladder van Raalte; verder opschalen kan niet."
    )
    # a crafted POST of the web form: the level is no choice on Raalte's ladder
    response = client.post(
        url,
        {"actie": "opschalen", "opschalen-naar": niveau("regionale_mandaatcommissie").pk, "opschalen-toelichting": "x"},
    )
    assert response.status_code == 200
    assert (
        "Burgemeester is het hoogste niveau van de escalatieladder van Raalte; verder opschalen kan niet."
        in response.content.decode()
    )
    e.refresh_from_db()
    assert (e.niveau.code, e.stappen.count()) == ("burgemeester", 3)


def test_opschalen_skipping_to_a_level_not_on_the_gemeentes_ladder_is_refused(regio):
    """Raalte's ladder without its burgemeester: the wethouder of Raalte cannot pass it to the burgemeester."""
    instellen(regio, "burgemeester", BEHALVE, "GM0177")
    e = naar_wethouder(regio, casus_in(regio, "GM0177"))
    assert e.niveau.volgende(e.gemeente) == niveau("regionale_mandaatcommissie")
    with pytest.raises(ValidationError) as error:
        opschalen(regio["wethouder_raalte"], e, "burgemeester")
    assert "Burgemeester hoort niet bij de escalatieladder van Raalte" in fout(error)
    e = opschalen(regio["wethouder_raalte"], e, "regionale_mandaatcommissie")
    assert e.niveau.vorige(e.gemeente) == niveau("wethouder")
    assert not handles(regio["burgemeester_raalte"], e) and handles(regio["mandaatcommissie"], e)


def _url(name, pattern, escalatie):
    route = str(pattern.pattern)
    if "<int:pk>" in route and name == "casusregie:escalatie":
        return reverse(name, kwargs={"pk": escalatie.pk})
    if "<int:jaar>" in route:
        return reverse(name, kwargs={"jaar": timezone.localdate().year})
    if "<" in route:
        return None
    return reverse(name)


def test_the_mandaatcommissie_never_sees_a_raalte_escalation_on_any_page_or_fragment(ladder, client):
    regio = ladder
    zutphen = naar_wethouder(regio, casus_in(regio, "GM0301"))
    zutphen = opschalen(regio["wethouder_zutphen"], zutphen, "regionale_mandaatcommissie")
    raalte_casus = casus_in(regio, "GM0177", regisseur="regisseur_tactus")
    raalte = opschalen(regio["wethouder_raalte"], naar_wethouder(regio, raalte_casus), "burgemeester")
    # and one at the mandaatcommissie's level although the level is not Raalte's (written before the ladder was
    # configured, or by hand in the database): still nobody of the commission sees it
    oud_casus = casus_in(regio, "GM0177", regisseur="regisseur_dimence")
    oud = naar_wethouder(regio, oud_casus)
    Escalatie.objects.filter(pk=oud.pk).update(niveau=niveau("regionale_mandaatcommissie"))
    oud.refresh_from_db()
    commissie = regio["mandaatcommissie"]
    assert not handles(commissie, oud) and not handles(commissie, raalte) and handles(commissie, zutphen)
    assert list(escalaties_for(commissie)) == [zutphen]
    client.force_login(commissie)
    assert zutphen.casus.nummer in client.get(reverse("casusregie:escalaties")).content.decode()
    gezien = set()
    for name, pattern in url_names():
        if name.startswith("admin:") or name == "logout":
            continue
        method, expected = MATRIX[name]
        if expected["mandaatcommissie"] != "ok" and name != "casusregie:escalatie":
            continue
        for e in (raalte, oud):
            url = _url(name, pattern, e)
            if url is None:
                continue
            gezien.add(name)
            with transaction.atomic():
                for request in ("GET", "POST") if name == "casusregie:escalatie" else (method,):
                    data = {"actie": "antwoord", "antwoord-antwoord": "Ja", "antwoord-besluit": "Doen"}
                    response = client.post(url, data) if request == "POST" else client.get(url, HTTP_HX_REQUEST="true")
                    body = b"".join(response.streaming_content) if response.streaming else response.content
                    for merk in (raalte_casus.nummer, oud_casus.nummer):
                        assert merk.encode() not in body, (name, request)
                    if name == "casusregie:escalatie":
                        assert response.status_code == 404, request
                transaction.set_rollback(True)
    assert {"home", "casusregie:escalaties", "casusregie:escalatie", "notificaties"} <= gezien
    oud.refresh_from_db()
    assert oud.status == "open" and not oud.antwoord
    with pytest.raises(PermissionDenied):
        services.escalatie_beantwoorden(door=commissie, escalatie=oud, antwoord="Ja.", besluit="Doen.")


def test_the_notification_reaches_the_level_of_the_escalations_own_ladder(ladder, django_capture_on_commit_callbacks):
    regio = ladder
    e = naar_wethouder(regio, casus_in(regio, "GM0301"))
    Notificatie.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        e = opschalen(regio["wethouder_zutphen"], e, "regionale_mandaatcommissie")
    ontvangers = set(Notificatie.objects.values_list("ontvanger__username", flat=True))
    assert "mandaatcommissie" in ontvangers and not ontvangers & {"burgemeester", "burgemeester_zutphen"}


def test_a_kind_whose_start_level_is_not_on_the_ladder_starts_at_the_next_that_is(ladder, client):
    regio = ladder
    # Raalte has no coördinerend ambtenaar level: a legal blockade (starts there) starts at Raalte's wethouder
    instellen(regio, "coordinerend_ambtenaar", BEHALVE, "GM0177")
    raalte = casus_in(regio, "GM0177")
    e = services.casus_escaleren(door=raalte.casusregisseur, casus=raalte, reden="juridisch", vraag="Wie?")
    assert (e.niveau.code, e.gemeente.code) == ("wethouder", "GM0177")
    assert handles(regio["wethouder_raalte"], e) and not handles(regio["coordinator_raalte"], e)
    # the dossier's choice says where it starts for this casus
    zutphen = casus_in(regio, "GM0301", regisseur="regisseur_tactus")
    client.force_login(zutphen.casusregisseur)
    assert (
        "Juridische blokkade (begint bij: Coördinerend ambtenaar)"
        in client.get(reverse("casusregie:dossier", args=[zutphen.pk])).content.decode()
    )
    # a kind starting above the top of the gemeente's ladder starts at its top
    with_soort = EscalatieSoort.objects.get(code="veiligheid")
    referentie.escalatiesoort_wijzigen(
        door=regio["beheer"],
        soort=with_soort,
        naam=with_soort.naam,
        start_niveau=niveau("regionale_mandaatcommissie"),
        volgorde=with_soort.volgorde,
        reden="AVE: acuut gevaar",
    )
    lochem, deventer = casus_in(regio, "GM0262"), casus_in(regio, "GM0150", regisseur="regisseur_tactus")
    assert EscalatieSoort.objects.get(code="veiligheid").startniveau(lochem.gemeente).code == (
        "regionale_mandaatcommissie"
    )
    e = services.casus_escaleren(door=deventer.casusregisseur, casus=deventer, reden="veiligheid", vraag="Acuut.")
    assert e.niveau.code == "burgemeester" and handles(regio["burgemeester"], e)


def test_a_move_keeps_the_open_escalation_on_the_old_ladder_and_the_next_climbs_the_new(ladder):
    regio = ladder
    casus = casus_in(regio, "GM0301")
    open_zutphen = naar_wethouder(regio, casus)
    services.verhuizen(
        casus=casus, naar_gemeente="GM0177", datum=timezone.localdate(), door=regio["procesmanager"], reden="Verhuisd."
    )
    open_zutphen.refresh_from_db()
    # the open one stays on Zutphen's ladder, up to the mandaatcommissie
    assert open_zutphen.gemeente.code == "GM0301"
    open_zutphen = opschalen(regio["wethouder_zutphen"], open_zutphen, "regionale_mandaatcommissie")
    assert handles(regio["mandaatcommissie"], open_zutphen)
    services.escalatie_deescaleren(door=regio["mandaatcommissie"], escalatie=open_zutphen, toelichting="Besloten.")
    # the next one climbs Raalte's: it ends at Raalte's burgemeester
    nieuw = naar_wethouder(regio, Casus.objects.get(pk=casus.pk))
    assert (nieuw.gemeente.code, nieuw.niveau.code) == ("GM0177", "wethouder")
    nieuw = opschalen(regio["wethouder_raalte"], nieuw, "burgemeester")
    with pytest.raises(ValidationError):
        opschalen(regio["burgemeester_raalte"], nieuw, "regionale_mandaatcommissie")
    assert not escalaties_for(regio["mandaatcommissie"]).filter(pk=nieuw.pk).exists()


# --- functioneel beheer -------------------------------------------------------------------------------------------


def test_beheer_validates_the_gemeenten_of_a_level_in_dutch(regio):
    for geldt_voor, gemeenten, tekst in [
        ("soms", [], "Kies voor welke gemeenten dit niveau geldt."),
        (ALLEEN, [], "Kies ten minste één gemeente waarvoor dit niveau geldt."),
        (BEHALVE, [], "Kies de gemeenten waarvoor dit niveau niet geldt, of kies ‘Alle gemeenten’."),
    ]:
        with pytest.raises(ValidationError) as error:
            instellen(regio, "burgemeester", geldt_voor, *gemeenten)
        assert fout(error) == tekst
    with pytest.raises(PermissionDenied):
        referentie.escalatieniveau_wijzigen(
            door=regio["procesmanager"],
            niveau=niveau("burgemeester"),
            naam="Burgemeester",
            volgorde=4,
            behandelaars=niveau("burgemeester").behandelaars,
            geldt_voor=ALLEEN,
            gemeenten=[regio["gemeenten"]["GM0301"]],
            reden="x",
        )
    # a new level for two gemeenten only
    nieuw = referentie.escalatieniveau_aanmaken(
        door=regio["beheer"],
        code="doorbraakteam",
        naam="Doorbraakteam",
        volgorde=9,
        behandelaars=Group.objects.get(name="procesmanager"),
        geldt_voor=ALLEEN,
        gemeenten=[regio["gemeenten"]["GM0262"]],
    )
    assert nieuw.geldt_voor_gemeente(regio["gemeenten"]["GM0262"])
    assert not nieuw.geldt_voor_gemeente(regio["gemeenten"]["GM0150"])


def test_a_level_with_open_escalations_of_a_gemeente_is_not_taken_off_that_gemeente(regio):
    raalte = naar_wethouder(regio, casus_in(regio, "GM0177"))
    raalte = opschalen(regio["wethouder_raalte"], raalte, "regionale_mandaatcommissie")
    with pytest.raises(ValidationError) as error:
        instellen(regio, "regionale_mandaatcommissie", ALLEEN, "GM0301", "GM0262")
    assert fout(error) == (
        "Het niveau ‘Regionale mandaatcommissie’ kan niet van Raalte worden afgehaald: er lopen daar nog 1 "
        "escalatie(s) van Raalte. Laat die eerst afronden of doorzetten."
    )
    assert niveau("regionale_mandaatcommissie").geldt_voor == ALLE
    # another gemeente may go: Olst-Wijhe has none there
    instellen(regio, "regionale_mandaatcommissie", BEHALVE, "GM0175")
    services.escalatie_deescaleren(door=regio["mandaatcommissie"], escalatie=raalte, toelichting="Besloten.")
    instellen(regio, "regionale_mandaatcommissie", ALLEEN, "GM0301", "GM0262")


def test_a_gemeente_keeps_at_least_one_active_level(regio):
    for code in ("procesmanager", "coordinerend_ambtenaar", "regionale_mandaatcommissie"):
        referentie.escalatieniveau_deactiveren(door=regio["beheer"], niveau=niveau(code), reden="proef")
    instellen(regio, "burgemeester", ALLEEN, "GM0301")
    with pytest.raises(ValidationError) as error:
        instellen(regio, "wethouder", BEHALVE, "GM0177")
    assert fout(error) == "Raalte houdt dan geen enkel actief niveau over; niemand kan daar escaleren."
    instellen(regio, "wethouder", BEHALVE, "GM0301")  # Zutphen keeps its burgemeester
    with pytest.raises(ValidationError) as error:
        referentie.escalatieniveau_deactiveren(door=regio["beheer"], niveau=niveau("burgemeester"), reden="opgeheven")
    assert "Zutphen houdt dan geen enkel actief niveau over" in fout(error)


def test_beheer_changes_are_recorded_with_the_beheerder_the_reason_and_the_gemeenten(ladder):
    regio = ladder
    n = niveau("regionale_mandaatcommissie")
    laatste = n.history.order_by("-history_date", "-history_id").first()
    assert laatste.history_user == regio["beheer"]
    assert laatste.history_change_reason == ("Regionale afspraak (geldt voor: alle gemeenten → alleen Lochem, Zutphen)")
    assert laatste.geldt_voor == ALLEEN
    assert {g.gemeente.code for g in laatste.gemeenten.all()} == {"GM0301", "GM0262"}


def test_the_beheer_form_asks_the_gemeenten_in_a_region_and_shows_errors_in_dutch(ladder, client):
    regio = ladder
    client.force_login(regio["beheer"])
    n = niveau("burgemeester")
    url = reverse("beheer:escalatieniveau", args=[n.pk])
    basis = {"naam": n.naam, "volgorde": n.volgorde, "behandelaars": n.behandelaars_id, "reden": "Kleine gemeente"}
    response = client.post(url, basis | {"geldt_voor": "behalve"})
    assert response.status_code == 200
    assert "Kies de gemeenten waarvoor dit niveau niet geldt" in response.content.decode()
    response = client.post(url, basis | {"geldt_voor": "behalve", "gemeenten": [regio["gemeenten"]["GM0175"].pk]})
    assert response.status_code == 302
    n.refresh_from_db()
    assert not n.geldt_voor_gemeente(regio["gemeenten"]["GM0175"]) and n.geldt_voor_gemeente(
        regio["gemeenten"]["GM0177"]
    )
    lijst = client.get(reverse("beheer:escalatieniveaus")).content.decode()
    assert "alleen Lochem, Zutphen" in lijst and "alle behalve Olst-Wijhe" in lijst


def test_a_single_gemeente_installation_shows_no_gemeente_on_the_ladder(demo, client):
    client.force_login(demo["beheer"])
    n = niveau("burgemeester")
    url = reverse("beheer:escalatieniveau", args=[n.pk])
    assert "Geldt voor" not in client.get(url).content.decode()
    assert "Geldt voor" not in client.get(reverse("beheer:escalatieniveaus")).content.decode()
    response = client.post(
        url,
        {
            "naam": "Burgemeester",
            "volgorde": n.volgorde,
            "behandelaars": n.behandelaars_id,
            "reden": "Naam gecontroleerd",
        },
    )
    assert response.status_code == 302 and niveau("burgemeester").geldt_voor == ALLE


# --- the import ---------------------------------------------------------------------------------------------------


def _regel(extern_id, gemeente, niveau_code, wijk):
    return {
        "extern_id": extern_id,
        "ontvangen_op": "2025-03-14",
        "melder": {"type": "professional", "organisatie": "Politie"},
        "aanmeldroute": "oggz",
        "overlast": False,
        "gemeente": gemeente,
        "personen": [{"extern_id": f"P-{extern_id}", "achternaam": "Jansen", "wijk": wijk, "rol": "hoofdpersoon"}],
        "triage": {"datum": "2025-03-20", "leefgebieden": ["schulden"], "besluit": "mdo"},
        "mdo": {"datum": "2025-03-27", "organisatie": "Dimence", "casusregisseur": "regisseur_dimence"},
        "plan_vastgesteld_op": "2025-04-24",
        "escalaties": [{"datum": "2025-06-01", "niveau": niveau_code}],
        "afgesloten_op": None,
        "afsluitreden": None,
    }


def test_the_import_puts_an_escalation_only_on_a_level_of_its_gemeentes_ladder(ladder, tmp_path):
    regio = ladder
    g = regio["gemeenten"]
    pad = tmp_path / "m.jsonl"
    regels = [
        _regel("Z-1", "GM0301", "regionale_mandaatcommissie", g["GM0301"].wijken[0]),
        _regel("R-1", "GM0177", "regionale_mandaatcommissie", g["GM0177"].wijken[0]),
    ]
    pad.write_text("\n".join(json.dumps(r) for r in regels))
    with pytest.raises(ImportRejected) as error:
        import_meldingen(pad)
    assert [str(p) for p in error.value.problems] == [
        "regel 2: escalaties[0].niveau: 'regionale_mandaatcommissie' hoort niet bij de escalatieladder van Raalte"
    ]
    assert not Escalatie.objects.exists()
    pad.write_text(json.dumps(regels[0]))
    import_meldingen(pad)
    (e,) = Escalatie.objects.all()
    assert (e.gemeente.code, e.niveau.code) == ("GM0301", "regionale_mandaatcommissie")
    assert handles(regio["mandaatcommissie"], e)


# --- two requests at once (PostgreSQL) ------------------------------------------------------------------------------


def _gelijktijdig(eerst, daarna):
    """`eerst` runs in a transaction that stays open a second after its write; `daarna` starts meanwhile.
    Returns {"a": "ok" | message, "b": "ok" | message}."""
    import threading
    import time

    from django.db import connection

    bezig, uitkomst = threading.Event(), {}

    def uitvoeren(naam, functie, wacht):
        try:
            if wacht:
                bezig.wait(timeout=30)
                functie()
            else:
                with transaction.atomic():
                    functie()
                    bezig.set()
                    time.sleep(1)
            uitkomst[naam] = "ok"
        except (ValidationError, PermissionDenied) as error:
            uitkomst[naam] = " ".join(getattr(error, "messages", [str(error)]))
        finally:
            bezig.set()
            connection.close()

    threads = [
        threading.Thread(target=uitvoeren, args=("a", eerst, False)),
        threading.Thread(target=uitvoeren, args=("b", daarna, True)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return uitkomst


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_opschalen_twice_at_once_gives_one_escalation_one_level_up(ladder):
    regio = ladder
    e = naar_wethouder(regio, casus_in(regio, "GM0301"))
    wethouder = regio["wethouder_zutphen"]
    uitkomst = _gelijktijdig(
        lambda: opschalen(wethouder, Escalatie.objects.get(pk=e.pk), "burgemeester"),
        lambda: opschalen(wethouder, Escalatie.objects.get(pk=e.pk), "burgemeester"),
    )
    assert uitkomst["a"] == "ok" and uitkomst["b"] == "U behandelt deze escalatie niet."
    e.refresh_from_db()
    assert e.niveau.code == "burgemeester"
    assert [s.niveau.code for s in e.stappen.order_by("pk")] == ["coordinerend_ambtenaar", "wethouder", "burgemeester"]
    assert Escalatie.objects.filter(casus=e.casus).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_gemeente_is_not_taken_off_a_level_while_an_escalation_of_it_is_raised_there(ladder):
    regio = ladder
    e = naar_wethouder(regio, casus_in(regio, "GM0301"))
    uitkomst = _gelijktijdig(
        lambda: opschalen(regio["wethouder_zutphen"], e, "regionale_mandaatcommissie"),
        lambda: instellen(regio, "regionale_mandaatcommissie", ALLEEN, "GM0262"),
    )
    assert uitkomst["a"] == "ok"
    assert "kan niet van Zutphen worden afgehaald" in uitkomst["b"]
    assert niveau("regionale_mandaatcommissie").geldt_voor_gemeente(regio["gemeenten"]["GM0301"])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_escalation_raised_while_its_gemeente_is_taken_off_the_level_is_refused(ladder):
    regio = ladder
    e = naar_wethouder(regio, casus_in(regio, "GM0301"))
    uitkomst = _gelijktijdig(
        lambda: instellen(regio, "regionale_mandaatcommissie", ALLEEN, "GM0262"),
        lambda: opschalen(regio["wethouder_zutphen"], Escalatie.objects.get(pk=e.pk), "regionale_mandaatcommissie"),
    )
    assert uitkomst["a"] == "ok"
    assert "hoort niet bij de escalatieladder van Zutphen" in uitkomst["b"]
    e.refresh_from_db()
    assert e.niveau.code == "wethouder"
