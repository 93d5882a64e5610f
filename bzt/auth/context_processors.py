from . import bewaren


def bewaarde_invoer(request):
    """The banner in base.html: input kept from before an automatic logout, still to be sent or thrown away."""
    return {"BEWAARDE_INVOER": bewaren.aantal(request), "BEWAAR_MINUTEN": bewaren.BEWAAR_MINUTEN}
