"""The state machine of a jaarmonitor report, as data (bzt.workflow).

in_wachtrij → bezig → klaar; in_wachtrij/bezig → mislukt → in_wachtrij (opnieuw, by the user).
A job that is redelivered while its report is bezig starts it again (bezig → bezig)."""

from django.conf import settings

from bzt.workflow import Transition, Workflow

from .models import Rapport

PERMISSION = "monitor.zien_jaarmonitor"
R = Rapport.Status


def mag_jaarmonitor(user, rapport=None):
    """The beleid role, or the system account (the scheduled report of last year, celery beat)."""
    return user.username == settings.BZT_SYSTEEM_GEBRUIKER or user.has_perm(PERMISSION)


RAPPORT_WORKFLOW = Workflow(
    Rapport,
    Transition("starten", {R.IN_WACHTRIJ, R.BEZIG}, R.BEZIG, mag_jaarmonitor, label="het rapport maken"),
    Transition("voltooien", {R.BEZIG}, R.KLAAR, mag_jaarmonitor, label="het rapport afronden"),
    Transition("mislukken", {R.IN_WACHTRIJ, R.BEZIG}, R.MISLUKT, mag_jaarmonitor, label="het rapport afbreken"),
    Transition(
        "opnieuw",
        {R.MISLUKT},
        R.IN_WACHTRIJ,
        mag_jaarmonitor,
        label="het rapport opnieuw maken",
        refused="Alleen een mislukt rapport kan opnieuw worden gemaakt.",
    ),
)
