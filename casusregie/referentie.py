"""Functioneel beheer of the casusregie reference lists: the afsluitredenen (docs/beheer.md § Afsluitredenen).

Every write goes through these services, names the acting user (`door`) and, for a change, a reason:
- a reason is deactivated, never deleted (closed casussen and the jaarmonitor point at it); an inactive reason is
  not offered when closing a casus, and the last active one cannot be deactivated (a casus could not close);
- the code is what the import, the jaarmonitor and the default list (casusregie.reference) know a reason by:
  it cannot change once a casus was closed with it, nor for a reason of the default list (that code would come
  back after the next update). The name, the order, "vraagt organisatie" and "casus kan niet verder" (then the
  procesmanager may close with it) can always change.
"""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from bzt import beheer
from bzt.audit import acting_as
from bzt.models import Gemeente

from .models import AfsluitReden, Casus, Escalatie, EscalatieNiveau, EscalatieSoort, ExpertTeam, ExpertVraag
from .reference import AFSLUITREDENEN
from .services import expertteam_opslaan

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


# --- the escalation ladder (docs/beheer.md § Escalatieladder) -----------------------------------------------------
#
# A level is deactivated, never deleted (escalations point at it). Its code is what the import and the history know
# it by: it is set once. A level with open escalations waiting there cannot be deactivated (nobody would answer
# them), nor the last active level (no escalation could start). A kind whose start level is deactivated starts at
# the next active level above it (EscalatieSoort.startniveau).

NIVEAU_CODE_MAX = EscalatieNiveau._meta.get_field("code").max_length
NIVEAU_NAAM_MAX = EscalatieNiveau._meta.get_field("naam").max_length
SOORT_CODE_MAX = EscalatieSoort._meta.get_field("code").max_length
SOORT_NAAM_MAX = EscalatieSoort._meta.get_field("naam").max_length


def _code_fout(code, maximum, bestaat):
    if not code:
        return "Vul een code in."
    if len(code) > maximum:
        return f"De code is hoogstens {maximum} tekens."
    if not all(c.isascii() and (c.isalnum() or c in "_-") for c in code):
        return "Gebruik alleen kleine letters, cijfers, - en _ in de code."
    if bestaat:
        return "Deze code bestaat al (ook een gedeactiveerde telt mee)."
    return ""


def _volgorde_fout(volgorde, minimum=0):
    if (
        volgorde is None
        or isinstance(volgorde, bool)
        or not isinstance(volgorde, int)
        or not minimum <= volgorde <= 999
    ):
        return f"Kies een volgorde van {minimum} tot en met 999."
    return ""


def escalatie_rollen():
    """The groups that can answer a level: only accounts holding `behandelen_escalatie` open an escalation
    (casusregie.workflow), so a level answered by another group would be answered by nobody."""
    return Group.objects.filter(
        permissions__content_type__app_label="casusregie", permissions__codename="behandelen_escalatie"
    ).order_by("name")


def escalatieniveaus():
    """The ladder in order, with how many escalations wait open at each level (a count, no case content)."""
    from django.db.models import Count, Q

    return (
        EscalatieNiveau.objects.select_related("behandelaars")
        .annotate(open_escalaties=Count("escalaties", filter=Q(escalaties__status=Escalatie.Status.OPEN)))
        .order_by("volgorde")
    )


def _valideer_niveau(*, naam, volgorde, behandelaars, niveau=None, code=None):
    errors = {}
    naam = (naam or "").strip()
    if code is not None:
        code = code.strip().lower()
        fout = _code_fout(code, NIVEAU_CODE_MAX, EscalatieNiveau.objects.filter(code=code).exists())
        if fout:
            errors["code"] = fout
    if not naam:
        errors["naam"] = "Vul de naam van het niveau in."
    elif len(naam) > NIVEAU_NAAM_MAX:
        errors["naam"] = f"De naam is hoogstens {NIVEAU_NAAM_MAX} tekens."
    elif EscalatieNiveau.objects.filter(naam__iexact=naam).exclude(pk=getattr(niveau, "pk", None)).exists():
        errors["naam"] = "Er bestaat al een niveau met deze naam."
    fout = _volgorde_fout(volgorde, minimum=1)
    if fout:
        errors["volgorde"] = fout
    elif EscalatieNiveau.objects.filter(volgorde=volgorde).exclude(pk=getattr(niveau, "pk", None)).exists():
        errors["volgorde"] = "Een ander niveau (ook een gedeactiveerd) heeft deze plaats op de ladder al."
    if not isinstance(behandelaars, Group) or not behandelaars.pk:
        errors["behandelaars"] = "Kies de rol die escalaties op dit niveau beantwoordt."
    elif not escalatie_rollen().filter(pk=behandelaars.pk).exists():
        errors["behandelaars"] = "Deze rol kan geen escalaties behandelen; kies een rol met dat recht."
    return code, naam, errors


