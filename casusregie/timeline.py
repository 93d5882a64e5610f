"""One timeline of a casus: melding, triage, MDO decisions, plan versions, journaal, escalations, questions to
expert teams and their answers, access."""

from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Min
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


# Events about a casus from the apps above casusregie, registered in their AppConfig.ready(): bron(casus) -> events.
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


def tijdlijn(casus, *, met_journaal=True):
    """Newest first, by the moment each event happened (with its time where known). A fixed number of
    queries, whatever the length of the history."""
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
    for correctie in Correctie.objects.filter(melding_id__in=[melding.pk, *toegevoegd_ids]).select_related(
        "door", "persoon"
    ):
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
        events.extend(bron(casus))
    for versie in Plan.history.filter(casus_id=casus.pk).select_related("history_user").order_by("history_date"):
        events.append(
            Gebeurtenis(
                versie.history_date,
                "plan",
                f"Plan versie {versie.versie}: {versie.get_status_display()}",
                versie.history_user,
            )
        )
    events = _first_of_each_plan_status(events)
    if met_journaal:
        for regel in casus.journaal.select_related("auteur"):
            events.append(Gebeurtenis(regel.op, "journaal", regel.tekst, regel.auteur))
    stappen = list(EscalatieStap.objects.filter(escalatie__casus=casus).select_related("niveau", "door", "escalatie"))
    stap_vastgelegd = dict(
        EscalatieStap.history.filter(id__in=[stap.pk for stap in stappen], history_type="+").values_list(
            "id", "history_date"
        )
    )
    for stap in stappen:
        events.append(
            op_dag(
                stap.datum,
                stap_vastgelegd.get(stap.pk),
                soort="escalatie",
                tekst=f"Escalatie {stap.get_soort_display().lower()} ({stap.niveau})"
                + (f": {stap.toelichting}" if stap.toelichting else ""),
                door=stap.door,
            )
        )
    for vraag in ExpertVraag.objects.filter(casus=casus).select_related("team", "gesteld_door", "beantwoord_door"):
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
    for mutatie in CasusToegang.objects.filter(casus=casus).select_related("gebruiker", "door"):
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
    # Newest first; of two events at the same moment (two steps of one day whose time is not known) the one
    # recorded later comes first, as the sources list them oldest first.
    volgorde = sorted(enumerate(events), key=lambda item: (item[1].moment, item[0]), reverse=True)
    return [event for _, event in volgorde]


def gepland_en_gebeurd(events):
    """The timeline split into what is dated ahead (soonest first) and what happened (newest first)."""
    gepland = [e for e in events if e.gepland]
    return gepland[::-1], [e for e in events if not e.gepland]


def _first_of_each_plan_status(events):
    """One plan event per version and status: history has a row for every save of a draft."""
    seen, result = set(), []
    for event in events:
        if event.soort == "plan":
            if event.tekst in seen:
                continue
            seen.add(event.tekst)
        result.append(event)
    return result
