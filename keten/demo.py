"""Synthetic casussen for seed_demo: the MDO assigns the demo meldingen and the casussen move on.

Every step goes through the services, acting as the person who would do it (procesmanager, casusregisseur,
coördinerend ambtenaar, wethouder), so history and access are as in real use. Decisions per melding come
from `random.Random(f"{seed}-{extern_id}")` and only meldingen without a casus are handled: a rerun takes
the same decisions for the meldingen it left waiting and creates nothing new.

The services date assignment, plan vaststelling, escalation start and closing in the past (`datum`); the
other steps (journaal, goals, actions, opschalen, antwoord, de-escalatie) happen today.
"""

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from bzt.audit import acting_as
from bzt.auth.services import demo_apparaat_inrichten
from bzt.models import Organisatie, User
from bzt.roles import gemeente_scope
from casusregie import correcties, selectors, services
from casusregie.models import (
    AfsluitReden,
    Casus,
    CasusBetrokkene,
    Escalatie,
    EscalatieNiveau,
    EscalatieSoort,
    ExpertTeam,
    ExpertVraag,
    Plan,
    Wachtlijst,
)
from casusregie.workflow import is_nazorger
from mdo import services as mdo_services
from mdo.models import AgendaPunt
from meldpunt.codes import Leefgebied
from meldpunt.models import Melding
from monitor.models import BudgetRegel
from monitor.services import budgetregel_opslaan

REGISSEURS = ["regisseur_dimence", "regisseur_tactus", "regisseur_iriszorg", "regisseur_carinova", "regisseur_mee"]
CASELOAD_DOEL = 14
MDO_LOCATIE = "Stadhuis Deventer"
DINSDAG = 1  # date.weekday()

WACHTEN, OPSTELLING, VASTGESTELD, ESCALATIE, AFGESLOTEN = "wachten", "opstelling", "vastgesteld", "escalatie", "af"
# After the escalation: stays at the procesmanager, goes up (and is answered or gets a doorbraak), or back down.
BLIJFT_OPEN, OPGESCHAALD, BEANTWOORD, DOORBRAAK, GEDEESCALEERD = "open", "op", "antwoord", "doorbraak", "de"

DOELEN = {
    "verslaving": "Middelengebruik is bespreekbaar en er is contact met de verslavingszorg.",
    "criminaliteit": "Geen nieuwe politiecontacten; afspraken met reclassering worden nagekomen.",
    "psychiatrie": "Stabiel psychisch beeld; behandeling bij de GGZ loopt.",
    "schulden": "Schulden in beeld, inkomen stabiel, vaste lasten worden betaald.",
    "dakloos": "Passende woonplek en geen dreigende huisuitzetting meer.",
    "werkloosheid_uitkering": "Inkomen geregeld via uitkering of werk; dagbesteding gevonden.",
    "geweldsslachtoffer": "Veiligheid in huis geborgd; veiligheidsplan is met alle partners afgestemd.",
    "sociaal_isolement": "Een steunend netwerk en wekelijks contact buiten de deur.",
}
ACTIES = [
    "Huisbezoek samen met de wijkagent",
    "Aanmelden bij schuldhulpverlening en budgetbeheer regelen",
    "Intake plannen bij de verslavingszorg",
    "Afspraak met de woningcorporatie over de huurachterstand",
    "Aanvraag bijzondere bijstand indienen",
    "Huisarts vragen om verwijzing naar de GGZ",
    "Netwerkberaad organiseren met familie",
    "Dagbesteding zoeken en een proefdag regelen",
]
JOURNAAL = [
    "Huisbezoek afgelegd; cliënt was thuis en stond open voor een gesprek.",
    "Telefonisch contact met de woningcorporatie: ontruiming voorlopig aangehouden.",
    "Afstemming met de wijkagent over de overlastmeldingen van deze week.",
    "Cliënt niet thuis getroffen; briefje achtergelaten en buren gesproken.",
    "Overleg met de schuldhulpverlening: aanmelding is rond, intake volgende week.",
    "Familie gesproken; zus wil helpen bij de administratie.",
    "Cliënt heeft de afspraak bij de verslavingszorg nagekomen.",
]
ROLLEN = ["Behandelaar verslavingszorg", "Woonconsulent", "Schuldhulpverlener", "Wijkagent", "Ambulant begeleider"]
VOORZIENINGEN = ["Beschermd wonen", "Klinische opname", "Ambulante begeleiding", "Dagbesteding", "Budgetbeheer"]
AFSLUITREDENEN = ["regulier_overgedragen", "regulier_overgedragen", "doel_bereikt", "verhuisd", "zorgmijding"]


