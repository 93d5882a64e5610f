"""Demo organisations and accounts for seed_demo (CONTRACT.md § Management commands)."""

from faker import Faker

from .models import Organisatie
from .services import gebruiker_opslaan, organisatie_opslaan

S = Organisatie.Soort
ORGANISATIES = [
    ("Carinova", S.ZORG, True),
    ("Dimence", S.ZORG, True),
    ("Gemeente Deventer", S.GEMEENTE, True),
    ("GGD IJsselland", S.ZORG, True),
    ("Iriszorg", S.ZORG, True),
    ("MEE IJsseloevers", S.ZORG, True),
    ("Pactum/De Kij", S.JEUGD, True),
    ("Rentree Wonen", S.WONEN, True),
    ("Tactus Verslavingszorg", S.ZORG, True),
    ("Woonbedrijf Ieder1", S.WONEN, True),
    ("Woonstichting De Marken", S.WONEN, True),
    ("Politie", S.VEILIGHEID, False),
    ("CJG Deventer", S.JEUGD, False),
    ("Onderwijs (Samenwerkingsverband Deventer)", S.JEUGD, False),
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
]


def seed_organisaties_en_accounts(*, door, password, seed=0):
    fake = Faker("nl_NL")
    fake.seed_instance(seed)
    organisaties = {
        naam: organisatie_opslaan(door=door, naam=naam, soort=soort, convenantpartner=convenant)
        for naam, soort, convenant in ORGANISATIES
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
    return organisaties, users
