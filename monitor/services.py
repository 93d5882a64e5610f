"""Every write of the jaarmonitor: requesting and (re)generating reports, the budget lines.

Keyword-only, atomic, acting as `door`. Reports are made by a Celery job (monitor.tasks.rapport_genereren,
which only calls `rapport_genereren`); one Rapport row per request, reused by every retry.
"""

import json
import logging
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from bzt import achtergrond
from bzt.audit import acting_as
from bzt.gemeenten import gemeente_van
from bzt.tasks import start_task
from bzt.workflow import transition

from .models import BudgetRegel, Rapport
from .workflow import PERMISSION, RAPPORT_WORKFLOW, mag_jaarmonitor  # noqa: F401 - PERMISSION: the views'

logger = logging.getLogger(__name__)

EERSTE_JAAR = 2000
OPEN = achtergrond.OPEN
# A run that was cut off (its worker died) is redone when the message is delivered again, this many runs
# per request at most; after that the rapport is mislukt and the user can retry.
MAX_RUNS = 2
SOFT_TIME_LIMIT = achtergrond.SOFT_TIME_LIMIT
ADVISORY_LOCK_KEY = 7201  # first half of the PostgreSQL advisory lock key of a running jaarmonitor job
BEDRAG_MAX = Decimal("9999999999.99")


def _require(door):
    if not mag_jaarmonitor(door):
        raise PermissionDenied("U heeft geen toegang tot de jaarmonitor.")


def vandaag():
    """Today, for every date rule of the jaarmonitor (one place, so that tests can set it)."""
    return timezone.localdate()


def laatste_jaar():
    return vandaag().year


def stand_per(jaar) -> date | None:
    """The day up to which the beleidsambtenaar sees `jaar` registered: the end of the last complete month.
    For the running year that is also the last day counted; None in January (no complete month yet)."""
    dag = vandaag().replace(day=1) - timedelta(days=1)
    return dag if dag.year >= jaar else None


GEEN_VOLLEDIGE_MAAND = "Van {jaar} is nog geen volledige maand voorbij: er zijn nog geen cijfers."


def _json(value):
    """The figures as JSON stores them: a breakdown key None (a casus closed without reden) is 'onbekend'."""
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        key = "onbekend" if key is None else key
        item = _json(item)
        result[key] = result[key] + item if key in result and isinstance(item, int) else item
    return result


def monitor_gemeente(door) -> int | None:
    """The gemeente (id) whose figures, reports and budget lines `door` sees in the browser: in a region the
    beleidsambtenaar's own (bzt.roles.gemeente_scope: a Lochem account never gets a Raalte figure); in a
    single-gemeente installation None, the whole installation, exactly as before the region."""
    from bzt.gemeenten import is_regio
    from bzt.roles import gemeente_scope

    return gemeente_scope(door) if is_regio() else None


def cijfers(*, door, jaar) -> dict | None:
    """The exact figures of `jaar` that the beleidsambtenaar may see (suppress them before showing!).

    The state up to the end of the last complete month (`stand_per`), computed once per month and stored
    (Stand); every page, file and report of that month shows that same stand, so nothing of the running
    month — no new melding, no late registration of an earlier date, no correction — can be isolated by
    comparing two downloads. For the running year that day is also the end of the period counted (the
    figures are voorlopig); None in January of the running year."""
    _require(door)
    return _cijfers(door=door, jaar=jaar_controleren(jaar), gemeente=monitor_gemeente(door))


def _cijfers(*, door, jaar, gemeente):
    from .figures import budget_van, compute_with_comparison
    from .models import Stand

    tot_en_met = stand_per(jaar)
    if tot_en_met is None:
        return None
    stand = Stand.objects.filter(jaar=jaar, tot_en_met=tot_en_met, gemeente_id=gemeente).first()
    if stand is None:
        figures = _json(compute_with_comparison(jaar, tot_en_met=tot_en_met, gemeente=gemeente))
        try:
            with transaction.atomic():
                stand = Stand.objects.create(
                    jaar=jaar,
                    tot_en_met=tot_en_met,
                    gemeente_id=gemeente,
                    cijfers=json.dumps(figures),
                    berekend_door=door,
                )
        except IntegrityError:  # computed at the same time by another request: theirs is the stand
            stand = Stand.objects.get(jaar=jaar, tot_en_met=tot_en_met, gemeente_id=gemeente)
    figures = json.loads(stand.cijfers)
    # The budget lines (functioneel beheer) are not about persons: always the current lines, divided over the
    # casussen and the persons in them of the stand. A stand stored before that count existed has no per persoon.
    figures["budget"] = budget_van(
        jaar,
        casussen=figures["budget"]["casussen_in_behandeling"],
        personen=figures["budget"].get("personen_in_casussen"),
        gemeente=gemeente,
    )
    return figures