@dataclass
class _Wie:
    procesmanager: object
    regisseurs: list
    partners: list  # convenant organisations
    ladder: list  # the active levels of the escalation ladder, lowest first (data: casusregie.reference)
    behandelaars: dict  # level id -> the demo accounts that answer that level (one per gemeente where bound)
    soorten: list  # codes of the active kinds of escalation


def _behandelaars(users, ladder):
    """Per level, the demo accounts in the group that answers it (levels without one are not used by the demo)."""
    gevonden = {}
    for niveau in ladder:
        kandidaten = [u for u in users.values() if u.groups.filter(pk=niveau.behandelaars_id).exists()]
        if kandidaten:
            gevonden[niveau.pk] = kandidaten
    return gevonden


def _behandelaar(wie, niveau_id, escalatie):
    """The demo account that handles `niveau_id` for this escalation: of its gemeente where the level is bound
    to one (each gemeente has its own ladder, casusregie.workflow.handles)."""
    for user in wie.behandelaars.get(niveau_id, []):
        scope = gemeente_scope(user)
        if scope is None or scope == escalatie.gemeente_id:
            return user
    return None


def seed_casussen(*, users, jaar, seed=0, vorig_jaar=False) -> dict:
    """Assign the waiting demo meldingen of `jaar` and move their casussen on; plan next week's MDO.

    `vorig_jaar`: the meldingen of last year (so the jaarmonitor's year comparison is not against zeros): every
    one is assigned, most of their casussen are closed, and no MDO is planned.
    Returns {"casussen": new casussen, "mdo": "gepland" | "bestaand" | None}.
    """
    ladder = list(EscalatieNiveau.objects.filter(actief=True).prefetch_related("gemeenten").order_by("volgorde"))
    wie = _Wie(
        procesmanager=users["procesmanager"],
        regisseurs=[users[name] for name in REGISSEURS],
        partners=list(Organisatie.objects.filter(convenantpartner=True)),
        ladder=ladder,
        behandelaars=_behandelaars(users, ladder),
        soorten=list(EscalatieSoort.objects.filter(actief=True).order_by("volgorde").values_list("code", flat=True)),
    )
    vandaag = timezone.localdate()
    meldingen = (
        Melding.objects.filter(
            # DEMO-jaar-nnnn, and DEMO-GMxxxx-jaar-nnnn of the other gemeenten (seed_demo --regio)
            extern_id__startswith="DEMO-",
            extern_id__contains=f"-{jaar}-",
            status=Melding.Status.OP_MDO_AGENDA,
            casus__isnull=True,
        )
        .select_related("triage")
        .order_by("extern_id")
    )
    made = 0
    for melding in meldingen:
        rng = random.Random(f"{seed}-{melding.extern_id}")
        if rng.random() < 0.2 and not vorig_jaar:
            continue  # waits for the MDO
        if services.open_casus_van_huishouden(melding) is not None:
            # "1 huishouden, 1 plan, 1 regisseur": the MDO adds it to the open casus of the household
            services.melding_bij_casus_voegen(door=wie.procesmanager, melding=melding, via="mdo")
            continue
        if _huishouden_heeft_casus(melding):
            continue  # a household with a closed casus waits for the MDO: discussed there
        casus = _toewijzen(melding, wie=wie, rng=rng, vandaag=vandaag)
        pad = (AFGESLOTEN, None) if vorig_jaar and rng.random() < 0.7 else _ontbrekend_pad() or _pad(rng)
        _verder(casus, pad=pad, wie=wie, rng=rng, vandaag=vandaag)
        made += 1
    if vorig_jaar:
        return {"casussen": made, "mdo": None}
    mdo = _volgend_mdo(wie.procesmanager, vandaag)
    seed_consultatie(users=users)
    return {"casussen": made, "mdo": mdo}


# --- budget lines of the jaarmonitor -------------------------------------------------------------------------

