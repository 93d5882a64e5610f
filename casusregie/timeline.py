"""One timeline of a casus: melding, triage, MDO decisions, plan versions, journaal, escalations, questions to
expert teams and their answers, access."""

from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Min, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from bzt.hooks import Hook
from meldpunt.models import Correctie

from .models import Casus, CasusToegang, EscalatieStap, ExpertVraag, Plan
from .selectors import toegevoegde_meldingen


@dataclass
class Gebeurtenis:
    moment: datetime
    soort: str
    tekst: str
    door: object = None
    tijd: bool = True  # the moment has its time of day; False: only the day is known (shown without a time)

    @property
    def gepland(self):
        """Dated ahead (an MDO besluit taken for a meeting still to come): shown apart, not among what happened."""
        return timezone.localtime(self.moment).date() > timezone.localdate()


# Events about a casus from the apps above casusregie, registered in their AppConfig.ready():
# bron(casus, limit=None, voor=None) -> its newest `limit` events before `voor` (all when None).
BRONNEN = Hook("tijdlijn")


def at(day):
    if isinstance(day, datetime):
        return day
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def op_dag(day, vastgelegd=None, **velden):
    """An event of a day (a DateField: triage, escalation step, MDO besluit, closing) at the moment it was
    recorded (its history) when that was on the same day, so events of one day are in the order they happened
    and show their time. Recorded on another day (imported, or a besluit for a meeting ahead): the day alone."""
    if vastgelegd is not None and timezone.localtime(vastgelegd).date() == day:
        return Gebeurtenis(vastgelegd, tijd=True, **velden)
    return Gebeurtenis(at(day), tijd=False, **velden)


