"""The state machine of a jaarmonitor report, as data (bzt.workflow): the table every background file job shares
(bzt.achtergrond.taak_workflow).

in_wachtrij → bezig → klaar; in_wachtrij/bezig → mislukt → in_wachtrij (opnieuw, by the user).
A job that is redelivered while its report is bezig starts it again (bezig → bezig)."""

from django.conf import settings

from bzt.achtergrond import taak_workflow

from .models import Rapport

PERMISSION = "monitor.zien_jaarmonitor"


def mag_jaarmonitor(user, rapport=None):
    """The beleid role, or the system account (the scheduled report of last year, celery beat)."""
    return user.username == settings.BZT_SYSTEEM_GEBRUIKER or user.has_perm(PERMISSION)


RAPPORT_WORKFLOW = taak_workflow(
    Rapport,
    mag_jaarmonitor,
    wat="het rapport",
    opnieuw_geweigerd="Alleen een mislukt rapport kan opnieuw worden gemaakt.",
)