# "Structurele uitgaven bzt 2014" and "Casusregie 2014 valt uiteen in de volgende subsidies" (evaluation, § 9):
# (categorie, omschrijving, subsidie, aanmeldroute, organisatie, bedrag in 2014).
BUDGET = [
    ("procesregie", "Procesregie BZT en CJG", "", "", "GGD IJsselland", 144_000),
    ("casusregie", "Nazorg ex-gedetineerden", "Nazorg ex-gedetineerden", "ex_gedetineerden", "Tactus Verslavingszorg",
     70_000),
    ("casusregie", "Huiselijk geweld", "Huiselijk geweld", "huiselijk_geweld", "Dimence", 76_000),
    ("casusregie", "Zwerfjongeren", "Zwerfjongeren", "zwerfjongeren", "Iriszorg", 185_000),
    ("casusregie", "OGGZ", "OGGZ", "oggz", "Carinova", 593_000),
    ("casusregie", "Veelplegers", "Veelplegers", "veelplegers", "Tactus Verslavingszorg", 28_000),
    ("casusregie", "Jeugdoverlast/hooligans", "Jeugdoverlast/hooligans", "hooligans", "Pactum/De Kij", 33_000),
    ("huisvesting", "Huisvesting (incl. gas, water, elektra)", "", "", "", 37_000),
    ("overig", "ICT, telefoon, bureau", "", "", "", 22_500),
    ("procesregie", "Uitvoeringsregie gemeente (inkoop)", "", "", "Gemeente Deventer", 57_000),
    ("procesregie", "Secretariaat meldpunt voor de regio", "Meldpunt regio", "", "Gemeente Deventer", 20_000),
    ("overig", "Onvoorzien", "", "", "", 20_500),
]  # fmt: skip


def seed_budget(*, beheer, jaar, factor=Decimal("1")) -> int:
    """The budget lines of `jaar` (entered by functioneel beheer) when that year has none yet; returns how many."""
    if BudgetRegel.objects.filter(jaar=jaar, gemeente__code=settings.BZT_GEMEENTE_CODE).exists():
        return 0
    organisaties = {o.naam: o for o in Organisatie.objects.all()}
    for categorie, omschrijving, subsidie, aanmeldroute, organisatie, bedrag in BUDGET:
        budgetregel_opslaan(
            door=beheer,
            jaar=jaar,
            categorie=categorie,
            omschrijving=omschrijving,
            subsidie=subsidie,
            aanmeldroute=aanmeldroute,
            organisatie=organisaties.get(organisatie),
            bedrag=(Decimal(bedrag) * factor).quantize(Decimal("1")),
            reden="demo: begroting",
        )
    return len(BUDGET)


def seed_budget_regio(*, beheer, jaar, gemeenten) -> int:
    """seed_demo --regio: each other gemeente pays its own casusregie line, by inhabitants (a share of Deventer's
    casusregie budget); made when that gemeente has no line of `jaar` yet. Returns how many were made."""
    from bzt.demo import EIGEN_INWONERS, REGIO

    casusregie = sum(Decimal(r[5]) for r in BUDGET if r[0] == BudgetRegel.Categorie.CASUSREGIE)
    made = 0
    for code, naam, _, inwoners, _ in REGIO:
        gemeente = gemeenten.get(code)
        if gemeente is None or BudgetRegel.objects.filter(jaar=jaar, gemeente=gemeente).exists():
            continue
        budgetregel_opslaan(
            door=beheer,
            jaar=jaar,
            categorie=BudgetRegel.Categorie.CASUSREGIE,
            omschrijving=f"Bijdrage {naam} aan de casusregie",
            bedrag=(casusregie * inwoners / EIGEN_INWONERS).quantize(Decimal("1")),
            gemeente=gemeente,
            reden="demo: begroting",
        )
        made += 1
    return made


def _huishouden_heeft_casus(melding):
    """Any casus, open or closed, of a member of the household: a stable test, so a rerun decides the same."""
    personen = melding.betrokkenen.values("persoon_id")
    return Casus.objects.filter(melding__betrokkenen__persoon_id__in=personen).exists()