def jaar_controleren(jaar):
    try:
        jaar = int(jaar)
    except (TypeError, ValueError):
        raise ValidationError({"jaar": "Kies een jaar."}) from None
    if not EERSTE_JAAR <= jaar <= laatste_jaar():
        raise ValidationError({"jaar": f"Kies een jaar van {EERSTE_JAAR} tot en met {laatste_jaar()}."})
    return jaar


# --- reports ---------------------------------------------------------------------------------------------------


def rapport_aanvragen(*, door, jaar) -> Rapport:
    """Request the report of `jaar`: a new Rapport, generated by a job started after commit.

    While a report of that year waits or runs, that one is returned (with `al_aangevraagd` = True) and
    nothing new is started; a database constraint makes this hold for simultaneous requests too."""
    _require(door)
    jaar = jaar_controleren(jaar)
    if stand_per(jaar) is None:
        raise ValidationError({"jaar": GEEN_VOLLEDIGE_MAAND.format(jaar=jaar)})
    gemeente = monitor_gemeente(door)
    with transaction.atomic():
        bestaand = Rapport.objects.filter(jaar=jaar, gemeente_id=gemeente, status__in=OPEN).first()
        if bestaand is None:
            try:
                with transaction.atomic(), acting_as(door):
                    rapport = Rapport.objects.create(jaar=jaar, gemeente_id=gemeente, aangevraagd_door=door, pogingen=1)
            except IntegrityError:
                bestaand = Rapport.objects.filter(jaar=jaar, gemeente_id=gemeente, status__in=OPEN).first()
                if bestaand is None:
                    raise
        if bestaand is not None:
            bestaand.al_aangevraagd = True
            return bestaand
        rapport.verzending = _start(rapport, door)
    rapport.al_aangevraagd = False
    return rapport


def rapport_opnieuw(*, door, rapport: Rapport) -> Rapport:
    """Retry a failed report: the same row goes back in the queue, with one attempt more."""
    _require(door)
    with transaction.atomic():
        rapport = Rapport.objects.select_for_update().get(pk=rapport.pk)
        RAPPORT_WORKFLOW.lock(rapport, "opnieuw", door=door)
        if Rapport.objects.filter(jaar=rapport.jaar, gemeente_id=rapport.gemeente_id, status__in=OPEN).exists():
            raise ValidationError(f"Er wordt al een jaarmonitor {rapport.jaar} gemaakt.")
        with acting_as(door, reason="opnieuw proberen"):
            transition(rapport, "opnieuw", door=door, pogingen=rapport.pogingen + 1, fout="", voortgang=0, stap="")
        rapport.verzending = _start(rapport, door)
    return rapport


def _start(rapport, door):
    """Queue the job after commit; the returned Verzending says whether the broker took it."""
    from . import tasks

    return start_task(tasks.rapport_genereren, rapport.pk, door=door)


def wachtende_rapporten_versturen(*, ouder_dan=None) -> int:
    """Send the job again for every open rapport that waited longer than `ouder_dan` (celery beat; the sweep of
    every background job, bzt.achtergrond.wachtende_versturen)."""
    if ouder_dan is None:
        ouder_dan = timedelta(seconds=settings.BZT_RAPPORT_HERSTART_SECONDEN)
    return achtergrond.wachtende_versturen(
        Rapport.objects.all(), lambda rapport: _start(rapport, rapport.aangevraagd_door), ouder_dan=ouder_dan
    )


def _alleen_hier(rapport_id):
    return achtergrond.alleen_hier(ADVISORY_LOCK_KEY, rapport_id)


def _voortgang(rapport_id, voortgang, stap):
    achtergrond.voortgang(Rapport, rapport_id, voortgang, stap)


def _render_tellen(rapport_id, veld):
    """Count a render in its own committed statement (outside any transaction of the job, which has none)."""
    Rapport.objects.filter(pk=rapport_id).update(**{veld: F(veld) + 1})


