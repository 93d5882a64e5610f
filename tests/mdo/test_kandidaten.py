"""The agenda ranks kandidaten from a pool (the first KANDIDATEN_TONEN of each organisation by caseload and
username) instead of every casusregisseur: the best kandidaten of any melding must stay exactly the same."""

import pytest
from django.contrib.auth.models import Group

from bzt.audit import acting_as
from bzt.models import Organisatie, User
from casusregie.models import Casus
from casusregie.selectors import casusregisseurs
from mdo.selectors import (
    KANDIDATEN_TONEN,
    kandidaat_regisseurs,
    kandidaten_pool,
    kandidaten_voor,
    regisseurs_met_caseload,
)
from tests import factories

# ties on caseload are decided by username in code point order: upper case, punctuation and accents on purpose
NAMEN = ["b", "B", "a.b", "ab", "a_c", "Ab", "_z", "zz", "Z", "é", "e", "aa", "a-b"]


def regisseurs(demo, organisatie):
    group = Group.objects.get(name="casusregisseur")
    users = []
    with acting_as(demo["beheer"]):
        for naam in NAMEN:
            u = User.objects.create(username=f"{naam}{organisatie.pk}", organisatie=organisatie)
            u.groups.add(group)
            users.append(u)
    return users


def caseload(casussen, verdeling):
    """Reassign the given casussen: verdeling = [(user, number of open casussen)]."""
    casussen = iter(casussen)
    for user, aantal in verdeling:
        for _ in range(aantal):
            Casus.objects.filter(pk=next(casussen).pk).update(casusregisseur=user)


@pytest.mark.django_db
def test_the_pool_gives_the_same_best_kandidaten_as_ranking_every_regisseur(demo, settings):
    organisaties = [Organisatie.objects.get(naam=n) for n in ("Tactus Verslavingszorg", "Dimence", "MEE IJsseloevers")]
    extra = {o.naam: regisseurs(demo, o) for o in organisaties}
    casussen = [factories.casus(demo) for _ in range(12)]
    settings.BZT_MAX_CASELOAD = 2
    tactus, dimence, mee = extra.values()
    # Tactus: the lowest caseloads are not the first usernames; Dimence: at and above the maximum
    caseload(casussen, [(tactus[0], 1), (tactus[1], 1), (tactus[6], 1), (dimence[2], 2), (dimence[3], 3)])
    gesloten = casussen[-1]
    Casus.objects.filter(pk=gesloten.pk).update(casusregisseur=mee[0], status=Casus.Status.AFGESLOTEN)

    alle = regisseurs_met_caseload(casusregisseurs().values_list("pk", flat=True))
    pool = kandidaten_pool()
    assert len(pool) < len(alle)
    per_organisatie = {}
    for r in pool:
        per_organisatie[r.organisatie_id] = per_organisatie.get(r.organisatie_id, 0) + 1
    assert max(per_organisatie.values()) == KANDIDATEN_TONEN
    assert {r.pk: r.caseload for r in pool}.items() <= {r.pk: r.caseload for r in alle}.items()
    assert next(r for r in pool if r.pk == mee[0].pk).caseload == 0  # a closed casus does not count

    meldingen = [
        factories.mdo_melding(demo, codes=codes)
        for codes in (
            ("verslaving", "dakloos", "schulden"),
            ("psychiatrie", "schulden", "sociaal_isolement"),
            ("verslaving", "criminaliteit", "psychiatrie"),
            ("dakloos", "werkloosheid_uitkering", "geweldsslachtoffer"),
        )
    ]
    meldingen.append(factories.melding(demo["meldpunt"]))  # not triaged: no leefgebieden to match
    for melding in meldingen:
        verwacht = kandidaat_regisseurs(melding, alle, aantal=KANDIDATEN_TONEN)
        gekregen = kandidaten_voor(melding, pool)
        assert [(k.regisseur.pk, k.caseload, k.passend) for k in gekregen] == [
            (k.regisseur.pk, k.caseload, k.passend) for k in verwacht
        ]


@pytest.mark.django_db
def test_a_chosen_regisseur_outside_the_pool_is_added_with_his_caseload(demo):
    organisatie = Organisatie.objects.get(naam="MEE IJsseloevers")
    extra = regisseurs(demo, organisatie)
    casus = factories.casus(demo)
    laatste = max(extra, key=lambda u: u.username)
    Casus.objects.filter(pk=casus.pk).update(casusregisseur=laatste)
    melding = factories.mdo_melding(demo)
    pool = kandidaten_pool()
    assert laatste.pk not in {r.pk for r in pool}

    kandidaten = kandidaten_voor(melding, pool, gekozen=[str(laatste.pk), "x"])
    assert len(kandidaten) == KANDIDATEN_TONEN + 1
    assert (kandidaten[-1].regisseur, kandidaten[-1].caseload) == (laatste, 1)
