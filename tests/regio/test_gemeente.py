"""The gemeente dimension, called directly: registration, escalation ladders per gemeente, moves, accounts
(CONTRACT.md § Region, docs/regio.md)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from bzt import beheer
from bzt.gemeenten import eigen_gemeente, gemeente_opslaan, is_regio
from bzt.models import Notificatie
from casusregie import services
from casusregie.models import AfsluitReden, Casus, CasusVerhuizing
from casusregie.selectors import escalaties_for, escalaties_op_mijn_niveau
from casusregie.workflow import handles
from tests import factories

from .conftest import casus_in, huishouden_in, naar_wethouder

pytestmark = pytest.mark.django_db


def test_a_single_gemeente_installation_has_its_own_gemeente_and_shows_none(demo, client):
    assert eigen_gemeente().code == "GM0150" and not is_regio()
    m = factories.melding(demo["meldpunt"])
    assert m.gemeente == eigen_gemeente()
    client.force_login(demo["meldpunt"])
    response = client.get(reverse("meldpunt:melding_nieuw"))
    page = response.content.decode()
    assert response.status_code == 200 and 'name="aanmeldroute"' in page
    assert 'name="gemeente"' not in page and "Gemeente</label>" not in page
    # the gemeente-bound accounts belong to it without anyone choosing
    assert demo["wethouder"].gemeente == eigen_gemeente()


def test_registration_takes_the_gemeente_as_object_code_or_from_the_wijk(regio):
    zutphen, lochem = regio["gemeenten"]["GM0301"], regio["gemeenten"]["GM0262"]
    assert factories.melding(regio["meldpunt"], huishouden=huishouden_in(zutphen)).gemeente == zutphen
    melding = factories.melding  # the service itself with an explicit gemeente (the partner API passes a code)
    from meldpunt.services import NieuweBetrokkene, melding_registreren

    def registreer(**kwargs):
        return melding_registreren(
            door=regio["meldpunt"],
            gegevens={
                "ontvangen_op": timezone.localdate(),
                "aanmeldroute": "oggz",
                "aanleiding": "Zorgen.",
                "melder_type": "anoniem",
            },
            betrokkenen=[NieuweBetrokkene(rol="hoofdpersoon", gegevens=factories.persoon_gegevens(wijk=""))],
            **kwargs,
        )

    assert registreer(gemeente="GM0262").gemeente == lochem
    assert registreer(gemeente=lochem).gemeente == lochem
    assert registreer().gemeente == eigen_gemeente()  # no wijk: the installation's own
    with pytest.raises(ValidationError) as error:
        registreer(gemeente="GM9999")
    assert "GM9999 is onbekend" in error.value.message_dict["gemeente"][0]
    with pytest.raises(ValidationError) as error:
        registreer(gemeente="Zutphen")
    assert "geen CBS-gemeentecode" in error.value.message_dict["gemeente"][0]
    assert melding  # (kept for readability above)


def test_the_intake_offers_the_gemeente_in_a_region(regio, client):
    client.force_login(regio["meldpunt"])
    page = client.get(reverse("meldpunt:melding_nieuw")).content.decode()
    assert 'name="gemeente"' in page and "Zutphen" in page and "Noordveen" in page


def test_an_escalation_to_the_wethouder_goes_to_the_wethouder_of_the_casus_gemeente(
    regio, django_capture_on_commit_callbacks
):
    casus = casus_in(regio, "GM0301")
    with django_capture_on_commit_callbacks(execute=True):
        e = naar_wethouder(regio, casus)
    assert e.gemeente.code == "GM0301" and e.niveau.code == "wethouder"
    zutphen, deventer, lochem = regio["wethouder_zutphen"], regio["wethouder"], regio["wethouder_lochem"]
    assert handles(zutphen, e) and not handles(deventer, e) and not handles(lochem, e)
    assert list(escalaties_op_mijn_niveau(zutphen)) == [e]
    for ander in (deventer, lochem, regio["coordinator"], regio["burgemeester"]):
        assert not escalaties_for(ander).filter(pk=e.pk).exists()
        assert not escalaties_op_mijn_niveau(ander).exists()
    with pytest.raises(PermissionDenied):
        services.escalatie_beantwoorden(door=deventer, escalatie=e, antwoord="Ja.", besluit="Doen.")
    services.escalatie_beantwoorden(door=zutphen, escalatie=e, antwoord="Ja.", besluit="Doen.")
    # only Zutphen's wethouder was told
    ontvangers = set(Notificatie.objects.values_list("ontvanger__username", flat=True))
    assert "wethouder_zutphen" in ontvangers  # the coordinator acted: never told of their own step
    assert not ontvangers & {"wethouder", "coordinator", "wethouder_lochem", "coordinator_lochem"}


def test_a_move_within_the_region_changes_the_ladder_of_new_escalations_and_keeps_open_ones(regio):
    casus = casus_in(regio, "GM0301")
    open_zutphen = naar_wethouder(regio, casus)
    services.verhuizen(
        casus=casus,
        naar_gemeente="GM0262",
        datum=timezone.localdate(),
        door=regio["regisseur_dimence"],
        reden="Nieuw adres.",
    )
    casus.refresh_from_db()
    assert casus.gemeente.code == "GM0262"
    verhuizing = CasusVerhuizing.objects.get(casus=casus)
    assert (verhuizing.van.code, verhuizing.naar.code, verhuizing.door) == (
        "GM0301",
        "GM0262",
        regio["regisseur_dimence"],
    )
    assert casus.history.first().history_user == regio["regisseur_dimence"]
    # the open escalation stays with Zutphen
    open_zutphen.refresh_from_db()
    assert open_zutphen.gemeente.code == "GM0301" and handles(regio["wethouder_zutphen"], open_zutphen)
    assert not handles(regio["wethouder_lochem"], open_zutphen)
    services.escalatie_deescaleren(door=regio["procesmanager"], escalatie=open_zutphen, toelichting="Opgelost.")
    # the next escalation climbs Lochem's ladder
    nieuw = naar_wethouder(regio, Casus.objects.get(pk=casus.pk))
    assert nieuw.gemeente.code == "GM0262"
    assert handles(regio["wethouder_lochem"], nieuw) and not handles(regio["wethouder_zutphen"], nieuw)
    assert not escalaties_for(regio["wethouder_zutphen"]).filter(pk=nieuw.pk).exists()


def test_a_move_is_refused_with_a_dutch_reason(regio):
    casus = casus_in(regio, "GM0301")
    door = regio["regisseur_dimence"]
    for kwargs, veld, tekst in [
        ({"naar_gemeente": "GM0301"}, "naar_gemeente", "hoort al bij Zutphen"),
        ({"naar_gemeente": "GM9999"}, "naar_gemeente", "onbekend"),
        ({"naar_gemeente": None}, "naar_gemeente", "Kies de gemeente"),
        ({"naar_gemeente": "GM0262", "reden": " "}, "reden", "Licht de verhuizing toe"),
        ({"naar_gemeente": "GM0262", "datum": timezone.localdate() + timezone.timedelta(days=3)}, "datum", "toekomst"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.verhuizen(casus=casus, door=door, **{"reden": "Verhuisd.", **kwargs})
        assert tekst in " ".join(error.value.message_dict[veld]), kwargs
    with pytest.raises(PermissionDenied):  # a casusregisseur of another casus
        services.verhuizen(casus=casus, naar_gemeente="GM0262", door=regio["regisseur_tactus"], reden="Verhuisd.")
    with pytest.raises(PermissionDenied):  # the wethouder of the new gemeente does not pull the casus over
        services.verhuizen(casus=casus, naar_gemeente="GM0262", door=regio["wethouder_lochem"], reden="Verhuisd.")
    assert not CasusVerhuizing.objects.exists()


def test_a_move_out_of_the_region_closes_the_casus_as_verhuisd_with_the_note_for_the_new_gemeente(regio):
    casus = casus_in(regio, "GM0177")
    with pytest.raises(PermissionDenied):  # the procesmanager's closing: the casus cannot go on here
        services.verhuizen_buiten_regio(
            casus=casus, naar="Apeldoorn", overdracht="Wijkteam Apeldoorn-Zuid.", door=regio["regisseur_dimence"]
        )
    with pytest.raises(ValidationError) as error:
        services.verhuizen_buiten_regio(casus=casus, naar="Apeldoorn", overdracht="", door=regio["procesmanager"])
    assert "overdracht" in error.value.message_dict
    services.verhuizen_buiten_regio(
        casus=casus,
        naar="Apeldoorn",
        overdracht="Wijkteam Apeldoorn-Zuid is geïnformeerd.",
        door=regio["procesmanager"],
    )
    casus.refresh_from_db()
    assert not casus.open and casus.afsluitreden == AfsluitReden.objects.get(code="verhuisd")
    assert casus.afsluit_toelichting == "Overdracht aan Apeldoorn: Wijkteam Apeldoorn-Zuid is geïnformeerd."
    assert casus.afsluiting == Casus.Afsluiting.PROCESMANAGER and casus.gemeente.code == "GM0177"


def test_a_gemeente_bound_account_needs_a_gemeente_in_a_region(regio):
    org = regio["wethouder"].organisatie
    with pytest.raises(ValidationError) as error:
        beheer.account_aanmaken(
            door=regio["beheer"],
            username="wh_nieuw",
            first_name="W",
            last_name="H",
            email="w@h.nl",
            organisatie=org,
            rollen=["wethouder"],
        )
    assert "Kies de gemeente" in error.value.message_dict["gemeente"][0]
    nieuw = beheer.account_aanmaken(
        door=regio["beheer"],
        username="wh_nieuw",
        first_name="W",
        last_name="H",
        email="w@h.nl",
        organisatie=org,
        rollen=["wethouder"],
        gemeente=regio["gemeenten"]["GM0175"],
    ).gebruiker
    assert nieuw.gemeente.code == "GM0175"
    # a regional role keeps none
    gebruiker = beheer.account_wijzigen(
        door=regio["beheer"],
        gebruiker=nieuw,
        first_name="W",
        last_name="H",
        email="w@h.nl",
        organisatie=org,
        rollen=["meldpunt"],
        reden="andere functie",
        gemeente=regio["gemeenten"]["GM0175"],
    )
    assert gebruiker.gemeente is None


def test_functioneel_beheer_manages_gemeenten_with_dutch_validation(regio):
    with pytest.raises(ValidationError) as error:
        gemeente_opslaan(door=regio["beheer"], code="0150", naam="X", wijken="")
    assert "GM" in error.value.message_dict["code"][0]
    with pytest.raises(ValidationError) as error:
        gemeente_opslaan(door=regio["beheer"], code="GM0301", naam="Nog een", wijken="")
    assert "bestaat al" in error.value.message_dict["code"][0]
    with pytest.raises(PermissionDenied):
        gemeente_opslaan(door=regio["wethouder"], code="GM0200", naam="Apeldoorn", wijken="Zuid")
    apeldoorn = gemeente_opslaan(door=regio["beheer"], code="gm0200", naam="Apeldoorn", wijken="Zuid\nNoord\nzuid\n")
    assert (apeldoorn.code, apeldoorn.wijken) == ("GM0200", ["Zuid", "Noord"])
    with pytest.raises(ValidationError) as error:  # the own gemeente stays active
        gemeente_opslaan(
            door=regio["beheer"],
            gemeente=eigen_gemeente(),
            naam="Deventer",
            wijken=eigen_gemeente().wijken,
            actief=False,
            reden="probeer",
        )
    assert "eigen gemeente" in error.value.message_dict["actief"][0]
    with pytest.raises(ValidationError) as error:  # accounts still work for Zutphen
        gemeente_opslaan(
            door=regio["beheer"],
            gemeente=regio["gemeenten"]["GM0301"],
            naam="Zutphen",
            wijken=["A"],
            actief=False,
            reden="fusie",
        )
    assert "actieve accounts" in error.value.message_dict["actief"][0]


def test_the_import_takes_the_gemeente_per_line_and_rejects_an_unknown_code(regio, tmp_path):
    import json

    from keten.importer import ImportRejected, import_meldingen
    from meldpunt.models import Melding

    def regel(extern_id, **extra):
        return json.dumps(
            {
                "extern_id": extern_id,
                "ontvangen_op": "2025-03-14",
                "melder": {"type": "burger", "organisatie": None},
                "aanmeldroute": "oggz",
                "overlast": False,
                "personen": [
                    {
                        "extern_id": f"P-{extern_id}",
                        "achternaam": "Jansen",
                        "rol": "hoofdpersoon",
                        **extra.pop("persoon", {}),
                    }
                ],
                **extra,
            }
        )

    bestand = tmp_path / "meldingen.jsonl"
    bestand.write_text(
        "\n".join(
            [
                regel("R-1", gemeente="GM0301", persoon={"wijk": "Noordveen"}),
                regel("R-2"),
                regel("R-3", gemeente="GM9999"),
            ]
        )
    )
    with pytest.raises(ImportRejected) as error:
        import_meldingen(bestand)
    problemen = [(p.line, p.message) for p in error.value.problems]
    assert (
        len(problemen) == 1
        and problemen[0][0] == 3
        and "'GM9999' is geen gemeente van deze installatie" in problemen[0][1]
    )
    assert not Melding.objects.filter(extern_id__startswith="R-").exists()
    # a wijk of another gemeente is refused too
    bestand.write_text(regel("R-4", gemeente="GM0262", persoon={"wijk": "Noordveen"}))
    with pytest.raises(ImportRejected):
        import_meldingen(bestand)
    bestand.write_text("\n".join([regel("R-1", gemeente="GM0301", persoon={"wijk": "Noordveen"}), regel("R-2")]))
    import_meldingen(bestand)
    assert Melding.objects.get(extern_id="R-1").gemeente.code == "GM0301"
    assert Melding.objects.get(extern_id="R-2").gemeente == eigen_gemeente()
