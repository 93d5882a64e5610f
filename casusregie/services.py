"""Every write of casusregie. Keyword-only, atomic, acting as `door`; states change via the workflow,
access changes only here (through casusregie.permissions)."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bzt import instellingen
from bzt import rechten as bzt_rechten
from bzt.audit import acting_as
from bzt.bedragen import bedrag
from bzt.gemeenten import gemeente_van
from bzt.notifications import gebeurd
from bzt.workflow import holds_right, transition
from meldpunt.models import Betrokkene, Melding
from meldpunt.personen import persoon_ids_van, records_van, vergrendelen
from meldpunt.services import melding_naar_casus, melding_toewijzen
from meldpunt.workflow import MELDING_WORKFLOW

from . import hooks, permissions, rechten, validators
from .models import (
    ANTWOORD_SOORTEN,
    AfsluitReden,
    AkkoordClient,
    AntwoordGelezen,
    Casus,
    CasusBetrokkene,
    CasusMelding,
    CasusToegang,
    CasusVerhuizing,
    DoelResultaat,
    Escalatie,
    EscalatieNiveau,
    EscalatieSoort,
    EscalatieStap,
    ExpertTeam,
    ExpertVraag,
    JournaalRegel,
    Nazorg,
    Noodtoegang,
    Plan,
    PlanActie,
    PlanDoel,
    Wachtlijst,
)
from .selectors import (  # one caseload definition
    afsluitvoorwaarden,
    caseload,
    caseload_vol,
    grants_bij_vergrendeling,
    toegevoegde_meldingen,
)
from .workflow import (
    ACTIE_WORKFLOW,
    BETROKKENE,
    CASUS,
    CASUS_BEGIN,
    CASUS_WORKFLOW,
    ESCALATIE,
    ESCALATIE_WORKFLOW,
    EXPERTVRAAG_WORKFLOW,
    NAZORG_WORKFLOW,
    PLAN,
    PLAN_WORKFLOW,
    WACHTLIJST,
)


class StalePlan(ValidationError):
    """Someone else saved the plan since this user opened it (optimistic locking)."""


def _require(door, perm, casus=None):
    if not holds_right(door, perm, casus):
        raise PermissionDenied("U heeft geen recht op deze handeling.")


def huishouden_vergrendelen(persoon_ids) -> set[int]:
    """Lock the person records of a household and every record linked to them (meldpunt.personen.vergrendelen,
    the lock the link services take), before the open-casus check: two MDO besluiten, a besluit and a link, or a
    besluit and a join about the same person then run one after the other, and the second sees the first's casus.
    Returns the record ids locked."""
    records = records_van(persoon_ids)
    vergrendelen(records)
    meer = records_van(records) - records  # linked meanwhile, before the lock was ours
    if meer:
        vergrendelen(meer)
    return records | meer


def open_casussen_van_personen(persoon_ids) -> dict[int, Casus]:
    """{person record id: its open casus} for these records. A person is in an open casus when any record of the
    same person (meldpunt.personen: linked records) is in the household of the casus's melding or of a melding
    added to that casus (CasusMelding). The one definition for the services and the import."""
    persoon_ids = set(persoon_ids)
    if not persoon_ids:
        return {}
    records = records_van(persoon_ids)
    persoon_van = persoon_ids_van(records)
    open_casussen = Casus.objects.exclude(status=Casus.Status.AFGESLOTEN)
    paren = list(
        Betrokkene.objects.filter(persoon_id__in=records, melding__casus__in=open_casussen).values_list(
            "persoon_id", "melding__casus"
        )
    )
    paren += Betrokkene.objects.filter(persoon_id__in=records, melding__bij_casus__casus__in=open_casussen).values_list(
        "persoon_id", "melding__bij_casus__casus"
    )
    casus_van_persoon = {}
    for record, casus_id in sorted(paren, key=lambda paar: paar[1]):
        casus_van_persoon.setdefault(persoon_van[record], casus_id)
    casussen = Casus.objects.select_related("casusregisseur").in_bulk(set(casus_van_persoon.values()))
    return {
        pk: casussen[casus_van_persoon[persoon_van[pk]]]
        for pk in persoon_ids
        if persoon_van.get(pk) in casus_van_persoon
    }


def open_casus_van_huishouden(melding):
    """The open casus of any member of this melding's household (also through a linked record, and through the
    meldingen added to a casus), if any. Callers that act on the answer lock first (huishouden_vergrendelen)."""
    gevonden = open_casussen_van_personen(melding.betrokkenen.values_list("persoon_id", flat=True))
    return min(gevonden.values(), key=lambda casus: casus.pk, default=None)


def melding_bij_casus_mogelijk(melding, via: str = "meldpunt"):
    """The open casus a melding could be added to now by the meldpunt or the MDO (`via`): its state allows it
    and its household has one; else None. For the buttons; the service checks again under the lock."""
    naam = "mdo_bij_casus_voegen" if via == CasusMelding.Via.MDO else "bij_casus_voegen"
    if melding.status not in MELDING_WORKFLOW[naam].sources:
        return None
    return open_casus_van_huishouden(melding)


@transaction.atomic
def melding_bij_casus_voegen(*, door, melding: Melding, via: str = CasusMelding.Via.MELDPUNT) -> CasusMelding:
    """Add a new melding about a household with an open casus to that casus (by the meldpunt at triage, or by
    the MDO: `via`). Rights and states: the melding's transition (meldpunt.workflow). Its persons belong to the
    casus household from now on; the casusregisseur sees it on the home page until opening the dossier."""
    huishouden_vergrendelen(melding.betrokkenen.values_list("persoon_id", flat=True))
    casus = open_casus_van_huishouden(melding)
    if casus is None:
        raise ValidationError(
            "Het huishouden van deze melding heeft geen open casus: de melding kan niet bij een casus worden gevoegd."
        )
    CASUS.lock(casus)
    with acting_as(door):
        melding_naar_casus(door=door, melding=melding, door_mdo=via == CasusMelding.Via.MDO)
        return CasusMelding.objects.create(casus=casus, melding=melding, via=via, toegevoegd_door=door)


def toegevoegde_meldingen_gezien(*, door, casus: Casus) -> int:
    """The casusregisseur opened the dossier: the added meldingen are no longer shown as new on the home page.
    Reads the dossier's prefetched list first, so opening a dossier with nothing new writes nothing."""
    if door is None or casus.casusregisseur_id != door.pk:
        return 0
    if all(t.gezien_op is not None for t in toegevoegde_meldingen(casus)):
        return 0
    return _gezien(door, casus)


@transaction.atomic
def _gezien(door, casus) -> int:
    nieuw = list(casus.toegevoegde_meldingen.select_for_update().filter(gezien_op__isnull=True))
    with acting_as(door):
        for toegevoegd in nieuw:
            toegevoegd.gezien_op = timezone.now()
            toegevoegd.save(update_fields=["gezien_op"])
    return len(nieuw)


# --- assignment and transfer -------------------------------------------------------------------------------


