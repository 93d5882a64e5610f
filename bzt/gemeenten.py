"""The gemeenten of the installation (CONTRACT.md § Region, docs/regio.md): which one is its own, whether it serves a
region, and how a code or an object becomes a Gemeente. One place for every app, so each asks the same question.

A single-gemeente installation has exactly one (active) gemeente, its own: then no form or page shows a gemeente.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError

CBS_PATROON = re.compile(r"GM\d{4}")


def eigen_naam():
    """The own gemeente's name from BZT_GEMEENTE ("Gemeente Deventer" → "Deventer")."""
    naam = settings.BZT_GEMEENTE.strip()
    return naam.removeprefix("Gemeente ").strip() or naam


def ensure_eigen_gemeente(sender=None, using="default", **kwargs):
    """Create the own gemeente when it is missing (migration bzt.0009, and after every migrate: a test flush
    removes it). bulk_create: like the system account it is there before anybody acts."""
    from .models import Gemeente

    code = settings.BZT_GEMEENTE_CODE
    codes_vergeten()
    if not Gemeente.objects.using(using).filter(code=code).exists():
        Gemeente.objects.using(using).bulk_create(
            [
                Gemeente(
                    code=code, naam=eigen_naam(), wijken=list(settings.BZT_WIJKEN), documentnaam=settings.BZT_GEMEENTE
                )
            ]
        )


# id -> CBS code, for the read-access log's gemeente column (bzt.inzage.gemeente_van): a code per logged page
# without a query. Emptied whenever a gemeente is saved, deleted or made by ensure_eigen_gemeente.
_CODES: dict[int, str] = {}


def codes_vergeten(**kwargs):
    _CODES.clear()


def code_van(gemeente_id) -> str:
    """The CBS code of the gemeente with this id ('' for None)."""
    if gemeente_id is None:
        return ""
    if gemeente_id not in _CODES:
        from .models import Gemeente

        _CODES.update(Gemeente.objects.values_list("pk", "code"))
    return _CODES.get(gemeente_id, "")


def eigen_gemeente():
    from .models import Gemeente

    return Gemeente.objects.filter(code=settings.BZT_GEMEENTE_CODE).first()


def actieve_gemeenten():
    from .models import Gemeente

    return Gemeente.objects.filter(actief=True).order_by("naam")


def is_regio() -> bool:
    """Whether the installation serves more than one gemeente: only then does the UI show the gemeente."""
    return actieve_gemeenten().count() > 1


def gemeente_van(waarde, *, veld="gemeente"):
    """A Gemeente from a Gemeente, a CBS code ("GM0301") or None (the own gemeente). An unknown or inactive code
    is a ValidationError naming `veld` in Dutch (import, intake, partner API)."""
    from .models import Gemeente

    if waarde is None or waarde == "":
        return eigen_gemeente()
    if isinstance(waarde, Gemeente):
        return waarde
    code = str(waarde).strip().upper()
    if not CBS_PATROON.fullmatch(code):
        raise ValidationError(
            {veld: f"‘{waarde}’ is geen CBS-gemeentecode: gebruik ‘GM’ gevolgd door vier cijfers, bijvoorbeeld GM0150."}
        )
    gemeente = Gemeente.objects.filter(code=code, actief=True).first()
    if gemeente is None:
        raise ValidationError({veld: f"Gemeente {code} is onbekend: deze installatie bedient die gemeente niet."})
    return gemeente


def gemeente_van_wijk(wijk):
    """The gemeente whose wijken list holds `wijk`, when exactly one does; else None."""
    if not wijk:
        return None
    gevonden = [g for g in actieve_gemeenten() if wijk.casefold() in {w.casefold() for w in g.wijken}]
    return gevonden[0] if len(gevonden) == 1 else None


# --- functioneel beheer: the gemeenten of the region (bzt.beheer_views, docs/regio.md) ---------------------------


def wijken_uit_tekst(tekst: str) -> list[str]:
    """One wijk per line, blank lines and doubles left out, in the order given."""
    wijken = []
    for regel in (tekst or "").splitlines():
        wijk = regel.strip()
        if wijk and wijk.casefold() not in {w.casefold() for w in wijken}:
            wijken.append(wijk)
    return wijken


def _valideer(*, code, naam, kleur, gemeente=None):
    from .models import CBS_CODE, KLEUR, Gemeente

    errors = {}
    if gemeente is None:
        try:
            CBS_CODE(code)
        except ValidationError as error:
            errors["code"] = error.messages[0]
        else:
            if Gemeente.objects.filter(code=code).exists():
                errors["code"] = f"Gemeente {code} bestaat al (ook een gedeactiveerde telt mee)."
    if not naam:
        errors["naam"] = "Vul de naam van de gemeente in."
    elif Gemeente.objects.filter(naam__iexact=naam).exclude(pk=getattr(gemeente, "pk", None)).exists():
        errors["naam"] = "Er bestaat al een gemeente met deze naam."
    if kleur:
        try:
            KLEUR(kleur)
        except ValidationError as error:
            errors["kleur"] = error.messages[0]
    # A wijk taken off the list stays on the persons that have it (their records are history); it is no longer
    # offered at intake nor accepted by the import.
    return errors


def gemeente_opslaan(*, door, gemeente=None, code="", naam, wijken, documentnaam="", kleur="", actief=True, reden=""):
    """Create (gemeente None) or change a gemeente: functioneel beheer, with a reason on a change (history).
    The CBS code is fixed once made (meldingen, the import and the jaarmonitor name it). The own gemeente
    (BZT_GEMEENTE_CODE) stays active; a gemeente with active accounts is not deactivated."""
    from django.db import transaction

    from .audit import acting_as
    from .beheer import reden_controleren, vereist_beheer
    from .models import Gemeente

    vereist_beheer(door)
    code, naam, kleur = (code or "").strip().upper(), (naam or "").strip(), (kleur or "").strip()
    wijken = wijken_uit_tekst(wijken) if isinstance(wijken, str) else list(wijken)
    with transaction.atomic():
        if gemeente is not None:
            gemeente = Gemeente.objects.select_for_update(no_key=True).get(pk=gemeente.pk)
        errors = _valideer(code=code, naam=naam, kleur=kleur, gemeente=gemeente)
        if gemeente is not None:
            try:
                reden = reden_controleren(reden)
            except ValidationError as error:
                errors.update(error.message_dict)
            if not actief and gemeente.actief:
                if gemeente.code == settings.BZT_GEMEENTE_CODE:
                    errors["actief"] = "De eigen gemeente van de installatie blijft actief."
                elif gemeente.medewerkers.filter(is_active=True).exists():
                    errors["actief"] = "Deze gemeente heeft nog actieve accounts; zet die eerst op een andere gemeente."
        if errors:
            raise ValidationError(errors)
        with acting_as(door, reason=reden.strip() if gemeente is not None else "gemeente aangemaakt"):
            gemeente = gemeente or Gemeente(code=code)
            gemeente.naam, gemeente.wijken, gemeente.documentnaam = naam, wijken, (documentnaam or "").strip()
            gemeente.kleur, gemeente.actief = kleur, actief
            gemeente.save()
    return gemeente
