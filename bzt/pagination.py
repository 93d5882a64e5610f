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