def _pad(rng):
    r = rng.random()
    if r < 0.25:
        return OPSTELLING, None
    if r < 0.75:
        return VASTGESTELD, None
    if r < 0.85:
        return ESCALATIE, rng.choice([BLIJFT_OPEN, BLIJFT_OPEN, OPGESCHAALD, BEANTWOORD, DOORBRAAK, GEDEESCALEERD])
    return AFGESLOTEN, None


def _ontbrekend_pad():
    """The path of a state the demo data does not show yet, so that even a small seed covers every state."""
    escalaties = Escalatie.objects.all()
    if not escalaties.filter(maatwerkbudget__isnull=False).exists():
        return ESCALATIE, DOORBRAAK
    if not escalaties.filter(status=Escalatie.Status.BEANTWOORD).exists():
        return ESCALATIE, BEANTWOORD
    if not escalaties.filter(status=Escalatie.Status.GEDEESCALEERD).exists():
        return ESCALATIE, GEDEESCALEERD
    for status, pad in (
        (Casus.Status.OPGESCHAALD, (ESCALATIE, BLIJFT_OPEN)),
        (Casus.Status.AFGESLOTEN, (AFGESLOTEN, None)),
        (Casus.Status.IN_UITVOERING, (VASTGESTELD, None)),
        (Casus.Status.PLAN_IN_OPSTELLING, (OPSTELLING, None)),
    ):
        if not Casus.objects.filter(status=status).exists():
            return pad
    return None


def _dag(start, rng, laag, hoog, vandaag):
    return min(start + timedelta(days=rng.randint(laag, hoog)), vandaag)


# --- assignment ----------------------------------------------------------------------------------------------


def _toewijzen(melding, *, wie, rng, vandaag):
    regisseur, reden = _kies_regisseur(wie.regisseurs, rng)
    punt = AgendaPunt.objects.filter(melding=melding, besluit="").select_related("overleg").first()
    if punt is not None:  # on the agenda of a planned MDO (an earlier run): decide it there
        return mdo_services.besluit_toewijzen(
            door=wie.procesmanager,
            punt=punt,
            casusregisseur=regisseur,
            notulen="Toegewezen in het MDO.",
            reden_boven_maximum=reden,
        )
    return services.casus_toewijzen(
        door=wie.procesmanager,
        melding=melding,
        casusregisseur=regisseur,
        datum=_dag(melding.triage.datum, rng, 3, 10, vandaag),
        reden_boven_maximum=reden,
    )


def _kies_regisseur(regisseurs, rng):
    """A casusregisseur with at most CASELOAD_DOEL open casussen; else the least busy (with a reason if full)."""
    load = {regisseur: selectors.caseload(regisseur) for regisseur in regisseurs}
    ruimte = [regisseur for regisseur in regisseurs if load[regisseur] < CASELOAD_DOEL]
    if ruimte:
        return rng.choice(ruimte), ""
    regisseur = min(regisseurs, key=lambda r: load[r])
    vol = selectors.caseload_vol(load[regisseur])
    return regisseur, "Demo: alle casusregisseurs zitten aan hun maximum." if vol else ""


# --- moving a casus on ---------------------------------------------------------------------------------------


def _verder(casus, *, pad, wie, rng, vandaag):
    soort, escalatie_pad = pad
    regisseur = casus.casusregisseur
    plan = casus.plannen.get()
    if soort == OPSTELLING:
        keuze = rng.random()
        if not Plan.objects.filter(status=Plan.Status.CONCEPT, doelen__isnull=False).exists():
            keuze = max(keuze, 0.6)  # at least one draft with goals and actions, still being written
        if keuze > 0.35:
            _plan_schrijven(plan, casus=casus, wie=wie, rng=rng, vandaag=vandaag)
        if keuze > 0.75:
            plan.refresh_from_db()
            services.plan_indienen(door=regisseur, plan=plan, lock_version=plan.lock_version)
        if keuze > 0.5:
            _journaal(casus, rng, aantal=rng.randint(1, 2))
        return
    met_plan = soort == VASTGESTELD or rng.random() < 0.75
    plan_op = None
    if met_plan:
        plan_op = _dag(casus.toegewezen_op, rng, 14, 40, vandaag)
        _plan_schrijven(plan, casus=casus, wie=wie, rng=rng, vandaag=vandaag)
        plan_op = _vaststellen(plan, datum=plan_op, wie=wie)
        if soort != ESCALATIE:
            _resultaten(plan, vanaf=plan_op, vandaag=vandaag, afsluiten=soort != VASTGESTELD)
        casus.refresh_from_db()  # the services saved another instance of it: never save a stale one over it
        _journaal(casus, rng, aantal=rng.randint(1, 4))
    vanaf = plan_op or casus.toegewezen_op
    if soort == VASTGESTELD:
        _uitvoering(casus, wie=wie, rng=rng, vandaag=vandaag, vanaf=vanaf)
    elif soort == ESCALATIE:
        _escaleren(casus, pad=escalatie_pad, wie=wie, rng=rng, datum=_dag(vanaf, rng, 7, 60, vandaag))
    else:
        _afsluiten(casus, wie=wie, rng=rng, datum=_dag(vanaf, rng, 20, 120, vandaag))


