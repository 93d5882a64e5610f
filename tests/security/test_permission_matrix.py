"""The permission matrix: every URL of the project × every role of CONTRACT.md, plus a casusregisseur of
another organisation, a betrokkene whose access ended, and an anonymous visitor.

Each cell is the exact answer (ok = 200 or a redirect that is not to the login page; 403; 404; login =
redirect to the login page; 405). Every response body of an actor that may not see the case is searched for
the case's unique marker name. A URL that is not in MATRIX makes the test fail, so a new screen cannot be
added without deciding who may open it.
"""

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from bzt.gemeenten import eigen_gemeente
from casusregie import services as casus_services
from casusregie.models import AfsluitReden, EscalatieNiveau, EscalatieSoort
from mdo import services as mdo_services
from tests import factories

MARKER = "Markeerlinga"

ACTORS = [
    "anonymous",
    "meldpunt",
    "procesmanager",
    "regisseur_dimence",
    "regisseur_tactus",
    "betrokkene_actief",
    "betrokkene_beeindigd",
    "coordinator",
    "wethouder",
    "burgemeester",  # the higher levels of the escalation ladder (issue 14)
    "mandaatcommissie",
    "beleid",
    "beheer",
    "privacy",
    "politie",  # partner_melder (issue 19): files meldingen, sees only the status of their organisation's
]
# Who may see the marker case at all (anywhere): everyone else must never receive the marker name.
MAY_SEE_CASE = {"meldpunt", "procesmanager", "regisseur_dimence", "betrokkene_actief", "privacy"}
USERNAMES = {"betrokkene_actief": "regisseur_iriszorg", "betrokkene_beeindigd": "regisseur_mee"}

ALL = set(ACTORS) - {"anonymous"}
PUBLIC = {"login", "huisstijl_css", "healthz"}


def cells(ok=(), forbidden=(), missing=(), default="403", anonymous="login", **extra):
    """Expected outcome per actor."""
    result = {actor: default for actor in ALL}
    result.update({a: "ok" for a in ok})
    result.update({a: "403" for a in forbidden})
    result.update({a: "404" for a in missing})
    result["anonymous"] = anonymous
    result.update(extra)
    return result


MELDPUNT_ROLES = {"meldpunt", "procesmanager"}
CASUS_READERS = {"procesmanager", "regisseur_dimence", "betrokkene_actief"}
NOT_CASUS = ALL - CASUS_READERS
REGISSEURS = {"regisseur_dimence", "regisseur_tactus", "betrokkene_actief", "betrokkene_beeindigd"}  # the role

