"""Per-casus access: granted and revoked only by assign, add, transfer and close."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from casusregie import selectors, services
from casusregie.models import AfsluitReden, Casus, CasusToegang, Plan
from meldpunt.models import Melding
from tests import factories


def sees(user, casus):
    return selectors.casussen_for(user).filter(pk=casus.pk).exists()


def test_assignment_makes_the_casus_gives_the_regisseur_access_and_drafts_the_plan(demo):
    c = factories.casus(demo)
    assert c.status == Casus.Status.PLAN_IN_OPSTELLING
    assert c.melding.status == Melding.Status.TOEGEWEZEN
    assert c.plannen.get().status == Plan.Status.CONCEPT
    regisseur = demo["regisseur_dimence"]
    assert sees(regisseur, c) and regisseur.has_perm("casusregie.change_casus", c)
    assert not sees(demo["regisseur_tactus"], c)
    assert sees(demo["procesmanager"], c)
    for username in ("coordinator", "wethouder", "beleid", "beheer", "meldpunt"):
        assert not sees(demo[username], c), username
    grant = CasusToegang.objects.get(casus=c)
    assert (grant.gebruiker, grant.door, grant.actie) == (regisseur, demo["procesmanager"], "verleend")
    assert c.history.earliest().history_user == demo["procesmanager"]


def test_one_open_casus_per_household(demo):
    c = factories.casus(demo)
    lid = c.melding.betrokkenen.get().persoon
    with pytest.raises(ValidationError, match="1 huishouden, 1 plan, 1 regisseur"):
        factories.casus(demo, huishouden=[("hoofdpersoon", factories.persoon_gegevens()), ("partner", lid)])


def test_above_the_maximum_caseload_the_chair_must_give_a_reason(demo, settings):
    settings.BZT_MAX_CASELOAD = 1
    factories.casus(demo)
    with pytest.raises(ValidationError) as error:
        factories.casus(demo)
    assert "reden_boven_maximum" in error.value.message_dict
    m = Melding.objects.filter(status=Melding.Status.OP_MDO_AGENDA).get()
    c = services.casus_toewijzen(
        door=demo["procesmanager"],
        melding=m,
        casusregisseur=demo["regisseur_dimence"],
        reden_boven_maximum="Enige regisseur met kennis van deze familie.",
    )
    assert c.history.earliest().history_change_reason == "Enige regisseur met kennis van deze familie."


def test_only_the_mdo_chair_assigns(demo):
    m = factories.melding(demo["meldpunt"])
    factories.triage(demo["meldpunt"], m)
    from meldpunt.services import melding_op_mdo_agenda_zetten

    melding_op_mdo_agenda_zetten(door=demo["meldpunt"], melding=m)
    with pytest.raises(PermissionDenied):
        services.casus_toewijzen(door=demo["meldpunt"], melding=m, casusregisseur=demo["regisseur_dimence"])


def test_transfer_moves_the_rights_at_once(demo):
    c = factories.casus(demo)
    oud, nieuw = demo["regisseur_dimence"], demo["regisseur_tactus"]
    services.casus_overdragen(
        door=demo["procesmanager"], casus=c, nieuwe_regisseur=nieuw, reden="Verslaving op voorgrond"
    )
    assert not sees(oud, c) and not oud.has_perm("casusregie.change_casus", c)
    assert sees(nieuw, c) and nieuw.has_perm("casusregie.escaleren_casus", c)
    c.refresh_from_db()
    assert (c.casusregisseur, c.organisatie.naam) == (nieuw, "Tactus Verslavingszorg")
    with pytest.raises(PermissionDenied):
        services.casus_overdragen(door=nieuw, casus=c, nieuwe_regisseur=oud, reden="x")


def test_a_betrokkene_who_becomes_regisseur_keeps_the_rights_after_the_transfer(demo):
    from casusregie.models import CasusBetrokkene

    c = factories.casus(demo)
    nieuw = demo["regisseur_tactus"]
    services.betrokkene_toevoegen(
        door=demo["regisseur_dimence"], casus=c, professional=nieuw, rol="Verslavingszorg", grondslag="convenant"
    )
    services.casus_overdragen(door=demo["procesmanager"], casus=c, nieuwe_regisseur=nieuw, reden="Verslaving")
    # the betrokkenheid ended with the transfer, so nothing later can take the regisseur's rights away
    betrokkenheid = CasusBetrokkene.objects.get(casus=c, professional=nieuw)
    assert betrokkenheid.beeindigd_op is not None
    assert sees(nieuw, c) and nieuw.has_perm("casusregie.change_casus", c)
    assert nieuw.has_perm("casusregie.beheren_betrokkenen", c)


def test_betrokkenen_read_and_write_only_when_granted_and_lose_access_when_removed(demo):
    c = factories.casus(demo)
    regisseur = demo["regisseur_dimence"]
    lezer = services.betrokkene_toevoegen(
        door=regisseur, casus=c, professional=demo["regisseur_iriszorg"], rol="Woonbegeleiding", grondslag="convenant"
    )
    schrijver = services.betrokkene_toevoegen(
        door=regisseur,
        casus=c,
        professional=demo["regisseur_mee"],
        rol="Schuldhulp",
        grondslag="toestemming",
        mag_wijzigen=True,
    )
    assert sees(demo["regisseur_iriszorg"], c) and not demo["regisseur_iriszorg"].has_perm("casusregie.change_casus", c)
    assert demo["regisseur_mee"].has_perm("casusregie.change_casus", c)
    with pytest.raises(PermissionDenied):
        services.journaal_toevoegen(door=demo["regisseur_iriszorg"], casus=c, tekst="mag niet")
    services.journaal_toevoegen(door=demo["regisseur_mee"], casus=c, tekst="Schuldhulp gestart.")
    with pytest.raises(PermissionDenied):
        services.betrokkene_toevoegen(
            door=demo["regisseur_mee"], casus=c, professional=demo["regisseur_carinova"], rol="x", grondslag="convenant"
        )

    services.betrokkene_verwijderen(door=regisseur, betrokkene=lezer, reden="Taak afgerond")
    assert not sees(demo["regisseur_iriszorg"], c)
    assert schrijver.actief and sees(demo["regisseur_mee"], c)


def test_a_betrokkene_needs_a_basis_for_sharing(demo):
    c = factories.casus(demo)
    with pytest.raises(ValidationError):
        services.betrokkene_toevoegen(
            door=demo["regisseur_dimence"], casus=c, professional=demo["regisseur_mee"], rol="x", grondslag=""
        )


def test_closing_is_refused_while_an_escalation_is_open(demo):
    c = factories.casus(demo)
    services.casus_escaleren(door=demo["regisseur_dimence"], casus=c, reden="wachtlijst", vraag="Versnellen?")
    with pytest.raises(ValidationError, match="open escalatie"):
        services.casus_afsluiten(
            door=demo["regisseur_dimence"], casus=c, reden=AfsluitReden.objects.get(code="doel_bereikt")
        )


def test_closing_ends_betrokkenen_at_once_and_the_regisseur_reads_for_a_while(demo, settings):
    c = factories.casus(demo)
    regisseur = demo["regisseur_dimence"]
    services.betrokkene_toevoegen(
        door=regisseur,
        casus=c,
        professional=demo["regisseur_mee"],
        rol="Schuldhulp",
        grondslag="convenant",
        mag_wijzigen=True,
    )
    reden = AfsluitReden.objects.get(code="regulier_overgedragen")
    with pytest.raises(ValidationError) as error:
        services.casus_afsluiten(door=regisseur, casus=c, reden=reden)
    assert "overgedragen_aan" in error.value.message_dict
    from bzt.models import Organisatie

    factories.afsluitklaar(demo, c)
    services.casus_afsluiten(
        door=regisseur, casus=c, reden=reden, overgedragen_aan=Organisatie.objects.get(naam="Dimence")
    )
    c.refresh_from_db()
    assert c.status == Casus.Status.AFGESLOTEN and c.overgedragen_aan.naam == "Dimence"
    assert not sees(demo["regisseur_mee"], c)
    assert sees(regisseur, c) and not regisseur.has_perm("casusregie.change_casus", c)
    assert c.leesrecht_regisseur_tot == timezone.localdate() + timedelta(days=settings.BZT_LEESRECHT_NA_AFSLUITEN_DAGEN)

    from bzt.audit import system_user

    assert services.verlopen_toegang_intrekken(door=system_user()) == 0
    assert sees(regisseur, c)
    services.verlopen_toegang_intrekken(door=system_user(), vandaag=c.leesrecht_regisseur_tot + timedelta(days=1))
    assert not sees(regisseur, c)
    assert sees(demo["procesmanager"], c)


def test_a_betrokkene_past_the_end_date_loses_access(demo):
    c = factories.casus(demo)
    services.betrokkene_toevoegen(
        door=demo["regisseur_dimence"],
        casus=c,
        professional=demo["regisseur_mee"],
        rol="Tijdelijk",
        grondslag="convenant",
        einddatum=timezone.localdate(),
    )
    from bzt.audit import system_user

    services.verlopen_toegang_intrekken(door=system_user())
    assert sees(demo["regisseur_mee"], c)
    services.verlopen_toegang_intrekken(door=system_user(), vandaag=timezone.localdate() + timedelta(days=1))
    assert not sees(demo["regisseur_mee"], c)


def test_a_write_on_a_casus_needs_the_permission_on_that_casus_or_the_role(demo, django_assert_num_queries):
    from django.contrib.auth.models import Permission

    c = factories.casus(demo)
    regisseur, ander = demo["regisseur_dimence"], demo["regisseur_tactus"]
    selectors.permission_id("casusregie.change_casus")  # looked up once per process
    with django_assert_num_queries(1):  # the per-casus grant, one query
        services._require(regisseur, "casusregie.change_casus", c)
    with pytest.raises(PermissionDenied, match="U heeft geen recht op deze handeling"):
        services._require(ander, "casusregie.change_casus", c)
    with pytest.raises(PermissionDenied):
        services.journaal_toevoegen(door=ander, casus=c, tekst="Huisbezoek afgelegd.")
    regisseur.is_active = False
    with pytest.raises(PermissionDenied):
        services._require(regisseur, "casusregie.change_casus", c)

    services._require(demo["procesmanager"], "mdo.voorzitten_mdo")  # a role's model permission
    ander.user_permissions.add(Permission.objects.get(codename="change_casus"))
    ander = type(ander).objects.get(pk=ander.pk)  # fresh permission cache
    services._require(ander, "casusregie.change_casus", c)
    assert services.journaal_toevoegen(door=ander, casus=c, tekst="Huisbezoek afgelegd.").casus == c
