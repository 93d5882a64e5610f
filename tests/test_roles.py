import pytest
from django.contrib.auth.models import Group

from bzt.roles import ROLES, role_of

CONTRACT_GROUPS = {
    "meldpunt",
    "casusregisseur",
    "procesmanager",
    "coordinerend_ambtenaar",
    "wethouder",
    "beleidsambtenaar",
    "functioneel_beheer",
    "partner_melder",  # issue 19: a partner organisation's professional files meldingen
}
EXTRA_GROUPS = {
    "privacy_officer",  # added after CONTRACT.md: the access log (docs/security.md)
    "burgemeester",  # the higher levels of the escalation ladder (docs/casusregie.md)
    "regionale_mandaatcommissie",
}


@pytest.mark.django_db
def test_the_seven_contract_roles_exist_as_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= CONTRACT_GROUPS
    assert {role.group for role in ROLES} == CONTRACT_GROUPS | EXTRA_GROUPS


@pytest.mark.django_db
def test_each_group_has_exactly_the_permissions_of_its_role_that_exist():
    for role in ROLES:
        group = Group.objects.get(name=role.group)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert granted <= set(role.permissions), role.group
    beheer = Group.objects.get(name="functioneel_beheer")
    assert {p.codename for p in beheer.permissions.all()} == {"beheren_gebruikers"}
    privacy = Group.objects.get(name="privacy_officer")
    # no case content: the access log, and AVG requests (a client's data only as a registered request's export)
    assert {p.codename for p in privacy.permissions.all()} == {"zien_inzagelog", "behandelen_avgverzoek"}


@pytest.mark.django_db
def test_no_role_gets_a_model_level_permission_on_case_content():
    """A global 'view casus' grant would show every case (DESIGN.md § Known traps)."""
    for role in ROLES:
        for dotted in role.permissions:
            assert not dotted.startswith(("casusregie.view_", "casusregie.change_")), (role.group, dotted)


def test_role_of_a_demo_user(demo):
    assert role_of(demo["regisseur_dimence"]).group == "casusregisseur"
    assert demo["beleid"].rol.label == "Beleidsambtenaar"


@pytest.mark.django_db
def test_a_partner_melder_files_but_reads_no_case_and_passes_the_second_factor(demo):
    from bzt.auth.services import tweestaps_verplicht

    politie = demo["politie"]
    assert politie.rol.group == "partner_melder" and politie.organisatie.naam == "Politie"
    assert politie.has_perm("meldpunt.indienen_melding")
    for perm in ("meldpunt.add_melding", "meldpunt.view_melding", "meldpunt.view_persoon", "meldpunt.zien_melder"):
        assert not politie.has_perm(perm), perm
    assert tweestaps_verplicht(politie)
