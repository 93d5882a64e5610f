"""One definition of "a person" (meldpunt.personen): a set of linked person records is one person in the
jaarmonitor's personen.* figures, the access log per client and the "already known" signal alike."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from casusregie.services import casus_toewijzen
from meldpunt import personen, selectors, services
from meldpunt.models import Persoon, PersoonKoppeling
from monitor import figures
from tests import factories

JAAR = date.today().year - 1


def record(door, ontvangen_op, **gegevens):
    m = factories.melding(
        door, ontvangen_op=ontvangen_op, huishouden=[("hoofdpersoon", factories.persoon_gegevens(**gegevens))]
    )
    return m.betrokkenen.get().persoon


def koppelen(door, a, b):
    return services.personen_koppelen(door=door, persoon=a, gekoppeld_aan=b, reden="Zelfde persoon.")


def personen_figuren(jaar=JAAR):
    return figures.compute(jaar)["personen"], figures.kopcijfers(jaar)["personen_uniek"]


@pytest.fixture
def meldpunt(demo):
    return demo["meldpunt"]


def test_two_linked_records_are_one_person_in_every_personen_figure_until_unlinked(meldpunt):
    # The later record (in June) has other values: the person counts with those of their first melding (March).
    eerste = record(
        meldpunt, date(JAAR, 3, 1), geslacht="man", inkomen="werk", wijk="Voorstad", geboortedatum=date(JAAR - 30, 6, 1)
    )
    tweede = record(
        meldpunt,
        date(JAAR, 6, 1),
        geslacht="onbekend",
        inkomen="onbekend",
        wijk="Keizerslanden",
        geboortedatum=date(JAAR - 30, 4, 1),
    )
    koppeling = koppelen(meldpunt, tweede, eerste)

    p, uniek = personen_figuren()
    assert (p["uniek"], uniek) == (1, 1)
    assert p["per_geslacht"] == {"man": 1}
    assert p["per_inkomen"] == {"werk": 1}
    assert p["per_wijk"] == {"Voorstad": 1}
    assert p["per_leeftijd"] == {"23-29": 1}  # 29 on 1 March, with the birth date of the March record

    services.koppeling_opheffen(door=meldpunt, koppeling=koppeling, reden="Toch twee personen.")
    p, uniek = personen_figuren()
    assert (p["uniek"], uniek) == (2, 2)
    assert p["per_geslacht"] == {"man": 1, "onbekend": 1}
    assert p["per_wijk"] == {"Keizerslanden": 1, "Voorstad": 1}
    assert p["per_leeftijd"] == {"23-29": 1, "30-44": 1}


def test_records_linked_through_a_third_are_one_person(meldpunt):
    a, b, c = (record(meldpunt, date(JAAR, maand, 1)) for maand in (2, 3, 4))
    koppelen(meldpunt, a, b)
    bc = koppelen(meldpunt, c, b)
    assert personen_figuren()[0]["uniek"] == 1
    assert selectors.linked_ids({c.pk}) == {a.pk, b.pk, c.pk}
    assert {s.via for s in selectors.bekend_signalen([c])} == {a, b, c}

    services.koppeling_opheffen(door=meldpunt, koppeling=bc, reden="Toch een ander.")
    assert personen_figuren()[0]["uniek"] == 2
    assert selectors.linked_ids({c.pk}) == {c.pk}
    assert selectors.linked_ids({a.pk}) == {a.pk, b.pk}


def test_the_jaarmonitor_the_access_log_and_the_known_signal_agree_on_who_is_one_person(meldpunt):
    from keten.inzage_views import _persoon_ids  # the access log's records of a client

    records = [record(meldpunt, date(JAAR, 1 + i, 1)) for i in range(5)]
    koppelen(meldpunt, records[0], records[1])
    koppelen(meldpunt, records[2], records[1])
    koppelen(meldpunt, records[3], records[4])
    groepen = {frozenset(_persoon_ids(r.pk)) for r in records}
    assert groepen == {frozenset(r.pk for r in records[:3]), frozenset(r.pk for r in records[3:])}
    for r in records:
        assert {s.via.pk for s in selectors.bekend_signalen([r])} == _persoon_ids(r.pk)
        assert {personen.persoon_id(Persoon.objects.get(pk=pk)) for pk in _persoon_ids(r.pk)} == {
            personen.persoon_id(Persoon.objects.get(pk=r.pk))
        }
    assert personen_figuren() == (figures.compute(JAAR)["personen"], len(groepen))
    assert personen_figuren()[0]["uniek"] == len(groepen)


def test_the_migration_fills_the_person_of_existing_links(meldpunt):
    import importlib

    from django.apps import apps

    a, b, c = (record(meldpunt, date(JAAR, maand, 1)) for maand in (2, 3, 4))
    koppelen(meldpunt, c, b)
    koppelen(meldpunt, b, a)
    Persoon.objects.update(persoon_groep=None)  # as before the migration
    importlib.import_module("meldpunt.migrations.0010_persoon_groep").groepen_vullen(apps, None)
    assert set(Persoon.objects.filter(pk__in=[a.pk, b.pk, c.pk]).values_list("persoon_groep", flat=True)) == {a.pk}
    assert PersoonKoppeling.objects.count() == 2


def test_a_linked_record_of_a_household_member_with_an_open_casus_gets_no_second_casus(demo):
    bestaand = factories.casus(demo)
    lid = bestaand.melding.betrokkenen.get().persoon
    m = factories.mdo_melding(demo)
    tweede_record = m.betrokkenen.get().persoon
    koppelen(demo["meldpunt"], tweede_record, lid)
    with pytest.raises(ValidationError, match="1 huishouden, 1 plan, 1 regisseur"):
        casus_toewijzen(door=demo["procesmanager"], melding=m, casusregisseur=demo["regisseur_tactus"])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_links_of_the_same_person_at_once_give_one_person(demo):
    """A–B is linked in one transaction while, at that moment, B–C is linked in another. The second waits for
    the lock on B and then sees A–B: A, B and C are one person. Without the lock it saw only B–C and gave B and
    C another person id than A."""
    import threading
    import time

    from django.db import connection, transaction

    meldpunt = demo["meldpunt"]
    a, b, c = (record(meldpunt, date(JAAR, maand, 1)) for maand in (2, 3, 4))
    bezig, klaar = threading.Event(), {}

    def eerste():
        try:
            with transaction.atomic():
                koppelen(meldpunt, a, b)
                bezig.set()
                time.sleep(1)  # the second link arrives now, before this commits
            klaar["eerste"] = True
        finally:
            bezig.set()
            connection.close()

    def tweede():
        try:
            bezig.wait(timeout=30)
            koppelen(meldpunt, Persoon.objects.get(pk=c.pk), Persoon.objects.get(pk=b.pk))
            klaar["tweede"] = True
        finally:
            connection.close()

    threads = [threading.Thread(target=eerste), threading.Thread(target=tweede)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert klaar == {"eerste": True, "tweede": True}
    groepen = set(Persoon.objects.filter(pk__in=[a.pk, b.pk, c.pk]).values_list("persoon_groep", flat=True))
    assert groepen == {a.pk}
    assert personen_figuren()[0]["uniek"] == 1
