"""Writes of the MDO: plan a meeting, fill and order its agenda, take a besluit per agenda item."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from bzt.audit import acting_as
from bzt.workflow import TransitionNotAllowed, transition
from casusregie import rechten as casus_rechten
from casusregie import services as casus_services
from casusregie.models import Plan
from casusregie.workflow import CASUS
from meldpunt.models import Melding
from meldpunt.services import melding_mdo_heroverwegen, melding_mdo_verwijzen

from . import rechten
from .models import AgendaPunt, Overleg
from .workflow import ACTIES, AGENDAPUNT, OVERLEG


def _require_chair(door):
    rechten.vereist(door, "voorzitten")


def volgend_overleg():
    """The next planned MDO (today or later), where new items land."""
    return (
        Overleg.objects.filter(status=Overleg.Status.GEPLAND, datum__gte=timezone.localdate()).order_by("datum").first()
    )


def _next_position(overleg):
    return (overleg.agendapunten.aggregate(m=Max("volgorde"))["m"] or 0) + 1


@transaction.atomic
def overleg_plannen(*, door, datum: date, voorzitter=None, locatie="", aanvang=None) -> Overleg:
    _require_chair(door)
    if datum < timezone.localdate():
        raise ValidationError({"datum": "Een MDO plant u vandaag of later."})
    with acting_as(door):
        overleg = Overleg.objects.create(datum=datum, voorzitter=voorzitter or door, locatie=locatie, aanvang=aanvang)
    agenda_vullen(door=door, overleg=overleg)
    return overleg


@transaction.atomic
def agenda_vullen(*, door, overleg: Overleg) -> int:
    """Put on the agenda what is waiting: meldingen op de MDO-agenda, submitted plans, plans due for review.
    Items already open on another agenda stay there. Returns the number of items added."""
    _require_chair(door)
    OVERLEG.lock(overleg)
    open_meldingen = AgendaPunt.objects.filter(besluit="", melding__isnull=False).values("melding_id")
    open_plannen = AgendaPunt.objects.filter(besluit="", plan__isnull=False).values("plan_id")
    nieuw = []
    for melding in (
        Melding.objects.filter(status=Melding.Status.OP_MDO_AGENDA)
        .exclude(pk__in=open_meldingen)
        .order_by("ontvangen_op", "id")
    ):
        nieuw.append(AgendaPunt(soort=AgendaPunt.Soort.MELDING, melding=melding))
    for plan in Plan.objects.filter(status=Plan.Status.INGEDIEND).exclude(pk__in=open_plannen).select_related("casus"):
        nieuw.append(AgendaPunt(soort=AgendaPunt.Soort.PLAN_VASTSTELLEN, plan=plan, casus=plan.casus))
    te_evalueren = (
        Plan.objects.filter(
            status=Plan.Status.VASTGESTELD, evaluatie_op__lte=overleg.datum, casus__afgesloten_op__isnull=True
        )
        .exclude(pk__in=open_plannen)
        .exclude(
            # evaluated already (an evaluation that was postponed still has to come back)
            pk__in=AgendaPunt.objects.filter(
                soort=AgendaPunt.Soort.PLAN_EVALUEREN, besluit=AgendaPunt.Besluit.BESPROKEN
            ).values("plan_id")
        )
    )
    for plan in te_evalueren.select_related("casus"):
        nieuw.append(AgendaPunt(soort=AgendaPunt.Soort.PLAN_EVALUEREN, plan=plan, casus=plan.casus))
    position = _next_position(overleg)
    with acting_as(door, reason="agenda automatisch gevuld"):
        for i, punt in enumerate(nieuw):
            punt.overleg, punt.volgorde = overleg, position + i
            punt.save()
    return len(nieuw)


def agendapunt_voor_plan(*, door, plan: Plan, **signal):
    """A submitted plan goes on the next planned MDO (if one is planned; else agenda_vullen picks it up).
    Receives casusregie.hooks.plan_ingediend (mdo.apps), inside plan_indienen's transaction."""
    overleg = volgend_overleg()
    if overleg is None or AgendaPunt.objects.filter(plan=plan, besluit="").exists():
        return None
    try:
        OVERLEG.lock(overleg)
    except TransitionNotAllowed:  # closed just now: agenda_vullen puts the plan on the next one
        return None
    with acting_as(door):
        return AgendaPunt.objects.create(
            overleg=overleg,
            soort=AgendaPunt.Soort.PLAN_VASTSTELLEN,
            plan=plan,
            casus=plan.casus,
            volgorde=_next_position(overleg),
        )


