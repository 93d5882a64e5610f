"""Two requests with one Idempotency-Key at the same moment (PostgreSQL): the unique constraint makes the second
wait for the first; it then answers like a repeat (same body) or a conflict (other body), never a second melding."""

import threading
import time

import pytest
from django.db import connection, transaction

from bzt.audit import system_user
from meldpunt.models import Melding
from partners import services
from partners.api.serializers import MeldingIndienenSerializer
from partners.api.views import _form_waarden
from partners.forms import KANALEN, invoer_binden
from tests.partners.conftest import body


def _indienen(sleutel, data, key="gelijk"):
    serializer = MeldingIndienenSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    melding, personen = _form_waarden(serializer.validated_data)
    form, huishouden = invoer_binden(
        organisatie=sleutel.organisatie, kanaal=KANALEN.API, melding=melding, personen=personen
    )
    assert form.is_valid() and huishouden.is_valid()
    return services.api_melding_indienen(
        door=system_user(),
        sleutel=sleutel,
        idempotency_key=key,
        hash_van_body=services.body_hash(data),
        gegevens=form.cleaned_data,
        personen=[f.cleaned_data for f in huishouden.forms],
    )


def _tegelijk(sleutel, eerste_body, tweede_body):
    bezig, results = threading.Event(), {}

    def eerste():
        try:
            with transaction.atomic():
                results["eerste"] = _indienen(sleutel, eerste_body)
                bezig.set()
                time.sleep(1)  # the second request arrives while this one has not committed
        finally:
            bezig.set()
            connection.close()

    def tweede():
        try:
            bezig.wait(timeout=30)
            results["tweede"] = _indienen(sleutel, tweede_body)
        except services.IdempotentieConflict:
            results["tweede"] = "409"
        finally:
            connection.close()

    threads = [threading.Thread(target=eerste), threading.Thread(target=tweede)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_key_and_body_at_once_makes_one_melding(sleutel):
    results = _tegelijk(sleutel.sleutel, body(), body())
    (eerste, nieuw1), (tweede, nieuw2) = results["eerste"], results["tweede"]
    assert eerste.pk == tweede.pk and (nieuw1, nieuw2) == (True, False)
    assert Melding.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_key_with_another_body_at_once_is_a_conflict(sleutel):
    results = _tegelijk(sleutel.sleutel, body(), body(aanleiding="Een heel andere melding."))
    assert results["tweede"] == "409"
    assert Melding.objects.count() == 1
