"""Default reference lists: closing reasons and the escalation ladder of DESIGN.md.

Ensured after every migrate (also after a test flush); functioneel beheer edits them afterwards, and
those edits have history. Only missing codes are added, so an edited list is never overwritten.
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
KAN_NIET_VERDER = [code for code, _, _, kan_niet_verder in AFSLUITREDENEN if kan_niet_verder]
LADDER = [
    ("procesmanager", "Procesmanager", 1, "procesmanager"),
    ("coordinerend_ambtenaar", "Coördinerend ambtenaar", 2, "coordinerend_ambtenaar"),
    ("wethouder", "Wethouder", 3, "wethouder"),
]


def ensure_reference_data(sender=None, using="default", **kwargs):
    from django.contrib.auth.models import Group

    from .models import AfsluitReden, EscalatieNiveau

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
    if not EscalatieNiveau.objects.using(using).exists():
        EscalatieNiveau.objects.using(using).bulk_create(
            [
                EscalatieNiveau(
                    code=code,
                    naam=naam,
                    volgorde=volgorde,
                    behandelaars=Group.objects.using(using).get_or_create(name=groep)[0],
                )
                for code, naam, volgorde, groep in LADDER
            ]
        )
