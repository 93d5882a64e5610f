"""Corrections by the casusregisseur after the MDO (issue 15): the melding, the persons and the household of
their own casus, and solving a waiting list with its outcome.

The right is defined once (casusregie/rechten.py "huishouden_corrigeren": change_casus on the casus, while it is
open); the changes themselves, their history, Correctie rows and re-runs are the meldpunt's (meldpunt.correcties),
so both doors correct the same way. A triage or MDO besluit is never rewritten here: the MDO takes a new besluit
at a next MDO through its agenda (docs/casusregie.md § Corrigeren).
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from meldpunt import correcties as meldpunt_correcties
from meldpunt import rechten as meldpunt_rechten
from meldpunt.correcties import MELDER_VELDEN
from meldpunt.models import Betrokkene, Correctie, Melding, Persoon

from . import rechten, services
from .models import Casus, Wachtlijst
from .selectors import huishouden_ids
from .workflow import CASUS

VIA = Correctie.Via.CASUSREGIE


def _lock(door, casus: Casus) -> Casus:
    rechten.vereist(door, "huishouden_corrigeren", casus)
    return CASUS.lock(casus)


def _van_huishouden(casus, persoon):
    if persoon.pk not in huishouden_ids(casus):
        raise ValidationError("Deze persoon hoort niet bij het huishouden van deze casus.")


@transaction.atomic
def melding_corrigeren(*, door, casus: Casus, wijzigingen: dict, reden: str, versie=None):
    casus = _lock(door, casus)
    if set(wijzigingen) & set(MELDER_VELDEN) and not meldpunt_rechten.mag(door, "melder_zien"):
        raise PermissionDenied("De gegevens van de melder zijn afgeschermd; het meldpunt corrigeert die.")
    melding = Melding.objects.select_for_update().get(pk=casus.melding_id)  # as it is now, not as once loaded
    return meldpunt_correcties.melding_wijzigen(
        door=door, melding=melding, wijzigingen=wijzigingen, reden=reden, via=VIA
    )


@transaction.atomic
def persoon_corrigeren(*, door, casus: Casus, persoon: Persoon, wijzigingen: dict, reden: str, versie=None):
    casus = _lock(door, casus)
    _van_huishouden(casus, persoon)
    return meldpunt_correcties.persoon_wijzigen(
        door=door, melding=casus.melding, persoon=persoon, wijzigingen=wijzigingen, reden=reden, via=VIA, versie=versie
    )


@transaction.atomic
def huishoudlid_toevoegen(*, door, casus: Casus, rol: str, reden: str, persoon=None, gegevens=None):
    """A new baby, an expected child, a new partner: added to the household of the casus (its melding)."""
    casus = _lock(door, casus)
    if persoon is not None and persoon.pk in huishouden_ids(casus):
        raise ValidationError(f"{persoon.naam} hoort al bij dit huishouden.")
    return meldpunt_correcties.lid_toevoegen(
        door=door, melding=casus.melding, rol=rol, reden=reden, persoon=persoon, gegevens=gegevens, via=VIA
    )


@transaction.atomic
def huishoudlid_verwijderen(*, door, casus: Casus, betrokkene: Betrokkene, reden: str):
    casus = _lock(door, casus)
    if betrokkene.persoon_id not in huishouden_ids(casus):
        raise ValidationError("Deze persoon hoort niet bij het huishouden van deze casus.")
    return meldpunt_correcties.lid_verwijderen(door=door, betrokkene=betrokkene, reden=reden, via=VIA)


def wachtlijst_afsluiten(*, door, wachtlijst: Wachtlijst, datum: date, uitkomst: str) -> Wachtlijst:
    """A waiting list solved on `datum` with `uitkomst` (both required): no longer counted by the dashboard and the
    stagnation signals."""
    fouten = {}
    if uitkomst not in Wachtlijst.Uitkomst.values:
        fouten["uitkomst"] = "Kies de uitkomst: geplaatst, alternatief gevonden of niet meer nodig."
    if datum is None:
        fouten["datum"] = "Vul de datum in waarop de wachtlijst is opgelost."
    if fouten:
        raise ValidationError(fouten)
    return services.wachtlijst_opgelost(door=door, wachtlijst=wachtlijst, datum=datum, uitkomst=uitkomst)
