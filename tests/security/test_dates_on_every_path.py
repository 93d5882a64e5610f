"""An impossible date is refused on the paths that have no form: a service called directly, a job, a save.

Finding 7 of the second outside test: an imported ontvangen_op of 0001-01-01 broke the queue for everyone.
Forms and the import refuse it (test_plausible_dates, test_import); bzt.plausible_dates refuses it under every
other path, before anything is written."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bzt.audit import acting_as
from meldpunt.models import Melding, Persoon
from tests import factories

pytestmark = pytest.mark.django_db

IMPOSSIBLE = [date(1, 1, 1), date(1899, 12, 31), timezone.localdate() + timedelta(days=366 * 11)]


@pytest.mark.parametrize("ontvangen_op", IMPOSSIBLE)
def test_the_service_called_directly_refuses_an_impossible_date_and_writes_nothing(demo, ontvangen_op):
    with pytest.raises(ValidationError) as refused:
        factories.melding(demo["meldpunt"], ontvangen_op=ontvangen_op)
    assert "ontvangen_op" in refused.value.message_dict
    assert "1900" in str(refused.value) or "toekomst" in str(refused.value)
    assert not Melding.objects.exists() and not Melding.history.exists() and not Persoon.objects.exists()


@pytest.mark.parametrize("geboortedatum", IMPOSSIBLE[:2])
def test_a_plain_save_of_a_birth_date_before_1900_is_refused(demo, geboortedatum):
    melding = factories.melding(demo["meldpunt"])
    persoon = melding.betrokkenen.get().persoon
    persoon.geboortedatum = geboortedatum
    with acting_as(demo["meldpunt"]), pytest.raises(ValidationError) as refused:
        persoon.save()
    assert list(refused.value.message_dict) == ["geboortedatum"]
    persoon.refresh_from_db()
    assert persoon.geboortedatum != geboortedatum


def test_the_first_plausible_day_passes_and_a_librarys_models_are_not_judged(demo):
    assert factories.melding(demo["meldpunt"], ontvangen_op=date(1900, 1, 1)).pk
    from django.contrib.sessions.models import Session

    far = timezone.now() + timedelta(days=366 * 30)
    Session.objects.create(session_key="x" * 32, session_data="", expire_date=far)
