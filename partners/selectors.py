"""Every read of what a partner filed: only their own organisation's, and only what a melder may know."""

from .models import Indiening, Terugmeldadres
from .status import SELECT_RELATED


def indieningen_van(organisatie):
    """The meldingen an organisation filed (web and API), newest first."""
    return (
        Indiening.objects.filter(organisatie=organisatie)
        .select_related("melding", *SELECT_RELATED)
        .order_by("-ingediend_op", "-pk")
    )


def indiening_van(organisatie, pk):
    """One of them, or None: another organisation's id is not found, like an id that does not exist."""
    return indieningen_van(organisatie).filter(pk=pk).first()


def indieningen_voor(user):
    """For a partner's professional: their organisation's meldingen; for anyone else none."""
    if not user.is_authenticated or user.organisatie_id is None or not user.has_perm("meldpunt.indienen_melding"):
        return Indiening.objects.none()
    return indieningen_van(user.organisatie)


def terugmeldadres_van(organisatie):
    return Terugmeldadres.objects.filter(organisatie=organisatie).first()
