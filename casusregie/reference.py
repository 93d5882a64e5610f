"""Default reference lists: closing reasons, the escalation ladder and the kinds of escalation.

Ensured after every migrate (also after a test flush); functioneel beheer edits them afterwards, and
those edits have history. Only missing codes are added, so an edited list is never overwritten.

The ladder follows the documents (docs/casusregie.md § De escalatieladder): casusregisseur → procesmanager →
coördinerend ambtenaar → wethouder (seed 000: "de bestuurlijke regie wordt neergelegd bij een wethouder"),
then, AVE (seed 002): "gemeentelijk opgeschaald naar de burgemeester na ruggenspraak met wethouders. In het
uiterste geval wordt de regionale mandaatcommissie bijeengeroepen". Each level is answered by the accounts
of one group (bzt/roles.py). Code never names a level: it reads this data.
"""

# (code, naam, vraagt_organisatie, casus_kan_niet_verder): with the last, the procesmanager may close anyway.
AFSLUITREDENEN = [
    ("regulier_overgedragen", "Overgedragen aan reguliere zorg", True, False),
    ("doel_bereikt", "Doelen bereikt", False, False),
    ("verhuisd", "Verhuisd buiten de gemeente", False, True),
    ("overleden", "Overleden", False, True),
    ("zorgmijding", "Zorgmijding: geen ingang mogelijk", False, True),
    ("overig", "Overig", False, False),
]
# code, naam, volgorde, the group whose accounts answer this level
KAN_NIET_VERDER = [code for code, _, _, kan_niet_verder in AFSLUITREDENEN if kan_niet_verder]
LADDER = [
    ("procesmanager", "Procesmanager", 1, "procesmanager"),
    ("coordinerend_ambtenaar", "Coördinerend ambtenaar", 2, "coordinerend_ambtenaar"),
    ("wethouder", "Wethouder", 3, "wethouder"),
    ("burgemeester", "Burgemeester", 4, "burgemeester"),
    ("regionale_mandaatcommissie", "Regionale mandaatcommissie", 5, "regionale_mandaatcommissie"),
]
# code, naam, the level it starts at (the codes are those of the former Escalatie.Reden choices)
ESCALATIESOORTEN = [
    ("stagnatie", "Stagnatie", "procesmanager"),
    ("afspraken", "Partner komt afspraken niet na", "procesmanager"),
    ("wachtlijst", "Wachtlijst bij een partner", "procesmanager"),
    ("juridisch", "Juridische blokkade", "coordinerend_ambtenaar"),
    ("financieel", "Financiële blokkade", "coordinerend_ambtenaar"),
    ("veiligheid", "Veiligheid", "procesmanager"),
]


def ensure_ladder(Group, EscalatieNiveau, EscalatieSoort, using="default"):
    """Add the missing levels of LADDER and kinds of ESCALATIESOORTEN (with their groups).

    Takes the models so the data migration (historical models) and post_migrate (real models) share it.
    A level whose default volgorde is taken by a configured level goes after the highest one; a kind whose
    start level no longer exists starts at the lowest level. Nothing that exists is changed.
    """
    niveaus = EscalatieNiveau.objects.using(using)
    bestaand = {n.code: n for n in niveaus.all()}
    bezet = {n.volgorde for n in bestaand.values()}
    nieuw = []
    for code, naam, volgorde, groep in LADDER:
        if code in bestaand:
            continue
        if volgorde in bezet:
            volgorde = max(bezet) + 1
        bezet.add(volgorde)
        nieuw.append(
            EscalatieNiveau(
                code=code,
                naam=naam,
                volgorde=volgorde,
                behandelaars=Group.objects.using(using).get_or_create(name=groep)[0],
            )
        )
    niveaus.bulk_create(nieuw)
    bestaand = {n.code: n for n in niveaus.all()}
    laagste = niveaus.order_by("volgorde").first()
    soorten = EscalatieSoort.objects.using(using)
    known = set(soorten.values_list("code", flat=True))
    soorten.bulk_create(
        [
            EscalatieSoort(code=code, naam=naam, start_niveau=bestaand.get(start, laagste), volgorde=volgorde)
            for volgorde, (code, naam, start) in enumerate(ESCALATIESOORTEN)
            if code not in known
        ]
    )


def ensure_reference_data(sender=None, using="default", **kwargs):
    from django.contrib.auth.models import Group

    from .models import AfsluitReden, EscalatieNiveau, EscalatieSoort

    known = set(AfsluitReden.objects.using(using).values_list("code", flat=True))
    AfsluitReden.objects.using(using).bulk_create(
        [
            AfsluitReden(
                code=code, naam=naam, vraagt_organisatie=vraagt, casus_kan_niet_verder=stopt, volgorde=volgorde
            )
            for volgorde, (code, naam, vraagt, stopt) in enumerate(AFSLUITREDENEN)
            if code not in known
        ]
    )
    ensure_ladder(Group, EscalatieNiveau, EscalatieSoort, using)