# url name: (method, expected outcome per actor)
MATRIX = {
    "home": ("GET", cells(ok=ALL)),
    "login": ("GET", cells(ok=(), default="ok", anonymous="ok")),
    "logout": ("POST", cells(default="ok", anonymous="ok")),
    "tweestaps_controleren": ("GET", cells(default="ok")),
    "tweestaps_instellen": ("GET", cells(default="ok")),
    "tweestaps_overzicht": ("GET", cells(default="ok")),
    "sessie_verlengen": ("POST", cells(default="ok")),
    "invoer_herstellen": ("GET", cells(default="ok")),  # only the user's own kept input; none: to the start page
    "huisstijl_css": ("GET", cells(default="ok", anonymous="ok")),
    "healthz": ("GET", cells(default="ok", anonymous="ok")),
    "inactieve_accounts_blokkeren": ("POST", cells(ok={"beheer"})),
    # everyone's own notifications; someone else's answers 404
    "notificaties": ("GET", cells(ok=ALL)),
    "notificatie_openen": ("GET", cells(ok={"regisseur_dimence"}, default="404")),
    "notificaties_alles_gelezen": ("POST", cells(ok=ALL)),
    "notificatie_instellingen": ("GET", cells(ok=ALL)),
    # a file made in the background (bzt.bestandstaken): only for whoever asked for it; anyone else 404
    "bestandstaak": ("GET", cells(ok={"procesmanager"}, default="404")),
    "bestandstaak_opnieuw": ("POST", cells(ok={"procesmanager"}, default="404")),
    "bestandstaak_download": ("GET", cells(ok={"procesmanager"}, default="404")),
    # functioneel beheer: accounts and organisations (no case content; 403 for every other role). The POSTs
    # are sent empty: the form answers with its errors (ok) and nothing is written.
    "beheer:accounts": ("GET", cells(ok={"beheer"})),
    "beheer:account_nieuw": ("POST", cells(ok={"beheer"})),
    "beheer:account": ("GET", cells(ok={"beheer"})),
    "beheer:account_deactiveren": ("POST", cells(ok={"beheer"})),
    "beheer:account_heractiveren": ("GET", cells(ok={"beheer"})),
    "beheer:tweestaps_resetten": ("POST", cells(ok={"beheer"})),
    "beheer:organisaties": ("GET", cells(ok={"beheer"})),
    "beheer:organisatie_nieuw": ("POST", cells(ok={"beheer"})),
    "beheer:organisatie": ("POST", cells(ok={"beheer"})),
    "beheer:organisatie_deactiveren": ("POST", cells(ok={"beheer"})),
    "beheer:organisatie_heractiveren": ("GET", cells(ok={"beheer"})),
    # the gemeenten of a region (issue 18)
    "beheer:gemeenten": ("GET", cells(ok={"beheer"})),
    "beheer:gemeente_nieuw": ("POST", cells(ok={"beheer"})),
    "beheer:gemeente": ("POST", cells(ok={"beheer"})),
    # functioneel beheer: the settings and the reference lists (issue 15; no case content either)
    "beheer:instellingen": ("GET", cells(ok={"beheer"})),
    "beheer:instelling": ("POST", cells(ok={"beheer"})),
    "beheer:afsluitredenen": ("GET", cells(ok={"beheer"})),
    "beheer:afsluitreden_nieuw": ("POST", cells(ok={"beheer"})),
    "beheer:afsluitreden": ("GET", cells(ok={"beheer"})),
    "beheer:afsluitreden_deactiveren": ("POST", cells(ok={"beheer"})),
    "beheer:afsluitreden_heractiveren": ("GET", cells(ok={"beheer"})),
    "beheer:escalatieniveaus": ("GET", cells(ok={"beheer"})),
    "beheer:escalatieniveau_nieuw": ("POST", cells(ok={"beheer"})),
    "beheer:escalatieniveau": ("POST", cells(ok={"beheer"})),
    "beheer:escalatieniveau_deactiveren": ("POST", cells(ok={"beheer"})),
    "beheer:escalatieniveau_heractiveren": ("GET", cells(ok={"beheer"})),
    "beheer:escalatiesoorten": ("GET", cells(ok={"beheer"})),
    "beheer:escalatiesoort_nieuw": ("POST", cells(ok={"beheer"})),
    "beheer:escalatiesoort": ("POST", cells(ok={"beheer"})),
    "beheer:escalatiesoort_deactiveren": ("POST", cells(ok={"beheer"})),
    "beheer:escalatiesoort_heractiveren": ("GET", cells(ok={"beheer"})),
    "beheer:expertteams": ("GET", cells(ok={"beheer"})),
    "beheer:expertteam_nieuw": ("POST", cells(ok={"beheer"})),
    "beheer:expertteam": ("POST", cells(ok={"beheer"})),
    "beheer:expertteam_deactiveren": ("POST", cells(ok={"beheer"})),
    "beheer:expertteam_heractiveren": ("GET", cells(ok={"beheer"})),
    # the budget lines of the jaarmonitor: kept by functioneel beheer; the beleidsambtenaar reads monitor:budget
    "beheer:budget": ("GET", cells(ok={"beheer"})),
    "beheer:budgetregel": ("GET", cells(ok={"beheer"})),
    "beheer:budgetregel_verwijderen": ("POST", cells(ok={"beheer"})),
    # the one-time first-password link of a new account: anyone may open it; a wrong token shows "link invalid"
    # issue 19: a partner's professional files meldingen and sees their organisation's (the POST is empty: the
    # form answers with its errors); functioneel beheer keeps the API keys and callbacks
    "partners:meldingen": ("GET", cells(ok={"politie"})),
    "partners:melding_nieuw": ("POST", cells(ok={"politie"})),
    "partnerbeheer:overzicht": ("GET", cells(ok={"beheer"})),
    "partnerbeheer:organisatie": ("POST", cells(ok={"beheer"})),
    "partnerbeheer:sleutel_nieuw": ("POST", cells(ok={"beheer"})),
    "partnerbeheer:sleutel_intrekken": ("POST", cells(ok={"beheer"})),
    "partnerbeheer:terugmelding_opnieuw": ("POST", cells(ok={"beheer"})),
    # the partner API authenticates by key only: a browser session is no key (401 problem+json for everyone)
    "api:openapi": ("GET", cells(default="ok", anonymous="ok")),
    "api:meldingen": ("GET", cells(default="401", anonymous="401")),
    "api:melding": ("GET", cells(default="401", anonymous="401")),
    "beheer:wachtwoord_instellen": ("GET", cells(default="ok", anonymous="ok")),
    "beheer:wachtwoord_ingesteld": ("GET", cells(default="ok", anonymous="ok")),
    "inzagelog": ("GET", cells(ok={"procesmanager", "privacy"})),
    "inzagelog_export": ("GET", cells(ok={"procesmanager", "privacy"})),
    # the client's AVG requests (avg/, docs/avg.md): the privacy officer only; the action and release POSTs are sent
    # empty or on a concept (a form error or one release: ok)
    "avg:verzoeken": ("GET", cells(ok={"privacy"})),
    "avg:nieuw": ("GET", cells(ok={"privacy"})),
    "avg:verzoek": ("GET", cells(ok={"privacy"})),
    "avg:actie": ("POST", cells(ok={"privacy"})),
    "avg:export": ("GET", cells(ok={"privacy"})),
    "avg:export_download": ("GET", cells(ok={"privacy"})),
    "avg:export_vrijgeven": ("POST", cells(ok={"privacy"})),
    # meldpunt: lists 403 for other roles; objects 404 (same answer as "does not exist")
    "meldpunt:wachtrij": ("GET", cells(ok=MELDPUNT_ROLES)),
    "meldpunt:zoeken": ("GET", cells(ok=MELDPUNT_ROLES)),
    "meldpunt:melding_nieuw": ("GET", cells(ok={"meldpunt"})),
    "meldpunt:melding": ("GET", cells(ok=MELDPUNT_ROLES, default="404")),
    "meldpunt:persoon": ("GET", cells(ok=MELDPUNT_ROLES, default="404")),
    "meldpunt:melding_in_triage": ("POST", cells(ok={"meldpunt"})),
    "meldpunt:melding_triage": ("GET", cells(ok={"meldpunt"})),
    "meldpunt:melding_op_agenda": ("POST", cells(ok={"meldpunt"})),
    "meldpunt:melding_wvggz": ("POST", cells(ok={"meldpunt"})),
    "meldpunt:melding_terugkoppeling": ("POST", cells(ok={"meldpunt"})),
    "meldpunt:koppeling_opheffen": ("POST", cells(ok={"meldpunt"})),
    # issue 15: corrections by the meldpunt (the world's melding is past the MDO: back to the melding page, ok)
    "meldpunt:melding_corrigeren": ("GET", cells(ok={"meldpunt"})),
    "meldpunt:persoon_corrigeren": ("GET", cells(ok={"meldpunt"})),
    "meldpunt:huishoudlid_toevoegen": ("GET", cells(ok={"meldpunt"})),
    "meldpunt:huishoudlid_verwijderen": ("GET", cells(ok={"meldpunt"})),
    "meldpunt:hertriage": ("GET", cells(ok={"meldpunt"})),
    # the meldpunt adds a melding to the open casus of its household (a casusregie URL: meldpunt cannot import it)
    "casusregie:melding_bij_casus": ("POST", cells(ok={"meldpunt"})),
    # MDO: the procesmanager only; a specific meeting answers 404 to others
    "mdo:overleggen": ("GET", cells(ok={"procesmanager"})),
    "mdo:overleg": ("GET", cells(ok={"procesmanager"}, default="404")),
    "mdo:agenda_bijwerken": ("POST", cells(ok={"procesmanager"}, default="404")),
    "mdo:verplaatsen": ("POST", cells(ok={"procesmanager"}, default="404")),
    "mdo:besluit": ("POST", cells(ok={"procesmanager"}, default="404")),
    "mdo:casusbespreking": ("POST", cells(ok={"procesmanager"}, default="404")),
    "mdo:afronden": ("POST", cells(ok={"procesmanager"}, default="404")),
    # a referral that was a mistake goes back on the agenda (an empty POST: the message asks for a motivation)
    "mdo:heroverwegen": ("POST", cells(ok={"procesmanager"})),
    # search fields of the agenda (htmx fragments): the chair only, 403 for everyone else
    "mdo:regisseurs_zoeken": ("GET", cells(ok={"procesmanager"})),
    "mdo:casussen_zoeken": ("GET", cells(ok={"procesmanager"})),
    "mdo:aanwezigen_zoeken": ("GET", cells(ok={"procesmanager"})),
    # the casusregisseur's own items and besluiten, and putting an own casus on the agenda (casusregisseurs only;
    # each sees only the items of the casussen they may change)
    "mdo:mijn_punten": ("GET", cells(ok=REGISSEURS)),
    "mdo:casus_agenderen": ("POST", cells(ok=REGISSEURS)),
    "mdo:agenda_print": ("GET", cells(ok={"procesmanager"}, default="404")),
    "mdo:besluiten_print": ("GET", cells(ok={"procesmanager"}, default="404")),
    "mdo:agenda_pdf": ("GET", cells(ok={"procesmanager"}, default="404")),
    "mdo:besluiten_pdf": ("GET", cells(ok={"procesmanager"}, default="404")),
    # casusregie
    "casusregie:mijn_casussen": (
        "GET",
        cells(
            ok={"procesmanager", "regisseur_dimence", "regisseur_tactus", "betrokkene_actief", "betrokkene_beeindigd"}
        ),
    ),
    # the open plan actions across the casusregisseur's own casussen (issue 17)
    "casusregie:mijn_acties": ("GET", cells(ok=REGISSEURS)),
    "casusregie:dashboard": ("GET", cells(ok={"procesmanager"})),
    "casusregie:dashboard_escalaties": ("GET", cells(ok={"procesmanager"})),
    "casusregie:dashboard_signalen": ("GET", cells(ok={"procesmanager"})),
    "casusregie:dashboard_caseload": ("GET", cells(ok={"procesmanager"})),
    "casusregie:signalen_berekenen": ("POST", cells(ok={"procesmanager"})),
    "casusregie:noodtoegang_beoordelen": ("POST", cells(ok={"procesmanager"})),
    "casusregie:dossier": ("GET", cells(ok=CASUS_READERS, default="404")),
    "casusregie:noodtoegang": ("GET", cells(ok={"meldpunt", "procesmanager"}, default="404")),
    # every emergency access, for the access-log readers (no client names: casus numbers and reasons)
    "casusregie:noodtoegangen": ("GET", cells(ok={"procesmanager", "privacy"})),
    "casusregie:journaal_toevoegen": (
        "POST",
        cells(ok={"regisseur_dimence"}, forbidden={"procesmanager", "betrokkene_actief"}, default="404"),
    ),
    "casusregie:betrokkene_toevoegen": (
        "POST",
        cells(ok={"regisseur_dimence", "procesmanager"}, forbidden={"betrokkene_actief"}, default="404"),
    ),
    "casusregie:betrokkene_verwijderen": (
        "POST",
        cells(ok={"regisseur_dimence", "procesmanager"}, forbidden={"betrokkene_actief"}, default="404"),
    ),
    "casusregie:professionals_zoeken": (
        "GET",
        cells(ok={"regisseur_dimence", "procesmanager"}, forbidden={"betrokkene_actief"}, default="404"),
    ),
    "casusregie:regisseurs_zoeken": (
        "GET",
        cells(ok={"procesmanager"}, forbidden={"regisseur_dimence", "betrokkene_actief"}, default="404"),
    ),
    "casusregie:overdragen": (
        "POST",
        cells(ok={"procesmanager"}, forbidden={"regisseur_dimence", "betrokkene_actief"}, default="404"),
    ),
    "casusregie:escaleren": (
        "POST",
        cells(ok={"regisseur_dimence"}, forbidden={"procesmanager", "betrokkene_actief"}, default="404"),
    ),
    # closing normally is the casusregisseur's own; the procesmanager closes a casus that cannot go on
    "casusregie:afsluiten": (
        "POST",
        cells(ok={"regisseur_dimence"}, forbidden={"procesmanager", "betrokkene_actief"}, default="404"),
    ),
    # a move within the region: the casusregisseur or the procesmanager (issue 18)
    "casusregie:verhuizen": (
        "POST",
        cells(ok={"regisseur_dimence", "procesmanager"}, forbidden={"betrokkene_actief"}, default="404"),
    ),
    "casusregie:afsluiten_procesmanager": (
        "POST",
        cells(ok={"procesmanager"}, forbidden={"regisseur_dimence", "betrokkene_actief"}, default="404"),
    ),
    "casusregie:actie_overdragen": (
        "POST",
        cells(ok={"regisseur_dimence"}, forbidden={"procesmanager", "betrokkene_actief"}, default="404"),
    ),
    # the nazorg task is only for the former casusregisseur (404 for anyone else: it names the household)
    "casusregie:nazorg_vastleggen": ("POST", cells(ok={"regisseur_dimence"}, default="404")),
    # the new melding that nazorg asked for: the meldpunt's
    "casusregie:nazorg_gemeld": ("POST", cells(ok={"meldpunt"}, default="403")),
    "casusregie:wachtlijst_melden": (
        "POST",
        cells(ok={"regisseur_dimence"}, forbidden={"procesmanager", "betrokkene_actief"}, default="404"),
    ),
    # issue 15: corrections after the MDO by the casusregisseur of the casus, and a waiting list solved (GET: the form)
    **{
        name: ("GET", cells(ok={"regisseur_dimence"}, forbidden={"procesmanager", "betrokkene_actief"}, default="404"))
        for name in (
            "casusregie:melding_corrigeren",
            "casusregie:persoon_corrigeren",
            "casusregie:huishoudlid_toevoegen",
            "casusregie:huishoudlid_verwijderen",
            "casusregie:wachtlijst_opgelost",
        )
    },
    "casusregie:nieuwe_planversie": (
        "POST",
        cells(ok={"regisseur_dimence"}, forbidden={"procesmanager", "betrokkene_actief"}, default="404"),
    ),
    "casusregie:plan": ("GET", cells(ok=CASUS_READERS, default="404")),
    "casusregie:plan_pdf": ("GET", cells(ok=CASUS_READERS, default="404")),  # who may see the plan (issue 17)
    "casusregie:doel_toevoegen": (
        "POST",
        cells(ok={"regisseur_dimence"}, forbidden={"procesmanager", "betrokkene_actief"}, default="404"),
    ),
    "casusregie:actie_toevoegen": (
        "POST",
        cells(ok={"regisseur_dimence"}, forbidden={"procesmanager", "betrokkene_actief"}, default="404"),
    ),
    "casusregie:plan_indienen": (
        "POST",
        cells(ok={"regisseur_dimence"}, forbidden={"procesmanager", "betrokkene_actief"}, default="404"),
    ),
    "casusregie:actie_status": (
        "POST",
        cells(ok={"regisseur_dimence"}, forbidden={"procesmanager", "betrokkene_actief"}, default="404"),
    ),
    # goals and actions of a draft: changed and removed by who may change the casus (world's plan is vastgesteld:
    # the regisseur's GET goes back to the plan with a message, an empty POST shows the form again)
    **{
        name: (
            method,
            cells(ok={"regisseur_dimence"}, forbidden={"procesmanager", "betrokkene_actief"}, default="404"),
        )
        for name, method in (
            ("casusregie:doel_bewerken", "GET"),
            ("casusregie:doel_verwijderen", "POST"),
            ("casusregie:doel_resultaat", "POST"),
            ("casusregie:actie_bewerken", "GET"),
            ("casusregie:actie_verwijderen", "POST"),
        )
    },
    # expert teams: who may change the casus asks; only a member of the team answers (403 for the other readers)
    "casusregie:expertvraag_stellen": (
        "POST",
        cells(ok={"regisseur_dimence"}, forbidden={"procesmanager", "betrokkene_actief"}, default="404"),
    ),
    "casusregie:expertvraag_beantwoorden": (
        "POST",
        cells(forbidden={"procesmanager", "regisseur_dimence", "betrokkene_actief"}, default="404"),
    ),
    "casusregie:expertvragen": ("GET", cells()),  # members of an expert team only: none of these actors
    "casusregie:escalaties": (
        "GET",
        cells(ok={"procesmanager", "coordinator", "wethouder", "burgemeester", "mandaatcommissie"}),
    ),
    "casusregie:escalatie": ("GET", cells(ok=CASUS_READERS, default="404")),
    # jaarmonitor: figures only, for the beleidsambtenaar
    "monitor:index": ("GET", cells(ok={"beleid"})),
    "monitor:rapport_status": ("GET", cells(ok={"beleid"})),
    "monitor:rapport_opnieuw": ("POST", cells(ok={"beleid"})),
    "monitor:rapport_download": ("GET", cells(ok={"beleid"})),
    "monitor:voorbeeld": ("GET", cells(ok={"beleid"})),
    "monitor:csv": ("GET", cells(ok={"beleid"})),
    "monitor:xlsx": ("GET", cells(ok={"beleid"})),
    "monitor:budget": ("GET", cells(ok={"beleid"})),
}
# The right each guarded URL asks (app, action, the object of the world it acts on): the rights tables
# (meldpunt/rechten.py, mdo/rechten.py, casusregie/rechten.py) must give exactly the actors the matrix lets through.
_MDO = ("mdo", "voorzitten", None)
RECHT = {
    "meldpunt:wachtrij": ("meldpunt", "inzien", None),
    "meldpunt:zoeken": ("meldpunt", "inzien", None),
    "meldpunt:melding": ("meldpunt", "inzien", None),
    "meldpunt:persoon": ("meldpunt", "personen", None),
    "meldpunt:melding_nieuw": ("meldpunt", "registreren", None),
    "meldpunt:melding_in_triage": ("meldpunt", "trieren", None),
    "meldpunt:melding_triage": ("meldpunt", "trieren", None),
    "meldpunt:melding_op_agenda": ("meldpunt", "trieren", None),
    "meldpunt:melding_wvggz": ("meldpunt", "trieren", None),
    "meldpunt:melding_terugkoppeling": ("meldpunt", "terugkoppelen", None),
    "meldpunt:koppeling_opheffen": ("meldpunt", "koppelen", None),
    **{
        f"meldpunt:{name}": ("meldpunt", "corrigeren", None)
        for name in ("melding_corrigeren", "persoon_corrigeren", "huishoudlid_toevoegen", "huishoudlid_verwijderen")
    },
    "meldpunt:hertriage": ("meldpunt", "trieren", None),
    **{
        f"casusregie:{name}": ("casusregie", "huishouden_corrigeren", "casus")
        for name in ("melding_corrigeren", "persoon_corrigeren", "huishoudlid_toevoegen", "huishoudlid_verwijderen")
    },
    "casusregie:wachtlijst_opgelost": ("casusregie", "wijzigen", "casus"),
    **{name: _MDO for name in MATRIX if name.startswith("mdo:")},
    "mdo:mijn_punten": ("mdo", "eigen_punten", None),
    "mdo:casus_agenderen": ("mdo", "eigen_punten", None),
    "casusregie:expertvraag_stellen": ("casusregie", "expertvraag_stellen", "casus"),
    **{name: ("bzt", "beheren", None) for name in MATRIX if name.startswith("beheer:") and "wachtwoord" not in name},
    **{name: ("partners", "indienen", None) for name in MATRIX if name.startswith("partners:")},
    **{name: ("partners", "beheren", None) for name in MATRIX if name.startswith("partnerbeheer:")},
    "casusregie:journaal_toevoegen": ("casusregie", "wijzigen", "casus"),
    "casusregie:wachtlijst_melden": ("casusregie", "wijzigen", "casus"),
    "casusregie:nieuwe_planversie": ("casusregie", "wijzigen", "casus"),
    "casusregie:betrokkene_toevoegen": ("casusregie", "betrokkenen", "casus"),
    "casusregie:betrokkene_verwijderen": ("casusregie", "betrokkenen", "casus"),
    "casusregie:professionals_zoeken": ("casusregie", "betrokkenen", "casus"),
    "casusregie:overdragen": ("casusregie", "overdragen", "casus"),
    "casusregie:regisseurs_zoeken": ("casusregie", "overdragen", "casus"),
    "casusregie:escaleren": ("casusregie", "escaleren", "casus"),
    "casusregie:afsluiten": ("casusregie", "afsluiten", "casus"),
    "casusregie:verhuizen": ("casusregie", "verhuizen", "casus"),
    "casusregie:afsluiten_procesmanager": ("casusregie", "afsluiten_procesmanager", "casus"),
    "casusregie:actie_overdragen": ("casusregie", "actie_voortgang", "plan"),
    "casusregie:doel_toevoegen": ("casusregie", "plan_bewerken", "plan"),
    "casusregie:actie_toevoegen": ("casusregie", "plan_bewerken", "plan"),
    "casusregie:plan_indienen": ("casusregie", "plan_indienen", "plan"),
    "casusregie:actie_status": ("casusregie", "actie_voortgang", "plan"),
    "casusregie:doel_bewerken": ("casusregie", "plan_bewerken", "plan"),
    "casusregie:doel_verwijderen": ("casusregie", "plan_bewerken", "plan"),
    "casusregie:actie_bewerken": ("casusregie", "plan_bewerken", "plan"),
    "casusregie:actie_verwijderen": ("casusregie", "plan_bewerken", "plan"),
    "casusregie:doel_resultaat": ("casusregie", "doel_resultaat", "plan"),
    **{name: ("avg", "inzien", None) for name in MATRIX if name.startswith("avg:")},
    "avg:nieuw": ("avg", "registreren", None),
    "avg:export_vrijgeven": ("avg", "vrijgeven", None),
}