# --- each gemeente its own ladder (docs/regio.md § Each gemeente its own ladder) -----------------------------------
#
# A level holds for every gemeente, for the chosen ones only, or for all but the chosen ones. A gemeente may lose a
# level only when none of its escalations is open at that level (nobody would answer it), and never its last active
# level (nobody there could escalate).

GeldtVoor = EscalatieNiveau.GeldtVoor
LOPEND = (Escalatie.Status.OPEN, Escalatie.Status.BEANTWOORD)


def gemeenten_tekst(geldt_voor, gemeenten) -> str:
    """ "alle gemeenten", "alleen Lochem, Zutphen", "alle behalve Raalte" (the list, the history)."""
    namen = ", ".join(sorted(g.naam for g in gemeenten))
    if geldt_voor == GeldtVoor.ALLEEN:
        return f"alleen {namen}"
    if geldt_voor == GeldtVoor.BEHALVE:
        return f"alle behalve {namen}"
    return "alle gemeenten"


def _valideer_gemeenten(geldt_voor, gemeenten, niveau=None):
    """The gemeenten of a level as stored (empty for "alle"), or a ValidationError in Dutch."""
    if geldt_voor not in GeldtVoor.values:
        raise ValidationError({"geldt_voor": "Kies voor welke gemeenten dit niveau geldt."})
    if geldt_voor == GeldtVoor.ALLE:
        return []
    gemeenten = list(gemeenten or ())
    if not gemeenten:
        raise ValidationError(
            {
                "gemeenten": "Kies ten minste één gemeente waarvoor dit niveau geldt."
                if geldt_voor == GeldtVoor.ALLEEN
                else "Kies de gemeenten waarvoor dit niveau niet geldt, of kies ‘Alle gemeenten’."
            }
        )
    al = {g.pk for g in niveau.gemeenten.all()} if niveau is not None else set()
    if any(not isinstance(g, Gemeente) or not g.pk for g in gemeenten):
        raise ValidationError({"gemeenten": "Kies gemeenten uit de lijst."})
    if any(not g.actief and g.pk not in al for g in gemeenten):
        raise ValidationError({"gemeenten": "Kies alleen actieve gemeenten."})
    return gemeenten


def _ladderfouten(niveau, geldt_voor, gemeenten):
    """Why `niveau` (locked) may not get this configuration: a gemeente that would lose it while its escalations
    are open there, or an active gemeente left without any active level. {} when it may."""
    from django.db.models import Count

    nieuw_ids = {g.pk for g in gemeenten}

    def geldt(gemeente_id):
        if geldt_voor == GeldtVoor.ALLE:
            return True
        return (gemeente_id in nieuw_ids) == (geldt_voor == GeldtVoor.ALLEEN)

    namen = dict(Gemeente.objects.values_list("pk", "naam"))
    lopend = (
        Escalatie.objects.filter(niveau=niveau, status__in=LOPEND)
        .values("gemeente_id")
        .annotate(n=Count("pk"))
        .order_by("gemeente_id")
    )
    fouten = [
        f"Het niveau ‘{niveau.naam}’ kan niet van {namen[r['gemeente_id']]} worden afgehaald: er lopen daar nog "
        f"{r['n']} escalatie(s) van {namen[r['gemeente_id']]}. Laat die eerst afronden of doorzetten."
        for r in lopend
        if not geldt(r["gemeente_id"])
    ]
    if niveau.actief:
        fouten += _zonder_ladder(niveau, geldt)
    return {"gemeenten": fouten} if fouten else {}


def _zonder_ladder(niveau, geldt):
    """The active gemeenten that would have no active level left if `niveau` held only where `geldt(id)`."""
    andere = list(EscalatieNiveau.objects.filter(actief=True).exclude(pk=niveau.pk).prefetch_related("gemeenten"))
    return [
        f"{gemeente.naam} houdt dan geen enkel actief niveau over; niemand kan daar escaleren."
        for gemeente in Gemeente.objects.filter(actief=True).order_by("naam")
        if not geldt(gemeente.pk) and not any(n.geldt_voor_gemeente(gemeente.pk) for n in andere)
    ]