def tijdlijn(casus, *, met_journaal=True, limit=None, voor=None):
    """Newest first: the newest `limit` events (all when None) before the moment `voor` (a page of the whole
    timeline; None: from now). Each source is read newest first with the same LIMIT and the same bound, then
    merged: a fixed number of queries and rows, whatever the length of the history."""

    def wanneer(qs, veld, dag=False):
        # a day (DateField) includes the day of `voor`: its events may lie before `voor` that day (filtered below)
        if voor is not None:
            qs = qs.filter(**{f"{veld}__lte": timezone.localtime(voor).date()} if dag else {f"{veld}__lt": voor})
        return qs[:limit] if limit is not None else qs

    melding = casus.melding
    events = [
        Gebeurtenis(
            at(melding.geregistreerd_op),
            "melding",
            f"Melding {melding.nummer} geregistreerd (ontvangen {melding.ontvangen_op:%d-%m-%Y})",
            melding.geregistreerd_door,
        ),
    ]
    triage = getattr(melding, "triage", None)
    if triage is not None:
        vastgelegd = triage.history.filter(datum=triage.datum).aggregate(op=Min("history_date"))["op"]
        events.append(
            op_dag(
                triage.datum,
                vastgelegd,
                soort="triage",
                tekst=f"Triage: {triage.score} van 8 leefgebieden, besluit {triage.get_besluit_display()}",
                door=triage.getrieerd_door,
            )
        )
    toegevoegd_ids = []
    for toegevoegd in toegevoegde_meldingen(casus):  # later meldingen added to this casus (CasusMelding)
        toegevoegd_ids.append(toegevoegd.melding_id)
        events.append(
            Gebeurtenis(
                toegevoegd.toegevoegd_op,
                "melding",
                f"Melding {toegevoegd.melding.nummer} (ontvangen {toegevoegd.melding.ontvangen_op:%d-%m-%Y}) "
                f"bij deze casus gevoegd door {toegevoegd.get_via_display()}",
                toegevoegd.toegevoegd_door,
            )
        )
    # corrections of the melding, persons and household, and hertriages (meldpunt.correcties): what, why, by whom
    correcties = Correctie.objects.filter(melding_id__in=[melding.pk, *toegevoegd_ids])
    correcties = correcties.select_related("door", "persoon")
    for correctie in wanneer(correcties.order_by("-op", "-id"), "op"):
        wie = f": {correctie.persoon.naam}" if correctie.persoon else ""
        wat = f" ({correctie.velden})" if correctie.velden else ""
        events.append(
            Gebeurtenis(
                correctie.op,
                "correctie",
                f"{correctie.get_soort_display()}{wie}{wat} door {correctie.get_via_display()}. "
                f"Reden: {correctie.reden}" + (f" {correctie.toelichting}" if correctie.toelichting else ""),
                correctie.door,
            )
        )
    for bron in BRONNEN:  # the MDO's decisions (mdo.selectors.besluiten_in_tijdlijn)
        events.extend(bron(casus, limit=limit, voor=voor))
    events.extend(_plan_versies(casus, wanneer))
    if met_journaal:
        for regel in wanneer(casus.journaal.select_related("auteur").order_by("-op", "-id"), "op"):
            events.append(Gebeurtenis(regel.op, "journaal", regel.tekst, regel.auteur))
    # each step with the moment it was recorded (its "+" history row), in the same query
    vastgelegd = EscalatieStap.history.filter(id=OuterRef("pk"), history_type="+").values("history_date")[:1]
    stappen = EscalatieStap.objects.filter(escalatie__casus=casus).select_related("niveau", "door", "escalatie")
    stappen = stappen.annotate(vastgelegd=Subquery(vastgelegd))
    for stap in wanneer(stappen.order_by("-datum", "-id"), "datum", dag=True):
        events.append(
            op_dag(
                stap.datum,
                stap.vastgelegd,
                soort="escalatie",
                tekst=f"Escalatie {stap.get_soort_display().lower()} ({stap.niveau})"
                + (f": {stap.toelichting}" if stap.toelichting else ""),
                door=stap.door,
            )
        )
    vragen = ExpertVraag.objects.filter(casus=casus).select_related("team", "gesteld_door", "beantwoord_door")
    vragen = vragen.annotate(laatst=Coalesce("beantwoord_op", "gesteld_op")).order_by("-laatst", "-id")
    for vraag in wanneer(vragen, "gesteld_op"):
        tekst = f"Vraag aan {vraag.team}: {vraag.vraag}"
        events.append(Gebeurtenis(vraag.gesteld_op, "expertteam", tekst, vraag.gesteld_door))
        if vraag.beantwoord_op:
            events.append(
                Gebeurtenis(
                    vraag.beantwoord_op,
                    "expertteam",
                    f"Antwoord van {vraag.team} op de vraag “{vraag.vraag[:80]}”: {vraag.antwoord}",
                    vraag.beantwoord_door,
                )
            )
    toegang = CasusToegang.objects.filter(casus=casus).select_related("gebruiker", "door").order_by("-op", "-id")
    for mutatie in wanneer(toegang, "op"):
        events.append(
            Gebeurtenis(
                mutatie.op,
                "toegang",
                f"{mutatie.get_actie_display()} voor {mutatie.gebruiker} ({mutatie.rechten}): {mutatie.reden}",
                mutatie.door,
            )
        )
    if casus.afgesloten_op:
        vastgelegd = Casus.history.filter(id=casus.pk, status=Casus.Status.AFGESLOTEN).aggregate(
            op=Min("history_date")
        )["op"]
        events.append(
            op_dag(
                casus.afgesloten_op,
                vastgelegd,
                soort="afsluiting",
                tekst=f"Casus afgesloten: {casus.afsluitreden}"
                + (f", overgedragen aan {casus.overgedragen_aan}" if casus.overgedragen_aan else ""),
            )
        )
    if voor is not None:  # the sources bounded on a date (triage, escalation steps, MDO dates) by their moment
        events = [e for e in events if e.moment < voor]
    # Newest first; the sort is stable and each source lists newest first, so of two events at the same moment
    # (two steps of one day whose time is not known) the one recorded later comes first.
    events.sort(key=lambda e: e.moment, reverse=True)
    return events[:limit] if limit is not None else events


def gepland_en_gebeurd(events):
    """The timeline split into what is dated ahead (soonest first) and what happened (newest first)."""
    gepland = [e for e in events if e.gepland]
    return gepland[::-1], [e for e in events if not e.gepland]


def _plan_versies(casus, wanneer):
    """One plan event per version and status, at its first history row (history has a row for every save of
    a draft): the first rows are chosen in the database, so the rows read do not grow with the saves."""
    eerste = Plan.history.filter(casus_id=casus.pk).values("versie", "status").annotate(eerste=Min("history_id"))
    versies = Plan.history.filter(history_id__in=eerste.values("eerste")).select_related("history_user")
    return [
        Gebeurtenis(
            versie.history_date,
            "plan",
            f"Plan versie {versie.versie}: {versie.get_status_display()}",
            versie.history_user,
        )
        for versie in wanneer(versies.order_by("-history_date", "-history_id"), "history_date")
    ]
