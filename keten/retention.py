"""Bewaartermijnen (AVG): anonymise what is past its retention term, keep what the jaarmonitor counts.

Two terms (settings, docs/security.md § Bewaartermijnen):

- a closed casus, with its melding, `BZT_BEWAARTERMIJN_CASUS_JAREN` years after `Casus.afgesloten_op`;
- a melding that did not lead to a casus ("afgewezen": triage besluit geen_actie, advies or regulier, or
  referred to regular care by the MDO) `BZT_BEWAARTERMIJN_MELDING_MAANDEN` months after that decision.

The data is kept up to and including the last day of the term and anonymised from the day after.
Anonymising keeps every row the monitor counts (meldingen, betrokkenen, triages, casussen, escalations,
waiting lists) with its dates and codes, and removes the free text, the melder and — for a person without
any melding still inside its term — name, BSN, address and identifiers. The birth date is replaced by one
that gives the same age in whole years on every melding date of the person (`vervangende_geboortedatum`).

The live rows are saved acting as `door` (so the history shows an "anonymised" record naming the run);
the older history rows of the same objects get the same anonymised values through QuerySet.update().
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from bzt import instellingen
from bzt.audit import acting_as
from casusregie.models import (
    Casus,
    CasusBetrokkene,
    CasusToegang,
    Escalatie,
    EscalatieStap,
    ExpertVraag,
    JournaalRegel,
    Nazorg,
    Noodtoegang,
    Plan,
    PlanActie,
    PlanDoel,
    Wachtlijst,
)
from mdo.models import AgendaPunt
from meldpunt.codes import Besluit, Leefgebied
from meldpunt.models import Betrokkene, BewaartermijnRun, Correctie, Melding, Persoon, PersoonKoppeling, Triage

MARKER = "[geanonimiseerd]"
ANONIEME_VOORNAAM = "Geanonimiseerd"
AFGEWEZEN_BESLUITEN = (Besluit.GEEN_ACTIE, Besluit.ADVIES, Besluit.REGULIER)
TRIAGE_TEKSTVELDEN = (*(f"{code}_toelichting" for code in Leefgebied.values), "motivatie")
MELDER_VELDEN = ("melder_naam", "melder_organisatie", "melder_telefoon", "melder_email")
# Free text of a plan version, including the household's own part (issue 14).
PLAN_TEKSTVELDEN = ("samenvatting", "afspraken", "teruggestuurd_reden", "eigen_mogelijkheden", "sociaal_netwerk")


# --- terms ------------------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months; the 31st (or 29 February) becomes the last day of a short month."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def termijnen() -> tuple[int, int]:
    """(casus years, melding months) from the settings; a term below 1 is refused, never read as 'now'."""
    jaren = instellingen.waarde("BZT_BEWAARTERMIJN_CASUS_JAREN")
    maanden = instellingen.waarde("BZT_BEWAARTERMIJN_MELDING_MAANDEN")
    if jaren < 1 or maanden < 1:
        raise ImproperlyConfigured(
            "BZT_BEWAARTERMIJN_CASUS_JAREN en BZT_BEWAARTERMIJN_MELDING_MAANDEN moeten 1 of meer zijn."
        )
    return jaren, maanden


def casus_termijn_einde(afgesloten_op: date, jaren: int) -> date:
    """The last day a closed casus is kept."""
    return add_months(afgesloten_op, 12 * jaren)


def afwijzing_datum(melding: Melding) -> date | None:
    """The day a melding was finished without a casus, or None when it led to (or may still lead to) one."""
    if melding.status == Melding.Status.VERWEZEN:
        # Referred by the MDO: the referral is the last transition, so status_sinds is its moment.
        return timezone.localdate(melding.status_sinds)
    triage = getattr(melding, "triage", None)
    if triage is not None and triage.besluit in AFGEWEZEN_BESLUITEN and not hasattr(melding, "casus"):
        return triage.datum
    return None


def melding_termijn_einde(melding: Melding, maanden: int) -> date | None:
    """The last day a melding without a casus is kept (None: it follows a casus, or is still open)."""
    start = afwijzing_datum(melding)
    return add_months(start, maanden) if start else None


# --- the birth date -------------------------------------------------------------------------------------------


def age_on(born: date, day: date) -> int:
    """Age in whole years on `day`, as the jaarmonitor computes it."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def vervangende_geboortedatum(geboortedatum: date | None, melding_data) -> date | None:
    """A birth date that gives the same age in whole years on every date of `melding_data` as the real one.

    On a melding date m a person has age A exactly when the birth date b lies in
    ((m.year - A - 1, m.month, m.day), (m.year - A, m.month, m.day)] (compared as year/month/day tuples, so
    29 February needs no special case). The dates allowed by all meldingen together form one interval that
    holds the real date; we take its latest valid day. The result depends only on the melding dates and the
    ages on them, never on where in the interval the real date lies.
    """
    if geboortedatum is None:
        return None
    data = sorted(set(melding_data))
    if not data:
        return date(geboortedatum.year, 1, 1)
    upper = min((m.year - age_on(geboortedatum, m), m.month, m.day) for m in data)
    year, month, day = upper
    result = date(year, month, min(day, calendar.monthrange(year, month)[1]))  # (y, 2, 29) in a common year
    lower = max((m.year - age_on(geboortedatum, m) - 1, m.month, m.day) for m in data)
    if (result.year, result.month, result.day) <= lower:  # cannot happen: the real date lies in the interval
        raise ValueError("geen geboortedatum met dezelfde leeftijden")
    return result


