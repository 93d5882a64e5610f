"""Every write of the meldpunt. Keyword-only, atomic, acting as `door`; states change via the workflow."""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bzt.audit import acting_as
from bzt.gemeenten import gemeente_van, gemeente_van_wijk
from bzt.models import Gemeente
from bzt.notifications import gebeurd
from bzt.workflow import TransitionNotAllowed, transition

from . import rechten
from .codes import Besluit, Leefgebied, Rol
from .doelgroep import DOELGROEP_DREMPEL, is_doelgroep, is_ggsr
from .models import Betrokkene, Melding, Persoon, PersoonKoppeling, Triage
from .personen import groepen_bijwerken, vergrendelen

PERSOON_VELDEN = (
    "voornaam",
    "tussenvoegsel",
    "achternaam",
    "geboortedatum",
    "verwacht",
    "geslacht",
    "bsn",
    "adres",
    "postcode",
    "woonplaats",
    "wijk",
    "inkomen",
    "extern_id",
)


@dataclass
class NieuweBetrokkene:
    """One member of the household of a new melding: an existing person, or the data of a new one."""

    rol: str
    persoon: Persoon | None = None
    gegevens: dict = field(default_factory=dict)
    mogelijk_dezelfde: list = field(default_factory=list)  # known Persoon records it may be (not chosen: partners)


@transaction.atomic
def melding_registreren(
    *,
    door,
    gegevens: dict,
    betrokkenen: list[NieuweBetrokkene],
    gemeente: "Gemeente | str | None" = None,
    reden=None,
) -> Melding:
    """Register a melding about a household. Persons are reused when given; new ones are created.

    Every channel comes here: the meldpunt's intake, a partner's web form and the partner API (partners.services).
    The API acts as the system account with `reden` naming the organisation's key: the key was checked before
    (partners.sleutels), it is the right; the history names it.

    `gemeente` (a Gemeente or its CBS code, e.g. "GM0301"; also accepted as gegevens["gemeente"]): where the
    household lives. Without it: the gemeente whose wijken hold the hoofdpersoon's wijk, else the installation's
    own. An unknown code is a ValidationError on "gemeente"."""
    if door.username != settings.BZT_SYSTEEM_GEBRUIKER or reden is None:
        rechten.vereist(door, "indienen")
    if not betrokkenen:
        raise ValidationError("Een melding gaat over ten minste één persoon.")
    if not any(b.rol == Rol.HOOFDPERSOON for b in betrokkenen):
        raise ValidationError("Geef aan wie de hoofdpersoon van de melding is.")
    gegevens = dict(gegevens)
    gemeente = gemeente_van(
        gemeente if gemeente is not None else gegevens.pop("gemeente", None) or _gemeente_van_huishouden(betrokkenen)
    )
    gegevens.pop("gemeente", None)
    with acting_as(door, reason=reden):
        melding = Melding(geregistreerd_door=door, gemeente=gemeente, **gegevens)
        melding.full_clean(exclude=["geregistreerd_door"])
        melding.save()
        seen = set()
        for betrokkene in betrokkenen:
            persoon = betrokkene.persoon or persoon_aanmaken(door=door, gegevens=betrokkene.gegevens)
            if persoon.pk in seen:
                raise ValidationError(f"{persoon.naam} staat twee keer in het huishouden.")
            seen.add(persoon.pk)
            Betrokkene.objects.create(
                melding=melding,
                persoon=persoon,
                rol=betrokkene.rol,
                mogelijk_dezelfde=[k.pk for k in betrokkene.mogelijk_dezelfde if k.pk != persoon.pk],
            )
    gebeurd("meldpunt.melding.geregistreerd", melding, door=door)
    return melding


def _gemeente_van_huishouden(betrokkenen):
    """The gemeente of the hoofdpersoon's wijk, when one gemeente has that wijk (else None: the own gemeente)."""
    for b in betrokkenen:
        if b.rol == Rol.HOOFDPERSOON:
            wijk = b.persoon.wijk if b.persoon is not None else b.gegevens.get("wijk", "")
            return gemeente_van_wijk(wijk)
    return None


def persoon_aanmaken(*, door, gegevens: dict) -> Persoon:
    with acting_as(door):
        persoon = Persoon(**{k: v for k, v in gegevens.items() if k in PERSOON_VELDEN})
        persoon.full_clean()
        persoon.save()
    return persoon


