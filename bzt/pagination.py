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