def _claim(rapport_id, door):
    """Move the rapport to bezig, or answer None when there is nothing to do (klaar, mislukt, gone)."""
    return achtergrond.claim(Rapport, rapport_id, door, max_runs=MAX_RUNS)


def bestandsnaam(rapport):
    return f"jaarmonitor/jaarmonitor-bzt-{rapport.jaar}-{rapport.pk}.pdf"


_write_atomically = achtergrond.schrijven


def foutmelding(error) -> str:
    """What the user reads when a job fails: Dutch, no stack trace (that goes to the log)."""
    return achtergrond.foutmelding(
        error,
        soft_time_limit=SOFT_TIME_LIMIT,
        anders="Er ging iets mis bij het maken van het rapport. De technische details staan in het logboek.",
    )


def rapport_genereren(*, rapport_id, door) -> Rapport | None:
    """The job: compute the figures, render the suppressed PDF, save it, mark the rapport klaar.

    Idempotent: a rapport that is klaar (or mislukt) is left alone; a retry or a redelivered message works
    on the same row and overwrites the same file. A failure marks the rapport mislukt with a Dutch message.
    Returns the rapport, or None when there was nothing to do."""
    with _alleen_hier(rapport_id) as vrij:
        if not vrij:
            logger.info("Jaarmonitor rapport %s wordt al door een andere verwerking gemaakt", rapport_id)
            return None
        return _genereren(rapport_id, door)


def _genereren(rapport_id, door):
    from . import exports

    rapport = _claim(rapport_id, door)
    if rapport is None:
        return None
    try:
        _voortgang(rapport.pk, 10, "Cijfers berekenen")
        figures = _cijfers(door=door, jaar=rapport.jaar, gemeente=rapport.gemeente_id)
        if figures is None:
            raise ValidationError(GEEN_VOLLEDIGE_MAAND.format(jaar=rapport.jaar))
        _render_tellen(rapport.pk, "renders_gestart")
        _voortgang(rapport.pk, 50, "PDF opmaken")
        pdf = exports.render(figures, "pdf")
        _render_tellen(rapport.pk, "renders_voltooid")
        _voortgang(rapport.pk, 90, "Opslaan")
        name = bestandsnaam(rapport)
        _write_atomically(name, pdf)
    except Exception as error:
        logger.exception("Jaarmonitor %s (rapport %s) mislukt", rapport.jaar, rapport.pk)
        with transaction.atomic(), acting_as(door):
            transition(rapport, "mislukken", door=door, fout=foutmelding(error))
        return rapport
    with transaction.atomic(), acting_as(door):
        transition(
            rapport,
            "voltooien",
            door=door,
            bestand=name,
            tot_en_met=date.fromisoformat(figures["tot_en_met"]) if "tot_en_met" in figures else None,
            voortgang=100,
            stap="Klaar",
            fout="",
            klaar_op=timezone.now(),
        )
    return rapport


def standen_berekenen(*, door) -> int:
    """Celery beat, every night: compute the month's stand of the running year (and in January and February also
    of last year) for the installation and, in a region, for every gemeente, where it is not there yet; so that
    no beleidsambtenaar's page has to compute it (the first page of a month took 0.9–1.5 s at 1M meldingen:
    bench/README.md). Returns how many stands were computed."""
    from bzt.gemeenten import actieve_gemeenten, is_regio

    from .models import Stand

    _require(door)
    jaren = [laatste_jaar()] + ([laatste_jaar() - 1] if vandaag().month <= 2 else [])
    gemeenten = [None] + (list(actieve_gemeenten().values_list("pk", flat=True)) if is_regio() else [])
    berekend = 0
    for jaar in jaren:
        tot_en_met = stand_per(jaar)
        if tot_en_met is None:
            continue
        for gemeente in gemeenten:
            if not Stand.objects.filter(jaar=jaar, tot_en_met=tot_en_met, gemeente_id=gemeente).exists():
                _cijfers(door=door, jaar=jaar, gemeente=gemeente)
                berekend += 1
    return berekend


def rapport_vorig_jaar(*, door) -> Rapport:
    """The scheduled report of last year (celery beat, 2 January)."""
    return rapport_aanvragen(door=door, jaar=laatste_jaar() - 1)


# --- budget ----------------------------------------------------------------------------------------------------


