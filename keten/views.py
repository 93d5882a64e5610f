"""The start page of every role: what that person has to do today, read from every app of the chain."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from bzt.notifications import ongelezen
from bzt.services import inactive_accounts
from casusregie.permissions import is_expertteamlid
from casusregie.selectors import (
    escalaties_op_mijn_niveau,
    nazorg_voor,
    open_vragen_aan_mijn_team,
    opnieuw_te_melden,
    regisseur_vandaag,
)
from meldpunt.selectors import WACHTRIJEN, wachtrij_tellingen

from .dashboard import kerncijfers
from .hooks import STARTPAGINA

HOME_ESCALATIES = 20  # escalations on the home page of a coördinator, wethouder, burgemeester


@login_required
def home(request):
    """The start page of the user's role: what that person has to do today."""
    role = request.user.rol
    context = {"role": role, "berichten": list(ongelezen(request.user)[:5])}
    if request.user.has_perm("meldpunt.view_melding"):
        context.update(wachtrijen=WACHTRIJEN, tellingen=wachtrij_tellingen(request.user))
    if request.user.has_perm("bzt.beheren_gebruikers"):
        context["inactieve_accounts"] = inactive_accounts().count()
    if request.user.has_perm("casusregie.zien_alle_casussen"):
        context["kerncijfers"] = kerncijfers(request.user)
    if request.user.has_perm("casusregie.werken_als_regisseur"):
        context["vandaag"] = regisseur_vandaag(request.user)
    if request.user.has_perm("casusregie.werken_als_regisseur") or request.user.has_perm(
        "casusregie.zien_alle_casussen"
    ):
        context["nazorg"] = nazorg_voor(request.user)  # due nazorg tasks for this person only
    if request.user.has_perm("meldpunt.add_melding"):
        context["opnieuw_melden"] = opnieuw_te_melden(request.user)
    if request.user.has_perm("casusregie.behandelen_escalatie"):
        escalaties = escalaties_op_mijn_niveau(request.user)
        context["escalaties"] = escalaties[:HOME_ESCALATIES]  # the longest waiting; the list page has them all
        context["aantal_escalaties"] = escalaties.count()
    if is_expertteamlid(request.user):  # any role: the open questions to the user's expert team
        context["expertvragen"] = open_vragen_aan_mijn_team(request.user)[:20]
    for aanvulling in STARTPAGINA:  # the layer above (avg): the privacy officer's open requests
        context.update(aanvulling(request.user))
    template = f"home/{role.group}.html" if role else "home/geen_rol.html"
    return render(request, template, context)