@transaction.atomic
def escalatieniveau_aanmaken(
    *, door, code, naam, volgorde, behandelaars, geldt_voor=GeldtVoor.ALLE, gemeenten=(), reden=""
):
    beheer.vereist_beheer(door)
    code, naam, errors = _valideer_niveau(code=code, naam=naam, volgorde=volgorde, behandelaars=behandelaars)
    try:
        gemeenten = _valideer_gemeenten(geldt_voor, gemeenten)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with acting_as(door, reason=((reden or "").strip() or "escalatieniveau aangemaakt")[:100]):
        niveau = EscalatieNiveau.objects.create(
            code=code, naam=naam, volgorde=volgorde, behandelaars=behandelaars, geldt_voor=geldt_voor
        )
        niveau.gemeenten.set(gemeenten)
    return niveau


@transaction.atomic
def escalatieniveau_wijzigen(*, door, niveau, naam, volgorde, behandelaars, reden, geldt_voor=None, gemeenten=None):
    """Name, place on the ladder, the answering role and for which gemeenten it holds (None: unchanged, as in a
    single-gemeente installation, whose form does not ask it); the code stays."""
    beheer.vereist_beheer(door)
    # Locked like an escalation locks the level it goes to (services._niveau_vastzetten): an escalation raised to
    # it right now is waited for and counted by _ladderfouten, or it sees the new gemeenten and is refused.
    niveau = EscalatieNiveau.objects.select_for_update(no_key=True).get(pk=niveau.pk)
    _, naam, errors = _valideer_niveau(naam=naam, volgorde=volgorde, behandelaars=behandelaars, niveau=niveau)
    oud = gemeenten_tekst(niveau.geldt_voor, niveau.gemeenten.all())
    if geldt_voor is None:
        geldt_voor, gemeenten = niveau.geldt_voor, list(niveau.gemeenten.all())
    try:
        gemeenten = _valideer_gemeenten(geldt_voor, gemeenten, niveau)
    except ValidationError as error:
        errors.update(error.message_dict)
    else:
        errors.update(_ladderfouten(niveau, geldt_voor, gemeenten))
    try:
        reden = beheer.reden_controleren(reden)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    nieuw = gemeenten_tekst(geldt_voor, gemeenten)
    if nieuw != oud:
        reden = f"{reden} (geldt voor: {oud} → {nieuw})"
    with acting_as(door, reason=reden[:100]):
        niveau.naam, niveau.volgorde, niveau.behandelaars = naam, volgorde, behandelaars
        niveau.geldt_voor = geldt_voor
        niveau.gemeenten.set(gemeenten)
        niveau.save()
    return niveau


@transaction.atomic
def escalatieniveau_deactiveren(*, door, niveau, reden):
    beheer.vereist_beheer(door)
    reden = beheer.reden_controleren(reden)
    # Every active level locked: two beheerders cannot each deactivate one of the last two, and an escalation
    # being raised to this level right now (casusregie.services._niveau_vastzetten locks it too) is waited for and
    # counted below. (Its foreign key alone would not make this wait: Django checks constraints at the commit.)
    actief = list(EscalatieNiveau.objects.select_for_update(no_key=True).filter(actief=True).order_by("pk"))
    niveau = EscalatieNiveau.objects.select_for_update(no_key=True).get(pk=niveau.pk)
    if not niveau.actief:
        raise ValidationError("Dit niveau is al gedeactiveerd.")
    wachtend = Escalatie.objects.filter(niveau=niveau, status=Escalatie.Status.OPEN).count()
    if wachtend:
        raise ValidationError(
            {
                "reden": f"Op dit niveau wachten nog {wachtend} open escalatie(s); die moeten eerst worden "
                "beantwoord of doorgezet, anders beantwoordt niemand ze."
            }
        )
    if len(actief) <= 1:
        raise ValidationError({"reden": "Dit is het laatste actieve niveau; zonder niveau kan niemand escaleren."})
    zonder = _zonder_ladder(niveau, lambda gemeente_id: False)
    if zonder:
        raise ValidationError({"reden": " ".join(zonder)})
    with acting_as(door, reason=f"gedeactiveerd: {reden}"[:100]):
        niveau.actief = False
        niveau.save(update_fields=["actief"])
    return niveau


