"""Issue 20: the list of escalations waiting at a level does not grow with the region's history: the list page is
paged (25, the longest waiting first) and the home page of a coördinator shows the 20 longest waiting with a link
to all of them (at 1M meldingen the procesmanager's level held 1,762 open escalations on one page: 1.2 s)."""

import re

import pytest
from django.urls import reverse

from casusregie import services
from tests import factories


@pytest.fixture
def escalaties(demo, settings):
    settings.BZT_MAX_CASELOAD = 30
    made = []
    for _ in range(27):
        casus = factories.casus(demo)
        made.append(services.casus_escaleren(door=casus.casusregisseur, casus=casus, reden="juridisch", vraag="?"))
    return made


def links(html):
    return [int(pk) for pk in re.findall(r'href="/casussen/escalaties/(\d+)/"', html)]


@pytest.mark.django_db
def test_the_list_page_is_paged_longest_waiting_first(client, demo, escalaties):
    client.force_login(demo["coordinator"])
    eerste = client.get(reverse("casusregie:escalaties")).content.decode()
    assert "27 escalaties wachten op uw besluit" in eerste
    assert links(eerste) == [e.pk for e in escalaties[:25]]
    assert "Pagina 1 van 2" in eerste
    tweede = client.get(reverse("casusregie:escalaties"), {"pagina": 2}).content.decode()
    assert links(tweede) == [e.pk for e in escalaties[25:]]


@pytest.mark.django_db
def test_the_home_page_shows_the_twenty_longest_waiting_and_links_to_all(client, demo, escalaties):
    client.force_login(demo["coordinator"])
    home = client.get(reverse("home")).content.decode()
    assert links(home) == [e.pk for e in escalaties[:20]]
    assert "Alle 27 escalaties op uw niveau" in home