# The operator admin (superusers only): every role is sent to the admin login.
ADMIN = cells(default="admin-login", anonymous="admin-login")


def url_names():
    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                yield f"{namespace}:{p.name}" if namespace else p.name, p

    return list(walk(get_resolver().url_patterns))


def test_every_url_has_an_entry_in_the_matrix():
    missing = [name for name, _ in url_names() if not name.startswith("admin:") and name not in MATRIX]
    assert not missing, f"Nieuwe URL's zonder regel in de permissiematrix: {missing}"
    stale = set(MATRIX) - {name for name, _ in url_names()}
    assert not stale, f"Regels voor URL's die niet meer bestaan: {stale}"


@pytest.fixture
def world(demo, django_user_model):
    """A case with a unique marker name that most actors may not see, and everything the URLs need."""
    from bzt.audit import system_user
    from bzt.demo import seed_organisaties_en_accounts

    users = seed_organisaties_en_accounts(door=system_user(), password="x")[1]
    privacy = django_user_model.objects.filter(groups__name="privacy_officer").first()
    if privacy is None:
        from bzt.services import gebruiker_opslaan

        privacy = gebruiker_opslaan(
            door=system_user(), username="privacy", organisatie=users["beheer"].organisatie, rol="privacy_officer"
        )
    users["privacy"] = privacy
    melding = factories.melding(
        users["meldpunt"],
        huishouden=[
            ("hoofdpersoon", factories.persoon_gegevens(achternaam=MARKER)),
            ("partner", factories.persoon_gegevens(achternaam=MARKER, voornaam="Partner")),
        ],
    )
    factories.triage(users["meldpunt"], melding)
    from meldpunt import services as meldpunt_services

    meldpunt_services.melding_op_mdo_agenda_zetten(door=users["meldpunt"], melding=melding)
    casus = casus_services.casus_toewijzen(
        door=users["procesmanager"], melding=melding, casusregisseur=users["regisseur_dimence"]
    )
    plan = factories.vastgesteld_plan(users, casus)
    casus_services.betrokkene_toevoegen(
        door=users["regisseur_dimence"],
        casus=casus,
        professional=users["regisseur_iriszorg"],
        rol="Woonbegeleider",
        grondslag="convenant",
    )
    ended = casus_services.betrokkene_toevoegen(
        door=users["regisseur_dimence"],
        casus=casus,
        professional=users["regisseur_mee"],
        rol="Schuldhulp",
        grondslag="toestemming",
    )
    casus_services.betrokkene_verwijderen(door=users["regisseur_dimence"], betrokkene=ended, reden="klaar")
    actief = casus.betrokken_professionals.get(professional=users["regisseur_iriszorg"])
    escalatie = casus_services.casus_escaleren(
        door=users["regisseur_dimence"], casus=casus, reden="stagnatie", vraag="Hulp nodig"
    )
    overleg = mdo_services.overleg_plannen(
        door=users["procesmanager"], datum=timezone.localdate() + timezone.timedelta(days=1)
    )
    punt = mdo_services.casusbespreking_toevoegen(door=users["procesmanager"], overleg=overleg, casus=casus)
    from bzt.audit import acting_as
    from bzt.models import Bestandstaak

    with acting_as(users["procesmanager"]):
        taak = dict(
            soort="mdo.agenda", object_id=str(overleg.pk), titel="Agenda MDO", aangevraagd_door=users["procesmanager"]
        )
        verloopt = timezone.now() + timezone.timedelta(hours=1)
        bestandstaak = Bestandstaak.objects.create(**taak, status="klaar", verloopt_op=verloopt)
        bestandstaak.bestand.save("matrix-test.pdf", ContentFile(b"%PDF-1.4 test"))
        bestandstaak_mislukt = Bestandstaak.objects.create(**taak, status="mislukt", fout="test", verloopt_op=verloopt)
    team = casus_services.expertteam_opslaan(
        door=users["beheer"], naam="Expertteam", leden=[users["regisseur_carinova"]]
    )
    expertvraag = casus_services.expertvraag_stellen(
        door=users["regisseur_dimence"], casus=casus, team=team, vraag=f"Wat past bij familie {MARKER}?"
    )
    persoon = melding.betrokkenen.get(rol="hoofdpersoon").persoon
    partner = melding.betrokkenen.get(rol="partner").persoon
    partner_rij = melding.betrokkenen.get(rol="partner")
    from meldpunt.services import personen_koppelen

    koppeling = personen_koppelen(door=users["meldpunt"], persoon=persoon, gekoppeld_aan=partner, reden="test")
    from bzt.audit import acting_as
    from monitor.models import BudgetRegel, Rapport

    with acting_as(users["beleid"]):
        budget = BudgetRegel.objects.create(jaar=2025, categorie="casusregie", omschrijving="Subsidie", bedrag=1000)
        rapport = Rapport.objects.create(jaar=2025, aangevraagd_door=users["beleid"], status="mislukt", fout="test")
        klaar = Rapport.objects.create(jaar=2024, aangevraagd_door=users["beleid"], status="klaar")
        klaar.bestand.save("jaarmonitor-2024-test.pdf", ContentFile(b"%PDF-1.4 test"))
    from casusregie.models import Noodtoegang

    with acting_as(users["meldpunt"]):
        nood = Noodtoegang.objects.create(
            casus=casus,
            gebruiker=users["meldpunt"],
            reden="x" * 30,
            verloopt_op=timezone.now() - timezone.timedelta(hours=1),
        )
    wachtlijst = casus_services.wachtlijst_melden(
        door=users["regisseur_dimence"],
        casus=casus,
        organisatie=casus.organisatie,
        voorziening="Beschermd wonen",
        sinds=timezone.localdate(),
    )
    # two casussen of regisseur_dimence closed earlier, their nazorg due; one ended in "opnieuw melden"
    from casusregie.models import Nazorg

    nazorgen = []
    for _ in range(2):
        oud = factories.afsluitklaar(users, factories.casus(users))
        reden = AfsluitReden.objects.get(code="doel_bereikt")
        casus_services.casus_afsluiten(door=oud.casusregisseur, casus=oud, reden=reden)
        Nazorg.objects.filter(casus=oud).update(op=timezone.localdate())
        nazorgen.append(Nazorg.objects.get(casus=oud))
    nazorg, opnieuw = nazorgen
    casus_services.nazorg_vastleggen(
        door=users["regisseur_dimence"], nazorg=opnieuw, uitkomst="opnieuw_melden", notitie="x"
    )
    from bzt.models import Notificatie

    notificatie = Notificatie.objects.create(
        ontvanger=users["regisseur_dimence"], soort="test", tekst="Test", link=reverse("home")
    )
    from avg import services as avg_services

    avg_verzoek = avg_services.verzoek_registreren(
        door=privacy, persoon=persoon, soort="inzage", ontvangen_op=timezone.localdate()
    )
    avg_services.in_behandeling_nemen(door=privacy, verzoek=avg_verzoek)
    avg_export = avg_services.export_maken(door=privacy, verzoek=avg_verzoek)
    users["betrokkene_actief"] = users["regisseur_iriszorg"]
    users["betrokkene_beeindigd"] = users["regisseur_mee"]
    partner = _partner_wereld(users)
    return {
        "users": users,
        "kwargs": {
            "avg:verzoek": {"pk": avg_verzoek.pk},
            "avg:actie": {"pk": avg_verzoek.pk, "actie": "verlengen"},
            "avg:export": {"pk": avg_export.pk},
            "avg:export_download": {"pk": avg_export.pk, "formaat": "json"},
            "avg:export_vrijgeven": {"pk": avg_export.pk},
            "notificatie_openen": {"pk": notificatie.pk},
            "bestandstaak": {"pk": bestandstaak.pk},
            "bestandstaak_opnieuw": {"pk": bestandstaak_mislukt.pk},
            "bestandstaak_download": {"pk": bestandstaak.pk},
            "meldpunt:melding": {"pk": melding.pk},
            "meldpunt:melding_in_triage": {"pk": melding.pk},
            "meldpunt:melding_triage": {"pk": melding.pk},
            "meldpunt:melding_op_agenda": {"pk": melding.pk},
            "meldpunt:melding_wvggz": {"pk": melding.pk},
            "meldpunt:melding_terugkoppeling": {"pk": melding.pk},
            "meldpunt:persoon": {"pk": persoon.pk},
            "meldpunt:koppeling_opheffen": {"pk": persoon.pk, "koppeling_pk": koppeling.pk},
            "casusregie:melding_bij_casus": {"pk": melding.pk},
            "meldpunt:melding_corrigeren": {"pk": melding.pk},
            "meldpunt:persoon_corrigeren": {"pk": melding.pk, "persoon_pk": persoon.pk},
            "meldpunt:huishoudlid_toevoegen": {"pk": melding.pk},
            "meldpunt:huishoudlid_verwijderen": {"pk": melding.pk, "betrokkene_pk": partner_rij.pk},
            "meldpunt:hertriage": {"pk": melding.pk},
            "casusregie:persoon_corrigeren": {"pk": casus.pk, "persoon_pk": persoon.pk},
            "casusregie:huishoudlid_verwijderen": {"pk": casus.pk, "betrokkene_pk": partner_rij.pk},
            "casusregie:wachtlijst_opgelost": {"pk": casus.pk, "wachtlijst_pk": wachtlijst.pk},
            "mdo:overleg": {"pk": overleg.pk},
            "mdo:agenda_bijwerken": {"pk": overleg.pk},
            "mdo:verplaatsen": {"pk": overleg.pk, "punt_pk": punt.pk},
            "mdo:besluit": {"pk": overleg.pk, "punt_pk": punt.pk},
            "mdo:casusbespreking": {"pk": overleg.pk},
            "mdo:afronden": {"pk": overleg.pk},
            "mdo:heroverwegen": {"pk": melding.pk},
            "mdo:regisseurs_zoeken": {"pk": overleg.pk, "punt_pk": punt.pk},
            "mdo:casussen_zoeken": {"pk": overleg.pk},
            "mdo:aanwezigen_zoeken": {"pk": overleg.pk},
            "mdo:agenda_print": {"pk": overleg.pk},
            "mdo:besluiten_print": {"pk": overleg.pk},
            "mdo:agenda_pdf": {"pk": overleg.pk},
            "mdo:besluiten_pdf": {"pk": overleg.pk},
            "casusregie:noodtoegang_beoordelen": {"pk": nood.pk},
            "casusregie:betrokkene_verwijderen": {"pk": casus.pk, "betrokkene_pk": actief.pk},
            "casusregie:plan": {"pk": plan.pk},
            "casusregie:plan_pdf": {"pk": plan.pk},
            "casusregie:doel_toevoegen": {"pk": plan.pk},
            "casusregie:actie_toevoegen": {"pk": plan.pk},
            "casusregie:plan_indienen": {"pk": plan.pk},
            "casusregie:actie_status": {"pk": plan.acties.first().pk},
            "casusregie:actie_overdragen": {"pk": plan.acties.first().pk},
            "casusregie:nazorg_vastleggen": {"pk": nazorg.pk},
            "casusregie:nazorg_gemeld": {"pk": opnieuw.pk},
            "casusregie:actie_bewerken": {"pk": plan.acties.first().pk},
            "casusregie:actie_verwijderen": {"pk": plan.acties.first().pk},
            "casusregie:doel_bewerken": {"pk": plan.doelen.first().pk},
            "casusregie:doel_verwijderen": {"pk": plan.doelen.first().pk},
            "casusregie:doel_resultaat": {"pk": plan.doelen.first().pk},
            "casusregie:escalatie": {"pk": escalatie.pk},
            "casusregie:expertvraag_beantwoorden": {"pk": expertvraag.pk},
            "monitor:rapport_status": {"pk": rapport.pk},
            "monitor:rapport_opnieuw": {"pk": rapport.pk},
            "monitor:rapport_download": {"pk": klaar.pk},
            "beheer:budgetregel": {"pk": budget.pk},
            "beheer:budgetregel_verwijderen": {"pk": budget.pk},
            "monitor:voorbeeld": {"jaar": 2025},
            "monitor:csv": {"jaar": 2025},
            "monitor:xlsx": {"jaar": 2025},
            "monitor:budget": {"jaar": 2025},
            **{
                f"beheer:{name}": {"pk": users["regisseur_tactus"].pk}
                for name in ("account", "account_deactiveren", "account_heractiveren", "tweestaps_resetten")
            },
            **{
                f"beheer:{name}": {"pk": users["regisseur_tactus"].organisatie_id}
                for name in ("organisatie", "organisatie_deactiveren", "organisatie_heractiveren")
            },
            "beheer:wachtwoord_instellen": {"uidb64": "MQ", "token": "ongeldig-token"},
            "partnerbeheer:organisatie": {"pk": users["politie"].organisatie_id},
            "partnerbeheer:sleutel_nieuw": {"pk": users["politie"].organisatie_id},
            "partnerbeheer:sleutel_intrekken": {"pk": partner["sleutel"].pk},
            "partnerbeheer:terugmelding_opnieuw": {"pk": partner["terugmelding"].pk},
            "api:melding": {"id": partner["indiening"].pk},
            "beheer:instelling": {"sleutel": "BZT_MAX_CASELOAD"},
            "beheer:gemeente": {"pk": eigen_gemeente().pk},
            **{
                f"beheer:{name}": {"pk": AfsluitReden.objects.get(code="doel_bereikt").pk}
                for name in ("afsluitreden", "afsluitreden_deactiveren", "afsluitreden_heractiveren")
            },
            **{
                f"beheer:{name}": {"pk": EscalatieNiveau.objects.get(code="procesmanager").pk}
                for name in ("escalatieniveau", "escalatieniveau_deactiveren", "escalatieniveau_heractiveren")
            },
            **{
                f"beheer:{name}": {"pk": EscalatieSoort.objects.get(code="stagnatie").pk}
                for name in ("escalatiesoort", "escalatiesoort_deactiveren", "escalatiesoort_heractiveren")
            },
            **{
                f"beheer:{name}": {"pk": expertvraag.team_id}
                for name in ("expertteam", "expertteam_deactiveren", "expertteam_heractiveren")
            },
        },
        "casus": casus,
        "plan": plan,
        "query": {"persoon": persoon.pk},
    }