@transaction.atomic
def escalatieniveau_heractiveren(*, door, niveau, reden):
    beheer.vereist_beheer(door)
    reden = beheer.reden_controleren(reden)
    niveau = EscalatieNiveau.objects.select_for_update(no_key=True).get(pk=niveau.pk)
    if niveau.actief:
        raise ValidationError("Dit niveau is al actief.")
    with acting_as(door, reason=f"heractiveerd: {reden}"[:100]):
        niveau.actief = True
        niveau.save(update_fields=["actief"])
    return niveau


# --- the kinds of escalation (docs/beheer.md § Soorten escalatie) -------------------------------------------------
#
# The code is what Escalatie.reden stores (and the import and the monitor read): set once. A kind starts at an
# active level. Deactivated, never deleted; escalations of that kind keep it; the last active kind stays.


def escalatiesoorten(status=""):
    from django.db.models import Count

    soorten = EscalatieSoort.objects.select_related("start_niveau").annotate(gebruikt=Count("escalaties"))
    if status == "actief":
        soorten = soorten.filter(actief=True)
    elif status == "inactief":
        soorten = soorten.filter(actief=False)
    return soorten.order_by("volgorde", "naam")


def _valideer_soort(*, naam, volgorde, start_niveau, soort=None, code=None):
    errors = {}
    naam = (naam or "").strip()
    if code is not None:
        code = code.strip().lower()
        fout = _code_fout(code, SOORT_CODE_MAX, EscalatieSoort.objects.filter(code=code).exists())
        if fout:
            errors["code"] = fout
    if not naam:
        errors["naam"] = "Vul de naam in die de casusregisseur ziet."
    elif len(naam) > SOORT_NAAM_MAX:
        errors["naam"] = f"De naam is hoogstens {SOORT_NAAM_MAX} tekens."
    elif EscalatieSoort.objects.filter(naam__iexact=naam).exclude(pk=getattr(soort, "pk", None)).exists():
        errors["naam"] = "Er bestaat al een soort escalatie met deze naam."
    fout = _volgorde_fout(volgorde)
    if fout:
        errors["volgorde"] = fout
    if not isinstance(start_niveau, EscalatieNiveau) or not start_niveau.pk:
        errors["start_niveau"] = "Kies het niveau waar een escalatie van deze soort begint."
    elif not EscalatieNiveau.objects.select_for_update(no_key=True).filter(pk=start_niveau.pk, actief=True).exists():
        errors["start_niveau"] = "Kies een actief niveau van de ladder."
    return code, naam, errors


@transaction.atomic
def escalatiesoort_aanmaken(*, door, code, naam, start_niveau, volgorde=0, reden=""):
    beheer.vereist_beheer(door)
    code, naam, errors = _valideer_soort(code=code, naam=naam, volgorde=volgorde, start_niveau=start_niveau)
    if errors:
        raise ValidationError(errors)
    with acting_as(door, reason=((reden or "").strip() or "soort escalatie aangemaakt")[:100]):
        return EscalatieSoort.objects.create(code=code, naam=naam, start_niveau=start_niveau, volgorde=volgorde)


@transaction.atomic
def escalatiesoort_wijzigen(*, door, soort, naam, start_niveau, volgorde, reden):
    beheer.vereist_beheer(door)
    soort = EscalatieSoort.objects.select_for_update(no_key=True).get(pk=soort.pk)
    _, naam, errors = _valideer_soort(naam=naam, volgorde=volgorde, start_niveau=start_niveau, soort=soort)
    try:
        reden = beheer.reden_controleren(reden)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with acting_as(door, reason=reden[:100]):
        soort.naam, soort.start_niveau, soort.volgorde = naam, start_niveau, volgorde
        soort.save()
    return soort


@transaction.atomic
def escalatiesoort_deactiveren(*, door, soort, reden):
    """No longer offered when escalating; escalations of this kind keep it."""
    beheer.vereist_beheer(door)
    reden = beheer.reden_controleren(reden)
    actief = list(EscalatieSoort.objects.select_for_update(no_key=True).filter(actief=True).order_by("pk"))
    soort = EscalatieSoort.objects.select_for_update(no_key=True).get(pk=soort.pk)
    if not soort.actief:
        raise ValidationError("Deze soort escalatie is al gedeactiveerd.")
    if len(actief) <= 1:
        raise ValidationError(
            {"reden": "Dit is de laatste actieve soort escalatie; zonder soort kan niemand escaleren."}
        )
    with acting_as(door, reason=f"gedeactiveerd: {reden}"[:100]):
        soort.actief = False
        soort.save(update_fields=["actief"])
    return soort


