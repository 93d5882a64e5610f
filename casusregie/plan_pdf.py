"""The plan van aanpak as a PDF to go over with the client, in the style of the jaarmonitor (bzt/pdf.py).

Only the persons the plan is about appear in it: the persons its actions are for (`PlanActie.personen`). Other
members of the household are not named, and no BSN, address or date of birth is printed at all. Everything is
made in `plan_pdf` (one function, so it can move to a background job like the jaarmonitor)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from bzt.pdf import render_pdf
from meldpunt.models import Persoon

from .models import PlanActie


def personen_in_plan(plan):
    """The persons the actions of `plan` are for, by name."""
    ids = PlanActie.personen.through.objects.filter(planactie__plan=plan).values("persoon_id")
    return list(Persoon.objects.filter(pk__in=ids).order_by("achternaam", "voornaam", "pk"))


def plan_pdf(plan):
    """(pdf bytes, the persons in it) for `plan`, fetched through casusregie.selectors.plan_for."""
    personen = personen_in_plan(plan)
    casus = plan.casus
    context = {
        "gemeente": settings.BZT_GEMEENTE,
        "plan": plan,
        "casus": casus,
        "regisseur": casus.casusregisseur,
        "organisatie": casus.organisatie,
        "personen": personen,
        "doelen": list(plan.doelen.all()),
        "acties": list(plan.acties.select_related("eigenaar", "doel").prefetch_related("personen")),
        "gemaakt_op": timezone.localtime(),
    }
    return render_pdf(render_to_string("casusregie/plan_pdf.html", context)), personen
