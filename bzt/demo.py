"""Demo organisations and accounts for seed_demo (CONTRACT.md § Management commands)."""

import datetime

from faker import Faker

from .auth.services import demo_apparaat_inrichten, tweestaps_verplicht
from .models import Organisatie, User
from .services import gebruiker_opslaan, organisatie_opslaan

S = Organisatie.Soort
# name, kind, convenant partner, expertise (leefgebieden: used to suggest casusregisseurs in the MDO)
ORGANISATIES = [
    ("Carinova", S.ZORG, True, ["sociaal_isolement", "psychiatrie"]),
    ("Dimence", S.ZORG, True, ["psychiatrie", "geweldsslachtoffer"]),
    ("Gemeente Deventer", S.GEMEENTE, True, ["werkloosheid_uitkering", "schulden"]),
    ("GGD IJsselland", S.ZORG, True, ["sociaal_isolement"]),
    ("Iriszorg", S.ZORG, True, ["dakloos", "verslaving"]),
    ("MEE IJsseloevers", S.ZORG, True, ["schulden", "sociaal_isolement"]),
    ("Pactum/De Kij", S.JEUGD, True, ["criminaliteit", "geweldsslachtoffer"]),
    ("Rentree Wonen", S.WONEN, True, ["dakloos"]),
    ("Tactus Verslavingszorg", S.ZORG, True, ["verslaving", "criminaliteit"]),
    ("Woonbedrijf Ieder1", S.WONEN, True, ["dakloos"]),
    ("Woonstichting De Marken", S.WONEN, True, ["dakloos"]),
    ("Politie", S.VEILIGHEID, False, ["criminaliteit"]),
    ("CJG Deventer", S.JEUGD, False, ["geweldsslachtoffer"]),
    ("Onderwijs (Samenwerkingsverband Deventer)", S.JEUGD, False, []),
]

# username, role group, organisation; the first eight are the accounts CONTRACT.md names.
ACCOUNTS = [
    ("meldpunt", "meldpunt", "Gemeente Deventer"),
    ("procesmanager", "procesmanager", "GGD IJsselland"),
    ("regisseur_dimence", "casusregisseur", "Dimence"),
    ("regisseur_tactus", "casusregisseur", "Tactus Verslavingszorg"),
    ("coordinator", "coordinerend_ambtenaar", "Gemeente Deventer"),
    ("wethouder", "wethouder", "Gemeente Deventer"),
    ("beleid", "beleidsambtenaar", "Gemeente Deventer"),
    ("beheer", "functioneel_beheer", "Gemeente Deventer"),
    ("regisseur_iriszorg", "casusregisseur", "Iriszorg"),
    ("regisseur_carinova", "casusregisseur", "Carinova"),
    ("regisseur_mee", "casusregisseur", "MEE IJsseloevers"),
    ("meldpunt2", "meldpunt", "Gemeente Deventer"),
    ("privacy", "privacy_officer", "Gemeente Deventer"),
    # the higher levels of the escalation ladder (casusregie/reference.py LADDER)
    ("burgemeester", "burgemeester", "Gemeente Deventer"),
    ("mandaatcommissie", "regionale_mandaatcommissie", "Gemeente Deventer"),
    # partner organisations that file meldingen themselves (issue 19, partners app)
    ("politie", "partner_melder", "Politie"),
    ("corporatie", "partner_melder", "Woonbedrijf Ieder1"),
]


# "Op 11 juli 2012 hebben de partijen die op dat moment direct bij het BZT betrokken zijn een aangepast convenant
# ondertekend." (evaluation 2013, § 4 Convenant)
CONVENANT_GETEKEND_OP = datetime.date(2012, 7, 11)


def seed_organisaties_en_accounts(*, door, password, seed=0):
    fake = Faker("nl_NL")
    fake.seed_instance(seed)
    organisaties = {
        naam: organisatie_opslaan(
            door=door,
            naam=naam,
            soort=soort,
            convenantpartner=convenant,
            expertise=expertise,
            convenant_getekend_op=CONVENANT_GETEKEND_OP if convenant else None,
        )
        for naam, soort, convenant, expertise in ORGANISATIES
    }
    users = {}
    for username, rol, organisatie in ACCOUNTS:
        first, last = fake.first_name(), fake.last_name()
        users[username] = gebruiker_opslaan(
            door=door,
            username=username,
            organisatie=organisaties[organisatie],
            rol=rol,
            first_name=first,
            last_name=last,
            email=f"{username}@bzt.example",
            password=password,
        )
        # Accounts with personal data need a second factor: a confirmed device with the public demo secret
        # (settings.DEMO_TOTP_SECRET; `python manage.py demo_totp_code` prints the current code).
        if tweestaps_verplicht(User.objects.get(pk=users[username].pk)):
            demo_apparaat_inrichten(door=door, gebruiker=users[username])
    return organisaties, users


