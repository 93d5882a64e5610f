"""bzt.pagination.pagina_per_id: a page read as ids first, then its rows with their related rows, is the same page in
the same order as the plain paged list (issue 20: the dashboard's escalation list at 1M)."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bzt.models import Organisatie
from bzt.pagination import pagina_per_id


@pytest.mark.django_db
@pytest.mark.parametrize("volgorde", [("naam",), ("-soort", "naam"), ("-id",)])
def test_every_page_holds_the_rows_of_the_plain_list_in_its_order(demo, volgorde):
    qs = Organisatie.objects.filter(actief=True).order_by(*volgorde)
    assert qs.count() > 6
    gewoon = Paginator(qs, 3)
    for nummer in gewoon.page_range:
        page = pagina_per_id(qs, nummer, 3)
        assert page.object_list == list(gewoon.page(nummer).object_list)
        assert page.paginator.count == gewoon.count
    assert pagina_per_id(qs, "onzin", 3).number == 1  # get_page: a wrong number is the first page


@pytest.mark.django_db
def test_the_related_rows_come_with_the_page_in_one_more_query(demo):
    from bzt.models import User

    qs = User.objects.filter(organisatie__isnull=False).order_by("username")
    with CaptureQueriesContext(connection) as ctx:
        page = pagina_per_id(qs, 1, 5, "organisatie")
        namen = [u.organisatie.naam for u in page.object_list]
    assert len(ctx.captured_queries) == 3  # count, the page's ids, the rows with their organisation
    assert namen == [u.organisatie.naam for u in qs[:5]]