# --- what has expired -----------------------------------------------------------------------------------------


@dataclass
class Selectie:
    """What one run anonymises: ids, with the numbers shown by the command."""

    casussen: list = field(default_factory=list)  # Casus objects
    meldingen: list = field(default_factory=list)  # Melding objects: the rejected ones and those of the casussen
    personen: list = field(default_factory=list)  # Persoon objects without a melding inside its term

    @property
    def melding_ids(self):
        return [m.pk for m in self.meldingen]

    @property
    def casus_ids(self):
        return [c.pk for c in self.casussen]

    @property
    def persoon_ids(self):
        return [p.pk for p in self.personen]


def verlopen(vandaag: date) -> Selectie:
    """Everything past its term on `vandaag` that is not anonymised yet."""
    jaren, maanden = termijnen()
    ruim = timedelta(days=7)  # the SQL filter is a superset (month ends); the exact test is done in Python
    casussen = [
        casus
        for casus in Casus.objects.filter(
            afgesloten_op__isnull=False,
            afgesloten_op__lt=add_months(vandaag, -12 * jaren) + ruim,
            melding__geanonimiseerd_op__isnull=True,
        )
        .select_related("melding")
        .order_by("afgesloten_op", "pk")
        if casus_termijn_einde(casus.afgesloten_op, jaren) < vandaag
    ]
    grens = add_months(vandaag, -maanden) + ruim
    afgewezen = [
        melding
        for melding in Melding.objects.filter(geanonimiseerd_op__isnull=True, casus__isnull=True)
        .filter(
            Q(status=Melding.Status.VERWEZEN, status_sinds__date__lt=grens)
            | Q(triage__besluit__in=AFGEWEZEN_BESLUITEN, triage__datum__lt=grens)
        )
        .select_related("triage")
        .order_by("ontvangen_op", "pk")
        if (einde := melding_termijn_einde(melding, maanden)) is not None and einde < vandaag
    ]
    # A melding added to a casus (CasusMelding) is part of that casus: it goes with it.
    toegevoegd = list(
        Melding.objects.filter(bij_casus__casus__in=[c.pk for c in casussen], geanonimiseerd_op__isnull=True)
    )
    meldingen = sorted([c.melding for c in casussen] + toegevoegd + afgewezen, key=lambda m: (m.ontvangen_op, m.pk))
    # A person is anonymised once no melding about them is inside its term any more.
    nieuw = [m.pk for m in meldingen]
    nog_binnen_termijn = Melding.objects.filter(geanonimiseerd_op__isnull=True).exclude(pk__in=nieuw)
    personen = list(
        Persoon.objects.filter(geanonimiseerd_op__isnull=True, betrokkenheden__isnull=False)
        .exclude(betrokkenheden__melding__in=nog_binnen_termijn)
        .distinct()
        .order_by("pk")
    )
    return Selectie(casussen=casussen, meldingen=meldingen, personen=personen)


# --- the run --------------------------------------------------------------------------------------------------


