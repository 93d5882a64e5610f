"""Every write on AVG requests (keyword-only, atomic, acting as `door`). Each generation and release of an
export, and each lookup of a person, is written to the access log (grond avg_verzoek) here, on every path."""

from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bzt.audit import acting_as
from bzt.inzage import Actie, Grond, ObjectType, log_inzage
from bzt.notifications import gebeurd
from bzt.workflow import transition
from keten.retention import add_months, op_verzoek_anonimiseren
from meldpunt.models import Betrokkene
from meldpunt.selectors import linked_ids

from . import export as export_module
from .models import AvgExport, AvgVerzoek
from .rechten import vereist
from .signalen import exports_opruimen
from .workflow import EXPORT_WORKFLOW, VERZOEK, VERZOEK_WORKFLOW

TERMIJN_MAANDEN = 1  # AVG art. 12(3)
VERLENGING_MAANDEN = 2


def _logboek(door, pad):
    """What log_inzage reads from a request, for a write made outside one (a service called directly)."""
    return SimpleNamespace(user=door, path=pad)


def loggen(door, verzoek, *, actie, personen, toelichting, object_type=ObjectType.AVG_VERZOEK, obj_id=None):
    return log_inzage(
        _logboek(door, f"/avg/{verzoek.pk}/"),
        object=SimpleNamespace(pk=obj_id or verzoek.pk),
        object_type=object_type,
        actie=actie,
        personen=personen,
        grond=Grond.AVG_VERZOEK,
        toelichting=toelichting,
    )


def huisgenoten(verzoek):
    """The other persons in the meldingen about the client: who the privacy officer decides on."""
    ids = linked_ids({verzoek.persoon_id})
    return list(
        {
            b.persoon_id: b.persoon
            for b in Betrokkene.objects.filter(melding__betrokkenen__persoon_id__in=ids)
            .exclude(persoon_id__in=ids)
            .select_related("persoon")
            .order_by("persoon_id")
        }.values()
    )


@transaction.atomic
def verzoek_registreren(*, door, persoon, soort, ontvangen_op, omschrijving="") -> AvgVerzoek:
    vereist(door, "registreren")
    if soort not in AvgVerzoek.Soort.values:
        raise ValidationError({"soort": "Kies de soort verzoek."})
    if ontvangen_op > timezone.localdate():
        raise ValidationError({"ontvangen_op": "De datum van ontvangst kan niet in de toekomst liggen."})
    verzoek = AvgVerzoek(
        soort=soort,
        persoon=persoon,
        ontvangen_op=ontvangen_op,
        termijn=add_months(ontvangen_op, TERMIJN_MAANDEN),
        omschrijving=omschrijving,
        geregistreerd_door=door,
    )
    with acting_as(door):
        verzoek.save()
    loggen(door, verzoek, actie=Actie.BEKIJKEN, personen=[persoon], toelichting=f"{verzoek.nummer} geregistreerd")
    gebeurd("avg.avgverzoek.geregistreerd", verzoek, door=door)
    return verzoek


@transaction.atomic
def in_behandeling_nemen(*, door, verzoek):
    return transition(verzoek, "in_behandeling_nemen", door=door, workflow=VERZOEK_WORKFLOW)


@transaction.atomic
def termijn_verlengen(*, door, verzoek, reden):
    reden = (reden or "").strip()
    if not reden:
        raise ValidationError(
            {"reden": "Geef de reden van de verlenging: de cliënt moet die binnen de eerste maand horen."}
        )
    VERZOEK_WORKFLOW.lock(verzoek, "verlengen", door=door)
    return transition(
        verzoek,
        "verlengen",
        door=door,
        workflow=VERZOEK_WORKFLOW,
        termijn=add_months(verzoek.ontvangen_op, TERMIJN_MAANDEN + VERLENGING_MAANDEN),
        verlenging_reden=reden,
    )


@transaction.atomic
def huisgenoten_bepalen(*, door, verzoek, persoon_ids):
    """Which household members the client may see in the inzage export (decided per person)."""
    vereist(door, "wijzigen", verzoek)
    VERZOEK.lock(verzoek)
    toegestaan = {p.pk for p in huisgenoten(verzoek)}
    gekozen = sorted(set(persoon_ids))
    if set(gekozen) - toegestaan:
        raise ValidationError("Alleen huisgenoten uit de meldingen over de cliënt kunnen worden gekozen.")
    verzoek.gerechtigd_voor = gekozen
    with acting_as(door):
        verzoek.save(update_fields=["gerechtigd_voor"])
    return verzoek


@transaction.atomic
def rectificatie_overdragen(*, door, verzoek, aan):
    """The privacy officer cannot change case data: the correction goes to the role that may (meldpunt or
    casusregisseur, through their correction screens); recorded here, the outcome when handled."""
    vereist(door, "wijzigen", verzoek)
    VERZOEK.lock(verzoek)
    if verzoek.soort != AvgVerzoek.Soort.RECTIFICATIE:
        raise ValidationError("Alleen een verzoek om rectificatie wordt overgedragen.")
    if not (aan or "").strip():
        raise ValidationError({"aan": "Aan wie is de correctie overgedragen?"})
    verzoek.overgedragen_aan = aan.strip()[:120]
    with acting_as(door):
        verzoek.save(update_fields=["overgedragen_aan"])
    return verzoek