@transaction.atomic
def casusbespreking_toevoegen(*, door, overleg: Overleg, casus) -> AgendaPunt:
    _require_chair(door)
    OVERLEG.lock(overleg)
    CASUS.lock(casus)
    with acting_as(door):
        return AgendaPunt.objects.create(
            overleg=overleg, soort=AgendaPunt.Soort.CASUSBESPREKING, casus=casus, volgorde=_next_position(overleg)
        )


@transaction.atomic
def casus_agenderen(*, door, casus, vraag: str, overleg: Overleg | None = None) -> AgendaPunt:
    """The casusregisseur puts their own casus on a coming MDO (default: the next one) with a question. The right
    is casusregie.rechten "mdo_agenderen": the change right on that casus."""
    casus_rechten.vereist(door, "mdo_agenderen", casus)
    if not vraag.strip():
        raise ValidationError({"vraag": "Schrijf de vraag die u aan het MDO stelt."})
    overleg = overleg or volgend_overleg()
    if overleg is None:
        raise ValidationError({"overleg": "Er is nog geen MDO gepland; vraag de procesmanager een MDO te plannen."})
    if overleg.datum < timezone.localdate() or not _locked_open(overleg):
        raise ValidationError({"overleg": "Kies een komend, gepland MDO."})
    CASUS.lock(casus)
    open_punt = AgendaPunt.objects.filter(casus=casus, soort=AgendaPunt.Soort.CASUSBESPREKING, besluit="")
    if open_punt.exists():
        raise ValidationError({"vraag": "Deze casus staat al voor een casusbespreking op de agenda van een MDO."})
    with acting_as(door):
        return AgendaPunt.objects.create(
            overleg=overleg,
            soort=AgendaPunt.Soort.CASUSBESPREKING,
            casus=casus,
            vraag=vraag.strip(),
            aangemeld_door=door,
            aangemeld_op=timezone.now(),
            volgorde=_next_position(overleg),
        )


@transaction.atomic
def agendapunt_verplaatsen(*, door, punt: AgendaPunt, richting: str | None = None, naar: Overleg | None = None):
    """Move an open item up or down on its agenda, or to another planned MDO."""
    _require_chair(door)
    AGENDAPUNT.lock(punt)
    with acting_as(door):
        if naar is not None:
            if naar.pk == punt.overleg_id or not _locked_open(naar):
                raise ValidationError({"naar": "Kies een ander, gepland MDO."})
            punt.overleg, punt.volgorde = naar, _next_position(naar)
            punt.save()
            return punt
        punten = list(punt.overleg.agendapunten.order_by("volgorde", "id"))
        i = punten.index(punt)
        j = i - 1 if richting == "omhoog" else i + 1
        if 0 <= j < len(punten):
            punten[i], punten[j] = punten[j], punten[i]
            for position, item in enumerate(punten, start=1):
                if item.volgorde != position:
                    item.volgorde = position
                    item.save()
    return punt


def _locked_open(overleg):
    try:
        OVERLEG.lock(overleg)
    except TransitionNotAllowed:
        return False
    return True


def _past_bij(punt, actie, message):
    """Whether the kind of agenda item allows this besluit (mdo.workflow.ACTIES, also the buttons shown)."""
    if actie not in ACTIES[punt.soort]:
        raise ValidationError(message)


def _besluit(punt, door, besluit, notulen, **changes):
    transition(punt, besluit, door=door, notulen=notulen.strip(), besloten_door=door, **changes)


