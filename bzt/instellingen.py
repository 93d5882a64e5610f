"""Settings that functioneel beheer changes at work, with the environment value as the default (docs/beheer.md
§ Instellingen).

One accessor for every reader: `waarde("BZT_MAX_CASELOAD")` is the value in the database (`bzt.Instelling`)
when beheer set one, else the Django setting of the same name (the environment variable, or a test's `settings`
fixture). Inside a web request the rows are read once (`InstellingenMiddleware`); elsewhere (Celery, commands,
a shell) every call reads the database, so a change is seen by the next request and the next job at once.

One service writes them: `instelling_wijzigen` (functioneel beheer, a reason, bounds per setting, history).
"""

import contextvars
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .audit import acting_as


@dataclass(frozen=True)
class Definitie:
    sleutel: str
    label: str
    eenheid: str
    minimum: int
    maximum: int
    uitleg: str


DEFINITIES = {
    d.sleutel: d
    for d in [
        Definitie(
            "BZT_MAX_CASELOAD",
            "Maximale caseload per casusregisseur",
            "open casussen",
            1,
            60,
            "Boven dit aantal vraagt een toewijzing in het MDO een reden; dashboard en kandidatenlijst tellen ertegen.",
        ),
        Definitie(
            "BZT_TRIAGE_NORM_WERKDAGEN",
            "Norm voor triage",
            "werkdagen",
            1,
            30,
            "Een melding die langer op triage wacht, staat in de wachtrij als ‘boven norm’.",
        ),
        Definitie(
            "BZT_TERUGKOPPELING_WERKDAGEN",
            "Norm voor terugkoppeling aan de melder",
            "werkdagen",
            1,
            30,
            "Binnen deze termijn hoort de melder dat de melding in behandeling is.",
        ),
        Definitie(
            "BZT_LEESRECHT_NA_AFSLUITEN_DAGEN",
            "Leesrecht van de casusregisseur na afsluiten",
            "dagen",
            0,
            365,
            "Zo lang kan de casusregisseur een afgesloten casus nog inzien (geldt voor casussen die daarna sluiten).",
        ),
        Definitie(
            "BZT_SIGNAAL_GEEN_PLAN_WEKEN",
            "Signaal ‘geen plan van aanpak’",
            "weken",
            1,
            52,
            "Zo lang na toewijzing zonder vastgesteld plan krijgt de procesmanager een stagnatiesignaal.",
        ),
        Definitie(
            "BZT_SIGNAAL_GEEN_JOURNAAL_WEKEN",
            "Signaal ‘geen journaalregel’",
            "weken",
            1,
            52,
            "Zo lang zonder journaalregel krijgt de procesmanager een stagnatiesignaal.",
        ),
        Definitie(
            "BZT_BEWAARTERMIJN_CASUS_JAREN",
            "Bewaartermijn afgesloten casus",
            "jaren",
            1,
            20,
            "Zo lang na afsluiten wordt een casus met zijn melding bewaard; daarna wordt hij geanonimiseerd. "
            "Korter maken is onomkeerbaar: de nachtelijke run anonimiseert dan meteen wat ouder is.",
        ),
        Definitie(
            "BZT_BEWAARTERMIJN_MELDING_MAANDEN",
            "Bewaartermijn melding zonder casus",
            "maanden",
            1,
            120,
            "Zo lang na het besluit wordt een melding zonder casus bewaard; daarna wordt zij geanonimiseerd. "
            "Korter maken is onomkeerbaar: de nachtelijke run anonimiseert dan meteen wat ouder is.",
        ),
        Definitie(
            "BZT_NAZORG_MAANDEN",
            "Nazorg na afsluiten",
            "maanden",
            1,
            24,
            "Zo lang na het afsluiten vraagt de casusregisseur na hoe het gaat (voor casussen die daarna sluiten).",
        ),
    ]
}

_per_request = contextvars.ContextVar("bzt_instellingen", default=None)


def _rijen():
    from .models import Instelling

    cache = _per_request.get()
    if cache is not None and "rijen" in cache:
        return cache["rijen"]
    rijen = dict(Instelling.objects.filter(waarde__isnull=False).values_list("sleutel", "waarde"))
    if cache is not None:
        cache["rijen"] = rijen
    return rijen