def _partner_wereld(users):
    """A melding filed by the police on the web, a key of theirs and a failed callback (issue 19)."""
    from partners.models import Terugmelding
    from partners.services import melding_indienen
    from partners.sleutels import sleutel_uitgeven

    politie = users["politie"]
    gegevens = {
        "ontvangen_op": timezone.localdate(),
        "kanaal": "partner_web",
        "aanmeldroute": "oggz",
        "aanleiding": "Zorgen.",
        "melder_type": "professional",
        "melder_naam": "Agent",
        "melder_organisatie": "Politie",
    }
    indiening = melding_indienen(
        door=politie,
        organisatie=politie.organisatie,
        gegevens=gegevens,
        personen=[{"rol": "hoofdpersoon", **factories.persoon_gegevens()}],
    )
    terugmelding = Terugmelding.objects.create(
        indiening=indiening, volgnummer=1, melder_status="in_behandeling", bericht={}, status="mislukt"
    )
    sleutel = sleutel_uitgeven(door=users["beheer"], organisatie=politie.organisatie, naam="matrix").sleutel
    return {"indiening": indiening, "terugmelding": terugmelding, "sleutel": sleutel}


def outcome(response):
    if response.status_code in (200, 204):
        return "ok"
    if response.status_code in (301, 302):
        target = response.url
        if "/operator/login/" in target:
            return "admin-login"
        return "login" if target.startswith(reverse("login")) and "next=" in target else "ok"
    return str(response.status_code)