@transaction.atomic
def casus_toewijzen(
    *,
    door,
    melding: Melding,
    casusregisseur,
    datum: date | None = None,
    reden_boven_maximum: str = "",
    organisatie=None,
) -> Casus:
    """The MDO assigns one casusregisseur for the household: the casus is made, the regisseur gets access,
    and the first plan is put in draft. `casusregisseur` may be None with an organisation (import)."""
    datum = datum or timezone.localdate()
    if casusregisseur is not None and not permissions.mag_casusrecht_houden(casusregisseur):
        raise ValidationError({"casusregisseur": f"{casusregisseur} is geen casusregisseur."})
    aantal = caseload(casusregisseur) if casusregisseur is not None else 0
    if caseload_vol(aantal) and not reden_boven_maximum.strip():
        raise ValidationError(
            {
                "reden_boven_maximum": f"{casusregisseur} heeft al {aantal} casussen (maximum "
                f"{instellingen.waarde('BZT_MAX_CASELOAD')}). Bevestig met een reden."
            }
        )
    huishouden_vergrendelen(melding.betrokkenen.values_list("persoon_id", flat=True))
    bestaand = open_casus_van_huishouden(melding)
    if bestaand is not None:
        raise ValidationError(
            f"Dit huishouden heeft al een open casus ({bestaand.nummer}, regisseur {bestaand.casusregisseur}): "
            "1 huishouden, 1 plan, 1 regisseur."
        )
    organisatie = organisatie or (casusregisseur.organisatie if casusregisseur else None)
    if organisatie is None:
        raise ValidationError({"casusregisseur": "Kies een casusregisseur of ten minste een organisatie."})
    with acting_as(door, reason=reden_boven_maximum.strip() or None):
        melding_toewijzen(door=door, melding=melding)
        # A casus begins with its first plan in draft (casusregie.workflow): one history record, no transition.
        casus = Casus.objects.create(
            melding=melding,
            status=CASUS_BEGIN,
            casusregisseur=casusregisseur,
            organisatie=organisatie,
            toegewezen_op=datum,
            gemeente_id=melding.gemeente_id,  # where the household lives: the melding's gemeente
        )
        if casusregisseur is not None:
            permissions.grant(
                casus, casusregisseur, permissions.REGISSEUR, door=door, reden="toegewezen als casusregisseur"
            )
        Plan.objects.create(casus=casus, versie=1, opgesteld_door=casusregisseur or door)
    return casus


@transaction.atomic
def casus_overdragen(*, door, casus: Casus, nieuwe_regisseur, reden: str) -> Casus:
    """Transfer to another casusregisseur: the rights move with it, at the same moment."""
    CASUS.lock(casus)
    rechten.vereist(door, "overdragen", casus)
    if not permissions.mag_casusrecht_houden(nieuwe_regisseur):
        raise ValidationError({"nieuwe_regisseur": f"{nieuwe_regisseur} is geen casusregisseur."})
    if nieuwe_regisseur == casus.casusregisseur:
        raise ValidationError({"nieuwe_regisseur": "Dit is al de casusregisseur."})
    if not reden.strip():
        raise ValidationError({"reden": "Geef de reden van de overdracht."})
    with acting_as(door, reason=reden):
        oud = casus.casusregisseur
        if oud is not None:
            permissions.revoke(casus, oud, permissions.REGISSEUR, door=door, reden=f"overgedragen: {reden}")
        # A betrokkene who becomes regisseur is no longer betrokkene: ending that betrokkenheid later would
        # otherwise revoke the rights the regisseur needs.
        for betrokkene in casus.betrokken_professionals.filter(
            professional=nieuwe_regisseur, beeindigd_op__isnull=True
        ):
            _betrokkene_beeindigen(betrokkene, door=door, reden=f"wordt casusregisseur: {reden}")
        permissions.grant(casus, nieuwe_regisseur, permissions.REGISSEUR, door=door, reden=f"overgenomen: {reden}")
        casus.casusregisseur, casus.organisatie = nieuwe_regisseur, nieuwe_regisseur.organisatie
        casus.save()
    return casus


# --- betrokken professionals ---------------------------------------------------------------------------------


@transaction.atomic
def betrokkene_toevoegen(
    *, door, casus: Casus, professional, rol: str, grondslag: str, einddatum: date | None = None, mag_wijzigen=False
) -> CasusBetrokkene:
    rechten.vereist(door, "betrokkenen", casus)
    CASUS.lock(casus)
    if professional == casus.casusregisseur:
        raise ValidationError({"professional": "De casusregisseur is al betrokken."})
    if professional.organisatie is None or not permissions.mag_casusrecht_houden(professional):
        raise ValidationError(
            {
                "professional": "Alleen actieve medewerkers van een partnerorganisatie met casuswerk "
                "(casusregisseur) kunnen betrokken worden."
            }
        )
    if casus.betrokken_professionals.filter(professional=professional, beeindigd_op__isnull=True).exists():
        raise ValidationError({"professional": f"{professional} is al betrokken."})
    if grondslag not in CasusBetrokkene.Grondslag.values:
        raise ValidationError({"grondslag": "Leg de grondslag voor het delen van gegevens vast."})
    if einddatum is not None and einddatum < timezone.localdate():
        raise ValidationError({"einddatum": "De einddatum ligt in het verleden."})
    with acting_as(door):
        betrokkene = CasusBetrokkene.objects.create(
            casus=casus,
            professional=professional,
            rol=rol.strip(),
            grondslag=grondslag,
            einddatum=einddatum,
            mag_wijzigen=mag_wijzigen,
            toegevoegd_door=door,
        )
        perms = permissions.LEZEN_EN_SCHRIJVEN if mag_wijzigen else permissions.LEZEN
        permissions.grant(
            casus, professional, perms, door=door, reden=f"betrokken als {rol} ({betrokkene.get_grondslag_display()})"
        )
    return betrokkene


@transaction.atomic
def betrokkene_verwijderen(*, door, betrokkene: CasusBetrokkene, reden: str) -> CasusBetrokkene:
    casus = betrokkene.casus
    rechten.vereist(door, "betrokkenen", casus)
    BETROKKENE.lock(betrokkene)
    return _betrokkene_beeindigen(betrokkene, door=door, reden=reden or "verwijderd")


def _betrokkene_beeindigen(betrokkene, *, door, reden):
    if not betrokkene.actief:
        raise ValidationError("Deze betrokkenheid is al beëindigd.")
    with acting_as(door, reason=reden):
        betrokkene.beeindigd_op = timezone.now()
        betrokkene.save()
        permissions.revoke(
            betrokkene.casus, betrokkene.professional, permissions.LEZEN_EN_SCHRIJVEN, door=door, reden=reden
        )
    return betrokkene


@transaction.atomic
def casusrechten_intrekken(*, door, gebruiker, reden: str) -> int:
    """Take every per-casus grant from an account whose role is no longer casus work (a role change):
    betrokkenheden end, other grants (a closed casus's read term) are revoked. Refused while the account
    still directs an open casus: transfer those first. Returns the number of casussen."""
    from .models import CasusUserObjectPermission

    open_regie = Casus.objects.filter(casusregisseur=gebruiker).exclude(status=Casus.Status.AFGESLOTEN).count()
    if open_regie:
        raise ValidationError(
            {"rol": f"{gebruiker} is casusregisseur van {open_regie} open casus(sen); draag die eerst over."}
        )
    for betrokkene in CasusBetrokkene.objects.filter(professional=gebruiker, beeindigd_op__isnull=True).select_related(
        "casus"
    ):
        _betrokkene_beeindigen(betrokkene, door=door, reden=reden)
    rechten = {}
    over = CasusUserObjectPermission.objects.filter(user=gebruiker).select_related("permission", "content_object")
    # read access for an open question to the user's expert team is not tied to the role: it ends with the answer
    over = over.exclude(content_object__in=permissions.open_expertvragen(gebruiker).values("casus_id"))
    for recht in over:
        rechten.setdefault(recht.content_object, []).append(recht.permission.codename)
    with acting_as(door, reason=reden):
        for casus, codenames in rechten.items():
            permissions.revoke(casus, gebruiker, tuple(sorted(codenames)), door=door, reden=reden)
    return len(rechten)


# --- plan van aanpak -----------------------------------------------------------------------------------------


