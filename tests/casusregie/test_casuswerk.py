"""Only accounts whose role is casus work hold a per-casus grant, and every holder passes the second factor
(issue 12, finding 1). The rule is casusregie.permissions (CASUSWERK, mag_casusrecht_houden, grant)."""

import copy
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from bzt.audit import acting_as, system_user
from bzt.auth.services import PERSOONSGEGEVENS_PERMISSIES, tweestaps_verplicht
from bzt.models import User
from bzt.services import gebruiker_opslaan
from casusregie import permissions, selectors, services
from casusregie.forms import professionals
from casusregie.models import AfsluitReden, Casus, CasusBetrokkene, CasusToegang, CasusUserObjectPermission
from meldpunt.services import melding_op_mdo_agenda_zetten
from tests import factories
from tests.helpers import force_login_without_2fa

GEEN_CASUSWERK = ["beleid", "beheer", "privacy", "wethouder", "coordinator", "meldpunt", "procesmanager"]


def rechten(user, casus=None):
    qs = CasusUserObjectPermission.objects.filter(user=user)
    return qs.filter(content_object=casus) if casus is not None else qs


def op_mdo_agenda(demo):
    m = factories.melding(demo["meldpunt"])
    factories.triage(demo["meldpunt"], m)
    melding_op_mdo_agenda_zetten(door=demo["meldpunt"], melding=m)
    return m


@pytest.mark.parametrize("username", GEEN_CASUSWERK)
def test_the_service_refuses_an_account_without_casus_work_as_betrokkene(demo, username):
    c = factories.casus(demo)
    for door in (demo["regisseur_dimence"], demo["procesmanager"]):
        with pytest.raises(ValidationError) as error:
            services.betrokkene_toevoegen(
                door=door, casus=c, professional=demo[username], rol="Meekijken", grondslag="convenant"
            )
        assert "casuswerk" in error.value.message_dict["professional"][0]
    assert not rechten(demo[username]).exists()
    assert not CasusBetrokkene.objects.filter(professional=demo[username]).exists()


@pytest.mark.parametrize("username", GEEN_CASUSWERK)
def test_nobody_without_casus_work_is_assigned_or_handed_a_casus(demo, username):
    with pytest.raises(ValidationError, match="geen casusregisseur"):
        services.casus_toewijzen(door=demo["procesmanager"], melding=op_mdo_agenda(demo), casusregisseur=demo[username])
    c = factories.casus(demo)
    with pytest.raises(ValidationError, match="geen casusregisseur"):
        services.casus_overdragen(door=demo["procesmanager"], casus=c, nieuwe_regisseur=demo[username], reden="x")
    assert not rechten(demo[username]).exists()


def test_a_superuser_is_an_operator_not_a_casusregisseur(demo):
    with acting_as(system_user()):
        operator = User.objects.create_superuser("operator", "op@bzt.example", "Lange-Testzin-Voor-BZT-2025")
    assert not permissions.mag_casusrecht_houden(operator)
    with pytest.raises(ValidationError):
        services.casus_toewijzen(door=demo["procesmanager"], melding=op_mdo_agenda(demo), casusregisseur=operator)


@pytest.mark.parametrize("username", ["beleid", "beheer", "privacy", "wethouder"])
def test_grant_itself_refuses_whatever_path_calls_it(demo, username):
    c = factories.casus(demo)
    with acting_as(demo["procesmanager"]), pytest.raises(ValidationError, match="casuswerk"):
        permissions.grant(c, demo[username], permissions.LEZEN, door=demo["procesmanager"], reden="test")
    assert not rechten(demo[username]).exists()
    permissions.grant(c, demo["regisseur_mee"], permissions.LEZEN, door=demo["procesmanager"], reden="test")
    assert rechten(demo["regisseur_mee"], c).exists()


@pytest.mark.parametrize("username", ["beleid", "beheer", "privacy", "wethouder"])
def test_the_import_never_makes_such_an_account_casusregisseur(tmp_path, demo, username):
    from tests.test_import import CONTRACT_LINE, run_import, write_jsonl

    line = copy.deepcopy(CONTRACT_LINE)
    line["mdo"]["casusregisseur"] = username
    run_import(write_jsonl(tmp_path, line))
    casus = Casus.objects.get()
    assert (casus.casusregisseur, casus.organisatie.naam) == (None, "Dimence")
    assert not CasusUserObjectPermission.objects.exists()


def test_the_picker_offers_only_casus_work(client, demo):
    aangeboden = set(professionals().values_list("username", flat=True))
    assert aangeboden == {"regisseur_dimence", "regisseur_tactus", "regisseur_iriszorg", "regisseur_carinova",
                          "regisseur_mee"}  # fmt: skip
    c = factories.casus(demo)
    client.force_login(demo["regisseur_dimence"])
    url = reverse("casusregie:professionals_zoeken", args=[c.pk])
    html = client.get(url, {"professional_zoek": "Gemeente Deventer"}).content.decode()
    for username in ("beleid", "beheer", "privacy", "wethouder", "coordinator", "meldpunt"):
        assert f'value="{demo[username].pk}"' not in html, username
    assert f'value="{demo["regisseur_tactus"].pk}"' in client.get(url, {"professional_zoek": "Tactus"}).content.decode()

    response = client.post(
        reverse("casusregie:betrokkene_toevoegen", args=[c.pk]),
        {
            "betrokkene-professional": demo["beleid"].pk,
            "betrokkene-rol": "Meekijken",
            "betrokkene-grondslag": "convenant",
        },
    )
    assert response.status_code == 200
    assert "Kies een actieve professional van een organisatie." in response.content.decode()
    assert not rechten(demo["beleid"]).exists()