def url_for(world, name, pattern):
    kwargs = world["kwargs"].get(name)
    if kwargs is None and "pk" in str(pattern.pattern):
        kwargs = {"pk": world["casus"].pk}
    return reverse(name, kwargs=kwargs or {}) + QUERY.get(name, "").format(**world["query"])


QUERY = {"inzagelog_export": "?persoon={persoon}", "meldpunt:zoeken": "?q=" + MARKER}


def admin_urls():
    return [reverse("admin:index"), reverse("admin:password_change")]


@pytest.mark.parametrize("actor", ACTORS)
def test_each_actor_gets_exactly_the_answer_of_the_matrix_and_never_a_case_it_may_not_see(client, world, actor):
    if actor != "anonymous":
        client.force_login(world["users"][USERNAMES.get(actor, actor)])
    wrong, leaks = [], []
    for name, pattern in url_names():
        if name.startswith("admin:"):
            continue
        method, expected = MATRIX[name]
        url = url_for(world, name, pattern)
        with transaction.atomic():
            response = client.post(url) if method == "POST" else client.get(url)
            transaction.set_rollback(True)
        if name == "logout" and actor != "anonymous":
            client.force_login(world["users"][USERNAMES.get(actor, actor)])
        got = outcome(response)
        if got != expected[actor]:
            wrong.append(f"{method} {url} ({name}): verwacht {expected[actor]}, kreeg {got}")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if actor not in MAY_SEE_CASE and MARKER.encode() in body:
            leaks.append(f"{name}: {url}")
    for url in admin_urls():
        got = outcome(client.get(url))
        if got != ADMIN[actor]:
            wrong.append(f"GET {url}: verwacht {ADMIN[actor]}, kreeg {got}")
    assert not wrong, "\n".join(wrong)
    assert not leaks, f"Naam van een casus die {actor} niet mag zien in: {leaks}"