def _plan_for_update(plan, lock_version, door):
    """Lock the plan row (and its casus) and refuse if someone saved it since `lock_version` was read or it is
    no longer a draft of an open casus."""
    locked = PLAN.lock(plan)
    rechten.vereist(door, "plan_bewerken", plan)
    if locked.lock_version != lock_version:
        raise StalePlan(
            "Het plan is intussen door iemand anders gewijzigd. Uw wijziging is niet opgeslagen: laad het plan "
            "opnieuw en voer uw wijziging nog eens in."
        )
    return locked


def _bump(plan):
    plan.lock_version += 1
    plan.save()


@transaction.atomic
def plan_opslaan(
    *,
    door,
    plan: Plan,
    lock_version: int,
    samenvatting: str,
    afspraken: str,
    evaluatie_op=None,
    eigen_mogelijkheden: str | None = None,
    sociaal_netwerk: str | None = None,
    akkoord_client: str | None = None,
    akkoord_op: date | None = None,
) -> Plan:
    """Save the text of the draft. The household's own part and the client's agreement (seed 003: "eigen
    mogelijkheden; sociaal netwerk", "de burger is de eigenaar van dit plan") are left as they are when not
    given (None). A 'ja' or 'nee' needs the date it was asked; 'niet gevraagd' or nothing has no date."""
    if akkoord_client is not None:
        if akkoord_client not in ("", *AkkoordClient.values):
            raise ValidationError({"akkoord_client": "Onbekend antwoord."})
        if akkoord_client in (AkkoordClient.JA, AkkoordClient.NEE):
            if akkoord_op is None:
                raise ValidationError({"akkoord_op": "Vul in wanneer de cliënt dit antwoord gaf."})
            if akkoord_op > timezone.localdate():
                raise ValidationError({"akkoord_op": "Deze datum ligt in de toekomst."})
        else:
            akkoord_op = None
    with acting_as(door):
        plan = _plan_for_update(plan, lock_version, door)
        plan.samenvatting, plan.afspraken, plan.evaluatie_op = samenvatting.strip(), afspraken.strip(), evaluatie_op
        if eigen_mogelijkheden is not None:
            plan.eigen_mogelijkheden = eigen_mogelijkheden.strip()
        if sociaal_netwerk is not None:
            plan.sociaal_netwerk = sociaal_netwerk.strip()
        if akkoord_client is not None:
            plan.akkoord_client, plan.akkoord_op = akkoord_client, akkoord_op
        _bump(plan)
    return plan


@transaction.atomic
def doel_toevoegen(*, door, plan: Plan, lock_version: int, leefgebied: str, omschrijving: str) -> PlanDoel:
    _check_doel(omschrijving)
    with acting_as(door):
        plan = _plan_for_update(plan, lock_version, door)
        doel = PlanDoel.objects.create(plan=plan, leefgebied=leefgebied, omschrijving=omschrijving.strip())
        _bump(plan)
    return doel


def _check_doel(omschrijving):
    if not omschrijving.strip():
        raise ValidationError({"omschrijving": "Beschrijf het doel."})


def _check_actie(plan, omschrijving, doel, personen):
    if not omschrijving.strip():
        raise ValidationError({"omschrijving": "Beschrijf de actie."})
    if doel is not None and doel.plan_id != plan.pk:
        raise ValidationError({"doel": "Dit doel hoort niet bij dit plan."})
    huishouden = set(plan.casus.melding.betrokkenen.values_list("persoon_id", flat=True))
    if any(p.pk not in huishouden for p in personen):
        raise ValidationError({"personen": "Een actie gaat over leden van dit huishouden."})


@transaction.atomic
def actie_toevoegen(
    *,
    door,
    plan: Plan,
    lock_version: int,
    omschrijving: str,
    eigenaar,
    deadline: date,
    doel=None,
    personen=(),
    uitvoerder_naam: str = "",
) -> PlanActie:
    _check_actie(plan, omschrijving, doel, personen)
    with acting_as(door):
        plan = _plan_for_update(plan, lock_version, door)
        actie = PlanActie.objects.create(
            plan=plan,
            doel=doel,
            omschrijving=omschrijving.strip(),
            eigenaar=eigenaar,
            uitvoerder_naam=uitvoerder_naam.strip(),
            deadline=deadline,
        )
        actie.personen.set(personen)
        _bump(plan)
    return actie


# Goals and actions can be changed and removed while the plan is a draft (concept, also after the MDO sent it
# back), under the plan's optimistic lock; once submitted, _plan_for_update refuses (casusregie.workflow.PLAN).
# Every change and removal is a history record of the goal or action, with the acting user.


@transaction.atomic
def doel_wijzigen(*, door, doel: PlanDoel, lock_version: int, leefgebied: str, omschrijving: str) -> PlanDoel:
    _check_doel(omschrijving)
    with acting_as(door):
        plan = _plan_for_update(doel.plan, lock_version, door)
        doel = PlanDoel.objects.get(pk=doel.pk, plan=plan)
        doel.leefgebied, doel.omschrijving = leefgebied, omschrijving.strip()
        doel.full_clean(exclude=["plan"])
        doel.save()
        _bump(plan)
    return doel


@transaction.atomic
def doel_verwijderen(*, door, doel: PlanDoel, lock_version: int) -> None:
    """Remove a goal from the draft; its actions stay in the plan, no longer tied to a goal."""
    with acting_as(door):
        plan = _plan_for_update(doel.plan, lock_version, door)
        doel = PlanDoel.objects.get(pk=doel.pk, plan=plan)
        for actie in doel.acties.all():  # one history record per action that loses its goal
            actie.doel = None
            actie.save()
        doel.delete()
        _bump(plan)


@transaction.atomic
def actie_wijzigen(
    *,
    door,
    actie: PlanActie,
    lock_version: int,
    omschrijving: str,
    eigenaar,
    deadline: date,
    doel=None,
    personen=(),
    uitvoerder_naam: str = "",
) -> PlanActie:
    _check_actie(actie.plan, omschrijving, doel, personen)
    with acting_as(door):
        plan = _plan_for_update(actie.plan, lock_version, door)
        actie = PlanActie.objects.get(pk=actie.pk, plan=plan)
        actie.omschrijving, actie.eigenaar, actie.deadline = omschrijving.strip(), eigenaar, deadline
        actie.doel, actie.uitvoerder_naam = doel, uitvoerder_naam.strip()
        actie.save()
        actie.personen.set(personen)
        _bump(plan)
    return actie


@transaction.atomic
def actie_verwijderen(*, door, actie: PlanActie, lock_version: int) -> None:
    with acting_as(door):
        plan = _plan_for_update(actie.plan, lock_version, door)
        PlanActie.objects.get(pk=actie.pk, plan=plan).delete()
        _bump(plan)


@transaction.atomic
def doel_resultaat_vastleggen(*, door, doel: PlanDoel, resultaat: str, datum: date | None = None) -> PlanDoel:
    """The casusregisseur records at evaluation what a goal of the plan in force achieved (seed 001: "De
    resultaten van de aanpak worden bijgehouden"): behaald, deels or niet behaald; '' takes a result back
    (still running). Only on a vastgesteld plan of an open casus (casusregie.workflow.PLAN, action
    "resultaat"). The jaarmonitor counts a result in the year of `resultaat_op`."""
    plan = PLAN.lock(doel.plan, "resultaat")
    rechten.vereist(door, "doel_resultaat", plan)
    if resultaat not in ("", *DoelResultaat.values):
        raise ValidationError({"resultaat": "Kies behaald, deels behaald of niet behaald."})
    datum = datum or timezone.localdate()
    if datum > timezone.localdate():
        raise ValidationError({"datum": "Deze datum ligt in de toekomst."})
    with acting_as(door):
        doel = PlanDoel.objects.get(pk=doel.pk, plan=plan)
        doel.resultaat = resultaat
        doel.resultaat_op = datum if resultaat else None
        doel.save()
    return doel


