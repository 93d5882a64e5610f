import pytest
from django.urls import reverse

from bzt.audit import AuditError, acting_as
from bzt.models import Organisatie, User


@pytest.mark.django_db
def test_a_write_without_an_acting_user_is_refused():
    with pytest.raises(AuditError):
        Organisatie.objects.create(naam="Zonder handelende gebruiker")
    assert not Organisatie.objects.filter(naam="Zonder handelende gebruiker").exists()


def test_history_names_the_acting_user_and_reason(demo):
    beheer = demo["beheer"]
    with acting_as(beheer, reason="naam gecorrigeerd"):
        org = Organisatie.objects.get(naam="Iriszorg")
        org.naam = "Iriszorg Deventer"
        org.save()
    record = org.history.first()
    assert record.history_user == beheer
    assert record.history_change_reason == "naam gecorrigeerd"
    assert record.prev_record.naam == "Iriszorg"


def test_a_request_records_the_logged_in_user_as_actor(client, demo, django_capture_on_commit_callbacks):
    """Blocking inactive accounts from the browser: history names the functioneel beheerder."""
    beheer = demo["beheer"]
    stale = demo["regisseur_mee"]
    User.objects.filter(pk=stale.pk).update(last_login="2020-01-01T00:00:00Z")
    client.force_login(beheer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("inactieve_accounts_blokkeren"), follow=True)
    assert "gestart" in response.content.decode()
    stale.refresh_from_db()
    assert not stale.is_active
    record = stale.history.first()
    assert record.history_user == beheer
    assert "90 dagen" in record.history_change_reason


def test_other_roles_cannot_block_accounts(client, demo):
    client.force_login(demo["procesmanager"])
    response = client.post(reverse("inactieve_accounts_blokkeren"))
    assert response.status_code == 403
    assert User.objects.filter(is_active=True, username="regisseur_mee").exists()
