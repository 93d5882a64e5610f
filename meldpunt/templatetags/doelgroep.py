"""{% load doelgroep %}: the thresholds of meldpunt.doelgroep for texts and the triage form's live count."""

from django import template

from meldpunt import doelgroep

register = template.Library()


@register.simple_tag
def doelgroep_drempel():
    return doelgroep.DOELGROEP_DREMPEL


@register.simple_tag
def ggsr_drempel():
    return doelgroep.GGSR_DREMPEL
