"""Functioneel beheer of the casusregie reference lists: the afsluitredenen (docs/beheer.md § Afsluitredenen).

Every write goes through these services, names the acting user (`door`) and, for a change, a reason:
- a reason is deactivated, never deleted (closed casussen and the jaarmonitor point at it); an inactive reason is
  not offered when closing a casus, and the last active one cannot be deactivated (a casus could not close);
- the code is what the import, the jaarmonitor and the default list (casusregie.reference) know a reason by:
  it cannot change once a casus was closed with it, nor for a reason of the default list (that code would come
  back after the next update). The name, the order, "vraagt organisatie" and "casus kan niet verder" (then the
  procesmanager may close with it) can always change.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from bzt import beheer
from bzt.audit import acting_as

from .models import AfsluitReden, Casus
from .reference import AFSLUITREDENEN

STANDAARD_CODES = frozenset(regel[0] for regel in AFSLUITREDENEN)
CODE_MAX = AfsluitReden._meta.get_field("code").max_length
NAAM_MAX = AfsluitReden._meta.get_field("naam").max_length


def afsluitredenen(status=""):
    """Every reason for the list, with how many casussen were closed with it (a count, no case content)."""
    from django.db.models import Count

    redenen = AfsluitReden.objects.annotate(gebruikt=Count("casus")).order_by("volgorde", "naam")
    if status == "actief":
        redenen = redenen.filter(actief=True)
    elif status == "inactief":
        redenen = redenen.filter(actief=False)
    return redenen


def in_gebruik(reden: AfsluitReden) -> bool:
    return Casus.objects.filter(afsluitreden=reden).exists()


def code_vast(reden: AfsluitReden) -> str:
    """Why the code of `reden` cannot change, or ''."""
    if reden.code in STANDAARD_CODES:
        return "De code van een standaardreden kan niet worden gewijzigd."
    if in_gebruik(reden):
        return "Deze code is al gebruikt bij afgesloten casussen en kan niet meer worden gewijzigd."
    return ""


def _valideer(*, code, naam, volgorde, reden=None):
    errors = {}
    code = (code or "").strip().lower()
    naam = (naam or "").strip()
    if not code:
        errors["code"] = "Vul een code in."
    elif len(code) > CODE_MAX:
        errors["code"] = f"De code is hoogstens {CODE_MAX} tekens."
    elif not all(c.isascii() and (c.isalnum() or c in "_-") for c in code):
        errors["code"] = "Gebruik alleen kleine letters, cijfers, - en _ in de code."
    elif AfsluitReden.objects.filter(code=code).exclude(pk=getattr(reden, "pk", None)).exists():
        errors["code"] = "Deze code bestaat al (ook een gedeactiveerde reden telt mee)."
    if not naam:
        errors["naam"] = "Vul de naam in die de casusregisseur ziet."
    elif len(naam) > NAAM_MAX:
        errors["naam"] = f"De naam is hoogstens {NAAM_MAX} tekens."
    elif AfsluitReden.objects.filter(naam__iexact=naam).exclude(pk=getattr(reden, "pk", None)).exists():
        errors["naam"] = "Er bestaat al een afsluitreden met deze naam."
    if volgorde is None or isinstance(volgorde, bool) or not isinstance(volgorde, int) or not 0 <= volgorde <= 999:
        errors["volgorde"] = "Kies een volgorde van 0 tot en met 999."
    return code, naam, errors


@transaction.atomic
def afsluitreden_aanmaken(
    *, door, code, naam, vraagt_organisatie=False, casus_kan_niet_verder=False, volgorde=0, reden=""
):
    beheer.vereist_beheer(door)
    code, naam, errors = _valideer(code=code, naam=naam, volgorde=volgorde)
    if errors:
        raise ValidationError(errors)
    with acting_as(door, reason=((reden or "").strip() or "afsluitreden aangemaakt")[:100]):
        return AfsluitReden.objects.create(
            code=code,
            naam=naam,
            vraagt_organisatie=bool(vraagt_organisatie),
            casus_kan_niet_verder=bool(casus_kan_niet_verder),
            volgorde=volgorde,
        )


@transaction.atomic
def afsluitreden_wijzigen(
    *, door, afsluitreden, code, naam, vraagt_organisatie, volgorde, reden, casus_kan_niet_verder=None
):
    """`casus_kan_niet_verder` None keeps the current value."""
    beheer.vereist_beheer(door)
    # Locked: a casus being closed with this reason at this moment holds a key-share lock on it (its foreign key),
    # so FOR UPDATE here waits for it and the "in use" check below sees that casus.
    afsluitreden = AfsluitReden.objects.select_for_update().get(pk=afsluitreden.pk)
    code, naam, errors = _valideer(code=code, naam=naam, volgorde=volgorde, reden=afsluitreden)
    if "code" not in errors and code != afsluitreden.code:
        vast = code_vast(afsluitreden)
        if vast:
            errors["code"] = vast
    try:
        reden = beheer.reden_controleren(reden)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with acting_as(door, reason=reden[:100]):
        afsluitreden.code = code
        afsluitreden.naam = naam
        afsluitreden.vraagt_organisatie = bool(vraagt_organisatie)
        if casus_kan_niet_verder is not None:
            afsluitreden.casus_kan_niet_verder = bool(casus_kan_niet_verder)
        afsluitreden.volgorde = volgorde
        afsluitreden.save()
    return afsluitreden


@transaction.atomic
def afsluitreden_deactiveren(*, door, afsluitreden, reden):
    """No longer offered when closing a casus; casussen closed with it keep it."""
    beheer.vereist_beheer(door)
    reden = beheer.reden_controleren(reden)
    # Lock every active reason: two beheerders deactivating the last two at once are served one after the other.
    actief = list(AfsluitReden.objects.select_for_update(no_key=True).filter(actief=True).order_by("pk"))
    afsluitreden = AfsluitReden.objects.select_for_update(no_key=True).get(pk=afsluitreden.pk)
    if not afsluitreden.actief:
        raise ValidationError("Deze afsluitreden is al gedeactiveerd.")
    if len(actief) <= 1:
        raise ValidationError(
            {"reden": "Dit is de laatste actieve afsluitreden; zonder afsluitreden kan geen casus worden afgesloten."}
        )
    with acting_as(door, reason=f"gedeactiveerd: {reden}"[:100]):
        afsluitreden.actief = False
        afsluitreden.save(update_fields=["actief"])
    return afsluitreden


@transaction.atomic
def afsluitreden_heractiveren(*, door, afsluitreden, reden):
    beheer.vereist_beheer(door)
    reden = beheer.reden_controleren(reden)
    afsluitreden = AfsluitReden.objects.select_for_update(no_key=True).get(pk=afsluitreden.pk)
    if afsluitreden.actief:
        raise ValidationError("Deze afsluitreden is al actief.")
    with acting_as(door, reason=f"heractiveerd: {reden}"[:100]):
        afsluitreden.actief = True
        afsluitreden.save(update_fields=["actief"])
    return afsluitreden