@transaction.atomic
def bewaartermijn_toepassen(*, door, vandaag: date | None = None, dry_run: bool = False) -> BewaartermijnRun:
    """Anonymise everything past its term on `vandaag` (default today) and log the run.

    Idempotent: what is anonymised already is skipped. A dry run changes nothing but records what would go
    (a BewaartermijnRun with dry_run=True). `vandaag` after today is only allowed for a dry run: a real run
    never anonymises before the term has passed.
    """
    vandaag = vandaag or timezone.localdate()
    if vandaag > timezone.localdate() and not dry_run:
        raise ValidationError("Een peildatum in de toekomst kan alleen in een proefdraai.")
    jaren, maanden = termijnen()
    selectie = verlopen(vandaag)
    run = BewaartermijnRun.objects.create(
        door=door,
        peildatum=vandaag,
        dry_run=dry_run,
        aantal_meldingen=len(selectie.meldingen),
        aantal_casussen=len(selectie.casussen),
        aantal_personen=len(selectie.personen),
        details={
            "termijnen": {"casus_jaren": jaren, "melding_maanden": maanden},
            "casussen": selectie.casus_ids,
            "meldingen": selectie.melding_ids,
            "personen": selectie.persoon_ids,
        },
    )
    if not dry_run:
        now = timezone.now()
        with acting_as(door, reason=f"bewaartermijn run {run.pk}"):
            # History first: then the rows the saves below add keep their reason ("bewaartermijn run N").
            _history_scrubben(selectie)
            for casus in selectie.casussen:
                _casus_anonimiseren(casus)
            for melding in selectie.meldingen:
                _melding_anonimiseren(melding, now)
            for persoon in selectie.personen:
                _persoon_anonimiseren(persoon, now)
    run.afgerond_op = timezone.now()
    run.save(update_fields=["afgerond_op"])
    return run


def _tekst(value: str) -> str:
    """Free text becomes the marker; an empty field stays empty (so nobody reads 'there was text')."""
    return MARKER if value else value


