"""Synthetic Deventer meldingen for seed_demo: every triage state, households, known persons, Wvggz."""

import random
from datetime import date, timedelta

from django.utils import timezone
from faker import Faker

from bzt.models import Organisatie

from . import services
from .codes import (
    Aanmeldroute,
    Besluit,
    EerdereHulp,
    Geslacht,
    Inkomen,
    Kanaal,
    Leefgebied,
    MelderType,
    Rol,
    Urgentie,
    wijken,
)
from .doelgroep import is_doelgroep
from .models import Melding, Persoon

STRAATPOSTCODES = [
    "7411",
    "7412",
    "7413",
    "7414",
    "7415",
    "7416",
    "7417",
    "7418",
    "7419",
    "7421",
    "7422",
    "7423",
    "7424",
]
AANLEIDINGEN = [
    "Buren melden geluidsoverlast en een sterke geur uit de woning; meneer reageert niet op aanbellen.",
    "Huurachterstand van vier maanden, de woningcorporatie krijgt geen contact.",
    "Politie trof mevrouw verward op straat aan; zij weigert hulp.",
    "Wijkagent ziet dat de kinderen vaak niet naar school gaan en de woning vervuild is.",
    "Huisarts maakt zich zorgen over middelengebruik en dreigende huisuitzetting.",
    "Meneer is na detentie zonder woning en inkomen; reclassering vraagt om afstemming.",
    "Herhaalde meldingen van huiselijk geweld; partner durft geen aangifte te doen.",
    "Schuldhulpverlening loopt vast; gezin heeft geen vaste lasten meer betaald.",
]
MELDER_ORGANISATIES = [
    "Politie",
    "Woonbedrijf Ieder1",
    "Woonstichting De Marken",
    "Huisartsenpraktijk",
    "CJG Deventer",
    "Reclassering",
    "Tactus Verslavingszorg",
    "Dimence",
]


def random_bsn(rng):
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        rest = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if rest < 10 and digits[0] != 0:
            return "".join(map(str, digits)) + str(rest)


def _persoon_gegevens(fake, rng, *, rol, achternaam=None, adres=None, wijk=None, gemeente=None):
    vandaag = timezone.localdate()
    leeftijd = rng.randint(2, 17) if rol == Rol.KIND else rng.randint(18, 82)
    geslacht = rng.choice([Geslacht.MAN, Geslacht.VROUW, Geslacht.MAN, Geslacht.VROUW, Geslacht.X])
    voornaam = fake.first_name_male() if geslacht == Geslacht.MAN else fake.first_name_female()
    return {
        "voornaam": voornaam,
        "achternaam": achternaam or fake.last_name(),
        "geboortedatum": vandaag - timedelta(days=leeftijd * 365 + rng.randint(0, 364))
        if rng.random() > 0.05
        else None,
        "geslacht": geslacht,
        "bsn": random_bsn(rng) if rng.random() > 0.15 else "",
        "adres": adres or f"{fake.street_name()} {rng.randint(1, 180)}",
        "postcode": f"{rng.choice(STRAATPOSTCODES)}{fake.random_uppercase_letter()}{fake.random_uppercase_letter()}",
        "woonplaats": gemeente.naam if gemeente else "Deventer",
        "wijk": wijk or (rng.choice(gemeente.wijken) if gemeente else rng.choice(wijken()[:-1])),
        "inkomen": Inkomen.GEEN if rol == Rol.KIND else rng.choice(Inkomen.values),
    }


def _drop_known_bsns(huishouden):
    """A synthetic BSN that happens to exist already is left out (BSNs are unique)."""
    bsns = [b.gegevens["bsn"] for b in huishouden if b.gegevens.get("bsn")]
    taken = set(Persoon.objects.filter(bsn__in=bsns).values_list("bsn", flat=True))
    for b in huishouden:
        if b.gegevens.get("bsn") in taken:
            b.gegevens["bsn"] = ""