@transaction.atomic
def escalatiesoort_heractiveren(*, door, soort, reden):
    beheer.vereist_beheer(door)
    reden = beheer.reden_controleren(reden)
    soort = EscalatieSoort.objects.select_for_update(no_key=True).get(pk=soort.pk)
    if soort.actief:
        raise ValidationError("Deze soort escalatie is al actief.")
    with acting_as(door, reason=f"heractiveerd: {reden}"[:100]):
        soort.actief = True
        soort.save(update_fields=["actief"])
    return soort


# --- the expert teams (docs/beheer.md § Expertteams) ---------------------------------------------------------------
#
# The rules of membership and access live in casusregie.services.expertteam_opslaan (members are active accounts of
# an organisation; a member who leaves, or a team made inactive, loses the read access of the open questions at
# once; a new member, or a reactivated team, gets it). These add what every reference list of beheer has: the
# right, a reason in the history, deactivate instead of delete.

TEAM_NAAM_MAX = ExpertTeam._meta.get_field("naam").max_length


def expertteams(status=""):
    """Every team for the list, with its number of members and of open questions (counts, no case content)."""
    from django.db.models import Count, Q

    teams = ExpertTeam.objects.annotate(
        aantal_leden=Count("leden", distinct=True),
        open_vragen=Count("vragen", filter=Q(vragen__status=ExpertVraag.Status.OPEN), distinct=True),
    )
    if status == "actief":
        teams = teams.filter(actief=True)
    elif status == "inactief":
        teams = teams.filter(actief=False)
    return teams.order_by("naam")


def mogelijke_teamleden(q=""):
    """The accounts that can be a member (active, of an organisation), matching every word of `q`."""
    from django.db.models import Q

    leden = beheer.beheerbare_accounts().filter(is_active=True, organisatie__isnull=False).select_related("organisatie")
    for woord in (q or "").split()[:5]:
        leden = leden.filter(
            Q(username__icontains=woord)
            | Q(first_name__icontains=woord)
            | Q(last_name__icontains=woord)
            | Q(organisatie__naam__icontains=woord)
        )
    return leden.order_by("last_name", "first_name", "username")


def _team_naam(naam):
    naam = (naam or "").strip()
    if len(naam) > TEAM_NAAM_MAX:
        raise ValidationError({"naam": f"De naam is hoogstens {TEAM_NAAM_MAX} tekens."})
    return naam


@transaction.atomic
def expertteam_aanmaken(*, door, naam, leden, reden=""):
    beheer.vereist_beheer(door)
    with acting_as(door, reason=((reden or "").strip() or "expertteam aangemaakt")[:100]):
        return expertteam_opslaan(door=door, naam=_team_naam(naam), leden=leden)


@transaction.atomic
def expertteam_wijzigen(*, door, team, naam, leden, reden):
    """Name and members; the team stays as active as it is."""
    beheer.vereist_beheer(door)
    reden = beheer.reden_controleren(reden)
    team = ExpertTeam.objects.select_for_update().get(pk=team.pk)
    with acting_as(door, reason=reden[:100]):
        return expertteam_opslaan(door=door, naam=_team_naam(naam), leden=leden, actief=team.actief, team=team)


@transaction.atomic
def expertteam_deactiveren(*, door, team, reden):
    """The members lose the read access of the team's open questions at once (casusregie.permissions reads only
    active teams); the questions stay, and come back to the members when the team is reactivated."""
    beheer.vereist_beheer(door)
    reden = beheer.reden_controleren(reden)
    team = ExpertTeam.objects.select_for_update().get(pk=team.pk)
    if not team.actief:
        raise ValidationError("Dit expertteam is al gedeactiveerd.")
    with acting_as(door, reason=f"gedeactiveerd: {reden}"[:100]):
        return expertteam_opslaan(
            door=door,
            naam=team.naam,
            leden=team.leden.filter(is_active=True, organisatie__isnull=False),
            actief=False,
            team=team,
        )


@transaction.atomic
def expertteam_heractiveren(*, door, team, reden):
    beheer.vereist_beheer(door)
    reden = beheer.reden_controleren(reden)
    team = ExpertTeam.objects.select_for_update().get(pk=team.pk)
    if team.actief:
        raise ValidationError("Dit expertteam is al actief.")
    with acting_as(door, reason=f"heractiveerd: {reden}"[:100]):
        return expertteam_opslaan(
            door=door, naam=team.naam, leden=team.leden.filter(is_active=True, organisatie__isnull=False),
            actief=True, team=team,
        )  # fmt: skip