def standaard(sleutel):
    """The environment value (the Django setting): the default when beheer set nothing."""
    return getattr(settings, sleutel)


def waarde(sleutel):
    """The value in force: beheer's value in the database, else the environment value."""
    if sleutel not in DEFINITIES:
        raise KeyError(f"{sleutel} is geen instelling van functioneel beheer (bzt.instellingen.DEFINITIES).")
    rijen = _rijen()
    return rijen[sleutel] if sleutel in rijen else standaard(sleutel)


def vergeten():
    """Forget the rows read in this request (after a change)."""
    cache = _per_request.get()
    if cache is not None:
        cache.clear()


class InstellingenMiddleware:
    """Read the settings once per request, not once per call."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _per_request.set({})
        try:
            return self.get_response(request)
        finally:
            _per_request.reset(token)


# --- the screen and the one service ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Regel:
    definitie: Definitie
    waarde: int
    standaard: int
    aangepast: bool
    instelling: object  # the row, or None


def overzicht():
    """Every setting with its value in force, the environment default and whether beheer changed it."""
    from .models import Instelling

    rijen = {i.sleutel: i for i in Instelling.objects.select_related("gewijzigd_door")}
    regels = []
    for sleutel, definitie in DEFINITIES.items():
        rij = rijen.get(sleutel)
        aangepast = rij is not None and rij.waarde is not None
        regels.append(
            Regel(
                definitie=definitie,
                waarde=rij.waarde if aangepast else standaard(sleutel),
                standaard=standaard(sleutel),
                aangepast=aangepast,
                instelling=rij,
            )
        )
    return regels


def regel(sleutel):
    return next(r for r in overzicht() if r.definitie.sleutel == sleutel)


# Shortening these makes the nightly retention run anonymise more, which cannot be undone: asked explicitly.
BEWAARTERMIJNEN = frozenset({"BZT_BEWAARTERMIJN_CASUS_JAREN", "BZT_BEWAARTERMIJN_MELDING_MAANDEN"})


@transaction.atomic
def instelling_wijzigen(*, door, sleutel, waarde, reden, korter_bevestigd=False):
    """Set a setting to `waarde` (an int within its bounds), or back to the environment default (`None`).
    Shortening a retention term needs `korter_bevestigd` (the screen asks it with a checkbox)."""
    from . import beheer
    from .models import Instelling

    beheer.vereist_beheer(door)
    definitie = DEFINITIES.get(sleutel)
    if definitie is None:
        raise ValidationError({"waarde": "Deze instelling bestaat niet."})
    errors = {}
    try:
        reden = beheer.reden_controleren(reden)
    except ValidationError as error:
        errors.update(error.message_dict)
    if waarde is not None:
        if isinstance(waarde, bool) or not isinstance(waarde, int):
            errors["waarde"] = "Vul een heel getal in."
        elif not definitie.minimum <= waarde <= definitie.maximum:
            errors["waarde"] = (
                f"Kies een waarde van {definitie.minimum} tot en met {definitie.maximum} {definitie.eenheid}."
            )
    instelling = Instelling.objects.select_for_update(no_key=True).filter(sleutel=sleutel).first()
    vorige = instelling.waarde if instelling is not None else None
    nu = vorige if vorige is not None else standaard(sleutel)
    straks = waarde if waarde is not None else standaard(sleutel)
    if (
        sleutel in BEWAARTERMIJNEN
        and "waarde" not in errors
        and isinstance(straks, int)
        and straks < nu
        and not korter_bevestigd
    ):
        errors["korter_bevestigd"] = (
            f"De bewaartermijn wordt korter ({nu} → {straks} {definitie.eenheid}): bevestig dat u weet dat de "
            "nachtelijke run dan gegevens anonimiseert die nu nog bewaard worden. Dat is onomkeerbaar."
        )
    if errors:
        raise ValidationError(errors)
    oud = vorige if vorige is not None else f"standaard ({standaard(sleutel)})"
    nieuw = waarde if waarde is not None else f"standaard ({standaard(sleutel)})"
    with acting_as(door, reason=f"{reden} ({oud} → {nieuw})"[:100]):
        if instelling is None:
            instelling = Instelling(sleutel=sleutel)
        instelling.waarde = waarde
        instelling.gewijzigd_door = door
        instelling.gewijzigd_op = timezone.now()
        instelling.save()
    vergeten()
    return instelling
