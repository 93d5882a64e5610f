"""seed_demo --regio (CONTRACT.md § Region): the five gemeenten, their accounts, meldingen spread by population."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from bzt.models import Gemeente, User
from meldpunt.models import Melding
from monitor.models import BudgetRegel

pytestmark = pytest.mark.django_db


def test_seed_demo_regio_makes_the_region_and_is_idempotent():
    call_command("seed_demo", meldingen=40, regio=True, stdout=StringIO())
    codes = dict(Gemeente.objects.values_list("code", "naam"))
    assert codes == {
        "GM0150": "Deventer",
        "GM0175": "Olst-Wijhe",
        "GM0177": "Raalte",
        "GM0301": "Zutphen",
        "GM0262": "Lochem",
    }
    assert "Noordveen" in Gemeente.objects.get(code="GM0301").wijken
    for slug, code in [("olst_wijhe", "GM0175"), ("raalte", "GM0177"), ("zutphen", "GM0301"), ("lochem", "GM0262")]:
        for prefix, rol in [
            ("wethouder", "wethouder"),
            ("coordinator", "coordinerend_ambtenaar"),
            ("beleid", "beleidsambtenaar"),
        ]:
            user = User.objects.get(username=f"{prefix}_{slug}")
            assert user.gemeente.code == code and user.groups.get().name == rol
    for username in ("wethouder", "coordinator", "beleid"):
        assert User.objects.get(username=username).gemeente.code == "GM0150"
    assert User.objects.get(username="meldpunt").gemeente is None  # serves the region
    per_gemeente = dict(Melding.objects.values_list("gemeente__code").annotate(n=Count("id")))
    # spread by inhabitants: Deventer the most, Olst-Wijhe the fewest, every gemeente some
    assert set(per_gemeente) == set(codes)
    assert per_gemeente["GM0150"] > per_gemeente["GM0301"] > per_gemeente["GM0175"]
    # each melding's household lives in a wijk of its gemeente
    for melding in Melding.objects.select_related("gemeente")[:40]:
        wijken = {b.persoon.wijk for b in melding.betrokkenen.select_related("persoon")}
        assert wijken & set(melding.gemeente.wijken) or wijken == {""}, (melding.gemeente, wijken)
    assert BudgetRegel.objects.filter(gemeente__code="GM0301").exists()
    voor = (Melding.objects.count(), User.objects.count(), BudgetRegel.objects.count(), Gemeente.objects.count())
    call_command("seed_demo", meldingen=40, regio=True, stdout=StringIO())
    assert (
        Melding.objects.count(),
        User.objects.count(),
        BudgetRegel.objects.count(),
        Gemeente.objects.count(),
    ) == voor
