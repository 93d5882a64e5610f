"""What a melder may know of a melding: one of three statuses (CONTRACT.md § Partner API), derived here and
nowhere else from the state of the melding and of the casus it went to. The web list, the API and the callbacks
all ask `melder_status`."""

from django.db import models

from casusregie.models import Casus
from meldpunt.models import Melding


class MelderStatus(models.TextChoices):
    ONTVANGEN = "ontvangen", "Ontvangen"
    IN_BEHANDELING = "in_behandeling", "In behandeling"
    AFGEHANDELD = "afgehandeld", "Afgehandeld"


S = Melding.Status
_NAAR_MELDER = {
    S.ONTVANGEN: MelderStatus.ONTVANGEN,
    S.IN_TRIAGE: MelderStatus.IN_BEHANDELING,
    S.WACHT_OP_MDO: MelderStatus.IN_BEHANDELING,
    S.OP_MDO_AGENDA: MelderStatus.IN_BEHANDELING,
    # triaged to regular care, advice or no action; or referred by the MDO: the chain has handled it
    S.GETRIEERD: MelderStatus.AFGEHANDELD,
    S.VERWEZEN: MelderStatus.AFGEHANDELD,
}


def _casus(melding):
    if hasattr(melding, "casus"):  # assigned by the MDO
        return melding.casus
    if hasattr(melding, "bij_casus"):  # added to the open casus of its household
        return melding.bij_casus.casus
    return None


def melder_status(melding) -> str:
    """ontvangen | in_behandeling | afgehandeld. A melding that went to a casus (assigned by the MDO, or added
    to the household's open casus) is in behandeling until that casus is closed."""
    if melding.status in _NAAR_MELDER:
        return _NAAR_MELDER[melding.status].value
    casus = _casus(melding)
    if casus is not None and casus.status == Casus.Status.AFGESLOTEN:
        return MelderStatus.AFGEHANDELD.value
    return MelderStatus.IN_BEHANDELING.value


def terugkoppeling(melding) -> dict | None:
    """The terugkoppeling the meldpunt recorded (when and how), or None: never its content or who gave it."""
    if melding.terugkoppeling_op is None:
        return None
    return {"datum": melding.terugkoppeling_op, "wijze": melding.terugkoppeling_wijze}


SELECT_RELATED = ("melding__casus", "melding__bij_casus__casus")
