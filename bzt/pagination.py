from django.core.paginator import Paginator


class GeteldePaginator(Paginator):
    """A paginator told its count, when the caller already has it or counts cheaper than COUNT(*) over the
    page's query (mijn casussen: from the permission rows; the triage queue: the tab count)."""

    def __init__(self, object_list, per_page, aantal):
        super().__init__(object_list, per_page)
        self.aantal = aantal

    @property
    def count(self):
        return self.aantal


def paginanummers(page, rond=2, einden=1):
    """The page numbers to link for `page`: the first and last, and `rond` either side of the current one, with
    Paginator.ELLIPSIS ("…") for the gaps. Needs only the count, no query of its own."""
    if page.paginator.num_pages <= 1:
        return []
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=rond, on_ends=einden))


def pagina_per_id(qs, nummer, per_page, *related):
    """A page of `qs` in two steps: the page's ids by the list's own filter and order (the count and the sort read
    the list's table and what it sorts on only), then those rows with `related` (select_related) by primary key.
    A sort over a join with every related table first joins every row of the list and sorts after: 165 ms for the
    procesmanager's 1,763 open escalations at 1M, against a few ms for the ids (bench/README.md, issue 20)."""
    page = Paginator(qs.values_list("pk", flat=True), per_page).get_page(nummer)
    ids = list(page.object_list)
    rijen = qs.filter(pk__in=ids).select_related(*related).in_bulk() if ids else {}
    page.object_list = [rijen[pk] for pk in ids if pk in rijen]
    return page
