"""Dutch formats for the jaarmonitor pages, and the latest reports for the beleidsambtenaar's start page."""

from django import template

from monitor import formatting

register = template.Library()

register.filter("aantal", formatting.aantal)
register.filter("bedrag", formatting.bedrag)
register.filter("dagen", formatting.dagen)
register.filter("datum_nl", formatting.datum)


@register.simple_tag(takes_context=True)
def laatste_rapporten(context, aantal=5):
    """The most recent reports, for users with monitor.zien_jaarmonitor (else nothing)."""
    from monitor.models import Rapport

    user = context.get("user")
    if user is None or not user.has_perm("monitor.zien_jaarmonitor"):
        return []
    return list(Rapport.objects.select_related("aangevraagd_door")[:aantal])