@transaction.atomic
def actie_status_wijzigen(*, door, actie: PlanActie, status: str) -> PlanActie:
    """Progress of an action of the plan in force (or the draft); does not need a new plan version."""
    PLAN.lock(actie.plan, "voortgang")
    rechten.vereist(door, "actie_voortgang", actie.plan)
    if status not in PlanActie.Status.values:
        raise ValidationError({"status": "Onbekende status."})
    if status == PlanActie.Status.OVERGEDRAGEN or actie.status == PlanActie.Status.OVERGEDRAGEN:
        raise ValidationError(
            {"status": "Een actie draagt u over met de organisatie die haar overneemt (Overdragen aan)."}
        )
    with acting_as(door):
        actie.status = status
        actie.save()
    return actie


@transaction.atomic
def actie_overdragen(*, door, actie: PlanActie, organisatie) -> PlanActie:
    """Hand an open or running action over to a named organisation: it goes on there as regular care, so it no
    longer holds up closing the casus ("we laten een casus pas los als alles geregeld is")."""
    rechten.vereist(door, "actie_overdragen", actie)
    if organisatie is None:
        raise ValidationError({"organisatie": "Noem de organisatie die deze actie overneemt."})
    with acting_as(door, reason=f"actie overgedragen aan {organisatie}"):
        transition(actie, "overdragen", door=door, workflow=ACTIE_WORKFLOW, overgedragen_aan=organisatie)
    return actie


@transaction.atomic
def plan_indienen(*, door, plan: Plan, lock_version: int) -> Plan:
    """The casusregisseur submits the draft to the MDO; it lands on the next MDO agenda (mdo receives
    hooks.plan_ingediend)."""
    with acting_as(door):
        plan = _plan_for_update(plan, lock_version, door)
        if not plan.doelen.exists() or not plan.acties.exists():
            raise ValidationError("Een plan heeft ten minste één doel en één actie voordat het naar het MDO gaat.")
        transition(plan, "indienen", door=door, ingediend_op=timezone.localdate(), lock_version=plan.lock_version + 1)
        hooks.plan_ingediend.send(sender=Plan, door=door, plan=plan)
    return plan


@transaction.atomic
def plan_vaststellen(*, door, plan: Plan, datum: date | None = None) -> Plan:
    """The MDO approves the plan: it is in force, the previous version is kept as 'vervangen'."""
    datum = datum or timezone.localdate()
    PLAN_WORKFLOW.lock(plan, "vaststellen", door=door)
    with acting_as(door):
        transition(plan, "vaststellen", door=door, vastgesteld_op=datum, lock_version=plan.lock_version + 1)
        for oud in plan.casus.plannen.filter(status=Plan.Status.VASTGESTELD).exclude(pk=plan.pk):
            transition(oud, "vervangen", door=door)
        casus = plan.casus
        eerste = {"plan_vastgesteld_op": casus.plan_vastgesteld_op or datum}
        if casus.status != Casus.Status.OPGESCHAALD:
            transition(casus, "plan_vaststellen", door=door, **eerste)  # one history record
        elif casus.plan_vastgesteld_op is None:
            casus.plan_vastgesteld_op = datum
            casus.save()
    return plan


@transaction.atomic
def plan_terugsturen(*, door, plan: Plan, reden: str) -> Plan:
    PLAN_WORKFLOW.lock(plan, "terugsturen", door=door)
    if not reden.strip():
        raise ValidationError({"reden": "Geef aan wat er aan het plan moet veranderen."})
    with acting_as(door, reason=reden):
        transition(
            plan, "terugsturen", door=door, teruggestuurd_reden=reden.strip(), lock_version=plan.lock_version + 1
        )
    return plan


@transaction.atomic
def nieuwe_planversie(*, door, casus: Casus) -> Plan:
    """Draft a new version from the plan in force: goals and actions are copied; the old one stays readable."""
    CASUS.lock(casus)
    rechten.vereist(door, "wijzigen", casus)
    if casus.plannen.filter(status__in=[Plan.Status.CONCEPT, Plan.Status.INGEDIEND]).exists():
        raise ValidationError("Er is al een conceptversie van het plan.")
    huidig = casus.plannen.filter(status=Plan.Status.VASTGESTELD).first()
    if huidig is None:
        raise ValidationError("Er is nog geen vastgesteld plan.")
    with acting_as(door):
        nieuw = Plan.objects.create(
            casus=casus,
            versie=huidig.versie + 1,
            opgesteld_door=door,
            samenvatting=huidig.samenvatting,
            afspraken=huidig.afspraken,
            evaluatie_op=huidig.evaluatie_op,
            eigen_mogelijkheden=huidig.eigen_mogelijkheden,
            sociaal_netwerk=huidig.sociaal_netwerk,
            # the client's agreement is asked again for the new version; goal results start empty
        )
        doelen = {}
        for doel in huidig.doelen.all():
            doelen[doel.pk] = PlanDoel.objects.create(
                plan=nieuw, leefgebied=doel.leefgebied, omschrijving=doel.omschrijving
            )
        for actie in huidig.acties.prefetch_related("personen"):
            kopie = PlanActie.objects.create(
                plan=nieuw,
                doel=doelen.get(actie.doel_id),
                omschrijving=actie.omschrijving,
                eigenaar=actie.eigenaar,
                uitvoerder_naam=actie.uitvoerder_naam,
                deadline=actie.deadline,
                status=actie.status,
            )
            kopie.personen.set(actie.personen.all())
    return nieuw


# --- journaal, wachtlijsten ---------------------------------------------------------------------------------


def _grants(door, actie):
    """The per-casus grants of `actie` as annotations of the casus lock (one statement for lock and grant)."""
    perms = [p for p in rechten.RECHTEN[actie].permissions if isinstance(p, str) and p.startswith("casusregie.")]
    return grants_bij_vergrendeling(door, perms)


@transaction.atomic
def journaal_toevoegen(*, door, casus: Casus, tekst: str) -> JournaalRegel:
    CASUS.lock(casus, annotate=_grants(door, "wijzigen"))
    rechten.vereist(door, "wijzigen", casus)
    if not tekst.strip():
        raise ValidationError({"tekst": "Schrijf een journaalregel."})
    with acting_as(door):
        return JournaalRegel.objects.create(casus=casus, auteur=door, tekst=tekst.strip())


@transaction.atomic
def wachtlijst_melden(*, door, casus: Casus, organisatie, voorziening: str, sinds: date) -> Wachtlijst:
    CASUS.lock(casus)
    rechten.vereist(door, "wijzigen", casus)
    with acting_as(door):
        return Wachtlijst.objects.create(
            casus=casus, organisatie=organisatie, voorziening=voorziening.strip(), sinds=sinds, gemeld_door=door
        )


@transaction.atomic
def wachtlijst_opgelost(*, door, wachtlijst: Wachtlijst, datum: date | None = None, uitkomst: str = "") -> Wachtlijst:
    """Solved on `datum` with `uitkomst` (Wachtlijst.Uitkomst; the web form requires it: casusregie.correcties).
    From then on the dashboard and the stagnation signals no longer count it."""
    WACHTLIJST.lock(wachtlijst)
    rechten.vereist(door, "wijzigen", wachtlijst.casus)
    datum = datum or timezone.localdate()
    if uitkomst and uitkomst not in Wachtlijst.Uitkomst.values:
        raise ValidationError({"uitkomst": "Kies de uitkomst van de wachtlijst."})
    if datum < wachtlijst.sinds or datum > timezone.localdate():
        raise ValidationError({"datum": "De datum ligt voor het begin van de wachtlijst of in de toekomst."})
    with acting_as(door):
        wachtlijst.opgelost_op, wachtlijst.uitkomst = datum, uitkomst
        wachtlijst.save()
    return wachtlijst


