"""Fetch-and-authorise in one call.

Every view that shows case data gets its object through a permission-filtered selector and
`access_object`: an object that does not exist and one the user may not see give the same 404,
so a URL never tells whether a melding or casus with that number exists.
"""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404


def access_object(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404("Niet gevonden.") from None