# --- seed_demo --regio: the region of the meldpunt (CONTRACT.md § Region; seed 002: Deventer is centrumgemeente) ---

# code, name, slug of the accounts, inhabitants (CBS, 1 January 2024, rounded: spreads the meldingen), wijken
REGIO = [
    (
        "GM0175",
        "Olst-Wijhe",
        "olst_wijhe",
        18_900,
        ["Olst", "Wijhe", "Boskamp", "Welsum", "Wesepe", "Marle", "Den Nul", "Herxen"],
    ),
    (
        "GM0177",
        "Raalte",
        "raalte",
        38_900,
        ["Raalte-Centrum", "Raalte-Noord", "Raalte-Zuid", "Heino", "Lemelerveld", "Luttenberg", "Broekland", "Heeten"],
    ),
    (
        "GM0301",
        "Zutphen",
        "zutphen",
        48_800,
        ["Zutphen-Centrum", "Noordveen", "Waterkwartier", "Leesten", "Zuidwijken", "Warnsveld", "Looierslanden"],
    ),
    (
        "GM0262",
        "Lochem",
        "lochem",
        34_900,
        ["Lochem-Stad", "Laren", "Barchem", "Gorssel", "Eefde", "Epse", "Almen", "Harfsen"],
    ),
]
EIGEN_INWONERS = 102_000  # Deventer (GM0150)
# the gemeente-bound roles every gemeente of the demo region has an account for
REGIO_ROLLEN = [
    ("wethouder", "wethouder"),
    ("coordinator", "coordinerend_ambtenaar"),
    ("beleid", "beleidsambtenaar"),
    ("burgemeester", "burgemeester"),
]


def regio_accounts():
    """(username, role, organisation) of the accounts `seed_demo --regio` adds, for the command's listing."""
    return [
        (f"{prefix}_{slug}", rol, f"Gemeente {naam}") for _, naam, slug, _, _ in REGIO for prefix, rol in REGIO_ROLLEN
    ]


def seed_regio(*, door, password, seed=0):
    """The four gemeenten beside the own one, their municipal organisation and accounts (idempotent).
    Returns ({code: Gemeente}, {username: User}); the gemeenten include the own one."""
    from .gemeenten import eigen_gemeente, gemeente_opslaan
    from .models import Gemeente

    fake = Faker("nl_NL")
    fake.seed_instance(f"regio-{seed}")
    gemeenten = {eigen_gemeente().code: eigen_gemeente()}
    users = {}
    for code, naam, slug, _, wijken in REGIO:
        gemeente = Gemeente.objects.filter(code=code).first()
        if gemeente is None:
            gemeente = gemeente_opslaan(
                door=door, code=code, naam=naam, wijken=wijken, documentnaam=f"Gemeente {naam}", actief=True
            )
        gemeenten[code] = gemeente
        organisatie = organisatie_opslaan(door=door, naam=f"Gemeente {naam}", soort=S.GEMEENTE, convenantpartner=False)
        for prefix, rol in REGIO_ROLLEN:
            username = f"{prefix}_{slug}"
            users[username] = gebruiker_opslaan(
                door=door,
                username=username,
                organisatie=organisatie,
                rol=rol,
                gemeente=gemeente,
                first_name=fake.first_name(),
                last_name=fake.last_name(),
                email=f"{username}@bzt.example",
                password=password,
            )
            if tweestaps_verplicht(User.objects.get(pk=users[username].pk)):
                demo_apparaat_inrichten(door=door, gebruiker=users[username])
    return gemeenten, users


def verdeling_naar_inwoners(aantal):
    """{code: meldingen} spreading `aantal` over the own gemeente and the region by number of inhabitants."""
    from django.conf import settings

    inwoners = {settings.BZT_GEMEENTE_CODE: EIGEN_INWONERS} | {code: n for code, _, _, n, _ in REGIO}
    totaal = sum(inwoners.values())
    verdeling = {code: aantal * n // totaal for code, n in inwoners.items()}
    verdeling[settings.BZT_GEMEENTE_CODE] += aantal - sum(verdeling.values())
    return verdeling
