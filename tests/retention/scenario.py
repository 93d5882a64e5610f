"""Test data for the bewaartermijn, made through the real services so every row has its history.

Every free text about the household of the old casus holds the token GEHEIM, every identifier of the persons
that must disappear holds one of PERSOON_TOKENS: after anonymisation none may be left anywhere in the database.
"""

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.apps import apps
from django.db import models
from django.utils import timezone

from bzt.models import Organisatie
from casusregie import services as cs
from casusregie.models import AfsluitReden, Casus
from keten.retention import add_months
from meldpunt import services as ms
from meldpunt.codes import Besluit, Leefgebied, Rol
from meldpunt.models import BewaartermijnRun, Melding, Persoon
from monitor.figures import compute
from tests import factories

GEHEIM = "Quispelaar"
PERSOON_TOKENS = ("Xandrijn", "Quispelaar", "Zilverschoonstraat", "7412ZZ", "Ootmarsum", "OUD-77", "Dubbelganger")
MELDER_TOKENS = ("Vlasblom", "0612398765", "vlasblom@example.org", "Buurtzorgteam Noord")
LEVEND = "Levendig"  # the partner has a later melding still inside its term: keeps the name
APPS = ("bzt", "meldpunt", "casusregie", "mdo", "monitor")


def not_feb29(day: date) -> date:
    return day - timedelta(days=1) if (day.month, day.day) == (2, 29) else day


def years_before(day: date, years: int) -> date:
    return add_months(day, -12 * years)


def tekst(veld):
    return f"{veld}: zorgen over {GEHEIM} en de buren"


@dataclass
class OudeCasus:
    casus: Casus
    melding: Melding
    afgewezen: Melding  # an earlier melding about the same person, rejected (geen_actie)
    hoofdpersoon: Persoon  # only in expired meldingen: anonymised with the casus
    partner: Persoon  # also in a recent melding: keeps the name
    kind: Persoon  # born on 29 February
    neef: Persoon  # turns 18 the day after the melding; only in the casus
    dubbel: Persoon  # a second record of the hoofdpersoon, linked, only in the rejected melding
    recente_melding: Melding
    ontvangen: date
    afgesloten: date
    extra: dict = field(default_factory=dict)

    @property
    def termijn_einde(self):
        return add_months(self.afgesloten, 12 * 5)