# --- escalation ------------------------------------------------------------------------------------------------


def _niveau_vastzetten(niveau):
    """The level an escalation goes to, locked (FOR NO KEY UPDATE) and read again: a beheerder deactivating it at
    this moment (casusregie.referentie.escalatieniveau_deactiveren locks the active levels) is served before this
    (then it is seen inactive here) or after it (then it sees this escalation waiting and refuses). The foreign key
    alone does not lock it in time: Django's constraints are checked at the commit."""
    return EscalatieNiveau.objects.select_for_update(no_key=True).get(pk=niveau.pk)


@transaction.atomic
def casus_escaleren(*, door, casus: Casus, reden: str, vraag: str, datum: date | None = None) -> Escalatie:
    """The casusregisseur escalates; `reden` is the code of an active kind of escalation (EscalatieSoort), which
    says at which level of the ladder it starts (AVE: a legal blockade may start above the procesmanager)."""
    CASUS.lock(casus)
    rechten.vereist(door, "escaleren", casus)
    if casus.escalaties.filter(status__in=[Escalatie.Status.OPEN, Escalatie.Status.BEANTWOORD]).exists():
        raise ValidationError("Deze casus is al opgeschaald.")
    soort = EscalatieSoort.objects.filter(code=reden, actief=True).select_related("start_niveau").first()
    if soort is None:
        raise ValidationError({"reden": "Kies de soort escalatie."})
    if not vraag.strip():
        raise ValidationError({"vraag": "Formuleer de vraag aan het volgende niveau."})
    niveau = soort.startniveau(casus.gemeente_id)  # the ladder of the gemeente where the household lives now
    if niveau is None:
        raise ValidationError({"reden": "Er is geen actief escalatieniveau; neem contact op met functioneel beheer."})
    niveau = _niveau_vastzetten(niveau)
    if not niveau.actief or not niveau.geldt_voor_gemeente(casus.gemeente_id):
        raise ValidationError({"reden": "Dit escalatieniveau is zojuist gewijzigd; probeer het opnieuw."})
    datum = datum or timezone.localdate()
    with acting_as(door, reason=f"escalatie: {soort.naam}"):
        transition(casus, "escaleren", door=door)
        escalatie = Escalatie.objects.create(
            casus=casus,
            niveau=niveau,
            reden=soort,
            vraag=vraag.strip(),
            gestart_door=door,
            gestart_op=datum,
            niveau_sinds=datum,
            gemeente_id=casus.gemeente_id,  # the ladder of the gemeente where the household lives now
        )
        EscalatieStap.objects.create(
            escalatie=escalatie,
            soort=EscalatieStap.Soort.OPGESCHAALD,
            niveau=niveau,
            datum=datum,
            door=door,
            toelichting=vraag.strip(),
        )
    return escalatie


@transaction.atomic
def escalatie_opschalen(*, door, escalatie: Escalatie, naar: EscalatieNiveau, toelichting: str) -> Escalatie:
    """The current level passes the escalation up the ladder of the escalation's gemeente (levels may be skipped;
    levels that do not hold for that gemeente are not on its ladder). At the top of that ladder it is refused."""
    ESCALATIE_WORKFLOW.lock(escalatie, "opschalen", door=door)
    gemeente = escalatie.gemeente
    top = escalatie.niveau.top_fout(gemeente)
    if top:
        raise ValidationError({"naar": top})
    naar = _niveau_vastzetten(naar)
    if not naar.actief or naar.volgorde <= escalatie.niveau.volgorde:
        raise ValidationError({"naar": "Kies een hoger niveau."})
    if not naar.geldt_voor_gemeente(gemeente):
        raise ValidationError(
            {"naar": f"{naar} hoort niet bij de escalatieladder van {gemeente}; kies een hoger niveau van die ladder."}
        )
    if not toelichting.strip():
        raise ValidationError({"toelichting": "Licht toe wat het volgende niveau moet besluiten."})
    with acting_as(door, reason=f"opgeschaald naar {naar}"):
        transition(escalatie, "opschalen", door=door, niveau=naar, niveau_sinds=timezone.localdate())
        EscalatieStap.objects.create(
            escalatie=escalatie,
            soort=EscalatieStap.Soort.OPGESCHAALD,
            niveau=naar,
            datum=timezone.localdate(),
            door=door,
            toelichting=toelichting.strip(),
        )
    return escalatie


@transaction.atomic
def escalatie_beantwoorden(*, door, escalatie: Escalatie, antwoord: str, besluit: str) -> Escalatie:
    ESCALATIE_WORKFLOW.lock(escalatie, "beantwoorden", door=door)
    if not antwoord.strip() or not besluit.strip():
        raise ValidationError({"antwoord": "Geef een antwoord en een besluit."})
    with acting_as(door, reason="escalatie beantwoord"):
        transition(escalatie, "beantwoorden", door=door, antwoord=antwoord.strip(), besluit=besluit.strip())
        EscalatieStap.objects.create(
            escalatie=escalatie,
            soort=EscalatieStap.Soort.BEANTWOORD,
            niveau=escalatie.niveau,
            datum=timezone.localdate(),
            door=door,
            toelichting=f"{antwoord.strip()}\nBesluit: {besluit.strip()}",
        )
    return escalatie


MAATWERKBUDGET_GRENS = Decimal(100_000_000)


@transaction.atomic
def doorbraak_vastleggen(
    *, door, escalatie: Escalatie, maatwerkbudget, legitimiteit: str, betrokkenheid: str, rendement: str
) -> Escalatie:
    """A doorbraak with maatwerkbudget, justified on legitimiteit, betrokkenheid and rendement."""
    ESCALATIE.lock(escalatie)
    rechten.vereist(door, "behandelen", escalatie)
    errors = {
        veld: "Verplicht voor een doorbraak."
        for veld, waarde in (("legitimiteit", legitimiteit), ("betrokkenheid", betrokkenheid), ("rendement", rendement))
        if not (waarde or "").strip()
    }
    if maatwerkbudget is None or maatwerkbudget < 0:
        errors["maatwerkbudget"] = "Vul het maatwerkbudget in (0 of meer)."
    elif maatwerkbudget >= MAATWERKBUDGET_GRENS:  # the column holds 10 digits, 2 after the comma
        errors["maatwerkbudget"] = f"Het maatwerkbudget moet kleiner zijn dan {bedrag(MAATWERKBUDGET_GRENS)}."
    if errors:
        raise ValidationError(errors)
    with acting_as(door, reason="doorbraak"):
        escalatie.maatwerkbudget = maatwerkbudget
        escalatie.legitimiteit, escalatie.betrokkenheid, escalatie.rendement = (
            legitimiteit.strip(),
            betrokkenheid.strip(),
            rendement.strip(),
        )
        escalatie.save()
        EscalatieStap.objects.create(
            escalatie=escalatie,
            soort=EscalatieStap.Soort.DOORBRAAK,
            niveau=escalatie.niveau,
            datum=timezone.localdate(),
            door=door,
            toelichting=f"Maatwerkbudget {bedrag(maatwerkbudget)}",
        )
    gebeurd("casusregie.escalatie.doorbraak", escalatie, door=door)
    return escalatie


@transaction.atomic
def escalatie_deescaleren(*, door, escalatie: Escalatie, toelichting: str) -> Escalatie:
    """Close the escalation: the casus goes back to the casusregisseur."""
    with acting_as(door, reason="gedeëscaleerd"):
        transition(escalatie, "deescaleren", door=door, gesloten_op=timezone.localdate())
        casus = escalatie.casus
        EscalatieStap.objects.create(
            escalatie=escalatie,
            soort=EscalatieStap.Soort.GEDEESCALEERD,
            niveau=escalatie.niveau,
            datum=timezone.localdate(),
            door=door,
            toelichting=toelichting.strip(),
        )
        terug = "deescaleren_naar_uitvoering" if casus.plan_vastgesteld_op else "deescaleren_naar_opstelling"
        transition(casus, terug, door=door)
    return escalatie


