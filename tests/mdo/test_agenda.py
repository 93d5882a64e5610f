"""Planning an MDO, its self-filling agenda, moving items, casusbespreking and closing the meeting."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from bzt.audit import acting_as
from mdo import services
from mdo.models import AgendaPunt, Overleg
from meldpunt.codes import Besluit
from meldpunt.models import Melding
from tests import factories
from tests.mdo.conftest import agenda_url, besluit_url, verplaatsen_url

LIJST = reverse("mdo:overleggen")


def over(dagen):
    return timezone.localdate() + timedelta(days=dagen)


def volgorde(overleg):
    return list(overleg.agendapunten.order_by("volgorde", "id").values_list("pk", flat=True))


def test_planning_an_mdo_fills_the_agenda_with_the_meldingen_waiting_for_it(chair, demo):
    oud = factories.mdo_melding(demo, ontvangen_op=timezone.localdate() - timedelta(days=9))
    nieuw = factories.mdo_melding(
        demo, huishouden=[("hoofdpersoon", factories.persoon_gegevens(achternaam="Wachters"))]
    )
    alleen_getrieerd = factories.melding(demo["meldpunt"])
    factories.triage(demo["meldpunt"], alleen_getrieerd)
    regulier = factories.melding(demo["meldpunt"])
    factories.triage(demo["meldpunt"], regulier, codes=("schulden",), besluit=Besluit.ADVIES)

    response = chair.post(LIJST, {"datum": over(5).isoformat(), "aanvang": "09:30", "locatie": "Stadhuis, zaal 3"})
    overleg = Overleg.objects.get()
    assert response.status_code == 302 and response.url == agenda_url(overleg)
    assert (overleg.locatie, overleg.aanvang.strftime("%H:%M"), overleg.voorzitter) == (
        "Stadhuis, zaal 3",
        "09:30",
        demo["procesmanager"],
    )
    punten = list(overleg.agendapunten.order_by("volgorde"))
    assert [p.melding for p in punten] == [oud, nieuw]  # oldest melding first
    assert all(p.soort == AgendaPunt.Soort.MELDING and p.open for p in punten)

    html = chair.get(response.url).content.decode()
    assert "er staan 2 punten op de agenda" in html
    assert oud.nummer in html and nieuw.nummer in html and "Wachters" in html
    assert alleen_getrieerd.nummer not in html and regulier.nummer not in html
    assert date_format(overleg.datum, "l j F Y") in html  # Dutch date
    assert "3 van 8" in html and "Verslaving, Schulden, Dakloos" in html


def test_a_date_in_the_past_is_refused_and_what_was_typed_is_kept(chair, demo):
    response = chair.post(LIJST, {"datum": over(-1).isoformat(), "locatie": "Stadhuis, zaal 3"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Een MDO plant u vandaag of later." in html
    assert 'value="Stadhuis, zaal 3"' in html
    assert not Overleg.objects.exists()


def test_the_list_shows_upcoming_meetings_first_then_past_ones(chair, demo):
    assert "Er is nog geen MDO gepland" in chair.get(LIJST).content.decode()
    later = factories.overleg(demo, dagen=14)
    straks = factories.overleg(demo, dagen=7)
    with acting_as(demo["procesmanager"]):
        lang_geleden = Overleg.objects.create(datum=over(-30), voorzitter=demo["procesmanager"], status="afgerond")
        vorige_week = Overleg.objects.create(datum=over(-7), voorzitter=demo["procesmanager"], status="afgerond")
    html = chair.get(LIJST).content.decode()
    posities = [html.index(agenda_url(o)) for o in (straks, later, vorige_week, lang_geleden)]
    assert posities == sorted(posities)
    assert "Afgerond" in html and "Gepland" in html


def test_the_list_is_paginated_by_twenty(chair, demo):
    for dagen in range(21):
        with acting_as(demo["procesmanager"]):
            Overleg.objects.create(datum=over(dagen), voorzitter=demo["procesmanager"])
    html = chair.get(LIJST).content.decode()
    assert "Pagina 1 van 2" in html
    assert html.count('href="/mdo/') - html.count('href="/mdo/"') == 20


def drie_punten(demo):
    for _ in range(3):
        factories.mdo_melding(demo)
    overleg = factories.overleg(demo)
    return overleg, volgorde(overleg)


def test_moving_items_up_and_down_without_javascript(chair, demo):
    overleg, (a, b, c) = drie_punten(demo)
    response = chair.post(verplaatsen_url(AgendaPunt.objects.get(pk=c)), {"richting": "omhoog"})
    assert response.status_code == 302 and response.url.endswith(f"#punt-{c}")
    assert volgorde(overleg) == [a, c, b]
    chair.post(verplaatsen_url(AgendaPunt.objects.get(pk=a)), {"richting": "omlaag"})
    assert volgorde(overleg) == [c, a, b]
    html = chair.get(agenda_url(overleg)).content.decode()
    assert html.index(f'id="punt-{c}"') < html.index(f'id="punt-{a}"') < html.index(f'id="punt-{b}"')
    assert AgendaPunt.history.filter(id=c).first().history_user == demo["procesmanager"]


def test_moving_with_htmx_redraws_only_the_agenda(chair, demo):
    overleg, (a, b, c) = drie_punten(demo)
    response = chair.post(
        verplaatsen_url(AgendaPunt.objects.get(pk=b)),
        {"richting": "omhoog"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="agenda",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="agenda"') and "<html" not in html
    assert "omhoog verplaatst" in html
    assert html.index(f'id="punt-{b}"') < html.index(f'id="punt-{a}"')
    assert volgorde(overleg) == [b, a, c]


def test_moving_an_item_to_another_planned_mdo(chair, demo):
    overleg, (a, b, c) = drie_punten(demo)
    volgende = factories.overleg(demo, dagen=14)
    punt = AgendaPunt.objects.get(pk=b)
    html = chair.get(agenda_url(overleg)).content.decode()
    assert f'name="v{b}-naar"' in html
    response = chair.post(verplaatsen_url(punt), {f"v{b}-naar": volgende.pk})
    assert response.status_code == 302
    punt.refresh_from_db()
    assert punt.overleg == volgende and punt.open
    assert volgorde(overleg) == [a, c]


def test_a_decided_item_cannot_be_moved(chair, demo):
    overleg, (a, b, c) = drie_punten(demo)
    punt = AgendaPunt.objects.get(pk=a)
    services.besluit_regulier(door=demo["procesmanager"], punt=punt, notulen="Huisarts.")
    response = chair.post(verplaatsen_url(punt), {"richting": "omlaag"}, follow=True)
    assert "Over dit agendapunt is al besloten." in response.content.decode()
    assert volgorde(overleg) == [a, b, c]


def test_agenda_bijwerken_adds_what_arrived_since_planning(chair, demo):
    overleg = factories.overleg(demo)
    assert "Er staan geen punten op de agenda" in chair.get(agenda_url(overleg)).content.decode()
    m = factories.mdo_melding(demo)
    response = chair.post(reverse("mdo:agenda_bijwerken", args=[overleg.pk]), follow=True)
    html = response.content.decode()
    assert "1 nieuwe punten op de agenda gezet." in html and m.nummer in html
    response = chair.post(reverse("mdo:agenda_bijwerken", args=[overleg.pk]), follow=True)
    assert "Er waren geen nieuwe punten voor de agenda." in response.content.decode()
    assert overleg.agendapunten.count() == 1


def test_a_casusbespreking_for_an_open_casus(chair, demo):
    c = factories.casus(demo)
    overleg = factories.overleg(demo)
    # without JS: the search reloads the agenda with the matches as radio buttons
    html = chair.get(agenda_url(overleg), {"casus_zoek": c.nummer}).content.decode()
    assert f'name="casus" value="{c.pk}" id="id_casus_{c.pk}"' in html
    response = chair.post(reverse("mdo:casusbespreking", args=[overleg.pk]), {"casus": c.pk}, follow=True)
    assert f"Casus {c.nummer} staat op de agenda" in response.content.decode()
    punt = overleg.agendapunten.get()
    assert (punt.soort, punt.casus) == (AgendaPunt.Soort.CASUSBESPREKING, c)

    response = chair.post(besluit_url(punt), {"actie": "besproken", f"b{punt.pk}-notulen": ""})
    assert response.status_code == 200 and "Noteer het besluit" in response.content.decode()
    response = chair.post(besluit_url(punt), {"actie": "besproken", f"b{punt.pk}-notulen": "Voortgang goed."})
    punt.refresh_from_db()
    assert (punt.besluit, punt.notulen, punt.besloten_door) == ("besproken", "Voortgang goed.", demo["procesmanager"])


def test_a_casusbespreking_needs_a_casus(chair, demo):
    overleg = factories.overleg(demo)
    factories.casus(demo)
    response = chair.post(reverse("mdo:casusbespreking", args=[overleg.pk]), {"casus": ""})
    assert response.status_code == 200 and "Kies een casus." in response.content.decode()


def test_a_closed_or_unknown_casus_is_refused_with_a_message(chair, demo):
    overleg = factories.overleg(demo)
    c = factories.casus(demo)
    with acting_as(demo["procesmanager"]):
        c.status = c.Status.AFGESLOTEN
        c.save()
    for pk in (c.pk, 999999, "abc"):
        response = chair.post(reverse("mdo:casusbespreking", args=[overleg.pk]), {"casus": pk})
        assert response.status_code == 200 and "Kies een open casus." in response.content.decode()
    assert not overleg.agendapunten.exists()


def test_closing_the_meeting_moves_open_items_to_the_next_planned_mdo(chair, demo):
    overleg, (a, b, c) = drie_punten(demo)
    volgende = factories.overleg(demo, dagen=14)
    services.besluit_regulier(door=demo["procesmanager"], punt=AgendaPunt.objects.get(pk=a), notulen="Huisarts.")
    html = chair.get(agenda_url(overleg)).content.decode()
    assert 'data-confirm="Het MDO afronden?' in html

    aanwezig = [demo["procesmanager"], demo["regisseur_dimence"], demo["regisseur_tactus"]]
    response = chair.post(
        reverse("mdo:afronden", args=[overleg.pk]),
        {"aanwezigen": [u.pk for u in aanwezig], "overige_aanwezigen": "Wijkagent Jansen (Politie)"},
        follow=True,
    )
    html = response.content.decode()
    assert "is afgerond. 2 niet behandelde punten zijn doorgeschoven" in html
    overleg.refresh_from_db()
    assert overleg.status == Overleg.Status.AFGEROND
    assert set(overleg.aanwezigen.all()) == set(aanwezig)
    assert overleg.overige_aanwezigen == "Wijkagent Jansen (Politie)"
    for pk in (b, c):
        punt = AgendaPunt.objects.get(pk=pk)
        assert (punt.besluit, punt.notulen) == ("aangehouden", "Niet behandeld; doorgeschoven.")
    verschoven = list(volgende.agendapunten.order_by("volgorde"))
    assert [p.melding_id for p in verschoven] == [AgendaPunt.objects.get(pk=pk).melding_id for pk in (b, c)]
    assert all(p.open for p in verschoven)
    # the closed meeting shows who was there and takes no more besluiten
    assert "Wijkagent Jansen (Politie)" in html and str(demo["regisseur_tactus"]) in html
    assert "MDO afronden" not in html and "Casusregisseur toewijzen" not in html
    response = chair.post(reverse("mdo:afronden", args=[overleg.pk]), {}, follow=True)
    assert "Dit MDO is al afgerond." in response.content.decode()


def test_the_agenda_page_uses_the_same_number_of_queries_for_3_or_15_items(chair, demo, django_assert_max_num_queries):
    overleg = factories.overleg(demo)

    def add(n):
        for i in range(n):
            if i % 3 == 2:
                factories.ingediend_plan(demo, factories.casus(demo))  # lands on the planned MDO
            else:
                factories.mdo_melding(
                    demo,
                    huishouden=[("hoofdpersoon", factories.persoon_gegevens()), ("kind", factories.persoon_gegevens())],
                )
        services.agenda_vullen(door=demo["procesmanager"], overleg=overleg)
        open_melding = overleg.agendapunten.filter(besluit="", soort="melding").first()
        services.besluit_toewijzen(
            door=demo["procesmanager"], punt=open_melding, casusregisseur=demo["regisseur_mee"], notulen="Akkoord."
        )

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert chair.get(agenda_url(overleg)).status_code == 200
        return len(ctx.captured_queries)

    add(3)
    assert overleg.agendapunten.count() == 3
    small = count_queries()
    add(12)
    assert overleg.agendapunten.count() == 15
    assert count_queries() == small
    # 26 (incl. the header's unread-notifications count) + the access-log write (PostgreSQL chain lock, last
    # hash, one INSERT for every client, role snapshot).
    with django_assert_max_num_queries(28):
        chair.get(agenda_url(overleg))


def test_meldingen_of_a_postponed_meeting_without_a_next_one_come_back_when_the_next_is_planned(chair, demo):
    m = factories.mdo_melding(demo)
    overleg = factories.overleg(demo)
    services.overleg_afronden(door=demo["procesmanager"], overleg=overleg)
    m.refresh_from_db()
    assert m.status == Melding.Status.OP_MDO_AGENDA
    volgende = factories.overleg(demo, dagen=14)
    assert volgende.agendapunten.get().melding == m


def test_an_error_while_moving_with_htmx_is_shown_in_the_agenda(chair, demo):
    overleg, (a, b, c) = drie_punten(demo)
    services.besluit_regulier(door=demo["procesmanager"], punt=AgendaPunt.objects.get(pk=b), notulen="Huisarts.")
    response = chair.post(verplaatsen_url(AgendaPunt.objects.get(pk=b)), {"richting": "omhoog"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in html
    assert "Over dit agendapunt is al besloten." in html
    assert volgorde(overleg) == [a, b, c]


def test_a_past_agenda_is_paged_and_the_access_log_names_the_households_shown(chair, demo, monkeypatch):
    """Issue 20: a past MDO of a region held ~850 items at 1M meldingen (2.8 s for one page). The planned MDO
    stays one page (the working agenda); a past one shows AGENDA_PAGINA items per page, numbered on."""
    from bzt.models import InzageRegel
    from mdo import views

    monkeypatch.setattr(views, "AGENDA_PAGINA", 2)
    overleg, (a, b, c) = drie_punten(demo)
    assert all(f'id="punt-{pk}"' in chair.get(agenda_url(overleg)).content.decode() for pk in (a, b, c))
    services.overleg_afronden(door=demo["procesmanager"], overleg=overleg)

    eerste = chair.get(agenda_url(overleg)).content.decode()
    assert f'id="punt-{a}"' in eerste and f'id="punt-{b}"' in eerste and f'id="punt-{c}"' not in eerste
    assert "Overzicht: punt 1 tot en met 2 van 3" in eerste and "Pagina 1 van 2" in eerste
    voor = set(InzageRegel.objects.values_list("pk", flat=True))
    tweede = chair.get(agenda_url(overleg), {"pagina": 2}).content.decode()
    assert f'id="punt-{c}"' in tweede and f'id="punt-{a}"' not in tweede
    assert '<ol class="bzt-agenda" aria-label="Agendapunten" start="3">' in tweede and "3. Melding" in tweede
    gelogd = set(InzageRegel.objects.exclude(pk__in=voor).values_list("persoon_id", flat=True))
    getoond = set(AgendaPunt.objects.get(pk=c).melding.betrokkenen.values_list("persoon_id", flat=True))
    assert gelogd == getoond  # only the household of the item on this page


def test_the_list_counts_items_and_uses_the_same_number_of_queries_for_one_or_three_meetings(chair, demo):
    def pagina():
        with CaptureQueriesContext(connection) as ctx:
            response = chair.get(LIJST)
        assert response.status_code == 200
        return {o.pk: (o.punten, o.open_punten) for o in response.context["page"].object_list}, len(
            ctx.captured_queries
        )

    for _ in range(2):
        factories.mdo_melding(demo)
    eerste = factories.overleg(demo, dagen=3)
    aantallen, klein = pagina()
    assert aantallen == {eerste.pk: (2, 2)}
    for _ in range(3):
        factories.mdo_melding(demo)
    tweede = factories.overleg(demo, dagen=10)
    leeg = factories.overleg(demo, dagen=20)
    # postponed: decided on the first agenda, open again on the second
    services.besluit_aanhouden(door=demo["procesmanager"], punt=eerste.agendapunten.first(), notulen="Later.")
    aantallen, groot = pagina()
    assert groot == klein
    assert aantallen == {eerste.pk: (2, 1), tweede.pk: (4, 4), leeg.pk: (0, 0)}
