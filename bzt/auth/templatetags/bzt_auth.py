"""Template helpers for the header and the login page."""

import time

from django import template
from django.conf import settings

from bzt.auth.services import tweestaps_verplicht

register = template.Library()


@register.simple_tag
def sessie_inactief_seconden():
    return settings.BZT_SESSIE_INACTIEF_MINUTEN * 60


@register.simple_tag(takes_context=True)
def sessie_resterend_seconden(context):
    """Seconds until the idle timeout, as the server counts them (the last activity is saved once a minute)."""
    from bzt.auth.signals import LAATST_ACTIEF

    request = context.get("request")
    laatst = request.session.get(LAATST_ACTIEF) if request is not None else None
    totaal = settings.BZT_SESSIE_INACTIEF_MINUTEN * 60
    return totaal if laatst is None else max(0, int(totaal - (time.time() - laatst)))


@register.simple_tag
def sessie_waarschuwing_seconden():
    return settings.BZT_SESSIE_WAARSCHUWING_SECONDEN


@register.filter
def heeft_tweestaps(user):
    return tweestaps_verplicht(user)


@register.simple_tag
def oidc_aan():
    return settings.BZT_OIDC