def oude_casus(demo, *, afgesloten: date | None = None) -> OudeCasus:
    """A casus closed `afgesloten` (default: 5 years and 10 days ago, so its term ended 10 days ago) with
    everything a casus collects: triage notes, plan (returned once), goals, actions, journal, betrokkene,
    waiting list, escalation with doorbraak, transfer, MDO notes, a person link and a closing note."""
    today = timezone.localdate()
    meldpunt, pm = demo["meldpunt"], demo["procesmanager"]
    regisseur, opvolger = demo["regisseur_dimence"], demo["regisseur_tactus"]
    afgesloten = afgesloten or years_before(today, 5) - timedelta(days=10)
    ontvangen = not_feb29(afgesloten - timedelta(days=300))

    # Age band edges on the melding date: the hoofdpersoon turns 18 that day (18-22), the partner and a nephew
    # a day later (0-17); the child is born on 29 February.
    hoofdpersoon_geboren = years_before(ontvangen, 18)
    partner_geboren = years_before(ontvangen, 18) + timedelta(days=1)
    kind_jaar = next(y for y in range(ontvangen.year - 5, 1900, -1) if y % 4 == 0)
    kind_geboren = date(kind_jaar, 2, 29)

    # An earlier melding about the hoofdpersoon (still 17 then), rejected: geen actie.
    eerder = not_feb29(ontvangen - timedelta(days=400))
    afgewezen = factories.melding(
        meldpunt,
        ontvangen_op=eerder,
        aanleiding=tekst("aanleiding eerder"),
        huishouden=[
            (
                Rol.HOOFDPERSOON,
                factories.persoon_gegevens(
                    voornaam="Xandrijn",
                    achternaam=GEHEIM,
                    geboortedatum=hoofdpersoon_geboren,
                    bsn=factories.bsn(7701),
                    adres="Zilverschoonstraat 77",
                    postcode="7412ZZ",
                    woonplaats="Ootmarsum",
                    extern_id="OUD-77",
                    geslacht="man",
                    wijk="Rivierenwijk",
                    inkomen="geen",
                ),
            ),
            (
                Rol.OVERIG,
                factories.persoon_gegevens(voornaam="Dubbelganger", achternaam=GEHEIM, geboortedatum=None),
            ),
        ],
    )
    factories.triage(meldpunt, afgewezen, codes=("schulden",), besluit=Besluit.GEEN_ACTIE, datum=eerder)
    hoofdpersoon = afgewezen.betrokkenen.get(rol=Rol.HOOFDPERSOON).persoon
    dubbel = afgewezen.betrokkenen.get(rol=Rol.OVERIG).persoon
    ms.personen_koppelen(
        door=meldpunt, persoon=hoofdpersoon, gekoppeld_aan=dubbel, reden=f"{GEHEIM} staat twee keer ingeschreven"
    )

    melding = factories.melding(
        meldpunt,
        ontvangen_op=ontvangen,
        aanleiding=tekst("aanleiding"),
        eerdere_hulp="ja",
        eerdere_hulp_door=tekst("hulp"),
        overlast=True,
        melder_type="professional",
        melder_naam="Henk Vlasblom",
        melder_organisatie="Buurtzorgteam Noord",
        melder_telefoon="0612398765",
        melder_email="vlasblom@example.org",
        huishouden=[
            (Rol.HOOFDPERSOON, hoofdpersoon),
            (
                Rol.PARTNER,
                factories.persoon_gegevens(
                    voornaam="Bram", achternaam=LEVEND, geboortedatum=partner_geboren, geslacht="vrouw"
                ),
            ),
            (Rol.KIND, factories.persoon_gegevens(voornaam="Kees", achternaam=LEVEND, geboortedatum=kind_geboren)),
            (
                Rol.OVERIG,
                factories.persoon_gegevens(voornaam="Xandrijn", achternaam="Neef", geboortedatum=partner_geboren),
            ),
        ],
    )
    partner = melding.betrokkenen.get(rol=Rol.PARTNER).persoon
    kind = melding.betrokkenen.get(rol=Rol.KIND).persoon
    neef = melding.betrokkenen.get(rol=Rol.OVERIG).persoon
    codes = ("verslaving", "schulden", "dakloos", "psychiatrie")
    ms.melding_triageren(
        door=meldpunt,
        melding=melding,
        datum=ontvangen + timedelta(days=3),
        leefgebieden={code: (code in codes, tekst(code) if code in codes else "") for code in Leefgebied.values},
        besluit=Besluit.MDO,
    )
    ms.melding_op_mdo_agenda_zetten(door=meldpunt, melding=melding)
    casus = cs.casus_toewijzen(door=pm, melding=melding, casusregisseur=regisseur, datum=ontvangen + timedelta(days=10))
    overleg = factories.overleg(demo)

    plan = casus.plannen.get()
    plan = cs.plan_opslaan(
        door=regisseur,
        plan=plan,
        lock_version=plan.lock_version,
        samenvatting=tekst("samenvatting"),
        afspraken=tekst("afspraken"),
        eigen_mogelijkheden=tekst("eigen_mogelijkheden"),
        sociaal_netwerk=tekst("sociaal_netwerk"),
    )
    cs.doel_toevoegen(
        door=regisseur, plan=plan, lock_version=plan.lock_version, leefgebied="schulden", omschrijving=tekst("doel")
    )
    plan.refresh_from_db()
    cs.actie_toevoegen(
        door=regisseur,
        plan=plan,
        lock_version=plan.lock_version,
        omschrijving=tekst("actie"),
        uitvoerder_naam=tekst("uitvoerder"),
        eigenaar=Organisatie.objects.get(naam="Gemeente Deventer"),
        deadline=ontvangen + timedelta(days=60),
        personen=[hoofdpersoon],
    )
    plan.refresh_from_db()
    plan = cs.plan_indienen(door=regisseur, plan=plan, lock_version=plan.lock_version)
    cs.plan_terugsturen(door=pm, plan=plan, reden=tekst("teruggestuurd"))
    plan.refresh_from_db()
    plan = cs.plan_indienen(door=regisseur, plan=plan, lock_version=plan.lock_version)
    cs.plan_vaststellen(door=pm, plan=plan, datum=ontvangen + timedelta(days=40))
    casus.refresh_from_db()

    from mdo.services import besluit_besproken, casusbespreking_toevoegen

    punt = casusbespreking_toevoegen(door=pm, overleg=overleg, casus=casus)
    besluit_besproken(door=pm, punt=punt, notulen=tekst("notulen"))

    cs.journaal_toevoegen(door=regisseur, casus=casus, tekst=tekst("journaal"))
    # issue 14: a question to an expert team with its answer, and the regisseur's own question to the MDO
    team = cs.expertteam_opslaan(door=demo["beheer"], naam="Expertiseteam", leden=[demo["regisseur_carinova"]])
    expertvraag = cs.expertvraag_stellen(door=regisseur, casus=casus, team=team, vraag=tekst("expertvraag"))
    cs.expertvraag_beantwoorden(door=demo["regisseur_carinova"], vraag=expertvraag, antwoord=tekst("expertantwoord"))
    from mdo.services import casus_agenderen

    casus_agenderen(door=regisseur, casus=casus, overleg=overleg, vraag=tekst("mdo-vraag"))
    cs.betrokkene_toevoegen(
        door=regisseur, casus=casus, professional=demo["regisseur_mee"], rol=tekst("rol"), grondslag="convenant"
    )
    cs.wachtlijst_melden(
        door=regisseur,
        casus=casus,
        organisatie=Organisatie.objects.get(naam="Iriszorg"),
        voorziening=tekst("voorziening"),
        sinds=ontvangen + timedelta(days=50),
    )
    from casusregie import correcties

    correcties.melding_corrigeren(
        door=regisseur, casus=casus, wijzigingen={"overlast": not casus.melding.overlast}, reden=tekst("correctie")
    )
    escalatie = cs.casus_escaleren(
        door=regisseur, casus=casus, reden="wachtlijst", vraag=tekst("vraag"), datum=ontvangen + timedelta(days=60)
    )
    cs.escalatie_beantwoorden(door=pm, escalatie=escalatie, antwoord=tekst("antwoord"), besluit=tekst("besluit"))
    cs.doorbraak_vastleggen(
        door=pm,
        escalatie=escalatie,
        maatwerkbudget=1500,
        legitimiteit=tekst("legitimiteit"),
        betrokkenheid=tekst("betrokkenheid"),
        rendement=tekst("rendement"),
    )
    cs.escalatie_deescaleren(door=pm, escalatie=escalatie, toelichting=tekst("deescalatie"))
    casus.refresh_from_db()
    cs.casus_overdragen(door=pm, casus=casus, nieuwe_regisseur=opvolger, reden=tekst("overdracht"))
    casus.refresh_from_db()
    for actie in casus.plannen.get(status="vastgesteld").acties.all():  # everything arranged before closing
        cs.actie_status_wijzigen(door=opvolger, actie=actie, status="gereed")
    for wachtlijst in casus.wachtlijsten.all():
        cs.wachtlijst_opgelost(door=opvolger, wachtlijst=wachtlijst, datum=afgesloten)
    cs.casus_afsluiten(
        door=opvolger,
        casus=casus,
        reden=AfsluitReden.objects.get(code="doel_bereikt"),
        toelichting=tekst("afsluiting"),
        datum=afgesloten,
    )
    casus.refresh_from_db()
    if casus.nazorg.op <= timezone.localdate():  # the look back after closing, with a note
        cs.nazorg_vastleggen(door=opvolger, nazorg=casus.nazorg, uitkomst="stabiel", notitie=tekst("nazorg"))

    # The partner is reported again recently: that melding is inside its term, so the partner keeps the name.
    recente_melding = factories.melding(meldpunt, huishouden=[(Rol.HOOFDPERSOON, partner)])
    return OudeCasus(
        casus=casus,
        melding=melding,
        afgewezen=afgewezen,
        hoofdpersoon=hoofdpersoon,
        partner=partner,
        kind=kind,
        neef=neef,
        dubbel=dubbel,
        recente_melding=recente_melding,
        ontvangen=ontvangen,
        afgesloten=afgesloten,
    )