def antwoorden_gelezen(*, door, casus: Casus, escalatie: Escalatie | None = None) -> int:
    """The casusregisseur of `casus` opened its dossier (or one `escalatie` of it): every answer shown there
    counts as read and leaves their home page. For anyone else this records nothing. Returns how many were new.

    Called on opening a page, so it must never fail the page: a second, concurrent opening finds the receipt
    there already (ignore_conflicts on the unique pair) and adds nothing."""
    if casus.casusregisseur_id is None or door.pk != casus.casusregisseur_id:
        return 0
    stappen = EscalatieStap.objects.filter(escalatie__casus=casus, soort__in=ANTWOORD_SOORTEN).exclude(
        gelezen__gebruiker=door
    )
    if escalatie is not None:
        stappen = stappen.filter(escalatie=escalatie)
    nieuw = [AntwoordGelezen(stap_id=pk, gebruiker=door) for pk in stappen.values_list("pk", flat=True)]
    if nieuw:
        with transaction.atomic():
            AntwoordGelezen.objects.bulk_create(nieuw, ignore_conflicts=True)
    return len(nieuw)


# --- closing ------------------------------------------------------------------------------------------------


def _sluiten(casus, naam, *, door, reden, datum, afsluiting, overgedragen_aan=None, toelichting="", motivering=""):
    """Close the locked casus through transition `naam`: betrokkenen lose access at once, the casusregisseur
    keeps read access for BZT_LEESRECHT_NA_AFSLUITEN_DAGEN days, and the nazorg check is set
    BZT_NAZORG_MAANDEN months on (for the former casusregisseur)."""
    with acting_as(door, reason=f"afgesloten: {reden}"):
        transition(
            casus,
            naam,
            door=door,
            afgesloten_op=datum,
            afsluitreden=reden,
            afsluit_toelichting=toelichting.strip(),
            overgedragen_aan=overgedragen_aan if reden.vraagt_organisatie else None,
            leesrecht_regisseur_tot=datum + timedelta(days=instellingen.waarde("BZT_LEESRECHT_NA_AFSLUITEN_DAGEN")),
            afsluiting=afsluiting,
            afgesloten_door=door,
            afsluit_motivering=motivering.strip(),
        )
        for betrokkene in casus.betrokken_professionals.filter(beeindigd_op__isnull=True):
            _betrokkene_beeindigen(betrokkene, door=door, reden="casus afgesloten")
        if casus.casusregisseur is not None:
            permissions.revoke(
                casus,
                casus.casusregisseur,
                ("change_casus", "escaleren_casus", "beheren_betrokkenen"),
                door=door,
                reden=f"casus afgesloten; lezen tot {casus.leesrecht_regisseur_tot:%d-%m-%Y}",
            )
        Nazorg.objects.create(
            casus=casus,
            op=maanden_later(datum, instellingen.waarde("BZT_NAZORG_MAANDEN")),
            regisseur=casus.casusregisseur,
        )
    return casus


def maanden_later(datum: date, maanden: int) -> date:
    """The same day `maanden` months on (the last day of a shorter month: 31 January + 1 = 28/29 February)."""
    import calendar

    jaar, maand = divmod(datum.month - 1 + maanden, 12)
    jaar, maand = datum.year + jaar, maand + 1
    return date(jaar, maand, min(datum.day, calendar.monthrange(jaar, maand)[1]))


def _afsluitdatum(casus, datum):
    datum = datum or timezone.localdate()
    if datum < casus.toegewezen_op or datum > timezone.localdate():
        raise ValidationError({"datum": "De afsluitdatum ligt voor de toewijzing of in de toekomst."})
    return datum


def _reden_gedeactiveerd(reden):
    """A reason functioneel beheer deactivated is chosen on no path (casusregie.referentie). The row is locked like
    an escalation's level (_niveau_vastzetten): a deactivation at this moment is served before or after, never
    between the check and the closing."""
    if list(AfsluitReden.objects.select_for_update(no_key=True).filter(pk=reden.pk, actief=True).values("pk")):
        return {}
    return {"reden": [f"De afsluitreden ‘{reden}’ is gedeactiveerd; kies een andere reden."]}


@transaction.atomic
def casus_afsluiten(
    *, door, casus: Casus, reden: AfsluitReden, overgedragen_aan=None, toelichting: str = "", datum: date | None = None
) -> Casus:
    """The casusregisseur closes only when everything is arranged ("we laten een casus pas los als alles geregeld
    is"): a vastgesteld plan whose actions are all done or handed over to a named organisation, no open waiting
    list, no open escalation, and the organisation that takes over when regular care goes on. Refused with every
    condition that is not met (selectors.afsluitvoorwaarden), read after the casus is locked: a waiting list
    reported at the same moment either comes first (and is listed) or finds the casus closed."""
    rechten.vereist(door, "afsluiten", casus)
    CASUS.lock(casus)
    ontbreekt = afsluitvoorwaarden(casus)
    fouten = {}
    if ontbreekt:
        fouten[NON_FIELD_ERRORS] = ontbreekt
    fouten.update(_reden_gedeactiveerd(reden))
    if reden.vraagt_organisatie and overgedragen_aan is None:
        fouten["overgedragen_aan"] = [f"Geef aan welke organisatie de zorg overneemt (reden ‘{reden}’)."]
    try:
        datum = _afsluitdatum(casus, datum)
    except ValidationError as error:
        fouten.update(error.message_dict)
    if fouten:
        raise ValidationError(fouten)
    return _sluiten(
        casus,
        "afsluiten",
        door=door,
        reden=reden,
        datum=datum,
        afsluiting=Casus.Afsluiting.REGIE,
        overgedragen_aan=overgedragen_aan,
        toelichting=toelichting,
    )


@transaction.atomic
def casus_afsluiten_door_procesmanager(
    *, door, casus: Casus, reden: AfsluitReden, motivering: str, toelichting: str = "", datum: date | None = None
) -> Casus:
    """The procesmanager closes a casus that cannot go on (a reason marked casus_kan_niet_verder: overleden,
    verhuisd, zorgmijding), with a written reason, even when not everything is arranged. Recorded on the casus
    (who, why), shown in the dossier and counted in the jaarmonitor."""
    rechten.vereist(door, "afsluiten_procesmanager", casus)
    CASUS_WORKFLOW.lock(casus, "afsluiten_door_procesmanager", door=door)
    fouten = _reden_gedeactiveerd(reden)
    if not reden.casus_kan_niet_verder:
        toegestaan = ", ".join(str(r) for r in AfsluitReden.objects.filter(actief=True, casus_kan_niet_verder=True))
        fouten["reden"] = [
            f"De procesmanager sluit alleen af als de casus niet verder kan (kies uit: {toegestaan}); "
            "anders sluit de casusregisseur af als alles geregeld is."
        ]
    if not motivering.strip():
        fouten["motivering"] = ["Schrijf waarom de casus niet verder kan en wordt afgesloten."]
    try:
        datum = _afsluitdatum(casus, datum)
    except ValidationError as error:
        fouten.update(error.message_dict)
    if fouten:
        raise ValidationError(fouten)
    return _sluiten(
        casus,
        "afsluiten_door_procesmanager",
        door=door,
        reden=reden,
        datum=datum,
        afsluiting=Casus.Afsluiting.PROCESMANAGER,
        toelichting=toelichting,
        motivering=motivering,
    )


# --- a move of the household (CONTRACT.md § Region, docs/regio.md) ------------------------------------------------