def _plan_schrijven(plan, *, casus, wie, rng, vandaag):
    """A concept plan with a summary, goals on the scored leefgebieden and one or two actions per goal."""
    regisseur = casus.casusregisseur
    triage = casus.melding.triage
    codes = [code for code in Leefgebied.values if getattr(triage, code)] or ["sociaal_isolement"]
    hoofdpersoon = casus.melding.betrokkenen.filter(rol="hoofdpersoon").select_related("persoon").first()
    services.plan_opslaan(
        door=regisseur,
        plan=plan,
        lock_version=plan.lock_version,
        samenvatting="Het huishouden stabiliseren op de leefgebieden uit de triage, met één regisseur.",
        afspraken="Partners melden voortgang in het journaal; knelpunten gaan via de casusregisseur.",
        evaluatie_op=vandaag + timedelta(days=rng.randint(-14, 150)),  # a few are due in the next MDO
        **_eigen_kracht(random.Random(f"eigen-kracht-{casus.melding.extern_id}"), vandaag),
    )
    for code in rng.sample(codes, k=min(len(codes), rng.randint(1, 3))):
        plan.refresh_from_db()
        doel = services.doel_toevoegen(
            door=regisseur, plan=plan, lock_version=plan.lock_version, leefgebied=code, omschrijving=DOELEN[code]
        )
        for _ in range(rng.randint(1, 2)):
            over = rng.random()
            if over < 0.08:  # a few actions past their date: a signal for the procesmanager
                deadline = vandaag - timedelta(days=rng.randint(1, 30))
            else:
                deadline = vandaag + timedelta(days=rng.randint(7, 60))
            plan.refresh_from_db()
            services.actie_toevoegen(
                door=regisseur,
                plan=plan,
                lock_version=plan.lock_version,
                omschrijving=rng.choice(ACTIES),
                eigenaar=rng.choice([regisseur.organisatie, *wie.partners]),
                deadline=deadline,
                doel=doel,
                personen=[hoofdpersoon.persoon] if hoofdpersoon and over > 0.5 else [],
                uitvoerder_naam=UITVOERDERS[plan.lock_version % len(UITVOERDERS)],
            )
    plan.refresh_from_db()


# Issue 14, from their own random streams so the rest of the demo stays the same: the household's own part,
# the client's agreement, a named person per action and the results of goals at evaluation.
UITVOERDERS = ["Wijkcoach", "Schuldhulpverlener", "Woonbegeleider", "Jeugdconsulent", "Verslavingsarts", ""]
EIGEN_MOGELIJKHEDEN = [
    "Mevrouw houdt zelf de post bij en opent die samen met haar dochter.",
    "Meneer wil werken en gaat zelf naar de intake bij het werkgeversservicepunt.",
    "Het gezin houdt een weekplanning bij op de koelkast.",
]
SOCIAAL_NETWERK = [
    "Een zus komt wekelijks langs en helpt met boodschappen.",
    "De buurvrouw let op de kinderen na school.",
    "Een vriend van de kerk rijdt mee naar afspraken.",
]


def _eigen_kracht(rng, vandaag):
    akkoord = rng.choice(["ja"] * 6 + ["nee", "niet_gevraagd", ""])
    return {
        "eigen_mogelijkheden": rng.choice(EIGEN_MOGELIJKHEDEN),
        "sociaal_netwerk": rng.choice(SOCIAAL_NETWERK),
        "akkoord_client": akkoord,
        "akkoord_op": vandaag - timedelta(days=rng.randint(0, 10)) if akkoord in ("ja", "nee") else None,
    }