def _save_if_changed(obj, fields: dict):
    changed = {name: value for name, value in fields.items() if getattr(obj, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(obj, name, value)
        obj.save(update_fields=list(changed))


def _melding_anonimiseren(melding: Melding, now):
    melding.aanleiding = MARKER
    melding.eerdere_hulp_door = _tekst(melding.eerdere_hulp_door)  # who helped before: free text
    for name in MELDER_VELDEN:
        setattr(melding, name, "")
    melding.geanonimiseerd_op = now
    melding.save(update_fields=["aanleiding", "eerdere_hulp_door", *MELDER_VELDEN, "geanonimiseerd_op"])
    triage = Triage.objects.filter(melding=melding).first()
    if triage is not None:
        _save_if_changed(triage, {name: _tekst(getattr(triage, name)) for name in TRIAGE_TEKSTVELDEN})
    for punt in AgendaPunt.objects.filter(melding=melding):
        _save_if_changed(punt, {"notulen": _tekst(punt.notulen)})
    for correctie in Correctie.objects.filter(melding=melding):  # the reason of a correction is free text
        _save_if_changed(correctie, {"reden": MARKER})


def _casus_anonimiseren(casus):
    _save_if_changed(
        casus,
        {
            "afsluit_toelichting": _tekst(casus.afsluit_toelichting),
            "afsluit_motivering": _tekst(casus.afsluit_motivering),
        },
    )
    for nazorg in Nazorg.objects.filter(casus=casus):
        _save_if_changed(nazorg, {"notitie": _tekst(nazorg.notitie)})
    for regel in casus.journaal.all():
        _save_if_changed(regel, {"tekst": MARKER})
    for plan in casus.plannen.all():
        velden = PLAN_TEKSTVELDEN
        _save_if_changed(plan, {name: _tekst(getattr(plan, name)) for name in velden})
        for doel in plan.doelen.all():
            _save_if_changed(doel, {"omschrijving": MARKER})
        for actie in plan.acties.all():
            _save_if_changed(actie, {"omschrijving": MARKER, "uitvoerder_naam": _tekst(actie.uitvoerder_naam)})
    for escalatie in casus.escalaties.all():
        velden = ("vraag", "antwoord", "besluit", "legitimiteit", "betrokkenheid", "rendement")
        _save_if_changed(escalatie, {name: _tekst(getattr(escalatie, name)) for name in velden})
        for stap in escalatie.stappen.all():
            _save_if_changed(stap, {"toelichting": _tekst(stap.toelichting)})
    for betrokkene in casus.betrokken_professionals.all():
        _save_if_changed(betrokkene, {"rol": MARKER})
    for wachtlijst in casus.wachtlijsten.all():
        _save_if_changed(wachtlijst, {"voorziening": MARKER})
    for punt in AgendaPunt.objects.filter(Q(casus=casus) | Q(plan__casus=casus)):
        _save_if_changed(punt, {"notulen": _tekst(punt.notulen), "vraag": _tekst(punt.vraag)})
    for vraag in casus.expertvragen.all():
        _save_if_changed(vraag, {"vraag": _tekst(vraag.vraag), "antwoord": _tekst(vraag.antwoord)})
    for nood in casus.noodtoegangen.all():
        _save_if_changed(nood, {"reden": MARKER, "oordeel": _tekst(nood.oordeel)})
    # The access log keeps who had which access when; its free-text reason (e.g. of a transfer) goes.
    CasusToegang.objects.filter(casus=casus).update(reden=MARKER)


def _persoon_velden(persoon: Persoon, geboortedatum) -> dict:
    return {
        "voornaam": ANONIEME_VOORNAAM,
        "tussenvoegsel": "",
        "achternaam": f"#{persoon.pk}",
        "bsn": "",
        "adres": "",
        "postcode": "",
        "woonplaats": "",
        "extern_id": None,
        "geboortedatum": geboortedatum,
    }


def _nieuwe_geboortedatum(persoon: Persoon):
    data = Betrokkene.objects.filter(persoon=persoon).values_list("melding__ontvangen_op", flat=True)
    return vervangende_geboortedatum(persoon.geboortedatum, data)


def _persoon_anonimiseren(persoon: Persoon, now):
    # geslacht, inkomen and wijk stay: coarse codes the jaarmonitor counts (a wijk is a neighbourhood).
    velden = _persoon_velden(persoon, _nieuwe_geboortedatum(persoon))
    for name, value in velden.items():
        setattr(persoon, name, value)
    persoon.geanonimiseerd_op = now
    persoon.save(update_fields=[*velden, "geanonimiseerd_op"])
    for koppeling in PersoonKoppeling.objects.filter(Q(persoon=persoon) | Q(gekoppeld_aan=persoon)):
        _save_if_changed(
            koppeling, {"reden": _tekst(koppeling.reden), "ontkoppel_reden": _tekst(koppeling.ontkoppel_reden)}
        )


# --- history ----------------------------------------------------------------------------------------------


def _history(model):
    return model.history.model.objects


def _scrub(qs, *, tekst=(), leeg=(), **vast):
    """Update historical rows: `tekst` fields → marker (empty stays empty), `leeg` fields → "", plus `vast`.

    The change reason goes too: services record free text there (a transfer reason, a link reason).
    """
    updates = {name: Case(When(**{name: ""}, then=Value("")), default=Value(MARKER)) for name in tekst}
    updates.update({name: Value("") for name in leeg})
    updates.update(vast)
    updates["history_change_reason"] = Case(
        When(history_change_reason__isnull=True, then=Value(None)), default=Value(MARKER)
    )
    return qs.update(**updates)


def _history_scrubben(selectie: Selectie):
    """Give the older history rows of every object anonymised in this run the anonymised values.

    Rows are found by their parent's id, so the history of rows deleted earlier (a removed goal, a plan
    version) is scrubbed as well. Who did what when (history_user, history_date, history_type, status
    and date fields) stays: the audit trail keeps its shape and loses its content.
    """
    melding_ids, casus_ids, persoon_ids = selectie.melding_ids, selectie.casus_ids, selectie.persoon_ids
    plan_ids = set(_history(Plan).filter(casus_id__in=casus_ids).values_list("id", flat=True))
    escalatie_ids = set(_history(Escalatie).filter(casus_id__in=casus_ids).values_list("id", flat=True))

    _scrub(
        _history(Melding).filter(id__in=melding_ids),
        tekst=("eerdere_hulp_door",),
        leeg=MELDER_VELDEN,
        aanleiding=MARKER,
    )
    _scrub(_history(Triage).filter(melding_id__in=melding_ids), tekst=TRIAGE_TEKSTVELDEN)
    _scrub(_history(Betrokkene).filter(melding_id__in=melding_ids))
    _scrub(_history(Correctie).filter(melding_id__in=melding_ids), tekst=("reden",))
    agenda = Q(melding_id__in=melding_ids) | Q(casus_id__in=casus_ids) | Q(plan_id__in=plan_ids)
    _scrub(_history(AgendaPunt).filter(agenda), tekst=("notulen", "vraag"))
    _scrub(_history(ExpertVraag).filter(casus_id__in=casus_ids), tekst=("vraag", "antwoord"))
    _scrub(_history(Casus).filter(id__in=casus_ids), tekst=("afsluit_toelichting", "afsluit_motivering"))
    _scrub(_history(Nazorg).filter(casus_id__in=casus_ids), tekst=("notitie",))
    _scrub(_history(JournaalRegel).filter(casus_id__in=casus_ids), tekst=("tekst",))
    _scrub(_history(Plan).filter(id__in=plan_ids), tekst=PLAN_TEKSTVELDEN)
    _scrub(_history(PlanDoel).filter(plan_id__in=plan_ids), tekst=("omschrijving",))
    _scrub(_history(PlanActie).filter(plan_id__in=plan_ids), tekst=("omschrijving", "uitvoerder_naam"))
    _scrub(
        _history(Escalatie).filter(id__in=escalatie_ids),
        tekst=("vraag", "antwoord", "besluit", "legitimiteit", "betrokkenheid", "rendement"),
    )
    _scrub(_history(EscalatieStap).filter(escalatie_id__in=escalatie_ids), tekst=("toelichting",))
    _scrub(_history(CasusBetrokkene).filter(casus_id__in=casus_ids), tekst=("rol",))
    _scrub(_history(Wachtlijst).filter(casus_id__in=casus_ids), tekst=("voorziening",))
    _scrub(_history(Noodtoegang).filter(casus_id__in=casus_ids), tekst=("reden", "oordeel"))

    for persoon in selectie.personen:
        velden = _persoon_velden(persoon, _nieuwe_geboortedatum(persoon))
        _scrub(_history(Persoon).filter(id=persoon.pk), **velden)
    _scrub(
        _history(PersoonKoppeling).filter(Q(persoon_id__in=persoon_ids) | Q(gekoppeld_aan_id__in=persoon_ids)),
        tekst=("reden", "ontkoppel_reden"),
    )


# --- an AVG request for erasure (art. 17), granted by the privacy officer (avg.services) --------------------


def _casus_van(melding):
    bij = getattr(melding, "bij_casus", None)
    return getattr(melding, "casus", None) or (bij.casus if bij is not None else None)


def op_verzoek_anonimiseren(*, persoon_ids, door, reden: str) -> BewaartermijnRun:
    """Anonymise one person (all records `persoon_ids` of them) now, the same way the term does: their person
    records, and the meldingen and closed casussen about them alone. Refused (ValidationError) while a melding
    or casus about them is still open: care that is running is the wettelijke taak (refuse the request then)."""
    ids = set(persoon_ids)
    meldingen = list(Melding.objects.filter(betrokkenen__persoon_id__in=ids).distinct().select_related("triage"))
    lopend = [
        m
        for m in meldingen
        if m.status in Melding.OPEN_STATUSES or ((c := _casus_van(m)) is not None and c.afgesloten_op is None)
    ]
    if lopend:
        nummers = ", ".join(sorted({m.nummer for m in lopend}))
        raise ValidationError(
            f"Er loopt nog zorg voor deze persoon (melding {nummers}): verwijderen kan pas als die is afgesloten."
        )
    alleen = [
        m for m in meldingen if m.geanonimiseerd_op is None and not m.betrokkenen.exclude(persoon_id__in=ids).exists()
    ]
    casussen = [m.casus for m in alleen if hasattr(m, "casus")]
    selectie = Selectie(
        casussen=casussen,
        meldingen=alleen,
        personen=list(Persoon.objects.filter(pk__in=ids, geanonimiseerd_op__isnull=True).order_by("pk")),
    )
    with transaction.atomic():
        run = BewaartermijnRun.objects.create(
            door=door,
            peildatum=timezone.localdate(),
            aantal_meldingen=len(selectie.meldingen),
            aantal_casussen=len(selectie.casussen),
            aantal_personen=len(selectie.personen),
            details={
                "avg_verzoek": reden,
                "casussen": selectie.casus_ids,
                "meldingen": selectie.melding_ids,
                "personen": selectie.persoon_ids,
            },
        )
        now = timezone.now()
        with acting_as(door, reason=f"AVG-verzoek {reden}, run {run.pk}"):
            _history_scrubben(selectie)
            for casus in selectie.casussen:
                _casus_anonimiseren(casus)
            for melding in selectie.meldingen:
                _melding_anonimiseren(melding, now)
            for persoon in selectie.personen:
                _persoon_anonimiseren(persoon, now)
        run.afgerond_op = timezone.now()
        run.save(update_fields=["afgerond_op"])
    return run