@transaction.atomic
def verhuizen(*, casus: Casus, naar_gemeente, datum: date | None = None, door, reden: str) -> Casus:
    """The household moved to another gemeente of the region: from `datum` the casus belongs to `naar_gemeente`
    (a Gemeente or its CBS code). The move is appended to CasusVerhuizing (the jaarmonitor counts the casus where it
    was on each date). New escalations climb the new gemeente's ladder; an open escalation stays with the gemeente
    that has it (Escalatie.gemeente), to be answered or de-escalated there. A move out of the region is
    `verhuizen_buiten_regio`."""
    rechten.vereist(door, "verhuizen", casus)
    CASUS.lock(casus)
    fouten = {}
    try:
        naar = gemeente_van(naar_gemeente, veld="naar_gemeente") if naar_gemeente else None
    except ValidationError as error:
        fouten.update(error.message_dict)
        naar = None
    if naar is None and not fouten:
        fouten["naar_gemeente"] = ["Kies de gemeente waar het huishouden nu woont."]
    elif naar is not None and naar.pk == casus.gemeente_id:
        fouten["naar_gemeente"] = [f"De casus hoort al bij {naar}."]
    datum = datum or timezone.localdate()
    vorige = casus.verhuizingen.order_by("-datum", "-id").values_list("datum", flat=True).first()
    if datum > timezone.localdate():
        fouten["datum"] = ["Een verhuizing leg je vast als die heeft plaatsgevonden: de datum ligt in de toekomst."]
    elif datum < casus.toegewezen_op or (vorige and datum < vorige):
        fouten["datum"] = ["De verhuisdatum ligt voor de toewijzing of voor de vorige verhuizing van deze casus."]
    if not reden.strip():
        fouten["reden"] = ["Licht de verhuizing toe (bijvoorbeeld het nieuwe adres is bekend bij de regisseur)."]
    if fouten:
        raise ValidationError(fouten)
    with acting_as(door, reason=f"verhuisd naar {naar}"):
        CasusVerhuizing.objects.create(
            casus=casus, van_id=casus.gemeente_id, naar=naar, datum=datum, reden=reden.strip(), door=door
        )
        casus.gemeente = naar
        casus.save(update_fields=["gemeente"])
    return casus


@transaction.atomic
def verhuizen_buiten_regio(
    *, casus: Casus, naar: str, overdracht: str, door, motivering: str = "", datum: date | None = None
) -> Casus:
    """The household moved out of the region: the casus is handed over and closed with afsluitreden `verhuisd`
    through the procesmanager's closing (`casus_afsluiten_door_procesmanager`: the casus cannot go on here), with
    the note for the new gemeente (`overdracht`) as the closing's toelichting."""
    fouten = {}
    if not naar.strip():
        fouten["naar"] = ["Noem de gemeente buiten de regio waar het huishouden nu woont."]
    if not overdracht.strip():
        fouten["overdracht"] = [
            "Schrijf de overdracht voor de nieuwe gemeente: wat loopt er, wie is het aanspreekpunt."
        ]
    reden = AfsluitReden.objects.filter(code="verhuisd").first()
    if reden is None:
        fouten["naar"] = ["De afsluitreden ‘verhuisd’ bestaat niet; neem contact op met functioneel beheer."]
    if fouten:
        raise ValidationError(fouten)
    return casus_afsluiten_door_procesmanager(
        door=door,
        casus=casus,
        reden=reden,
        motivering=motivering.strip() or f"Verhuisd buiten de regio, naar {naar.strip()}.",
        toelichting=f"Overdracht aan {naar.strip()}: {overdracht.strip()}",
        datum=datum,
    )


# --- nazorg -------------------------------------------------------------------------------------------------


@transaction.atomic
def nazorg_vastleggen(*, door, nazorg: Nazorg, uitkomst: str, notitie: str = "") -> Nazorg:
    """Record how it goes with the household after closing ("monitoring … als vormen van nazorg"): stabiel, or
    opnieuw melden (then the meldpunt sees that a new melding is needed and registers it)."""
    NAZORG_WORKFLOW.lock(nazorg, "vastleggen", door=door)
    vandaag = timezone.localdate()
    if nazorg.op > vandaag:
        raise ValidationError(f"De nazorg is pas vanaf {nazorg.op:%d-%m-%Y} aan de orde.")
    if uitkomst not in Nazorg.Uitkomst.values:
        raise ValidationError({"uitkomst": "Kies hoe het gaat: stabiel of opnieuw melden."})
    if uitkomst == Nazorg.Uitkomst.OPNIEUW_MELDEN and not notitie.strip():
        raise ValidationError({"notitie": "Schrijf kort waarom opnieuw melden nodig is: het meldpunt leest dit."})
    with acting_as(door):
        transition(
            nazorg,
            "vastleggen",
            door=door,
            uitkomst=uitkomst,
            notitie=notitie.strip(),
            uitgevoerd_op=vandaag,
            uitgevoerd_door=door,
        )
    return nazorg


@transaction.atomic
def nazorg_gemeld(*, door, nazorg: Nazorg) -> Nazorg:
    """The meldpunt has registered the new melding that the nazorg asked for."""
    NAZORG_WORKFLOW.lock(nazorg, "gemeld", door=door)
    if nazorg.uitkomst != Nazorg.Uitkomst.OPNIEUW_MELDEN:
        raise ValidationError("Voor deze nazorg is geen nieuwe melding gevraagd.")
    with acting_as(door):
        transition(nazorg, "gemeld", door=door)
    return nazorg


@transaction.atomic
def verlopen_toegang_intrekken(*, door, vandaag: date | None = None) -> int:
    """End betrokkenheden past their end date and the regisseur's read access past its term. Idempotent.

    Tidying only: access already ends at that moment (selectors.casusrecht_geldig is checked per request)."""
    vandaag = vandaag or timezone.localdate()
    count = 0
    for betrokkene in CasusBetrokkene.objects.filter(beeindigd_op__isnull=True, einddatum__lt=vandaag).select_related(
        "casus"
    ):
        _betrokkene_beeindigen(betrokkene, door=door, reden="einddatum betrokkenheid verstreken")
        count += 1
    verlopen = Casus.objects.filter(
        status=Casus.Status.AFGESLOTEN,
        leesrecht_regisseur_tot__lt=vandaag,
        casusregisseur__isnull=False,
        user_permissions__permission__codename="view_casus",
    ).distinct()
    with acting_as(door):
        for casus in verlopen:
            for user in get_user_model().objects.filter(pk__in=casus.user_permissions.values("user_id")):
                permissions.revoke(
                    casus, user, permissions.LEZEN, door=door, reden="leestermijn na afsluiten verstreken"
                )
                count += 1
    return count


# --- noodtoegang (break the glass) ------------------------------------------------------------------------------

NOODTOEGANG_DUUR = timedelta(hours=4)


@transaction.atomic
def noodtoegang_openen(*, door, casus: Casus, reden: str) -> Noodtoegang:
    """Open a casus outside one's rights, read-only, for NOODTOEGANG_DUUR, with a written reason.

    Only for the meldpunt (meldpunt.view_melding) and the procesmanager. No guardian grant: the casus is
    visible through the active Noodtoegang (selectors.casussen_for), every look is logged with grond
    noodtoegang, and the procesmanager reviews the opening (noodtoegang_beoordelen)."""
    from .selectors import actieve_noodtoegangen

    if not (door.has_perm("meldpunt.view_melding") or door.has_perm("casusregie.zien_alle_casussen")):
        raise PermissionDenied("Noodtoegang is alleen voor het meldpunt en de procesmanager.")
    try:
        reden = validators.noodtoegang_reden(reden)
    except ValidationError as error:
        raise ValidationError({"reden": error.messages}) from None
    if door.has_perm("casusregie.view_casus", casus):
        raise ValidationError("U heeft al toegang tot deze casus; noodtoegang is niet nodig.")
    actief = actieve_noodtoegangen(door, casus).first()
    if actief is not None:
        tot = timezone.localtime(actief.verloopt_op)
        raise ValidationError(f"U heeft al noodtoegang tot deze casus, tot {tot:%H:%M}.")
    nu = timezone.now()
    with acting_as(door, reason="noodtoegang"):
        noodtoegang = Noodtoegang.objects.create(
            casus=casus, gebruiker=door, reden=reden, geopend_op=nu, verloopt_op=nu + NOODTOEGANG_DUUR
        )
        CasusToegang.objects.create(
            casus=casus,
            gebruiker=door,
            actie=CasusToegang.Actie.VERLEEND,
            rechten=f"lezen (noodtoegang tot {timezone.localtime(noodtoegang.verloopt_op):%d-%m-%Y %H:%M})",
            reden=reden[:200],
            door=door,
        )
    return noodtoegang


