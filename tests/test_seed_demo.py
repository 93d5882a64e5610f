import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from bzt.models import Organisatie, User
from bzt.services import inactive_accounts

CONTRACT_ACCOUNTS = {
    "meldpunt": ("meldpunt", "Gemeente Deventer"),
    "procesmanager": ("procesmanager", "GGD IJsselland"),
    "regisseur_dimence": ("casusregisseur", "Dimence"),
    "regisseur_tactus": ("casusregisseur", "Tactus Verslavingszorg"),
    "coordinator": ("coordinerend_ambtenaar", None),
    "wethouder": ("wethouder", None),
    "beleid": ("beleidsambtenaar", None),
    "beheer": ("functioneel_beheer", None),
}


@pytest.mark.django_db
def test_seed_demo_creates_the_contract_accounts_idempotently(settings):
    settings.DEMO_PASSWORD = "geheim-demo"
    call_command("seed_demo", meldingen=0)
    counts = User.objects.count(), Organisatie.objects.count()
    call_command("seed_demo", meldingen=0)
    assert (User.objects.count(), Organisatie.objects.count()) == counts

    for username, (group, organisatie) in CONTRACT_ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert user.organisatie is not None
        if organisatie:
            assert user.organisatie.naam == organisatie
        assert authenticate(username=username, password="geheim-demo") == user
    assert Organisatie.objects.filter(naam="Woonbedrijf Ieder1", convenantpartner=True).exists()


@pytest.mark.django_db
def test_seed_demo_history_is_written_by_the_system_account():
    call_command("seed_demo", meldingen=0)
    record = User.objects.get(username="meldpunt").history.last()
    assert record.history_user.username == "systeem"
    assert record.history_change_reason == "seed_demo"


@pytest.mark.django_db
def test_the_system_account_cannot_log_in_and_is_never_listed_as_inactive():
    systeem = User.objects.get(username="systeem")
    assert not systeem.is_active and not systeem.has_usable_password()
    assert systeem not in inactive_accounts()
