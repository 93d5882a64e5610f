import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from meldpunt import selectors, services
from meldpunt.models import Persoon, PersoonKoppeling
from tests import factories


@pytest.fixture
def jan(demo):
    gegevens = factories.persoon_gegevens(
        voornaam="Jan",
        achternaam="Zoekema",
        bsn="123456782",
        adres="Brink 12",
        postcode="7411BT",
    )
    m = factories.melding(demo["meldpunt"], huishouden=[("hoofdpersoon", gegevens)])
    return m.betrokkenen.get().persoon


@pytest.mark.parametrize("query", ["Zoekema", "jan zoekema", "123456782", "1234.56.782", "Brink 12", "7411BT"])
def test_meldpunt_finds_a_person_by_name_bsn_or_address(client, demo, jan, query):
    client.force_login(demo["meldpunt"])
    html = client.get(reverse("meldpunt:zoeken"), {"q": query}).content.decode()
    assert reverse("meldpunt:persoon", args=[jan.pk]) in html


def test_search_by_date_of_birth_and_by_melding_number(client, demo, jan):
    client.force_login(demo["meldpunt"])
    html = client.get(reverse("meldpunt:zoeken"), {"q": jan.geboortedatum.strftime("%d-%m-%Y")}).content.decode()
    assert "Zoekema" in html
    melding = jan.meldingen.get()
    html = client.get(reverse("meldpunt:zoeken"), {"q": melding.nummer}).content.decode()
    assert reverse("meldpunt:melding", args=[melding.pk]) in html


def test_search_without_result_says_so(client, demo, jan):
    client.force_login(demo["meldpunt"])
    assert "Niets gevonden" in client.get(reverse("meldpunt:zoeken"), {"q": "Nergensma"}).content.decode()


def test_a_casusregisseur_cannot_search(client, demo, jan):
    client.force_login(demo["regisseur_dimence"])
    response = client.get(reverse("meldpunt:zoeken"), {"q": "Zoekema"})
    assert response.status_code == 403 and "Zoekema" not in response.content.decode()
    assert not selectors.zoek_personen(demo["regisseur_dimence"], "Zoekema").exists()


def test_linking_two_records_is_reversible_and_records_who_and_why(client, demo, jan):
    ander = (
        factories.melding(
            demo["meldpunt"],
            huishouden=[("hoofdpersoon", factories.persoon_gegevens(voornaam="J.", achternaam="Zoekema"))],
        )
        .betrokkenen.get()
        .persoon
    )
    client.force_login(demo["meldpunt"])
    response = client.post(
        reverse("meldpunt:persoon", args=[jan.pk]),
        {"gekoppeld_aan": ander.pk, "reden": "Zelfde adres en geboortedatum."},
        follow=True,
    )
    assert "is gekoppeld aan" in response.content.decode()
    koppeling = PersoonKoppeling.objects.get()
    assert (koppeling.gekoppeld_door, koppeling.reden) == (demo["meldpunt"], "Zelfde adres en geboortedatum.")
    assert Persoon.objects.filter(pk__in=[jan.pk, ander.pk]).count() == 2  # linked, not merged

    # A new melding about the other record shows that Jan's melding is open.
    signalen = selectors.bekend_signalen([ander])
    assert [s.melding for s in signalen] == [jan.meldingen.get()] + list(ander.meldingen.all())

    client.post(reverse("meldpunt:koppeling_opheffen", args=[ander.pk, koppeling.pk]), {"reden": "Toch twee personen."})
    koppeling.refresh_from_db()
    assert not koppeling.actief
    assert (koppeling.ontkoppeld_door, koppeling.ontkoppel_reden) == (demo["meldpunt"], "Toch twee personen.")
    assert koppeling.history.first().history_change_reason == "Toch twee personen."
    assert jan.meldingen.get() not in [s.melding for s in selectors.bekend_signalen([ander])]


