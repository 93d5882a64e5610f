"""The plan van aanpak as a PDF to go over with the client, in the style of the jaarmonitor (bzt/pdf.py).

Only the persons the plan is about appear in it: the persons its actions are for (`PlanActie.personen`). Other
members of the household are not named, and no BSN, address or date of birth is printed at all. The PDF is made
in the background (bzt.bestandstaken, the kind registered in CasusregieConfig.ready()): `plan_html` renders it in
the job, for whoever asked, with the plan fetched through casusregie.selectors.plan_for; the download is logged
as an export of the persons in it."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from bzt.bestandstaken import Soort
from bzt.inzage import Actie, log_inzage
from meldpunt.models import Persoon

from . import selectors
from .models import PlanActie

PLAN = "casusregie.plan"


def personen_in_plan(plan):
    """The persons the actions of `plan` are for, by name."""
    ids = PlanActie.personen.through.objects.filter(planactie__plan=plan).values("persoon_id")
    return list(Persoon.objects.filter(pk__in=ids).order_by("achternaam", "voornaam", "pk"))


def plan_html(user, plan):
    """The HTML of the plan's PDF (the job renders it); `plan` from casusregie.selectors.plan_for."""
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
    return render_to_string("casusregie/plan_pdf.html", context)


def download_loggen(request, plan, personen):
    """An export of the persons in the plan when the PDF was made (only they appear in it), on the ground the user
    sees the casus."""
    grond = selectors.toegangsgrond(request.user, plan.casus)
    log_inzage(request, object=plan, actie=Actie.EXPORTEREN, personen=personen, grond=grond)


SOORT = Soort(
    naam=PLAN,
    ophalen=selectors.plan_for,
    titel=lambda plan: f"Plan van aanpak {plan.casus.nummer} (versie {plan.versie})",
    html=plan_html,
    bestandsnaam=lambda plan: f"plan-van-aanpak-{plan.casus.nummer}-v{plan.versie}.pdf",
    loggen=download_loggen,
    terug=lambda plan: reverse("casusregie:plan", args=[plan.pk]),
    personen=personen_in_plan,
)