@transaction.atomic
def melding_in_triage_nemen(*, door, melding: Melding) -> Melding:
    with acting_as(door):
        transition(melding, "in_triage_nemen", door=door)
    return melding


def triage_afwijking(score: int, besluit: str) -> str | None:
    """Why a besluit goes against the 3-uit-8 rule, or None when it follows it."""
    if besluit == Besluit.MDO and not is_doelgroep(score):
        return f"Naar het MDO met minder dan {DOELGROEP_DREMPEL} leefgebieden."
    if besluit != Besluit.MDO and is_doelgroep(score):
        return f"Niet naar het MDO terwijl {score} leefgebieden de doelgroep aangeven."
    return None


@transaction.atomic
def melding_triageren(
    *,
    door,
    melding: Melding,
    datum: date,
    leefgebieden: dict[str, tuple[bool, str]],
    besluit: str,
    regulier_organisatie=None,
    motivatie: str = "",
) -> Triage:
    """Score the 8 leefgebieden and take the besluit. Going against the rule needs a motivation."""
    unknown = set(leefgebieden) - set(Leefgebied.values)
    if unknown:
        raise ValidationError(f"Onbekend leefgebied: {', '.join(sorted(unknown))}.")
    score = sum(1 for ja, _ in leefgebieden.values() if ja)
    errors = {}
    if triage_afwijking(score, besluit) and not motivatie.strip():
        errors["motivatie"] = f"{triage_afwijking(score, besluit)} Motiveer dit besluit."
    if besluit == Besluit.REGULIER and regulier_organisatie is None:
        errors["regulier_organisatie"] = "Kies de organisatie waarnaar wordt verwezen."
    if datum < melding.ontvangen_op:
        errors["datum"] = "De triagedatum ligt voor de datum waarop de melding is ontvangen."
    if datum > timezone.localdate():
        errors["datum"] = "De triagedatum ligt in de toekomst."
    if errors:
        raise ValidationError(errors)
    heeft_kinderen = melding.betrokkenen.filter(rol=Rol.KIND).exists()
    with acting_as(door):
        try:
            transition(melding, "triageren_voor_mdo" if besluit == Besluit.MDO else "triageren", door=door)
        except TransitionNotAllowed as error:
            if Triage.objects.filter(melding=melding).exists():
                raise TransitionNotAllowed("Deze melding is intussen al getrieerd door een collega.") from error
            raise
        triage = Triage(
            melding=melding,
            datum=datum,
            score=score,
            besluit=besluit,
            regulier_organisatie=regulier_organisatie if besluit == Besluit.REGULIER else None,
            motivatie=motivatie.strip(),
            ggsr=is_ggsr(score, heeft_kinderen=heeft_kinderen),
            getrieerd_door=door,
        )
        for code, (ja, toelichting) in leefgebieden.items():
            setattr(triage, code, ja)
            setattr(triage, f"{code}_toelichting", (toelichting or "").strip())
        triage.save()
    return triage


@transaction.atomic
def melding_op_mdo_agenda_zetten(*, door, melding: Melding) -> Melding:
    if getattr(melding, "triage", None) is None or melding.triage.besluit != Besluit.MDO:
        raise ValidationError("Alleen een melding met het triagebesluit 'MDO' kan op de MDO-agenda.")
    with acting_as(door):
        transition(melding, "op_mdo_agenda_zetten", door=door)
    return melding


@transaction.atomic
def melding_toewijzen(*, door, melding: Melding) -> Melding:
    """The MDO assigned a casusregisseur (called by casusregie.services.casus_toewijzen)."""
    with acting_as(door):
        transition(melding, "toewijzen", door=door)
    return melding


@transaction.atomic
def melding_naar_casus(*, door, melding: Melding, door_mdo: bool = False) -> Melding:
    """The melding is added to the open casus of its household (called by casusregie.services.
    melding_bij_casus_voegen): by the meldpunt at triage, or by the MDO (`door_mdo`)."""
    with acting_as(door):
        transition(melding, "mdo_bij_casus_voegen" if door_mdo else "bij_casus_voegen", door=door)
    return melding


@transaction.atomic
def melding_mdo_verwijzen(*, door, melding: Melding) -> Melding:
    """The MDO referred the melding to regular care instead of assigning a casusregisseur."""
    with acting_as(door):
        transition(melding, "mdo_verwijzen", door=door)
    return melding