def test_linking_needs_a_reason_and_another_record(demo, jan):
    with pytest.raises(ValidationError):
        services.personen_koppelen(door=demo["meldpunt"], persoon=jan, gekoppeld_aan=jan, reden="x")
    ander = factories.melding(demo["meldpunt"]).betrokkenen.get().persoon
    with pytest.raises(ValidationError):
        services.personen_koppelen(door=demo["meldpunt"], persoon=jan, gekoppeld_aan=ander, reden="  ")
    with pytest.raises(PermissionDenied):  # a missing right is PermissionDenied in every app (issue 13)
        services.personen_koppelen(door=demo["procesmanager"], persoon=jan, gekoppeld_aan=ander, reden="zelfde")


@pytest.mark.postgres
def test_search_by_part_of_a_name_uses_the_trigram_indexes_on_postgresql(client, demo, jan):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename IN ('meldpunt_persoon', 'meldpunt_melding')")
        indexes = {name for (name,) in cursor.fetchall()}
    assert {"persoon_voornaam_trgm", "persoon_achternaam_trgm", "persoon_adres_trgm"} <= indexes
    assert {"persoon_postcode_upper", "melding_extern_id_upper"} <= indexes
    client.force_login(demo["meldpunt"])
    for query in ("oekem", "JA zoek", "rink 1", "7411bt"):
        html = client.get(reverse("meldpunt:zoeken"), {"q": query}).content.decode()
        assert reverse("meldpunt:persoon", args=[jan.pk]) in html, query
    melding = jan.betrokkenheden.get().melding
    type(melding).objects.filter(pk=melding.pk).update(extern_id="VIS2-2025-0001")
    assert selectors.zoek_melding(demo["meldpunt"], "vis2-2025-0001") == melding


@pytest.fixture
def veel(demo):
    """Seven persons with the same surname, first names in reverse order of creation."""
    return Persoon.objects.bulk_create(
        [
            Persoon(voornaam=voornaam, achternaam="Veelma")
            for voornaam in ("Gijs", "Fien", "Eva", "Daan", "Cor", "Bo", "Ad")
        ]
    )


def test_the_search_stops_counting_at_its_maximum_and_says_more(client, demo, veel, monkeypatch):
    monkeypatch.setattr(selectors, "ZOEK_MAX", 5)
    gevonden, aantal = selectors.zoek_personen_begrensd(demo["meldpunt"], "veelma")
    assert (len(gevonden), aantal) == (5, 6)  # five shown, and "more" known from one extra row, not a count
    assert [p.voornaam for p in gevonden[0:5]] == sorted(p.voornaam for p in gevonden[0:5])  # in name order
    client.force_login(demo["meldpunt"])
    html = client.get(reverse("meldpunt:zoeken"), {"q": "Veelma"}).content.decode()
    assert "Personen (meer dan 5)" in html and "Maak de zoekopdracht preciezer" in html
    monkeypatch.setattr(selectors, "ZOEK_MAX", 500)
    html = client.get(reverse("meldpunt:zoeken"), {"q": "Veelma"}).content.decode()
    assert "Personen (7)" in html and "preciezer" not in html
    assert html.index(">Ad Veelma<") < html.index(">Bo Veelma<") < html.index(">Gijs Veelma<")


def test_the_search_pages_in_name_order(client, demo, veel, monkeypatch):
    from meldpunt import views

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    client.force_login(demo["meldpunt"])
    pages = [client.get(reverse("meldpunt:zoeken"), {"q": "Veelma", "pagina": n}).context["page"] for n in (1, 2, 3)]
    assert [[p.voornaam for p in page.object_list] for page in pages] == [
        ["Ad", "Bo", "Cor"],
        ["Daan", "Eva", "Fien"],
        ["Gijs"],
    ]


def test_a_two_letter_term_is_the_start_of_a_name_not_any_part(demo, jan):
    def found(q):
        return jan.pk in selectors.zoek_personen(demo["meldpunt"], q).ids

    assert found("Zo") and found("ja") and found("7411bt")
    assert not found("ek") and not found("an")  # inside a name: would read every person
    assert not found("z")  # one character: no search at all
    assert found("J Zoekema") and found("Jan de Zoekema")  # short words next to longer ones are left out