@transaction.atomic
def export_maken(*, door, verzoek) -> AvgExport:
    """A new concept export of the client's data; an older concept is replaced. Logged per person shown."""
    vereist(door, "exporteren", verzoek)
    VERZOEK.lock(verzoek, "exporteren")
    if verzoek.soort != AvgVerzoek.Soort.INZAGE:
        raise ValidationError("Een export hoort bij een inzageverzoek.")
    for oud in verzoek.exports.filter(status=AvgExport.Status.CONCEPT):
        transition(oud, "vervangen", door=door, workflow=EXPORT_WORKFLOW)
    try:
        inhoud = export_module.samenstellen(verzoek)
    except ValueError as fout:
        raise ValidationError(str(fout)) from None
    export = AvgExport(verzoek=verzoek, inhoud=inhoud, gemaakt_door=door)
    with acting_as(door):
        export.save()
    loggen(
        door,
        verzoek,
        actie=Actie.EXPORTEREN,
        personen=getoonde_personen(verzoek),
        toelichting=f"{verzoek.nummer}: concept-export gemaakt",
        object_type=ObjectType.AVG_EXPORT,
        obj_id=export.pk,
    )
    return export


def getoonde_personen(verzoek):
    return sorted(linked_ids({verzoek.persoon_id}) | set(verzoek.gerechtigd_voor))


@transaction.atomic
def export_vrijgeven(*, door, export) -> AvgExport:
    verzoek = export.verzoek
    VERZOEK.lock(verzoek, "exporteren")
    export = transition(
        export, "vrijgeven", door=door, workflow=EXPORT_WORKFLOW, vrijgegeven_door=door, vrijgegeven_op=timezone.now()
    )
    loggen(
        door,
        verzoek,
        actie=Actie.VRIJGEVEN,
        personen=getoonde_personen(verzoek),
        toelichting=f"{verzoek.nummer}: export vrijgegeven aan de cliënt",
        object_type=ObjectType.AVG_EXPORT,
        obj_id=export.pk,
    )
    return export


@transaction.atomic
def verzoek_afhandelen(*, door, verzoek, uitkomst):
    """Grant and close the request. Inzage: only with a released export. Verwijdering and beperking: carried
    out through the retention machinery (keten.retention), which refuses while care is still running."""
    VERZOEK_WORKFLOW.lock(verzoek, "afhandelen", door=door)
    uitkomst = (uitkomst or "").strip()
    if not uitkomst:
        raise ValidationError({"uitkomst": "Leg de uitkomst vast: wat is er gedaan?"})
    changes = {"uitkomst": uitkomst, "afgehandeld_op": timezone.localdate(), "grond": ""}
    if (
        verzoek.soort == AvgVerzoek.Soort.INZAGE
        and not verzoek.exports.filter(status=AvgExport.Status.VRIJGEGEVEN).exists()
    ):
        raise ValidationError("Geef eerst een export vrij: die krijgt de cliënt.")
    if verzoek.soort == AvgVerzoek.Soort.RECTIFICATIE and not verzoek.overgedragen_aan:
        raise ValidationError("Draag de correctie eerst over aan wie haar mag uitvoeren.")
    if verzoek.soort in (AvgVerzoek.Soort.VERWIJDERING, AvgVerzoek.Soort.BEPERKING):
        ids = linked_ids({verzoek.persoon_id})
        run = op_verzoek_anonimiseren(persoon_ids=ids, door=door, reden=verzoek.nummer)
        exports_opruimen(door=door, persoon_ids=ids)  # earlier inzage answers kept a copy of the data
        changes["bewaartermijn_run"] = run.pk
    return transition(verzoek, "afhandelen", door=door, workflow=VERZOEK_WORKFLOW, **changes)


@transaction.atomic
def verzoek_afwijzen(*, door, verzoek, grond, uitkomst):
    """Refuse, with the legal ground (e.g. the retention duty for a verwijdering) and the motivation."""
    VERZOEK_WORKFLOW.lock(verzoek, "afwijzen", door=door)
    fouten = {}
    if grond not in AvgVerzoek.Grond.values:
        fouten["grond"] = "Kies de wettelijke grond van de afwijzing."
    if not (uitkomst or "").strip():
        fouten["uitkomst"] = "Motiveer de afwijzing: de cliënt krijgt deze motivering."
    if fouten:
        raise ValidationError(fouten)
    return transition(
        verzoek,
        "afwijzen",
        door=door,
        workflow=VERZOEK_WORKFLOW,
        grond=grond,
        uitkomst=uitkomst.strip(),
        afgehandeld_op=timezone.localdate(),
    )


def log_opzoeken(request, personen):
    """The persons found by the privacy officer's lookup, logged like any search (actie zoeken)."""
    return log_inzage(
        request, object_type=ObjectType.AVG_VERZOEK, actie=Actie.ZOEKEN, personen=personen, grond=Grond.AVG_VERZOEK
    )