def _resultaten(plan, *, vanaf, vandaag, afsluiten):
    """At evaluation the casusregisseur records what goals achieved: all of them before closing, some while
    the plan runs."""
    rng = random.Random(f"resultaten-{plan.casus.melding.extern_id}")
    for doel in plan.doelen.all():
        if not afsluiten and rng.random() < 0.5:
            continue  # still running
        services.doel_resultaat_vastleggen(
            door=plan.casus.casusregisseur,
            doel=doel,
            resultaat=rng.choice(["behaald"] * 3 + ["deels"] * 2 + ["niet_behaald"]),
            datum=_dag(vanaf, rng, 10, 19, vandaag),
        )


def _vaststellen(plan, *, datum, wie):
    """Submit and approve the plan; returns the date it was vastgesteld."""
    services.plan_indienen(door=plan.casus.casusregisseur, plan=plan, lock_version=plan.lock_version)
    plan.refresh_from_db()
    punt = AgendaPunt.objects.filter(plan=plan, besluit="").first()
    if punt is not None:  # a planned MDO exists (an earlier run): approve it on that agenda, today
        mdo_services.besluit_plan(door=wie.procesmanager, punt=punt, vaststellen=True, notulen="Vastgesteld.")
    else:
        services.plan_vaststellen(door=wie.procesmanager, plan=plan, datum=datum)
    plan.refresh_from_db()
    return plan.vastgesteld_op


def _journaal(casus, rng, *, aantal):
    for tekst in rng.sample(JOURNAAL, k=aantal):
        services.journaal_toevoegen(door=casus.casusregisseur, casus=casus, tekst=tekst)


def _uitvoering(casus, *, wie, rng, vandaag, vanaf):
    """The plan is carried out: some partners take part, some wait for a place somewhere."""
    regisseur = casus.casusregisseur
    if rng.random() < 0.35:
        anderen = [r for r in wie.regisseurs if r != regisseur]
        services.betrokkene_toevoegen(
            door=regisseur,
            casus=casus,
            professional=rng.choice(anderen),
            rol=rng.choice(ROLLEN),
            grondslag=rng.choice(CasusBetrokkene.Grondslag.values),
            einddatum=vandaag + timedelta(days=rng.randint(30, 180)) if rng.random() < 0.5 else None,
            mag_wijzigen=rng.random() < 0.3,
        )
    wachtlijst = None
    if rng.random() < 0.15:
        wachtlijst = services.wachtlijst_melden(
            door=regisseur,
            casus=casus,
            organisatie=rng.choice(wie.partners),
            voorziening=rng.choice(VOORZIENINGEN),
            sinds=_dag(vanaf, rng, 1, 30, vandaag),
        )
    _correcties(casus, wachtlijst)


def _correcties(casus, wachtlijst):
    """A few corrections in the history (issue 15): a household that moved, a waiting list solved. A random
    generator of its own, so the rest of the demo stays as it was."""
    r = random.Random(casus.pk)
    if r.random() < 0.25:
        persoon = casus.melding.betrokkenen.get(rol="hoofdpersoon").persoon
        correcties.persoon_corrigeren(
            door=casus.casusregisseur,
            casus=casus,
            persoon=persoon,
            wijzigingen={
                "adres": f"{r.choice(('Brinkgreverweg', 'Snipperlingsdijk', 'Keizerstraat'))} {r.randint(1, 90)}"
            },
            reden="Verhuisd; het nieuwe adres is doorgegeven door de cliënt.",
        )
    if wachtlijst is not None and r.random() < 0.5:
        correcties.wachtlijst_afsluiten(
            door=casus.casusregisseur,
            wachtlijst=wachtlijst,
            datum=min(wachtlijst.sinds + timedelta(days=r.randint(5, 40)), timezone.localdate()),
            uitkomst=r.choice(Wachtlijst.Uitkomst.values),
        )