@transaction.atomic
def noodtoegang_beoordelen(*, door, noodtoegang: Noodtoegang, gerechtvaardigd: bool, oordeel: str) -> Noodtoegang:
    """The procesmanager records whether an emergency access was justified. Never one's own."""
    _require(door, "casusregie.beoordelen_noodtoegang")
    noodtoegang = Noodtoegang.objects.select_for_update().get(pk=noodtoegang.pk)
    if noodtoegang.beoordeeld:
        raise ValidationError("Deze noodtoegang is al beoordeeld.")
    if noodtoegang.gebruiker_id == door.pk:
        raise ValidationError("Een eigen noodtoegang beoordeelt een ander.")
    oordeel = (oordeel or "").strip()
    if not oordeel:
        raise ValidationError({"oordeel": "Licht het oordeel toe."})
    with acting_as(door, reason="noodtoegang beoordeeld"):
        noodtoegang.beoordeeld_door, noodtoegang.beoordeeld_op = door, timezone.now()
        noodtoegang.gerechtvaardigd, noodtoegang.oordeel = gerechtvaardigd, oordeel
        noodtoegang.save()
    return noodtoegang


# --- expert-team consultation ----------------------------------------------------------------------------------


def _expert_reden(vraag):
    return f"vraag aan {vraag.team} (expertvraag {vraag.pk})"


@transaction.atomic
def expertvraag_stellen(*, door, casus: Casus, team: ExpertTeam, vraag: str) -> ExpertVraag:
    """The casusregisseur asks an expert team about their casus. Every active member who cannot read the casus
    yet gets read access for this question (permissions.grant, so CasusToegang and the timeline show it)."""
    rechten.vereist(door, "expertvraag_stellen", casus)
    CASUS.lock(casus)
    if not vraag.strip():
        raise ValidationError({"vraag": "Schrijf de vraag aan het expertteam."})
    team = ExpertTeam.objects.get(pk=team.pk)  # not locked: expertteam_opslaan locks the team, then the casus
    if not team.actief:
        raise ValidationError({"team": "Dit expertteam is niet actief; kies een ander team."})
    leden = list(team.leden.filter(is_active=True).order_by("pk"))
    if not leden:
        raise ValidationError({"team": "Dit expertteam heeft (nog) geen leden; vraag functioneel beheer."})
    with acting_as(door):
        expertvraag = ExpertVraag.objects.create(casus=casus, team=team, vraag=vraag.strip(), gesteld_door=door)
        _experttoegang_verlenen(expertvraag, leden, door=door)
    return expertvraag


def _experttoegang_verlenen(vraag, leden, *, door):
    """Read access for the question to each member who cannot read the casus yet (not the regisseur, a
    betrokkene, or a member already reading it for another open question)."""
    for lid in leden:
        if not lid.has_perm("casusregie.view_casus", vraag.casus):
            permissions.grant(vraag.casus, lid, permissions.LEZEN, door=door, reden=_expert_reden(vraag))


@transaction.atomic
def expertteam_opslaan(*, door, naam: str, leden, actief: bool = True, team: ExpertTeam | None = None) -> ExpertTeam:
    """Functioneel beheer configures an expert team (screens: casusregie.referentie, keten.beheer_views).
    Members are active accounts of an organisation. A member who leaves the team, or a team made inactive, loses
    the read access of its open questions at once; a new member of a team with open questions gets it."""
    bzt_rechten.vereist(door, "beheren")  # functioneel beheer (bzt/rechten.py)
    if not naam.strip():
        raise ValidationError({"naam": "Geef het expertteam een naam."})
    leden = list(leden)
    if any(not lid.is_active or lid.organisatie_id is None for lid in leden):
        raise ValidationError({"leden": "Alleen actieve medewerkers van een organisatie kunnen lid zijn."})
    if ExpertTeam.objects.filter(naam__iexact=naam.strip()).exclude(pk=getattr(team, "pk", None)).exists():
        raise ValidationError({"naam": "Er is al een expertteam met deze naam."})
    with acting_as(door):
        if team is None:
            team = ExpertTeam.objects.create(naam=naam.strip(), actief=actief)
        else:
            team = ExpertTeam.objects.select_for_update().get(pk=team.pk)
            team.naam, team.actief = naam.strip(), actief
            team.save()
        team.leden.set(leden)
        for vraag in team.vragen.filter(status=ExpertVraag.Status.OPEN).exclude(casus__status=Casus.Status.AFGESLOTEN):
            CASUS.lock(vraag.casus)
            _experttoegang_intrekken(vraag, door=door, reden=f"{_expert_reden(vraag)}: lidmaatschap of team beëindigd")
            if actief:
                _experttoegang_verlenen(vraag, team.leden.filter(is_active=True).order_by("pk"), door=door)
    return team


@transaction.atomic
def expertvraag_beantwoorden(*, door, vraag: ExpertVraag, antwoord: str) -> ExpertVraag:
    """A member of the team answers; the read access the question gave ends at once for every member who has
    no other reason to read the casus (another open question, betrokkenheid, regie)."""
    rechten.vereist(door, "expertvraag_beantwoorden", vraag)
    if not antwoord.strip():
        raise ValidationError({"antwoord": "Schrijf het antwoord op de vraag."})
    transition(
        vraag,
        "beantwoorden",
        door=door,
        workflow=EXPERTVRAAG_WORKFLOW,
        antwoord=antwoord.strip(),
        beantwoord_door=door,
        beantwoord_op=timezone.now(),
    )
    _experttoegang_intrekken(vraag, door=door)
    return vraag


def _experttoegang_intrekken(vraag, *, door, reden=None):
    """Revoke the read access given for `vraag` where no other reason to read the casus holds."""
    from .models import CasusUserObjectPermission
    from .selectors import casusrecht_geldig, permission_id

    casus = vraag.casus
    verleend = CasusToegang.objects.filter(
        casus=casus, actie=CasusToegang.Actie.VERLEEND, reden=_expert_reden(vraag)
    ).values("gebruiker_id")
    houders = CasusUserObjectPermission.objects.filter(
        content_object=casus, permission_id=permission_id("casusregie.view_casus")
    ).values("user_id")
    kandidaten = (
        get_user_model()
        .objects.filter(pk__in=houders)
        .filter(Q(pk__in=verleend) | Q(pk__in=vraag.team.leden.values("pk")))
    )
    with acting_as(door):
        for lid in kandidaten.order_by("pk"):
            if not casusrecht_geldig(lid, casus):
                codenames = tuple(
                    CasusUserObjectPermission.objects.filter(user=lid, content_object=casus)
                    .order_by("permission__codename")
                    .values_list("permission__codename", flat=True)
                )
                reden = reden or f"{_expert_reden(vraag)} beantwoord"
                permissions.revoke(casus, lid, codenames, door=door, reden=reden)