@transaction.atomic
def besluit_toewijzen(*, door, punt: AgendaPunt, casusregisseur, notulen="", reden_boven_maximum=""):
    _require_chair(door)
    AGENDAPUNT.lock(punt)
    _past_bij(punt, "toewijzen", "Toewijzen kan alleen bij een nieuwe melding.")
    casus = casus_services.casus_toewijzen(
        door=door,
        melding=punt.melding,
        casusregisseur=casusregisseur,
        datum=min(punt.overleg.datum, timezone.localdate()),
        reden_boven_maximum=reden_boven_maximum,
    )
    with acting_as(door):
        _besluit(punt, door, AgendaPunt.Besluit.TOEGEWEZEN, notulen, casus=casus)
    return casus


@transaction.atomic
def besluit_bij_casus(*, door, punt: AgendaPunt, notulen: str = ""):
    """The household of the melding already has an open casus ("1 huishouden, 1 plan, 1 regisseur"): the melding
    joins that casus instead of getting a second one; its casusregisseur sees it on the home page."""
    _require_chair(door)
    AGENDAPUNT.lock(punt)
    _past_bij(punt, "bij_casus", "Bij een casus voegen kan alleen bij een nieuwe melding.")
    toegevoegd = casus_services.melding_bij_casus_voegen(door=door, melding=punt.melding, via="mdo")
    with acting_as(door):
        _besluit(punt, door, AgendaPunt.Besluit.BIJ_CASUS, notulen, casus=toegevoegd.casus)
    return toegevoegd.casus


@transaction.atomic
def besluit_aanhouden(*, door, punt: AgendaPunt, notulen: str):
    """Postpone: the item is closed here and a new one is made on the next planned MDO."""
    _require_chair(door)
    AGENDAPUNT.lock(punt)
    if not notulen.strip():
        raise ValidationError({"notulen": "Noteer waarom het punt wordt aangehouden."})
    with acting_as(door):
        _besluit(punt, door, AgendaPunt.Besluit.AANGEHOUDEN, notulen)
        _doorschuiven(punt, _volgend_na(punt.overleg))
    return punt


def _volgend_na(overleg):
    """The next planned MDO after this one (None if none is planned yet)."""
    return (
        Overleg.objects.filter(status=Overleg.Status.GEPLAND)
        .filter(Q(datum__gt=overleg.datum) | Q(datum=overleg.datum, pk__gt=overleg.pk))
        .order_by("datum", "id")
        .first()
    )


def _doorschuiven(punt, volgend):
    """Put a postponed item on the next MDO. Without one, agenda_vullen picks up meldingen and plans later."""
    if volgend is not None and _locked_open(volgend):
        AgendaPunt.objects.create(
            overleg=volgend,
            soort=punt.soort,
            melding=punt.melding,
            casus=punt.casus,
            plan=punt.plan,
            vraag=punt.vraag,
            aangemeld_door=punt.aangemeld_door,
            aangemeld_op=punt.aangemeld_op,
            volgorde=_next_position(volgend),
        )


@transaction.atomic
def besluit_regulier(*, door, punt: AgendaPunt, notulen: str):
    """Refer to regular care instead of a casus: the melding is closed for the BZT with this besluit."""
    _require_chair(door)
    AGENDAPUNT.lock(punt)
    _past_bij(punt, "regulier", "Verwijzen kan alleen bij een nieuwe melding.")
    if not notulen.strip():
        raise ValidationError({"notulen": "Noteer naar welke zorg is verwezen."})
    with acting_as(door):
        melding_mdo_verwijzen(door=door, melding=punt.melding)
        _besluit(punt, door, AgendaPunt.Besluit.REGULIER, notulen)
    return punt


