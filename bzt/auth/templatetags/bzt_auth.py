"""Template helpers for the header and the login page."""

from django import template
from django.conf import settings

from bzt.auth.services import tweestaps_verplicht

register = template.Library()


@register.simple_tag
def sessie_inactief_seconden():
    return settings.BZT_SESSIE_INACTIEF_MINUTEN * 60


@register.filter
def heeft_tweestaps(user):
    return tweestaps_verplicht(user)


@register.simple_tag
def oidc_aan():
    return settings.BZT_OIDC
