"""The casus search field (casusregie.search.casussen): by number or the hoofdpersoon's name, bounded."""

import pytest

from casusregie import search
from casusregie.models import Casus
from tests import factories


@pytest.fixture
def casussen(demo):
    van_dijk = factories.persoon_gegevens(voornaam="Noor", tussenvoegsel="van", achternaam="Dijkstraal")
    partner = factories.persoon_gegevens(voornaam="Bram", achternaam="Zoetmulder")
    a = factories.casus(demo, huishouden=[("hoofdpersoon", van_dijk), ("partner", partner)])
    b = factories.casus(demo, huishouden=[("hoofdpersoon", factories.persoon_gegevens(achternaam="Dijkhuis"))])
    return a, b


def found(q):
    return [c.pk for c in search.casussen(Casus.objects.all(), q)]


def test_a_casus_is_found_by_number_or_by_its_hoofdpersoon(casussen):
    a, b = casussen
    assert found(str(a.pk)) == [a.pk]
    assert found("noor van dijkstraal") == [a.pk]  # the tussenvoegsel counts as a word of the name
    assert found("straal") == [a.pk]  # a part of the surname
    assert found("Dijk") == [b.pk, a.pk]  # newest first
    assert found("Zoetmulder") == []  # the partner is not the hoofdpersoon


def test_a_two_letter_term_is_the_start_of_a_name(casussen):
    a, b = casussen
    assert found("Di") == [b.pk, a.pk] and found("no") == [a.pk]
    assert found("ij") == []  # inside a name: would read every person
    assert found("d") == []


def test_a_name_shared_by_many_persons_is_bounded(casussen, monkeypatch):
    monkeypatch.setattr(search, "PERSONEN_MAX", 1)
    assert len(found("Dijk")) == 1  # the casussen of the first persons found only
