"""Issue 14, the escalation ladder as the documents describe it: levels and kinds are data (with the burgemeester
and the regionale mandaatcommissie), a kind starts at its own level, the casusregisseur sees each answer on their
home page until they read it, and each level reads its own question first, then the history."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from bzt.audit import acting_as
from bzt.auth.services import tweestaps_verplicht
from casusregie import selectors, services
from casusregie.models import AntwoordGelezen, Escalatie, EscalatieNiveau, EscalatieSoort, EscalatieStap
from casusregie.workflow import handles
from tests import factories

MARKER = "Zwartewaterland"  # the client's surname: never on an escalation page of a handler
BSN = "111222333"


def niveau(code):
    return EscalatieNiveau.objects.get(code=code)


def html_of(client, user, url):
    client.force_login(user)
    response = client.get(url)
    return response.status_code, response.content.decode()


@pytest.fixture
def casus(demo):
    c = factories.casus(demo, huishouden=[("hoofdpersoon", factories.persoon_gegevens(achternaam=MARKER, bsn=BSN))])
    services.journaal_toevoegen(door=c.casusregisseur, casus=c, tekst="Journaal: gesprek met de buurvrouw.")
    return c


# --- the ladder and the kinds are data -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_ladder_runs_up_to_the_burgemeester_and_the_regional_mandate_committee():
    ladder = list(EscalatieNiveau.objects.order_by("volgorde").values_list("code", "naam", "behandelaars__name"))
    assert ladder == [
        ("procesmanager", "Procesmanager", "procesmanager"),
        ("coordinerend_ambtenaar", "Coördinerend ambtenaar", "coordinerend_ambtenaar"),
        ("wethouder", "Wethouder", "wethouder"),
        ("burgemeester", "Burgemeester", "burgemeester"),
        ("regionale_mandaatcommissie", "Regionale mandaatcommissie", "regionale_mandaatcommissie"),
    ]


@pytest.mark.django_db
def test_the_kinds_keep_the_former_codes_and_a_legal_blockade_starts_higher_than_stagnation():
    start = dict(EscalatieSoort.objects.values_list("code", "start_niveau__code"))
    assert set(start) == {"stagnatie", "afspraken", "wachtlijst", "juridisch", "financieel", "veiligheid"}
    assert start["stagnatie"] == "procesmanager"
    assert niveau(start["juridisch"]).volgorde > niveau(start["stagnatie"]).volgorde


def test_the_higher_levels_are_roles_with_2fa_that_handle_only_their_own_level(demo, casus):
    for username in ("burgemeester", "mandaatcommissie"):
        user = demo[username]
        assert tweestaps_verplicht(user)
        assert user.has_perm("casusregie.behandelen_escalatie")
        assert not user.has_perm("casusregie.zien_alle_casussen")
        assert not selectors.casussen_for(user).exists()
    e = services.casus_escaleren(door=casus.casusregisseur, casus=casus, reden="stagnatie", vraag="Vraag?")
    assert not handles(demo["burgemeester"], e)
    assert not selectors.escalaties_for(demo["burgemeester"]).exists()


def test_a_kind_starts_at_its_own_level(demo, casus):
    e = services.casus_escaleren(door=casus.casusregisseur, casus=casus, reden="juridisch", vraag="Wet blokkeert.")
    assert e.niveau.code == "coordinerend_ambtenaar"
    assert e.stappen.get().niveau.code == "coordinerend_ambtenaar"
    assert handles(demo["coordinator"], e) and not handles(demo["procesmanager"], e)
    assert list(selectors.escalaties_op_mijn_niveau(demo["coordinator"])) == [e]


def test_the_start_level_is_read_from_the_data_and_skips_an_inactive_level(demo, casus):
    soort = EscalatieSoort.objects.get(code="stagnatie")
    with acting_as(demo["beheer"]):
        soort.start_niveau = niveau("wethouder")
        soort.save()
    assert soort.startniveau(casus.gemeente).code == "wethouder"
    with acting_as(demo["beheer"]):
        wethouder = niveau("wethouder")
        wethouder.actief = False
        wethouder.save()
    e = services.casus_escaleren(door=casus.casusregisseur, casus=casus, reden="stagnatie", vraag="Vraag?")
    assert e.niveau.code == "burgemeester"  # the first active level above the inactive start level


def test_an_unknown_or_inactive_kind_is_refused_by_the_service(demo, casus):
    with acting_as(demo["beheer"]):
        EscalatieSoort.objects.filter(code="veiligheid").update(actief=False)
    for reden in ("bestaat_niet", "veiligheid"):
        with pytest.raises(ValidationError, match="Kies de soort escalatie"):
            services.casus_escaleren(door=casus.casusregisseur, casus=casus, reden=reden, vraag="Vraag?")
    assert not Escalatie.objects.exists()


def test_the_dossier_form_offers_the_active_kinds_with_their_start_level(client, demo, casus):
    with acting_as(demo["beheer"]):
        EscalatieSoort.objects.filter(code="veiligheid").update(actief=False)
    _, html = html_of(client, casus.casusregisseur, reverse("casusregie:dossier", args=[casus.pk]))
    assert "Juridische blokkade (begint bij: Coördinerend ambtenaar)" in html
    assert "Stagnatie (begint bij: Procesmanager)" in html
    assert 'value="veiligheid"' not in html

    url = reverse("casusregie:escaleren", args=[casus.pk])
    client.post(url, {"escaleren-reden": "veiligheid", "escaleren-vraag": "Vraag?"})
    assert not Escalatie.objects.exists()  # an inactive kind is not a valid choice
    response = client.post(
        url, {"escaleren-reden": "juridisch", "escaleren-vraag": "De wet blokkeert de opvang."}, follow=True
    )
    assert "De casus is opgeschaald naar: Coördinerend ambtenaar." in response.content.decode()
    e = Escalatie.objects.get()
    assert (e.reden_id, e.niveau.code, e.vraag) == (
        "juridisch",
        "coordinerend_ambtenaar",
        "De wet blokkeert de opvang.",
    )


# --- up to the burgemeester and the commissie: each level reads its own question first -----------------------------


def _naar_burgemeester(demo, casus):
    e = services.casus_escaleren(door=casus.casusregisseur, casus=casus, reden="stagnatie", vraag="VRAAG-PM")
    services.escalatie_opschalen(
        door=demo["procesmanager"], escalatie=e, naar=niveau("wethouder"), toelichting="VRAAG-WH"
    )
    e.refresh_from_db()
    services.escalatie_beantwoorden(door=demo["wethouder"], escalatie=e, antwoord="ANTWOORD-WH", besluit="BESLUIT-WH")
    e.refresh_from_db()
    services.escalatie_opschalen(
        door=demo["wethouder"], escalatie=e, naar=niveau("burgemeester"), toelichting="VRAAG-BM"
    )
    e.refresh_from_db()
    return e


def test_the_burgemeester_reads_their_own_question_first_then_the_history_newest_first(client, demo, casus):
    e = _naar_burgemeester(demo, casus)
    url = reverse("casusregie:escalatie", args=[e.pk])

    status, html = html_of(client, demo["burgemeester"], url)

    assert status == 200
    assert "De vraag aan Burgemeester" in html
    texts = ("VRAAG-BM", "Eerder verloop", "ANTWOORD-WH", "VRAAG-WH", "VRAAG-PM", "De casus, voor zover nodig")
    order = [html.index(text) for text in texts]
    assert order == sorted(order)
    assert html.count("VRAAG-BM") == 1  # on top only, not again in the history
    assert 'class="bzt-escalatie-vraag">VRAAG-BM' in html
    # only what the escalation needs: no name, BSN, journaal or dossier
    for secret in (MARKER, BSN, "Journaal: gesprek", reverse("casusregie:dossier", args=[casus.pk])):
        assert secret not in html
    _, home = html_of(client, demo["burgemeester"], reverse("home"))
    assert e.casus.nummer in home and reverse("casusregie:escalatie", args=[e.pk]) in home


def test_a_level_below_no_longer_sees_it_and_a_level_above_not_yet(client, demo, casus):
    e = _naar_burgemeester(demo, casus)
    url = reverse("casusregie:escalatie", args=[e.pk])
    assert html_of(client, demo["wethouder"], url)[0] == 404
    assert html_of(client, demo["mandaatcommissie"], url)[0] == 404
    services.escalatie_opschalen(
        door=demo["burgemeester"],
        escalatie=e,
        naar=niveau("regionale_mandaatcommissie"),
        toelichting="VRAAG-RMC",
    )
    assert html_of(client, demo["burgemeester"], url)[0] == 404
    status, html = html_of(client, demo["mandaatcommissie"], url)
    assert status == 200
    order = [html.index(text) for text in ("VRAAG-RMC", "VRAAG-BM", "VRAAG-WH", "VRAAG-PM")]
    assert order == sorted(order)
    assert MARKER not in html and BSN not in html


def test_the_wethouder_sees_the_question_to_the_wethouder_first(client, demo, casus):
    e = services.casus_escaleren(door=casus.casusregisseur, casus=casus, reden="stagnatie", vraag="VRAAG-PM")
    services.escalatie_opschalen(
        door=demo["procesmanager"], escalatie=e, naar=niveau("wethouder"), toelichting="VRAAG-WH"
    )
    _, html = html_of(client, demo["wethouder"], reverse("casusregie:escalatie", args=[e.pk]))
    assert html.index("VRAAG-WH") < html.index("VRAAG-PM")
    assert "De vraag aan Wethouder" in html
    assert MARKER not in html and "Journaal: gesprek" not in html


def test_the_verloop_selector_puts_the_question_to_the_current_level_on_top(demo, casus):
    e = _naar_burgemeester(demo, casus)
    verloop = selectors.escalatie_verloop(selectors.escalatie_detail(demo["burgemeester"], e.pk))
    assert (verloop["vraag"].toelichting, verloop["sindsdien"]) == ("VRAAG-BM", [])
    assert [s.toelichting.split("\n")[0] for s in verloop["eerder"]] == ["ANTWOORD-WH", "VRAAG-WH", "VRAAG-PM"]
    services.escalatie_beantwoorden(door=demo["burgemeester"], escalatie=e, antwoord="ANTWOORD-BM", besluit="Ja.")
    verloop = selectors.escalatie_verloop(selectors.escalatie_detail(demo["burgemeester"], e.pk))
    assert verloop["vraag"].toelichting == "VRAAG-BM"
    assert [s.toelichting.split("\n")[0] for s in verloop["sindsdien"]] == ["ANTWOORD-BM"]
    assert len(verloop["eerder"]) == 3


# --- the regisseur sees each answer on their home page until they read it ------------------------------------------


def _beantwoord(demo, casus, antwoord="ANTWOORD-1"):
    e = services.casus_escaleren(door=casus.casusregisseur, casus=casus, reden="wachtlijst", vraag="Versnellen?")
    services.escalatie_beantwoorden(door=demo["procesmanager"], escalatie=e, antwoord=antwoord, besluit="Voorrang.")
    e.refresh_from_db()
    return e


def test_an_answer_stays_on_the_home_page_until_the_regisseur_opens_the_escalation(client, demo, casus):
    regisseur = casus.casusregisseur
    e = _beantwoord(demo, casus)
    _, home = html_of(client, regisseur, reverse("home"))
    assert "ANTWOORD-1" in home and reverse("casusregie:escalatie", args=[e.pk]) in home
    _, home = html_of(client, regisseur, reverse("home"))
    assert "ANTWOORD-1" in home  # looking at the home page is not reading the answer

    html_of(client, demo["procesmanager"], reverse("casusregie:escalatie", args=[e.pk]))
    _, home = html_of(client, regisseur, reverse("home"))
    assert "ANTWOORD-1" in home  # someone else opening it does not read it for the regisseur

    status, page = html_of(client, regisseur, reverse("casusregie:escalatie", args=[e.pk]))
    assert status == 200 and "ANTWOORD-1" in page
    _, home = html_of(client, regisseur, reverse("home"))
    assert "ANTWOORD-1" not in home and "Geen nieuwe antwoorden." in home

    # a second answer (another level, then the de-escalation) is new again
    services.escalatie_beantwoorden(door=demo["procesmanager"], escalatie=e, antwoord="ANTWOORD-2", besluit="Ok.")
    _, home = html_of(client, regisseur, reverse("home"))
    assert "ANTWOORD-2" in home and "ANTWOORD-1" not in home
    services.escalatie_deescaleren(door=demo["procesmanager"], escalatie=e, toelichting="OPGELOST-3")
    _, home = html_of(client, regisseur, reverse("home"))
    assert "OPGELOST-3" in home and "ANTWOORD-2" in home


def test_opening_the_dossier_reads_every_answer_of_the_casus(client, demo, casus):
    regisseur = casus.casusregisseur
    _beantwoord(demo, casus)
    status, dossier = html_of(client, regisseur, reverse("casusregie:dossier", args=[casus.pk]))
    assert status == 200
    assert "nieuw antwoord" in dossier and "ANTWOORD-1" in dossier
    _, home = html_of(client, regisseur, reverse("home"))
    assert "ANTWOORD-1" not in home
    _, dossier = html_of(client, regisseur, reverse("casusregie:dossier", args=[casus.pk]))
    assert "nieuw antwoord" not in dossier and "ANTWOORD-1" in dossier


def test_another_regisseur_never_sees_the_answer(client, demo, casus):
    _beantwoord(demo, casus)
    _, home = html_of(client, demo["regisseur_tactus"], reverse("home"))
    assert "ANTWOORD-1" not in home and casus.nummer not in home


def test_the_service_records_a_receipt_only_for_the_casusregisseur_and_once(demo, casus):
    e = _beantwoord(demo, casus)
    assert services.antwoorden_gelezen(door=demo["procesmanager"], casus=casus) == 0
    assert services.antwoorden_gelezen(door=demo["regisseur_iriszorg"], casus=casus, escalatie=e) == 0
    assert not AntwoordGelezen.objects.exists()
    assert services.antwoorden_gelezen(door=casus.casusregisseur, casus=casus, escalatie=e) == 1
    assert services.antwoorden_gelezen(door=casus.casusregisseur, casus=casus, escalatie=e) == 0
    (receipt,) = AntwoordGelezen.objects.all()
    assert (receipt.gebruiker, receipt.stap.soort) == (casus.casusregisseur, EscalatieStap.Soort.BEANTWOORD)
    assert not selectors.ongelezen_antwoorden(casus.casusregisseur).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tabs_opening_the_escalation_at_once_record_one_receipt(demo):
    """The regisseur opens the escalation in two tabs at the same moment: both pages answer, one receipt."""
    c = factories.casus(demo)
    e = _beantwoord(demo, c)
    start, errors = threading.Barrier(2), []

    def lezen():
        try:
            start.wait(timeout=30)
            services.antwoorden_gelezen(door=c.casusregisseur, casus=c, escalatie=e)
        except Exception as error:  # noqa: BLE001 - any failure of a page view counts
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=lezen) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert AntwoordGelezen.objects.filter(gebruiker=c.casusregisseur).count() == 1


# --- the data migration: existing escalations keep their codes ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_the_former_reden_codes_into_kinds_and_keeps_every_escalation(demo):
    from django.db.migrations.executor import MigrationExecutor

    c = factories.casus(demo)
    e = services.casus_escaleren(door=c.casusregisseur, casus=c, reden="juridisch", vraag="Vraag?")
    vorige, deze = ("casusregie", "0009_expertteam"), ("casusregie", "0010_escalatieladder")

    executor = MigrationExecutor(connection)
    executor.migrate([vorige])
    oud = executor.loader.project_state([vorige]).apps
    oud.get_model("casusregie", "Escalatie").objects.filter(pk=e.pk).update(reden="onbekend_oud")
    assert not any(t.endswith("escalatiesoort") for t in connection.introspection.table_names())

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([deze])

    # the models as they were after this migration (later migrations add columns the current models know)
    toen = executor.loader.project_state([deze]).apps
    Soort = toen.get_model("casusregie", "EscalatieSoort")
    e = toen.get_model("casusregie", "Escalatie").objects.select_related("reden", "niveau").get(pk=e.pk)
    assert (e.reden.code, e.reden.naam, e.niveau.code) == ("onbekend_oud", "Onbekend oud", "coordinerend_ambtenaar")
    assert {"stagnatie", "juridisch", "veiligheid"} <= set(Soort.objects.values_list("code", flat=True))
    assert Soort.objects.get(code="juridisch").start_niveau.code == "coordinerend_ambtenaar"

    executor = MigrationExecutor(connection)  # back to the latest state for the tests that follow
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