@transaction.atomic
def melding_mdo_heroverwegen(*, door, melding: Melding, motivering: str) -> Melding:
    """A referral by the MDO that was a mistake: the melding goes back on the MDO agenda for a new, motivated
    besluit (mdo.services.besluit_heroverwegen). The old besluit stays as it was, in the agenda and the history."""
    if not motivering.strip():
        raise ValidationError({"motivering": "Schrijf waarom het MDO zijn besluit heroverweegt."})
    with acting_as(door, reason=f"MDO-besluit heroverwogen: {motivering.strip()}"):
        transition(melding, "mdo_heroverwegen", door=door)
    return melding


@transaction.atomic
def wvggz_uitkomst_vastleggen(*, door, melding: Melding, uitkomst: str, datum: date) -> Melding:
    rechten.vereist(door, "trieren")
    if not melding.wvggz:
        raise ValidationError("Dit is geen Wvggz-melding.")
    if datum < melding.ontvangen_op or datum > timezone.localdate():
        raise ValidationError({"datum": "De datum ligt voor de melding of in de toekomst."})
    with acting_as(door):
        melding.wvggz_uitkomst, melding.wvggz_uitkomst_op = uitkomst, datum
        melding.full_clean(exclude=["geregistreerd_door"])
        melding.save(update_fields=["wvggz_uitkomst", "wvggz_uitkomst_op"])
    return melding


@transaction.atomic
def terugkoppeling_vastleggen(*, door, melding: Melding, wijze: str, datum: date) -> Melding:
    """Record that (and how) the melder was told the melding is being handled — never its content."""
    rechten.vereist(door, "terugkoppelen")
    if melding.melder_anoniem:
        raise ValidationError("Een anonieme melder kan geen terugkoppeling krijgen.")
    if datum < melding.ontvangen_op or datum > timezone.localdate():
        raise ValidationError({"datum": "De datum ligt voor de melding of in de toekomst."})
    with acting_as(door):
        melding.terugkoppeling_wijze, melding.terugkoppeling_op = wijze, datum
        melding.full_clean(exclude=["geregistreerd_door"])
        melding.save(update_fields=["terugkoppeling_wijze", "terugkoppeling_op"])
    return melding


@transaction.atomic
def personen_koppelen(*, door, persoon: Persoon, gekoppeld_aan: Persoon, reden: str) -> PersoonKoppeling:
    """Record that two person records are one person. Both records and their history stay."""
    rechten.vereist(door, "koppelen")
    if persoon.pk == gekoppeld_aan.pk:
        raise ValidationError("Een persoon kan niet aan zichzelf gekoppeld worden.")
    if not reden.strip():
        raise ValidationError({"reden": "Geef aan waarom dit dezelfde persoon is."})
    a, b = sorted([persoon, gekoppeld_aan], key=lambda p: p.pk)
    vergrendelen([a.pk, b.pk])
    if PersoonKoppeling.objects.filter(persoon=a, gekoppeld_aan=b, ontkoppeld_op__isnull=True).exists():
        raise ValidationError("Deze personen zijn al gekoppeld.")
    with acting_as(door, reason=reden):
        koppeling = PersoonKoppeling.objects.create(
            persoon=a, gekoppeld_aan=b, reden=reden.strip(), gekoppeld_door=door
        )
    groepen_bijwerken([a.pk, b.pk])
    return koppeling


@transaction.atomic
def koppeling_opheffen(*, door, koppeling: PersoonKoppeling, reden: str) -> PersoonKoppeling:
    rechten.vereist(door, "koppelen")
    paar = [koppeling.persoon_id, koppeling.gekoppeld_aan_id]
    vergrendelen(paar)
    koppeling = PersoonKoppeling.objects.select_for_update().get(pk=koppeling.pk)
    if not koppeling.actief:
        raise ValidationError("Deze koppeling is al opgeheven.")
    if not reden.strip():
        raise ValidationError({"reden": "Geef aan waarom de koppeling wordt opgeheven."})
    with acting_as(door, reason=reden):
        koppeling.ontkoppeld_door, koppeling.ontkoppeld_op = door, timezone.now()
        koppeling.ontkoppel_reden = reden.strip()
        koppeling.save()
    groepen_bijwerken(paar)
    return koppeling