def budgetregels(jaar, gemeente=None):
    """The budget lines of `jaar`, for functioneel beheer's screen and the beleidsambtenaar's read-only page
    (`gemeente`: only the lines that gemeente pays, monitor_gemeente)."""
    regels = BudgetRegel.objects.filter(jaar=jaar)
    if gemeente is not None:
        regels = regels.filter(gemeente_id=gemeente)
    return regels.select_related("organisatie", "gemeente").order_by("categorie", "subsidie", "pk")


def rapporten_for(door):
    """The reports `door` may see and download: those of their monitor (monitor_gemeente)."""
    return Rapport.objects.filter(gemeente_id=monitor_gemeente(door))


def _require_beheer(door):
    """Budget lines are kept by functioneel beheer (issue 15: "Budget lines per year for the jaarmonitor" under
    Administration); the beleidsambtenaar reads them (monitor:budget) and sees what the monitor makes of them."""
    from bzt import beheer

    beheer.vereist_beheer(door)


def budgetregel_opslaan(
    *,
    door,
    jaar,
    categorie,
    omschrijving,
    bedrag,
    subsidie="",
    aanmeldroute="",
    organisatie=None,
    reden="",
    regel: BudgetRegel | None = None,
    gemeente=None,
) -> BudgetRegel:
    """Add a budget line to `jaar`, or change `regel` (a change asks a reason: it is in the history). `gemeente`
    (a Gemeente or CBS code): who pays it; default the line's gemeente, for a new line the installation's own."""
    from bzt import beheer
    from meldpunt.codes import Aanmeldroute

    _require_beheer(door)
    jaar = jaar_controleren(jaar)
    errors = {}
    if categorie not in BudgetRegel.Categorie.values:
        errors["categorie"] = "Kies een categorie."
    omschrijving = (omschrijving or "").strip()
    if not omschrijving:
        errors["omschrijving"] = "Vul een omschrijving in."
    elif len(omschrijving) > 200:
        errors["omschrijving"] = "De omschrijving is te lang (ten hoogste 200 tekens)."
    subsidie = (subsidie or "").strip()
    if len(subsidie) > 120:
        errors["subsidie"] = "De naam van de subsidie is te lang (ten hoogste 120 tekens)."
    aanmeldroute = aanmeldroute or ""
    if aanmeldroute and aanmeldroute not in Aanmeldroute.values:
        errors["aanmeldroute"] = "Kies een aanmeldroute uit de lijst."
    if organisatie is not None and not organisatie.actief and (regel is None or regel.organisatie_id != organisatie.pk):
        errors["organisatie"] = f"{organisatie} is gedeactiveerd en kan niet worden gekozen."
    if bedrag is None:
        errors["bedrag"] = "Vul een bedrag in."
    elif not Decimal(0) < Decimal(bedrag) <= BEDRAG_MAX:
        errors["bedrag"] = "Het bedrag moet groter zijn dan € 0,00 en kleiner dan € 10.000.000.000."
    elif Decimal(bedrag) != Decimal(bedrag).quantize(Decimal("0.01")):
        errors["bedrag"] = "Een bedrag heeft ten hoogste twee cijfers achter de komma."
    if regel is not None:
        try:
            reden = beheer.reden_controleren(reden)
        except ValidationError as error:
            errors.update(error.message_dict)
    else:
        reden = (reden or "").strip() or "budgetregel toegevoegd"
    try:
        gemeente = gemeente_van(gemeente) if gemeente is not None else (regel.gemeente if regel else gemeente_van(None))
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), acting_as(door, reason=reden[:100]):
        if regel is not None:
            regel = BudgetRegel.objects.select_for_update().get(pk=regel.pk)
        regel = regel or BudgetRegel(jaar=jaar)
        regel.jaar = jaar
        regel.categorie = categorie
        regel.omschrijving = omschrijving
        regel.bedrag = Decimal(bedrag)
        regel.subsidie = subsidie
        regel.aanmeldroute = aanmeldroute
        regel.organisatie = organisatie
        regel.gemeente = gemeente
        regel.save()
    return regel


def budgetregel_verwijderen(*, door, regel: BudgetRegel, reden="") -> None:
    """A line typed by mistake is removed (after a confirmation page); the history keeps it, with the reason."""
    from bzt import beheer

    _require_beheer(door)
    reden = beheer.reden_controleren(reden)
    with transaction.atomic(), acting_as(door, reason=f"budgetregel verwijderd: {reden}"[:100]):
        regel.delete()