def _huishouden(fake, rng, bestaande, gemeente=None):
    if bestaande and rng.random() < 0.12:
        return [services.NieuweBetrokkene(rol=Rol.HOOFDPERSOON, persoon=rng.choice(bestaande))]
    hoofd = _persoon_gegevens(fake, rng, rol=Rol.HOOFDPERSOON, gemeente=gemeente)
    leden = [services.NieuweBetrokkene(rol=Rol.HOOFDPERSOON, gegevens=hoofd)]
    vorm = rng.random()
    same = {"achternaam": hoofd["achternaam"], "adres": hoofd["adres"], "wijk": hoofd["wijk"]}
    if vorm > 0.55:
        leden.append(
            services.NieuweBetrokkene(rol=Rol.PARTNER, gegevens=_persoon_gegevens(fake, rng, rol=Rol.PARTNER, **same))
        )
    if vorm > 0.7:
        for _ in range(rng.randint(1, 3)):
            leden.append(
                services.NieuweBetrokkene(rol=Rol.KIND, gegevens=_persoon_gegevens(fake, rng, rol=Rol.KIND, **same))
            )
    return leden


def _datum_in(rng, jaar, tot):
    start = date(jaar, 1, 1)
    end = min(date(jaar, 12, 31), tot)
    return start + timedelta(days=rng.randint(0, max((end - start).days, 0)))


def seed_meldingen(*, meldpunt, aantal, jaar, seed=0, gemeente=None):
    """Create `aantal` meldingen of `jaar` (idempotent on extern_id DEMO-jaar-nnnn). With `gemeente` (another
    gemeente of the region, seed_demo --regio): households of that gemeente and its wijken, DEMO-GMxxxx-jaar-nnnn."""
    fake = Faker("nl_NL")
    vandaag = timezone.localdate()
    organisaties = list(Organisatie.objects.filter(convenantpartner=True))
    prefix = f"DEMO-{gemeente.code}-{jaar}-" if gemeente else f"DEMO-{jaar}-"
    bestaand = set(Melding.objects.filter(extern_id__startswith=prefix).values_list("extern_id", flat=True))
    personen = Persoon.objects.filter(betrokkenheden__rol=Rol.HOOFDPERSOON)
    if gemeente:
        personen = personen.filter(betrokkenheden__melding__gemeente=gemeente)
    bekende_personen = list(personen.distinct()[:200])
    made = 0
    for i in range(1, aantal + 1):
        extern_id = f"{prefix}{i:04d}"
        if extern_id in bestaand:
            continue
        # One random stream per melding: the same melding gets the same data whatever ran before.
        rng = random.Random(f"{seed}-{extern_id}")
        fake.seed_instance(f"{seed}-{extern_id}")
        ontvangen = _datum_in(rng, jaar, vandaag)
        huishouden = _huishouden(fake, rng, bekende_personen, gemeente)
        melder_type = rng.choice([MelderType.PROFESSIONAL] * 6 + [MelderType.BURGER] * 3 + [MelderType.ANONIEM])
        stadium = rng.random()
        scores = rng.sample(Leefgebied.values, k=rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5, 6]))
        _drop_known_bsns(huishouden)
        gegevens = {
            "extern_id": extern_id,
            "ontvangen_op": ontvangen,
            "aanmeldroute": rng.choice(Aanmeldroute.values),
            "aanleiding": rng.choice(AANLEIDINGEN),
            "overlast": rng.random() < 0.45,
            "urgentie": rng.choice([Urgentie.NORMAAL] * 7 + [Urgentie.HOOG] * 2 + [Urgentie.ACUUT]),
            "melder_type": melder_type,
            "melder_naam": "" if melder_type == MelderType.ANONIEM else fake.name(),
            "melder_organisatie": rng.choice(MELDER_ORGANISATIES) if melder_type == MelderType.PROFESSIONAL else "",
            "melder_telefoon": "" if melder_type == MelderType.ANONIEM else fake.phone_number(),
            "wvggz": rng.random() < 0.06,
            **_kanaal_en_eerdere_hulp(random.Random(f"{seed}-{extern_id}-kanaal"), melder_type),
        }
        melding = services.melding_registreren(
            door=meldpunt, gegevens=gegevens, betrokkenen=huishouden, gemeente=gemeente
        )
        made += 1
        for b in huishouden:
            if b.persoon is None and b.rol == Rol.HOOFDPERSOON and len(bekende_personen) < 200:
                bekende_personen.append(melding.betrokkenen.get(rol=Rol.HOOFDPERSOON).persoon)
        _advance(
            melding,
            meldpunt=meldpunt,
            stadium=stadium,
            scores=scores,
            rng=rng,
            vandaag=vandaag,
            organisaties=organisaties,
        )
    return made