def _escaleren(casus, *, pad, wie, rng, datum):
    escalatie = services.casus_escaleren(
        door=casus.casusregisseur,
        casus=casus,
        reden=rng.choice(wie.soorten),
        vraag="De aanpak loopt vast; wij vragen het volgende niveau om een besluit over de inzet van de partners.",
        datum=datum,
    )
    if pad == BLIJFT_OPEN:
        return
    if pad == GEDEESCALEERD:
        services.escalatie_deescaleren(
            door=wie.procesmanager, escalatie=escalatie, toelichting="Knelpunt opgelost in overleg met de partner."
        )
        return
    # Up the ladder as the data has it: mostly one level, sometimes two (a doorbraak: two), rarely three.
    hoger = [
        n
        for n in wie.ladder
        if n.volgorde > escalatie.niveau.volgorde
        and n.geldt_voor_gemeente(escalatie.gemeente_id)  # the ladder of the escalation's gemeente
        and _behandelaar(wie, n.pk, escalatie)
    ]
    behandelaar = _behandelaar(wie, escalatie.niveau_id, escalatie) or wie.procesmanager
    if hoger:
        r = rng.random()
        stap = 1 if pad == DOORBRAAK else (0 if r < 0.7 else 1 if r < 0.95 else 2)
        naar = hoger[min(stap, len(hoger) - 1)]
        escalatie = services.escalatie_opschalen(
            door=behandelaar,
            escalatie=escalatie,
            naar=naar,
            toelichting="Partners komen er op uitvoeringsniveau niet uit; besluit nodig over inzet en financiering.",
        )
        behandelaar = _behandelaar(wie, naar.pk, escalatie)
    if pad == BEANTWOORD:
        services.escalatie_beantwoorden(
            door=behandelaar,
            escalatie=escalatie,
            antwoord="De woningcorporatie biedt een tweede kans onder voorwaarden.",
            besluit="Tweedekansbeleid toepassen; begeleiding door de casusregisseur.",
        )
    elif pad == DOORBRAAK:
        services.doorbraak_vastleggen(
            door=behandelaar,
            escalatie=escalatie,
            maatwerkbudget=Decimal(rng.choice([1500, 2750, 4200, 8000])),
            legitimiteit="Het huishouden komt nergens anders voor in aanmerking; het convenant biedt de grondslag.",
            betrokkenheid="Alle partners steunen de aanpak en leveren hun deel.",
            rendement="Voorkomt een huisuitzetting en de kosten van maatschappelijke opvang.",
        )


def _afsluiten(casus, *, wie, rng, datum):
    gebruikt = set(Casus.objects.filter(status=Casus.Status.AFGESLOTEN).values_list("afsluitreden__code", flat=True))
    ontbrekend = [code for code in dict.fromkeys(AFSLUITREDENEN) if code not in gebruikt]
    reden = AfsluitReden.objects.get(code=ontbrekend[0] if ontbrekend else rng.choice(AFSLUITREDENEN))
    zorg = [o for o in wie.partners if o != casus.organisatie]
    datum = max(datum, casus.toegewezen_op)
    plan = casus.plannen.filter(status=Plan.Status.VASTGESTELD).first()
    if plan is None or reden.casus_kan_niet_verder:
        # the casus cannot go on (verhuisd, zorgmijding; or never got a plan): the procesmanager closes it anyway
        if not reden.casus_kan_niet_verder:
            reden = rng.choice(list(AfsluitReden.objects.filter(casus_kan_niet_verder=True).order_by("code")))
        services.casus_afsluiten_door_procesmanager(
            door=wie.procesmanager,
            casus=casus,
            reden=reden,
            motivering=f"{reden}: de casus kan niet verder; besproken met de casusregisseur.",
            datum=datum,
        )
    else:
        # "we laten een casus pas los als alles geregeld is": every action done or handed over, waiting lists solved
        for actie in plan.acties.exclude(status__in=["gereed", "vervallen", "overgedragen"]):
            if rng.random() < 0.3:
                services.actie_overdragen(door=casus.casusregisseur, actie=actie, organisatie=rng.choice(zorg))
            else:
                services.actie_status_wijzigen(door=casus.casusregisseur, actie=actie, status="gereed")
        for wachtlijst in casus.wachtlijsten.filter(opgelost_op__isnull=True):
            services.wachtlijst_opgelost(door=casus.casusregisseur, wachtlijst=wachtlijst, datum=datum)
        services.casus_afsluiten(
            door=casus.casusregisseur,
            casus=casus,
            reden=reden,
            overgedragen_aan=rng.choice(zorg) if reden.vraagt_organisatie else None,
            toelichting="Afgesloten na bespreking in het MDO.",
            datum=datum,
        )
    casus.refresh_from_db()
    nazorg = casus.nazorg
    if (
        nazorg.op <= timezone.localdate()
        and rng.random() < 0.6
        and nazorg.regisseur
        and is_nazorger(nazorg.regisseur, nazorg)
    ):
        uitkomst = "stabiel" if rng.random() < 0.8 else "opnieuw_melden"
        services.nazorg_vastleggen(
            door=nazorg.regisseur,
            nazorg=nazorg,
            uitkomst=uitkomst,
            notitie="Gebeld: het gaat goed." if uitkomst == "stabiel" else "Huur weer achterstallig; opnieuw melden.",
        )