def test_the_matrix_lets_through_exactly_who_the_rights_tables_name(world):
    """A guarded URL answers ok to an actor exactly when its app's rights table says they hold the right (through
    their role, or on this casus): the tables, the views and this matrix cannot drift apart."""
    import importlib

    wrong = []
    for name, (app, actie, obj) in RECHT.items():
        rechten = importlib.import_module(f"{app}.rechten").RECHTEN
        for actor in ALL:
            holds = rechten.heeft(world["users"][USERNAMES.get(actor, actor)], actie, world[obj] if obj else None)
            if holds != (MATRIX[name][1][actor] == "ok"):
                wrong.append(f"{name} ({app}.{actie}) voor {actor}: tabel {holds}, matrix {MATRIX[name][1][actor]}")
    assert not wrong, "\n".join(wrong)


def test_every_role_level_right_is_held_by_the_roles_its_table_names():
    """Rechten.rollen, used for the role pages and the README's role table, follows bzt/roles.py."""
    from mdo.rechten import RECHTEN as MDO
    from meldpunt.rechten import RECHTEN as MELDPUNT

    assert MELDPUNT.rollen("registreren") == {"meldpunt"}
    assert MELDPUNT.rollen("inzien") == {"meldpunt", "procesmanager"}
    assert MDO.rollen("voorzitten") == {"procesmanager"}
    assert MDO.rollen("eigen_punten") == {"casusregisseur"}
    from partners.rechten import RECHTEN as PARTNERS

    assert PARTNERS.rollen("indienen") == {"partner_melder"}
    assert MELDPUNT.rollen("indienen") == {"meldpunt", "partner_melder"}