def _kanaal_en_eerdere_hulp(rng, melder_type):
    """Channel and help given before (issue 14), from their own random stream so the rest stays the same."""
    kanalen = [Kanaal.TELEFOON] * 5 + [Kanaal.MAIL] * 3 + [Kanaal.INLOOP, Kanaal.POST]
    if melder_type == MelderType.PROFESSIONAL:
        kanalen += [Kanaal.PARTNER] * 4
    eerdere_hulp = rng.choice([EerdereHulp.JA] * 4 + [EerdereHulp.NEE] * 3 + [EerdereHulp.ONBEKEND] * 3)
    door = rng.choice(EERDERE_HULPVERLENERS) if eerdere_hulp == EerdereHulp.JA else ""
    return {"kanaal": rng.choice(kanalen), "eerdere_hulp": eerdere_hulp, "eerdere_hulp_door": door}


EERDERE_HULPVERLENERS = ["Wijkteam", "Huisarts", "Schuldhulpverlening", "Maatschappelijk werk", "Verslavingszorg"]


def _advance(melding, *, meldpunt, stadium, scores, rng, vandaag, organisaties):
    """Move a melding to a random stage: ontvangen, in triage, getrieerd (each besluit), on the MDO agenda."""
    if stadium < 0.12:
        return
    if stadium < 0.22:
        services.melding_in_triage_nemen(door=meldpunt, melding=melding)
        return
    datum = min(melding.ontvangen_op + timedelta(days=rng.randint(0, 9)), vandaag)
    besluit = (
        Besluit.MDO if is_doelgroep(len(scores)) else rng.choice([Besluit.REGULIER, Besluit.ADVIES, Besluit.GEEN_ACTIE])
    )
    motivatie = ""
    if rng.random() < 0.06:
        besluit = Besluit.REGULIER if besluit == Besluit.MDO else Besluit.MDO
        motivatie = "Afwijkend besluit na overleg met de procesmanager: zorg is al (niet) in beeld."
    services.melding_triageren(
        door=meldpunt,
        melding=melding,
        datum=datum,
        leefgebieden={
            code: (code in scores, "Volgens melder en eigen waarneming." if code in scores else "")
            for code in Leefgebied.values
        },
        besluit=besluit,
        regulier_organisatie=rng.choice(organisaties) if besluit == Besluit.REGULIER else None,
        motivatie=motivatie,
    )
    if not melding.melder_anoniem and rng.random() < 0.6:
        services.terugkoppeling_vastleggen(
            door=meldpunt, melding=melding, wijze="telefoon", datum=min(datum + timedelta(days=1), vandaag)
        )
    if melding.wvggz and rng.random() < 0.5:
        services.wvggz_uitkomst_vastleggen(
            door=meldpunt,
            melding=melding,
            uitkomst=rng.choice(["verzoek_ovj", "geen_verzoek"]),
            datum=min(melding.ontvangen_op + timedelta(days=rng.randint(3, 13)), vandaag),
        )
    if besluit == Besluit.MDO and stadium > 0.45:
        services.melding_op_mdo_agenda_zetten(door=meldpunt, melding=melding)