# --- looking at the whole database ---------------------------------------------------------------------------


def our_models():
    return [model for model in apps.get_models() if model._meta.app_label in APPS]


def occurrences(token: str) -> dict[str, int]:
    """{table: rows} where any text column of any of our tables (live and history) contains `token`."""
    hits = {}
    for model in our_models():
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))]
        if not names:
            continue
        query = models.Q()
        for name in names:
            query |= models.Q(**{f"{name}__icontains": token})
        count = model._default_manager.filter(query).count()
        if count:
            hits[model._meta.db_table] = count
    return hits


def snapshot(*, behalve=(BewaartermijnRun,)) -> dict:
    """Every row of every one of our tables (live and history), to prove that nothing changed."""
    return {
        model._meta.db_table: list(model._default_manager.order_by("pk").values())
        for model in our_models()
        if model not in behalve
    }


def history_counts() -> dict:
    return {
        model._meta.db_table: model._default_manager.count()
        for model in our_models()
        if model._meta.db_table.startswith(tuple(f"{app}_historical" for app in APPS))
    }


def monitor_years():
    first = Melding.objects.order_by("ontvangen_op").values_list("ontvangen_op", flat=True).first()
    return range(first.year, timezone.localdate().year + 1)


def monitor_json() -> str:
    return json.dumps({jaar: compute(jaar) for jaar in monitor_years()}, sort_keys=True, default=str)
