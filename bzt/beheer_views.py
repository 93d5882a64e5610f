"""The functioneel beheer screens: accounts and organisations (docs/beheer.md). Thin views: parse, check the
permission, call one service of bzt.beheer, render. No case content is read here."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy

from . import beheer, rechten
from .beheer_forms import AccountForm, GemeenteForm, OrganisatieForm, RedenForm, ZoekForm
from .forms import apply_errors, parse_int
from .gemeenten import gemeente_opslaan
from .models import Gemeente, Organisatie

PER_PAGINA = 25
INLOGLINK_SESSIE = "bzt_beheer_inloglink"


def beheer_vereist(view):
    return login_required(rechten.recht_vereist("beheren")(view))


def _account(pk):
    return get_object_or_404(beheer.beheerbare_accounts().select_related("organisatie"), pk=parse_int(pk) or 0)


def _organisatie(pk):
    return get_object_or_404(Organisatie, pk=parse_int(pk) or 0)


def _pagina(request, queryset):
    return Paginator(queryset, PER_PAGINA).get_page(parse_int(request.GET.get("pagina")) or 1)


# --- accounts -------------------------------------------------------------------------------------------------


@beheer_vereist
def accounts(request):
    zoekform = ZoekForm(request.GET or None)
    q, status = zoekform.zoek(request.GET)
    page = _pagina(request, beheer.accounts_zoeken(q, status))
    for gebruiker in page.object_list:
        gebruiker.rol_labels = beheer.rol_labels(gebruiker)
    return render(request, "beheer/accounts.html", {"zoekform": zoekform, "page": page, "q": q, "status": status})


@beheer_vereist
def account_nieuw(request):
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            nieuw = beheer.account_aanmaken(door=request.user, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            # Shown once, on the next page view; never stored anywhere else.
            request.session[INLOGLINK_SESSIE] = {"pk": nieuw.gebruiker.pk, "pad": nieuw.inloglink}
            messages.success(request, f"Account {nieuw.gebruiker.username} is aangemaakt.")
            return redirect("beheer:account", pk=nieuw.gebruiker.pk)
    return render(request, "beheer/account_nieuw.html", {"form": form})


@beheer_vereist
def account(request, pk):
    gebruiker = _account(pk)
    initial = {
        "first_name": gebruiker.first_name,
        "last_name": gebruiker.last_name,
        "email": gebruiker.email,
        "organisatie": gebruiker.organisatie_id,
        "rollen": beheer.rollen_van(gebruiker),
        "gemeente": gebruiker.gemeente_id,
    }
    form = AccountForm(request.POST or None, initial=initial, gebruiker=gebruiker)
    if request.method == "POST" and form.is_valid():
        try:
            beheer.account_wijzigen(door=request.user, gebruiker=gebruiker, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"De wijziging van {gebruiker.username} is opgeslagen.")
            return redirect("beheer:account", pk=gebruiker.pk)
    link = request.session.pop(INLOGLINK_SESSIE, None) if request.method == "GET" else None
    inloglink = request.build_absolute_uri(link["pad"]) if link and link.get("pk") == gebruiker.pk else None
    return render(
        request,
        "beheer/account.html",
        {
            "gebruiker": gebruiker,
            "form": form,
            "rollen": beheer.rol_labels(gebruiker),
            "tweestaps_ingesteld": beheer.tweestaps_ingesteld(gebruiker),
            "inloglink": inloglink,
            "geschiedenis": beheer.geschiedenis(gebruiker),
            "eigen_account": gebruiker.pk == request.user.pk,
        },
    )


ACCOUNT_ACTIES = {
    "deactiveren": (
        beheer.account_deactiveren,
        "Account deactiveren?",
        "Het account kan niet meer inloggen. Rechten op casussen (betrokkenheid, leesrechten) vervallen en komen bij "
        "heractiveren niet terug. Het account wordt nooit verwijderd: de geschiedenis blijft ernaar verwijzen.",
        "Ja, deactiveren",
        "Het account is gedeactiveerd.",
    ),
    "heractiveren": (
        beheer.account_heractiveren,
        "Account heractiveren?",
        "Het account kan weer inloggen met het bestaande wachtwoord en de bestaande tweestapsverificatie.",
        "Ja, heractiveren",
        "Het account is weer actief.",
    ),
    "tweestaps": (
        beheer.tweestaps_resetten,
        "Tweestapsverificatie herstellen?",
        "De authenticator-app van dit account wordt verwijderd; bij de volgende inlog stelt de gebruiker een nieuwe "
        "in en krijgt de melding dat beheer dit heeft gedaan. Stel eerst buiten de BZT vast dat u met de juiste "
        "persoon spreekt (bijvoorbeeld telefonisch terugbellen via het bekende nummer).",
        "Ja, herstellen",
        "De tweestapsverificatie is hersteld; bij de volgende inlog stelt de gebruiker een nieuwe app in.",
    ),
}


def _bevestigen(request, *, actie, onderwerp, uitvoeren, terug, **kwargs):
    service, titel, uitleg, knop, gelukt = actie
    form = RedenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            uitvoeren(service, form.cleaned_data["reden"])
        except ValidationError as error:
            apply_errors(form, error)
        except PermissionDenied:
            raise
        else:
            messages.success(request, gelukt)
            return redirect(terug)
    context = {"form": form, "titel": titel, "uitleg": uitleg, "knop": knop, "onderwerp": onderwerp, "terug": terug}
    return render(request, "beheer/bevestigen.html", context | kwargs)


def _account_actie(naam):
    @beheer_vereist
    def view(request, pk):
        gebruiker = _account(pk)
        return _bevestigen(
            request,
            actie=ACCOUNT_ACTIES[naam],
            onderwerp=f"{gebruiker.get_full_name() or gebruiker.username} ({gebruiker.username})",
            uitvoeren=lambda service, reden: service(door=request.user, gebruiker=gebruiker, reden=reden),
            terug=reverse("beheer:account", args=[gebruiker.pk]),
        )

    view.__name__ = f"account_{naam}"
    return view


account_deactiveren = _account_actie("deactiveren")
account_heractiveren = _account_actie("heractiveren")
tweestaps_resetten = _account_actie("tweestaps")


# --- organisations --------------------------------------------------------------------------------------------


@beheer_vereist
def organisaties(request):
    zoekform = ZoekForm(request.GET or None)
    zoekform.fields["q"].help_text = "Naam van de organisatie"
    q, status = zoekform.zoek(request.GET)
    page = _pagina(request, beheer.organisaties_zoeken(q, status))
    return render(request, "beheer/organisaties.html", {"zoekform": zoekform, "page": page, "q": q})


@beheer_vereist
def organisatie_nieuw(request):
    form = OrganisatieForm(request.POST or None, nieuw=True)
    if request.method == "POST" and form.is_valid():
        try:
            organisatie = beheer.organisatie_aanmaken(door=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Organisatie {organisatie} is aangemaakt.")
            return redirect("beheer:organisaties")
    return render(request, "beheer/organisatie.html", {"form": form, "organisatie": None})


@beheer_vereist
def organisatie(request, pk):
    organisatie = _organisatie(pk)
    initial = {
        "naam": organisatie.naam,
        "soort": organisatie.soort,
        "convenantpartner": organisatie.convenantpartner,
        "convenant_getekend_op": organisatie.convenant_getekend_op,
    }
    form = OrganisatieForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            beheer.organisatie_wijzigen(door=request.user, organisatie=organisatie, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"De wijziging van {organisatie.naam} is opgeslagen.")
            return redirect("beheer:organisatie", pk=organisatie.pk)
    return render(
        request,
        "beheer/organisatie.html",
        {
            "form": form,
            "organisatie": organisatie,
            "actieve_accounts": organisatie.medewerkers.filter(is_active=True).count(),
            "geschiedenis": beheer.geschiedenis(organisatie),
        },
    )


ORGANISATIE_ACTIES = {
    "deactiveren": (
        beheer.organisatie_deactiveren,
        "Organisatie deactiveren?",
        "De organisatie kan niet meer worden gekozen voor nieuwe accounts, verwijzingen en toewijzingen. Wat al aan "
        "de organisatie gekoppeld is blijft bewaard. Kan alleen als de organisatie geen actieve accounts meer heeft.",
        "Ja, deactiveren",
        "De organisatie is gedeactiveerd.",
    ),
    "heractiveren": (
        beheer.organisatie_heractiveren,
        "Organisatie heractiveren?",
        "De organisatie kan weer worden gekozen voor accounts, verwijzingen en toewijzingen.",
        "Ja, heractiveren",
        "De organisatie is weer actief.",
    ),
}


def _organisatie_actie(naam):
    @beheer_vereist
    def view(request, pk):
        organisatie = _organisatie(pk)
        return _bevestigen(
            request,
            actie=ORGANISATIE_ACTIES[naam],
            onderwerp=organisatie.naam,
            uitvoeren=lambda service, reden: service(door=request.user, organisatie=organisatie, reden=reden),
            terug=reverse("beheer:organisatie", args=[organisatie.pk]),
        )

    view.__name__ = f"organisatie_{naam}"
    return view


organisatie_deactiveren = _organisatie_actie("deactiveren")
organisatie_heractiveren = _organisatie_actie("heractiveren")


# --- the first password of a new account (the one-time link) ----------------------------------------------------


class WachtwoordInstellenView(auth_views.PasswordResetConfirmView):
    """Django's password-reset confirmation, for the one-time link of a new account: valid once (the token
    covers the password hash and last login), for PASSWORD_RESET_TIMEOUT, never for an inactive account."""

    template_name = "beheer/wachtwoord_instellen.html"
    success_url = reverse_lazy("beheer:wachtwoord_ingesteld")
    post_reset_login = False

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if user is None or not user.is_active or user.is_superuser:
            return None
        return user


class WachtwoordIngesteldView(auth_views.PasswordResetCompleteView):
    template_name = "beheer/wachtwoord_ingesteld.html"


# --- gemeenten (docs/regio.md) ---------------------------------------------------------------------------------


@beheer_vereist
def gemeenten(request):
    lijst = Gemeente.objects.order_by("-actief", "naam")
    return render(request, "beheer/gemeenten.html", {"gemeenten": lijst})


@beheer_vereist
def gemeente_nieuw(request):
    form = GemeenteForm(request.POST or None, nieuw=True, initial={"actief": True})
    if request.method == "POST" and form.is_valid():
        try:
            gemeente = gemeente_opslaan(door=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Gemeente {gemeente} is aangemaakt.")
            return redirect("beheer:gemeenten")
    return render(request, "beheer/gemeente.html", {"form": form, "gemeente": None})


@beheer_vereist
def gemeente(request, pk):
    gemeente = get_object_or_404(Gemeente, pk=parse_int(pk) or 0)
    initial = {
        "naam": gemeente.naam,
        "wijken": "\n".join(gemeente.wijken),
        "documentnaam": gemeente.documentnaam,
        "kleur": gemeente.kleur,
        "actief": gemeente.actief,
    }
    form = GemeenteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            gemeente_opslaan(door=request.user, gemeente=gemeente, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"De wijziging van {gemeente.naam} is opgeslagen.")
            return redirect("beheer:gemeente", pk=gemeente.pk)
    return render(
        request,
        "beheer/gemeente.html",
        {"form": form, "gemeente": gemeente, "geschiedenis": beheer.geschiedenis(gemeente)},
    )