@transaction.atomic
def besluit_plan(*, door, punt: AgendaPunt, vaststellen: bool, notulen: str = ""):
    _require_chair(door)
    AGENDAPUNT.lock(punt)
    _past_bij(punt, "vaststellen" if vaststellen else "terugsturen", "Dit agendapunt is geen plan ter vaststelling.")
    with acting_as(door):
        if vaststellen:
            datum = min(punt.overleg.datum, timezone.localdate())
            casus_services.plan_vaststellen(door=door, plan=punt.plan, datum=datum)
            _besluit(punt, door, AgendaPunt.Besluit.PLAN_VASTGESTELD, notulen)
        else:
            casus_services.plan_terugsturen(door=door, plan=punt.plan, reden=notulen)
            _besluit(punt, door, AgendaPunt.Besluit.PLAN_TERUGGESTUURD, notulen)
    return punt


@transaction.atomic
def besluit_nemen(*, door, punt: AgendaPunt, actie: str, gegevens: dict) -> AgendaPunt:
    """The one entry for a besluit on an agenda item: `actie` (one of mdo.workflow.ACTIES for the item's kind)
    picks the service below; `gegevens` holds the notulen and, for toewijzen, casusregisseur and
    reden_boven_maximum."""
    if actie not in ACTIES[punt.soort]:
        raise ValidationError("Kies een besluit.")
    notulen = gegevens.get("notulen", "")
    if actie == "toewijzen":
        besluit_toewijzen(
            door=door,
            punt=punt,
            casusregisseur=gegevens["casusregisseur"],
            notulen=notulen,
            reden_boven_maximum=gegevens.get("reden_boven_maximum", ""),
        )
    elif actie == "regulier":
        besluit_regulier(door=door, punt=punt, notulen=notulen)
    elif actie == "bij_casus":
        besluit_bij_casus(door=door, punt=punt, notulen=notulen)
    elif actie == "aanhouden":
        besluit_aanhouden(door=door, punt=punt, notulen=notulen)
    elif actie in ("vaststellen", "terugsturen"):
        besluit_plan(door=door, punt=punt, vaststellen=actie == "vaststellen", notulen=notulen)
    else:
        besluit_besproken(door=door, punt=punt, notulen=notulen)
    return punt


@transaction.atomic
def besluit_heroverwegen(*, door, melding: Melding, motivering: str) -> AgendaPunt | None:
    """Correct a referral by the MDO with a new, motivated besluit: the melding goes back on the agenda of the next
    planned MDO (or of the next one planned). The old item and its besluit stay as they were."""
    rechten.vereist(door, "voorzitten")
    melding_mdo_heroverwegen(door=door, melding=melding, motivering=motivering)
    overleg = volgend_overleg()
    if overleg is None:
        return None
    OVERLEG.lock(overleg)
    with acting_as(door, reason="MDO-besluit heroverwegen"):
        return AgendaPunt.objects.create(
            overleg=overleg, soort=AgendaPunt.Soort.MELDING, melding=melding, volgorde=_next_position(overleg)
        )


def besluit_besproken(*, door, punt: AgendaPunt, notulen: str):
    _require_chair(door)
    AGENDAPUNT.lock(punt)
    _past_bij(punt, "besproken", "Bij dit agendapunt hoort een ander besluit.")
    if not notulen.strip():
        raise ValidationError({"notulen": "Noteer wat is besproken."})
    with acting_as(door):
        _besluit(punt, door, AgendaPunt.Besluit.BESPROKEN, notulen)
    return punt


@transaction.atomic
def overleg_afronden(*, door, overleg: Overleg, aanwezigen=(), overige_aanwezigen=""):
    """Close the meeting; open items move to the next planned MDO."""
    _require_chair(door)
    OVERLEG.lock(overleg)
    with acting_as(door):
        volgend = _volgend_na(overleg)
        for punt in overleg.agendapunten.filter(besluit="").order_by("volgorde", "id"):
            _besluit(punt, door, AgendaPunt.Besluit.AANGEHOUDEN, "Niet behandeld; doorgeschoven.")
            _doorschuiven(punt, volgend)
        transition(overleg, "afronden", door=door, overige_aanwezigen=overige_aanwezigen.strip())
        overleg.aanwezigen.set(aanwezigen)
    return overleg
