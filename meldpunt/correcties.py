"""Correcting a melding, its persons and its household after saving, and a hertriage (issue 15).

Who may: the meldpunt until the MDO decided (meldpunt/rechten.py "corrigeren": the melding states up to
op_mdo_agenda), the casusregisseur afterwards for their own casus (casusregie/rechten.py "huishouden_corrigeren",
through casusregie.correcties, which calls the `*_wijzigen` functions below after its own check).

Every correction:
- asks for a reason (required) and is written acting as `door` with that reason, so the history row of the
  corrected record keeps the old value, the reason and the acting user;
- leaves a Correctie row (which fields, why, by whom: never the values) for the timeline and the melding page;
- re-runs what depends on it: the "already known" check for a changed BSN or name and birth date (persons that may
  be the same are offered for linking, never merged; a BSN already on another record is refused), the GGSR of the
  household when a child comes or goes (a signal: the triage is not rewritten), the Wvggz dates (computed from
  ontvangen_op, so they follow it);
- never rewrites a triage or an MDO besluit. A mistake in a triage is corrected by a new, motivated besluit
  (`hertriageren`), while the melding has not reached the MDO.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bzt.audit import acting_as
from bzt.workflow import transition

from . import rechten
from .codes import Besluit, Leefgebied, Rol
from .doelgroep import is_ggsr
from .models import Betrokkene, Correctie, Melding, Persoon, Triage
from .personen import records_van
from .selectors import kandidaten
from .services import persoon_aanmaken
from .validators import is_valid_bsn, normalise_bsn
from .workflow import CORRIGEREN

MELDING_VELDEN = (
    "ontvangen_op",
    "kanaal",
    "aanmeldroute",
    "urgentie",
    "overlast",
    "wvggz",
    "aanleiding",
    "melder_type",
    "melder_naam",
    "melder_organisatie",
    "melder_telefoon",
    "melder_email",
    "eerdere_hulp",
    "eerdere_hulp_door",
)
# the melder's identity: for meldpunt and procesmanager only (meldpunt.zien_melder); the casusregisseur never sees it
MELDER_VELDEN = ("melder_type", "melder_naam", "melder_organisatie", "melder_telefoon", "melder_email")
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
)
IDENTITEIT = {"bsn", "voornaam", "tussenvoegsel", "achternaam", "geboortedatum"}
REDEN_VERPLICHT = "Geef de reden van de correctie."
NIETS_GEWIJZIGD = "Er is niets gewijzigd."


@dataclass
class Uitkomst:
    """What a correction did and what it re-ran, for the message to the user."""

    correctie: Correctie
    mogelijk_dezelfde: list = field(default_factory=list)  # Persoon records (for the meldpunt: offer linking)
    ggsr_signaal: str = ""


GEWIJZIGD = "Deze gegevens zijn intussen door iemand anders gewijzigd. Laad de pagina opnieuw; er is niets opgeslagen."


def versie(obj) -> int | None:
    """The version of a record as a form shows it: the id of its latest history row."""
    return obj.history.order_by("-history_id").values_list("history_id", flat=True).first()


def _zelfde_versie(obj, gezien):
    """Refuse a correction made on a page older than the record (called with the row locked): no lost update."""
    if gezien is not None and versie(obj) != gezien:
        raise ValidationError(GEWIJZIGD)


def _reden(reden: str) -> str:
    if not (reden or "").strip():
        raise ValidationError({"reden": REDEN_VERPLICHT})
    return reden.strip()


def _labels(model, namen) -> str:
    return ", ".join(str(model._meta.get_field(n).verbose_name) for n in namen)


# --- the meldpunt's door (rights and state checked here) ---------------------------------------------------------


def _meldpunt_lock(door, melding):
    rechten.vereist(door, "corrigeren")
    CORRIGEREN.lock(melding)


def _betrokkene_van(melding, persoon):
    if not Betrokkene.objects.filter(melding=melding, persoon=persoon).exists():
        raise ValidationError("Deze persoon hoort niet bij het huishouden van deze melding.")


@transaction.atomic
def melding_corrigeren(*, door, melding: Melding, wijzigingen: dict, reden: str, versie=None) -> Uitkomst:
    """The meldpunt corrects the melding itself (before the MDO decided). `versie`: as the form showed it."""
    _meldpunt_lock(door, melding)
    return melding_wijzigen(door=door, melding=melding, wijzigingen=wijzigingen, reden=reden, versie=versie)


@transaction.atomic
def persoon_corrigeren(
    *, door, melding: Melding, persoon: Persoon, wijzigingen: dict, reden: str, versie=None
) -> Uitkomst:
    """The meldpunt corrects a person of the household of `melding` (before the MDO decided)."""
    _meldpunt_lock(door, melding)
    _betrokkene_van(melding, persoon)
    return persoon_wijzigen(
        door=door, melding=melding, persoon=persoon, wijzigingen=wijzigingen, reden=reden, versie=versie
    )


@transaction.atomic
def huishoudlid_toevoegen(*, door, melding: Melding, rol: str, reden: str, persoon=None, gegevens=None) -> Uitkomst:
    """The meldpunt adds a person (new, or known: `persoon`) to the household: a baby, an expected child, a partner."""
    _meldpunt_lock(door, melding)
    return lid_toevoegen(door=door, melding=melding, rol=rol, reden=reden, persoon=persoon, gegevens=gegevens)


@transaction.atomic
def huishoudlid_verwijderen(*, door, betrokkene: Betrokkene, reden: str) -> Uitkomst:
    """The meldpunt records that someone left the household."""
    _meldpunt_lock(door, betrokkene.melding)
    return lid_verwijderen(door=door, betrokkene=betrokkene, reden=reden)


# --- the changes themselves (the caller checked rights and locked the melding or casus) ---------------------------


def melding_wijzigen(*, door, melding, wijzigingen, reden, via=Correctie.Via.MELDPUNT, versie=None) -> Uitkomst:
    reden = _reden(reden)
    _zelfde_versie(melding, versie)
    onbekend = set(wijzigingen) - set(MELDING_VELDEN)
    if onbekend:
        raise ValidationError(f"Deze gegevens kunnen hier niet worden gecorrigeerd: {', '.join(sorted(onbekend))}.")
    gewijzigd = [n for n in MELDING_VELDEN if n in wijzigingen and getattr(melding, n) != wijzigingen[n]]
    if not gewijzigd:
        raise ValidationError(NIETS_GEWIJZIGD)
    for naam in gewijzigd:
        setattr(melding, naam, wijzigingen[naam])
    fouten = {}
    vandaag = timezone.localdate()
    if melding.ontvangen_op > vandaag:
        fouten["ontvangen_op"] = "De ontvangstdatum ligt in de toekomst."
    else:
        # dates recorded later may not come before the melding (the triage's own date is never rewritten)
        later = [
            (getattr(getattr(melding, "triage", None), "datum", None), "de triagedatum"),
            (melding.wvggz_uitkomst_op, "de uitkomst van het verkennend onderzoek"),
            (melding.terugkoppeling_op, "de terugkoppeling aan de melder"),
        ]
        for datum, wat in later:
            if datum and melding.ontvangen_op > datum:
                fouten["ontvangen_op"] = f"De ontvangstdatum ligt na {wat} ({datum:%d-%m-%Y})."
                break
    if not melding.wvggz and melding.wvggz_uitkomst:
        fouten["wvggz"] = "De uitkomst van het verkennend onderzoek is al vastgelegd; dit blijft een Wvggz-melding."
    if melding.melder_anoniem and melding.terugkoppeling_op:
        fouten["melder_type"] = "De melder kreeg al een terugkoppeling en kan niet meer anoniem worden."
    if fouten:
        raise ValidationError(fouten)
    melding.full_clean(exclude=["geregistreerd_door"])
    with acting_as(door, reason=f"Correctie: {reden}"):
        melding.save(update_fields=gewijzigd)
        correctie = Correctie.objects.create(
            melding=melding,
            soort=Correctie.Soort.MELDING,
            via=via,
            velden=_labels(Melding, gewijzigd),
            toelichting=_wvggz_toelichting(melding) if "ontvangen_op" in gewijzigd or "wvggz" in gewijzigd else "",
            reden=reden,
            door=door,
        )
    return Uitkomst(correctie)


def _wvggz_toelichting(melding):
    if not melding.wvggz or melding.wvggz_uitkomst:
        return ""
    return f"Termijn verkennend onderzoek Wvggz nu tot {melding.wvggz_deadline:%d-%m-%Y}."


def persoon_wijzigen(
    *, door, melding, persoon, wijzigingen, reden, via=Correctie.Via.MELDPUNT, versie=None
) -> Uitkomst:
    reden = _reden(reden)
    persoon = Persoon.objects.select_for_update().get(pk=persoon.pk)
    _zelfde_versie(persoon, versie)
    if persoon.geanonimiseerd_op:
        raise ValidationError("Deze persoon is geanonimiseerd en kan niet meer worden gecorrigeerd.")
    wijzigingen = dict(wijzigingen)
    if "bsn" in wijzigingen:
        wijzigingen["bsn"] = normalise_bsn(wijzigingen["bsn"])
        if wijzigingen["bsn"] and not is_valid_bsn(wijzigingen["bsn"]):
            raise ValidationError(
                {"bsn": "Dit is geen geldig BSN: het moet uit 9 cijfers bestaan en de elfproef doorstaan."}
            )
    gewijzigd = [n for n in PERSOON_VELDEN if n in wijzigingen and getattr(persoon, n) != wijzigingen[n]]
    if not gewijzigd:
        raise ValidationError(NIETS_GEWIJZIGD)
    if "bsn" in gewijzigd and wijzigingen["bsn"]:
        ander = Persoon.objects.filter(bsn=wijzigingen["bsn"]).exclude(pk=persoon.pk).first()
        if ander is not None:
            # never merged silently: the two records are linked by the meldpunt (with a reason), or the BSN is wrong
            hint = (
                f"het record van {ander.naam}; koppel de twee records op de persoonspagina als het dezelfde persoon is."
                if via == Correctie.Via.MELDPUNT
                else "een ander persoonsrecord; vraag het meldpunt de records te koppelen als het dezelfde persoon is."
            )
            raise ValidationError({"bsn": f"Dit BSN staat al bij {hint}"})
    for naam in gewijzigd:
        setattr(persoon, naam, wijzigingen[naam])
    persoon.full_clean(exclude=["bsn"])
    mogelijk = []
    if IDENTITEIT & set(gewijzigd):
        eigen = records_van({persoon.pk})
        gegevens = {n: getattr(persoon, n) for n in IDENTITEIT}
        mogelijk = [k for k in kandidaten(gegevens) if k.pk not in eigen]
    with acting_as(door, reason=f"Correctie: {reden}"):
        persoon.save(update_fields=gewijzigd)
        correctie = Correctie.objects.create(
            melding=melding,
            persoon=persoon,
            soort=Correctie.Soort.PERSOON,
            via=via,
            velden=_labels(Persoon, gewijzigd),
            toelichting="Mogelijk al bekend onder een ander persoonsrecord: ter beoordeling aan het meldpunt."
            if mogelijk
            else "",
            mogelijk_dezelfde=[k.pk for k in mogelijk],
            reden=reden,
            door=door,
        )
    return Uitkomst(correctie, mogelijk_dezelfde=mogelijk)


def _ggsr_signaal(melding) -> str:
    """The GGSR of the household as it is now, against the one stored at triage (which is not rewritten)."""
    triage = Triage.objects.filter(melding=melding).first()
    if triage is None:
        return ""  # decided at triage, from the household as it is then
    nu = is_ggsr(triage.score, heeft_kinderen=melding.betrokkenen.filter(rol=Rol.KIND).exists())
    if nu == triage.ggsr:
        return ""
    ja = {True: "ja", False: "nee"}
    return (
        f"GGSR volgens het huishouden nu: {ja[nu]} (bij de triage: {ja[triage.ggsr]}). De triage blijft zoals die is; "
        "een hertriage (vóór het MDO) of het MDO legt dit vast."
    )


def lid_toevoegen(*, door, melding, rol, reden, persoon=None, gegevens=None, via=Correctie.Via.MELDPUNT) -> Uitkomst:
    reden = _reden(reden)
    if rol not in Rol.values:
        raise ValidationError({"rol": "Kies de rol in het huishouden."})
    if rol == Rol.HOOFDPERSOON:
        raise ValidationError({"rol": "Er is al een hoofdpersoon; voeg een partner, kind of overige toe."})
    if persoon is None and not gegevens:
        raise ValidationError("Kies een bestaande persoon of vul de gegevens van de nieuwe persoon in.")
    if persoon is not None and Betrokkene.objects.filter(melding=melding, persoon=persoon).exists():
        raise ValidationError(f"{persoon.naam} hoort al bij dit huishouden.")
    if persoon is None and gegevens.get("bsn") and Persoon.objects.filter(bsn=gegevens["bsn"]).exists():
        raise ValidationError({"bsn": "Dit BSN is al bekend: kies de bestaande persoon."})
    with acting_as(door, reason=f"Correctie: {reden}"):
        persoon = persoon or persoon_aanmaken(door=door, gegevens=gegevens)
        Betrokkene.objects.create(melding=melding, persoon=persoon, rol=rol)
        signaal = _ggsr_signaal(melding) if rol == Rol.KIND else ""
        correctie = Correctie.objects.create(
            melding=melding,
            persoon=persoon,
            soort=Correctie.Soort.TOEGEVOEGD,
            via=via,
            velden=Rol(rol).label + (" (verwacht)" if persoon.verwacht else ""),
            toelichting=signaal,
            reden=reden,
            door=door,
        )
    return Uitkomst(correctie, ggsr_signaal=signaal)


def lid_verwijderen(*, door, betrokkene, reden, via=Correctie.Via.MELDPUNT) -> Uitkomst:
    reden = _reden(reden)
    betrokkene = Betrokkene.objects.select_for_update().select_related("melding", "persoon").get(pk=betrokkene.pk)
    melding = betrokkene.melding
    if betrokkene.rol == Rol.HOOFDPERSOON:
        raise ValidationError("De hoofdpersoon kan niet uit het huishouden; een melding gaat over de hoofdpersoon.")
    if melding.betrokkenen.count() <= 1:
        raise ValidationError("Een melding gaat over ten minste één persoon.")
    with acting_as(door, reason=f"Correctie: {reden}"):
        # The row goes; its history (with the reason and who) keeps that the person belonged to the household.
        betrokkene.delete()
        signaal = _ggsr_signaal(melding) if betrokkene.rol == Rol.KIND else ""
        correctie = Correctie.objects.create(
            melding=melding,
            persoon=betrokkene.persoon,
            soort=Correctie.Soort.VERTROKKEN,
            via=via,
            velden=Rol(betrokkene.rol).label,
            toelichting=signaal,
            reden=reden,
            door=door,
        )
    return Uitkomst(correctie, ggsr_signaal=signaal)


# --- hertriage ---------------------------------------------------------------------------------------------------


@transaction.atomic
def hertriageren(
    *,
    door,
    melding: Melding,
    datum: date,
    leefgebieden: dict[str, tuple[bool, str]],
    besluit: str,
    motivatie: str,
    regulier_organisatie=None,
) -> Triage:
    """A new, motivated triage besluit while the melding has not reached the MDO (getrieerd or wacht op MDO).
    The triage row takes the new besluit; its history keeps the old one with the motivation, and a Correctie
    (hertriage) shows both in the timeline."""
    rechten.vereist(door, "hertriageren", melding)
    unknown = set(leefgebieden) - set(Leefgebied.values)
    if unknown:
        raise ValidationError(f"Onbekend leefgebied: {', '.join(sorted(unknown))}.")
    fouten = {}
    if not (motivatie or "").strip():
        fouten["motivatie"] = "Motiveer de hertriage: wat was er mis met de eerste triage?"
    if besluit == Besluit.REGULIER and regulier_organisatie is None:
        fouten["regulier_organisatie"] = "Kies de organisatie waarnaar wordt verwezen."
    if datum > timezone.localdate():
        fouten["datum"] = "De triagedatum ligt in de toekomst."
    if fouten:
        raise ValidationError(fouten)
    with acting_as(door, reason=f"Hertriage: {motivatie.strip()}"):
        transition(melding, "hertriageren_voor_mdo" if besluit == Besluit.MDO else "hertriageren", door=door)
        triage = Triage.objects.select_for_update().get(melding=melding)
        if datum < triage.datum:
            raise ValidationError({"datum": f"De hertriage ligt voor de eerste triage ({triage.datum:%d-%m-%Y})."})
        oud = (triage.get_besluit_display(), triage.score)
        score = sum(1 for ja, _ in leefgebieden.values() if ja)
        triage.datum, triage.score, triage.besluit = datum, score, besluit
        triage.regulier_organisatie = regulier_organisatie if besluit == Besluit.REGULIER else None
        triage.motivatie = motivatie.strip()
        triage.ggsr = is_ggsr(score, heeft_kinderen=melding.betrokkenen.filter(rol=Rol.KIND).exists())
        triage.getrieerd_door = door
        for code, (ja, toelichting) in leefgebieden.items():
            setattr(triage, code, ja)
            setattr(triage, f"{code}_toelichting", (toelichting or "").strip())
        triage.save()
        Correctie.objects.create(
            melding=melding,
            soort=Correctie.Soort.HERTRIAGE,
            velden=f"besluit {oud[0].lower()} → {triage.get_besluit_display().lower()}, "
            f"{oud[1]} → {score} leefgebieden",
            reden=motivatie.strip(),
            door=door,
        )
    return triage