def test_holding_a_per_casus_grant_requires_the_second_factor(client, demo):
    """A grant made before this rule (assign_perm directly: the services refuse it now) still needs 2FA."""
    c = factories.casus(demo)
    beleid = demo["beleid"]
    assert not any(beleid.has_perm(p) for p in PERSOONSGEGEVENS_PERMISSIES)
    assert not tweestaps_verplicht(User.objects.get(pk=beleid.pk))
    assign_perm("casusregie.view_casus", beleid, c)

    assert tweestaps_verplicht(User.objects.get(pk=beleid.pk))
    force_login_without_2fa(client, beleid)
    response = client.get(reverse("casusregie:dossier", args=[c.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("tweestaps_controleren"))


def test_the_role_that_may_hold_a_grant_is_in_the_2fa_list():
    assert permissions.CASUSWERK in PERSOONSGEGEVENS_PERMISSIES


def _migratie():
    return importlib.import_module("casusregie.migrations.0006_casusrechten_alleen_voor_casuswerk")


def test_the_data_migration_removes_bad_grants_and_records_why(demo):
    c = factories.casus(demo)
    goed = services.betrokkene_toevoegen(
        door=demo["regisseur_dimence"], casus=c, professional=demo["regisseur_mee"], rol="Schuldhulp",
        grondslag="convenant",
    )  # fmt: skip
    # What the old picker allowed: beleid and beheer as betrokken professional, with their grants.
    slecht = {}
    with acting_as(demo["regisseur_dimence"]):
        for username, perms in (("beleid", permissions.LEZEN), ("beheer", permissions.LEZEN_EN_SCHRIJVEN)):
            slecht[username] = CasusBetrokkene.objects.create(
                casus=c, professional=demo[username], rol="Meekijken", grondslag="convenant",
                toegevoegd_door=demo["regisseur_dimence"], mag_wijzigen=len(perms) > 1,
            )  # fmt: skip
            for perm in perms:
                assign_perm(f"casusregie.{perm}", demo[username], c)
    assert selectors.casussen_for(demo["beheer"]).filter(pk=c.pk).exists()
    services.journaal_toevoegen(door=demo["beheer"], casus=c, tekst="Geschreven door beheer.")  # the finding

    _migratie().onterechte_casusrechten_intrekken(apps, None)

    with pytest.raises(PermissionDenied):
        services.journaal_toevoegen(door=demo["beheer"], casus=c, tekst="Nog eens.")

    systeem = system_user()
    for username in ("beleid", "beheer"):
        user = demo[username]
        assert not rechten(user).exists()
        assert not selectors.casussen_for(user).filter(pk=c.pk).exists()
        betrokkene = CasusBetrokkene.objects.get(pk=slecht[username].pk)
        assert betrokkene.beeindigd_op is not None
        laatste = betrokkene.history.latest()
        assert (laatste.history_user, laatste.beeindigd_op) == (systeem, betrokkene.beeindigd_op)
        assert "werkt niet in casussen" in laatste.history_change_reason
        toegang = CasusToegang.objects.get(casus=c, gebruiker=user, actie=CasusToegang.Actie.INGETROKKEN)
        assert toegang.door == systeem and "werkt niet in casussen" in toegang.reden
        # no grant left to require it; functioneel beheer passes 2FA anyway (it manages accounts: issue 15)
        assert tweestaps_verplicht(User.objects.get(pk=user.pk)) == (username == "beheer")
    assert CasusToegang.objects.get(casus=c, gebruiker=demo["beheer"], actie="ingetrokken").rechten == (
        "wijzigen, lezen"
    )
    # the grants of casus work stay
    assert CasusBetrokkene.objects.get(pk=goed.pk).actief
    assert rechten(demo["regisseur_mee"], c).exists() and rechten(demo["regisseur_dimence"], c).exists()

    aantal = CasusToegang.objects.count()
    _migratie().onterechte_casusrechten_intrekken(apps, None)  # idempotent
    assert CasusToegang.objects.count() == aantal


def test_a_role_change_away_from_casus_work_ends_the_grants(demo):
    c = factories.casus(demo)
    mee = demo["regisseur_mee"]
    services.betrokkene_toevoegen(
        door=demo["regisseur_dimence"], casus=c, professional=mee, rol="Schuldhulp", grondslag="convenant"
    )

    def nieuwe_rol(user, rol):
        return gebruiker_opslaan(
            door=demo["beheer"], username=user.username, organisatie=user.organisatie, rol=rol,
            first_name=user.first_name, last_name=user.last_name, email=user.email,
        )  # fmt: skip

    nieuwe_rol(mee, "beleidsambtenaar")
    assert not rechten(mee).exists()
    assert not CasusBetrokkene.objects.get(casus=c, professional=mee).actief
    toegang = CasusToegang.objects.filter(gebruiker=mee, actie="ingetrokken").get()
    assert toegang.reden == "rol gewijzigd in beleidsambtenaar" and toegang.door == demo["beheer"]

    # the casusregisseur of an open casus hands it over first
    with pytest.raises(ValidationError, match="draag die eerst over"):
        nieuwe_rol(demo["regisseur_dimence"], "beleidsambtenaar")
    assert rechten(demo["regisseur_dimence"], c).exists()
    factories.afsluitklaar(demo, c)
    services.casus_afsluiten(
        door=demo["regisseur_dimence"], casus=c, reden=AfsluitReden.objects.get(code="doel_bereikt"),
        datum=timezone.localdate(),
    )  # fmt: skip
    nieuwe_rol(demo["regisseur_dimence"], "beleidsambtenaar")  # the read term after closing ends with the role
    assert not rechten(demo["regisseur_dimence"]).exists()