# --- next week's MDO -----------------------------------------------------------------------------------------


def _volgend_mdo(procesmanager, vandaag):
    """One planned MDO on the coming Tuesday (at least a day ahead); its agenda is filled with what waits."""
    overleg = mdo_services.volgend_overleg()
    if overleg is not None:
        mdo_services.agenda_vullen(door=procesmanager, overleg=overleg)
        return "bestaand"
    dagen = (DINSDAG - vandaag.weekday()) % 7 or 7
    mdo_services.overleg_plannen(door=procesmanager, datum=vandaag + timedelta(days=dagen), locatie=MDO_LOCATIE)
    return "gepland"


# --- the MDO as the regisseur's meeting, and an expert team (issue 14) -----------------------------------------

EXPERTTEAM = "Expertiseteam OGGZ"
EXPERT = "expert_oggz"  # a member of the expert team without a casus-work role: reads a casus only for a question
EXPERT_ORGANISATIE = "GGD IJsselland"


def seed_consultatie(*, users):
    """The expert team "Expertiseteam OGGZ" (functioneel beheer) with the demo user expert_oggz and the
    casusregisseur of Iriszorg; one open question of regisseur_dimence to it; one of their casussen on the
    coming MDO with a question. Idempotent: nothing is added when it is there already."""
    beheer, regisseur = users["beheer"], users["regisseur_dimence"]
    expert = User.objects.filter(username=EXPERT).first()
    if expert is None:
        with acting_as(beheer, reason="seed_demo"):
            expert = User.objects.create_user(
                EXPERT,
                email=f"{EXPERT}@bzt.example",
                password=settings.DEMO_PASSWORD,
                first_name="Ellen",
                last_name="de Vries",
                organisatie=Organisatie.objects.get(naam=EXPERT_ORGANISATIE),
            )
    team = ExpertTeam.objects.filter(naam=EXPERTTEAM).first()
    if team is None:
        team = services.expertteam_opslaan(
            door=beheer, naam=EXPERTTEAM, leden=[expert, users["regisseur_iriszorg"]], actief=True
        )
    demo_apparaat_inrichten(door=beheer, gebruiker=expert)  # a member of an expert team needs the second factor
    eigen = list(
        Casus.objects.filter(casusregisseur=regisseur)
        .exclude(status=Casus.Status.AFGESLOTEN)
        .order_by("toegewezen_op", "id")[:2]
    )
    if eigen and not ExpertVraag.objects.filter(team=team).exists():
        services.expertvraag_stellen(
            door=regisseur,
            casus=eigen[0],
            team=team,
            vraag="Cliënt weigert elke hulp en de huisuitzetting dreigt. Welke maatwerkoplossing of drang is passend?",
        )
    overleg = mdo_services.volgend_overleg()
    if eigen and overleg is not None and not AgendaPunt.objects.filter(aangemeld_door=regisseur).exists():
        if not AgendaPunt.objects.filter(casus=eigen[-1], besluit="", soort=AgendaPunt.Soort.CASUSBESPREKING).exists():
            mdo_services.casus_agenderen(
                door=regisseur,
                casus=eigen[-1],
                overleg=overleg,
                vraag="De woningcorporatie werkt niet mee; kan het MDO de corporatie aan tafel krijgen?",
            )
