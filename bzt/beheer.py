"""Functioneel beheer: accounts and organisations (docs/beheer.md).

Every write here goes through one of these services, names the acting user (`door`) and a reason, and keeps its
rules on every path (the web screens, the operator command, a shell):
- accounts are deactivated, never deleted; nobody deactivates or re-roles themselves; no service here ever sets
  `is_superuser` or `is_staff`, and operator accounts (superusers) and the system account are not managed here;
- a role that is not casus work cannot hold a per-casus grant: a role change or a deactivation takes them away
  through the OBJECTRECHTEN hook (bzt.auth.services; casusregie registers it), and is refused while the account
  still directs an open casus;
- a new account gets no password typed by beheer: it gets a one-time link to set one itself (`inloglink`);
- an organisation is deactivated, never deleted, and an inactive one is chosen for no new account.

Rows are locked with FOR NO KEY UPDATE (`no_key=True`): a history row or an account that points at a locked row
(its FOREIGN KEY takes a key-share lock) does not wait for it, so two beheerders changing each other's account
cannot deadlock.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import rechten
from .audit import acting_as
from .auth.services import OBJECTRECHTEN, tweestaps_herstellen
from .gemeenten import eigen_gemeente, is_regio
from .models import Gemeente, Organisatie, User
from .notifications import gebeurd
from .roles import GEMEENTEGEBONDEN, ROLES, ROLES_BY_GROUP

BEHEERROL = "functioneel_beheer"
PARTNERROL = "partner_melder"
REDEN_MIN = 5


# --- who may, and what may be managed -------------------------------------------------------------------------


def _vereist_beheer(door):
    """Functioneel beheer (bzt/rechten.py), or the system account (the operator command `beheerder_aanmaken`)."""
    if door is None or not door.pk:
        raise PermissionDenied(rechten.RECHTEN["beheren"].denied)
    if door.username != settings.BZT_SYSTEEM_GEBRUIKER:
        rechten.vereist(door, "beheren")


vereist_beheer = _vereist_beheer  # for the reference lists and settings of other modules (same rule)


def beheerbare_accounts():
    """The accounts functioneel beheer manages: not the operator accounts (superusers), not the system account."""
    return User.objects.filter(is_superuser=False).exclude(username=settings.BZT_SYSTEEM_GEBRUIKER)


def _vereist_beheerbaar(gebruiker):
    if gebruiker.is_superuser or gebruiker.username == settings.BZT_SYSTEEM_GEBRUIKER:
        raise PermissionDenied("Operatoraccounts en het systeemaccount worden niet via functioneel beheer beheerd.")


def _reden(reden):
    reden = (reden or "").strip()
    if len(reden) < REDEN_MIN:
        raise ValidationError({"reden": f"Geef een reden van minstens {REDEN_MIN} tekens (komt in de geschiedenis)."})
    return reden


reden_controleren = _reden


# --- accounts: reading ----------------------------------------------------------------------------------------


def rol_keuzes():
    return [(role.group, role.label) for role in ROLES]


def accounts_zoeken(q="", status=""):
    """The managed accounts for the list: with organisation, roles and whether a second factor is enrolled.
    No case content: nothing here joins a melding or casus."""
    accounts = (
        beheerbare_accounts()
        .select_related("organisatie")
        .prefetch_related("groups")
        .annotate(
            tweestaps_ingesteld=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        )
        .order_by("last_name", "first_name", "username")
    )
    if status == "actief":
        accounts = accounts.filter(is_active=True)
    elif status == "inactief":
        accounts = accounts.filter(is_active=False)
    for woord in q.split():
        accounts = accounts.filter(
            Q(username__icontains=woord)
            | Q(first_name__icontains=woord)
            | Q(last_name__icontains=woord)
            | Q(email__icontains=woord)
            | Q(organisatie__naam__icontains=woord)
        )
    return accounts


def rollen_van(gebruiker):
    return sorted(g.name for g in gebruiker.groups.all() if g.name in ROLES_BY_GROUP)


def rol_labels(gebruiker):
    return [ROLES_BY_GROUP[g].label for g in rollen_van(gebruiker)]


def tweestaps_ingesteld(gebruiker):
    return TOTPDevice.objects.filter(user=gebruiker, confirmed=True).exists()


def inloglink(gebruiker):
    """The path of a one-time link to set a first password (Django's password-reset token: it stops working
    once a password is set or the user logs in, and after PASSWORD_RESET_TIMEOUT). Shown once, never stored."""
    uid = urlsafe_base64_encode(force_bytes(gebruiker.pk))
    return reverse(
        "beheer:wachtwoord_instellen", kwargs={"uidb64": uid, "token": default_token_generator.make_token(gebruiker)}
    )


# --- accounts: validation -------------------------------------------------------------------------------------


def _valideer_gegevens(*, first_name, last_name, email, organisatie, vorige_organisatie=None):
    errors = {}
    if not first_name.strip():
        errors["first_name"] = "Vul de voornaam in."
    if not last_name.strip():
        errors["last_name"] = "Vul de achternaam in."
    if not email.strip():
        errors["email"] = "Vul het e-mailadres in."
    else:
        try:
            validate_email(email.strip())
        except ValidationError:
            errors["email"] = "Dit is geen geldig e-mailadres."
    if organisatie is None:
        errors["organisatie"] = "Kies de organisatie waar deze persoon werkt."
    elif organisatie != vorige_organisatie and not (
        # Locked: an organisation being deactivated at this moment waits, or is seen as inactive.
        Organisatie.objects.select_for_update(no_key=True).filter(pk=organisatie.pk, actief=True).exists()
    ):
        errors["organisatie"] = f"{organisatie} is gedeactiveerd en kan niet worden gekozen."
    return errors


def _valideer_rollen(rollen):
    rollen = sorted(set(rollen or ()))
    if not rollen:
        return rollen, "Kies minstens één rol."
    onbekend = [r for r in rollen if r not in ROLES_BY_GROUP]
    if onbekend:
        return rollen, f"Onbekende rol: {', '.join(onbekend)}."
    if PARTNERROL in rollen and len(rollen) > 1:
        # A partner's professional works for their own organisation, not in the chain (CONTRACT.md § Roles).
        return rollen, "Partnermelder kan niet worden gecombineerd met een andere rol."
    if BEHEERROL in rollen and len(rollen) > 1:
        # Separation of duties: who manages accounts sees no case content (CONTRACT.md).
        return rollen, "Functioneel beheer kan niet worden gecombineerd met een andere rol (functiescheiding)."
    return rollen, None


def _valideer_gemeente(rollen, gemeente):
    """(gemeente, error): a gemeente-bound role (bzt.roles.GEMEENTEGEBONDEN) needs one active gemeente; in a
    single-gemeente installation that is the own one, without asking. Other roles serve the region: none."""
    if not set(rollen) & GEMEENTEGEBONDEN:
        return None, None
    if gemeente is None:
        if not is_regio():
            return eigen_gemeente(), None
        labels = ", ".join(ROLES_BY_GROUP[r].label.lower() for r in rollen if r in GEMEENTEGEBONDEN)
        return None, f"Kies de gemeente waarvoor deze {labels} werkt: die rol ziet alleen de eigen gemeente."
    if not Gemeente.objects.select_for_update(no_key=True).filter(pk=gemeente.pk, actief=True).exists():
        return None, f"{gemeente} is gedeactiveerd en kan niet worden gekozen."
    return gemeente, None


def _rollen_zetten(*, door, gebruiker, rollen, reden):
    """Set the groups; an account whose new roles are not casus work loses its per-casus grants (hook)."""
    gebruiker.groups.set(Group.objects.filter(name__in=rollen))
    gebruiker = User.objects.get(pk=gebruiker.pk)  # no stale permission cache
    _objectrechten_intrekken(door=door, gebruiker=gebruiker, reden=reden, veld="rollen")
    return gebruiker


def _beheer_blijft_over(gebruiker):
    """Refuse taking the last active functioneel beheer account away (deactivating it, or its role): then nobody
    could manage accounts without an operator. The role's group row is locked first, so two beheerders who
    deactivate each other at the same moment are served one after the other, and the second is refused."""
    Group.objects.select_for_update(no_key=True).filter(name=BEHEERROL).first()
    anderen = (
        User.objects.filter(is_active=True, groups__name=BEHEERROL, is_superuser=False)
        .exclude(pk=gebruiker.pk)
        .exists()
    )
    if not anderen:
        raise ValidationError(
            "Dit is het laatste actieve account voor functioneel beheer; maak eerst een ander beheeraccount aan."
        )


def _objectrechten_intrekken(*, door, gebruiker, reden, veld):
    for objectrechten in OBJECTRECHTEN:
        if objectrechten.houdt(gebruiker) and not objectrechten.mag_houden(gebruiker):
            try:
                objectrechten.intrekken(door=door, gebruiker=gebruiker, reden=reden)
            except ValidationError as error:
                raise ValidationError({veld: error.messages}) from error


# --- accounts: writing ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NieuwAccount:
    gebruiker: User
    inloglink: str  # the path of the one-time link; show it once


@transaction.atomic
def account_aanmaken(
    *, door, username, first_name, last_name, email, organisatie, rollen, gemeente=None, reden="account aangemaakt"
):
    """A new account without a usable password; returns it with the one-time link to set one."""
    _vereist_beheer(door)
    username = (username or "").strip()
    errors = _valideer_gegevens(first_name=first_name, last_name=last_name, email=email, organisatie=organisatie)
    if not username:
        errors["username"] = "Vul een gebruikersnaam in."
    else:
        try:
            User.username_validator(username)
        except ValidationError:
            errors["username"] = "Gebruik alleen letters, cijfers en @ . + - _ in de gebruikersnaam."
        if User.objects.filter(username__iexact=username).exists():
            errors["username"] = "Deze gebruikersnaam bestaat al (ook gedeactiveerde accounts houden hun naam)."
    rollen, rol_fout = _valideer_rollen(rollen)
    if rol_fout:
        errors["rollen"] = rol_fout
    gemeente, gemeente_fout = _valideer_gemeente(rollen, gemeente)
    if gemeente_fout:
        errors["gemeente"] = gemeente_fout
    if errors:
        raise ValidationError(errors)
    reden = (reden or "").strip() or "account aangemaakt"
    with acting_as(door, reason=f"{reden} (rollen: {', '.join(rollen)})"):
        gebruiker = User(
            username=username,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            email=email.strip(),
            organisatie=organisatie,
            gemeente=gemeente,
            is_active=True,
        )
        gebruiker.set_unusable_password()
        gebruiker.save()
        gebruiker.groups.set(Group.objects.filter(name__in=rollen))
    return NieuwAccount(gebruiker=gebruiker, inloglink=inloglink(gebruiker))


@transaction.atomic
def account_wijzigen(*, door, gebruiker, first_name, last_name, email, organisatie, rollen, reden, gemeente=None):
    """Change name, e-mail, organisation and roles. Nobody changes their own roles."""
    _vereist_beheer(door)
    _vereist_beheerbaar(gebruiker)
    gebruiker = User.objects.select_for_update(no_key=True).get(pk=gebruiker.pk)
    errors = _valideer_gegevens(
        first_name=first_name,
        last_name=last_name,
        email=email,
        organisatie=organisatie,
        vorige_organisatie=gebruiker.organisatie,
    )
    oud = rollen_van(gebruiker)
    rollen, rol_fout = _valideer_rollen(rollen)
    if rol_fout:
        errors["rollen"] = rol_fout
    elif rollen != oud and gebruiker.pk == door.pk:
        errors["rollen"] = "U kunt uw eigen rollen niet wijzigen; vraag dit aan een andere beheerder."
    gemeente, gemeente_fout = _valideer_gemeente(rollen, gemeente)
    if gemeente_fout:
        errors["gemeente"] = gemeente_fout
    try:
        reden = _reden(reden)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if BEHEERROL in oud and BEHEERROL not in rollen and gebruiker.is_active:
        _beheer_blijft_over(gebruiker)
    toelichting = reden if rollen == oud else f"{reden} (rollen: {', '.join(oud) or '-'} → {', '.join(rollen)})"
    with acting_as(door, reason=toelichting):
        gebruiker.first_name = first_name.strip()
        gebruiker.last_name = last_name.strip()
        gebruiker.email = email.strip()
        gebruiker.organisatie = organisatie
        gebruiker.gemeente = gemeente
        gebruiker.save()  # always a history row: it carries the reason (and a role change, not in the row itself)
        if rollen != oud:
            gebruiker = _rollen_zetten(door=door, gebruiker=gebruiker, rollen=rollen, reden=toelichting)
    return gebruiker


@transaction.atomic
def account_deactiveren(*, door, gebruiker, reden):
    """Block the account for good (until reactivated): it can no longer log in, and its per-casus grants end.
    Refused for oneself and while the account directs an open casus (transfer first)."""
    _vereist_beheer(door)
    _vereist_beheerbaar(gebruiker)
    reden = _reden(reden)
    if gebruiker.pk == door.pk:
        raise ValidationError(
            {"reden": "U kunt uw eigen account niet deactiveren; vraag dit aan een andere beheerder."}
        )
    gebruiker = User.objects.select_for_update(no_key=True).get(pk=gebruiker.pk)
    if not gebruiker.is_active:
        raise ValidationError("Dit account is al gedeactiveerd.")
    if gebruiker.groups.filter(name=BEHEERROL).exists():
        _beheer_blijft_over(gebruiker)
    with acting_as(door, reason=f"gedeactiveerd: {reden}"):
        gebruiker.is_active = False
        gebruiker.save(update_fields=["is_active"])
        _objectrechten_intrekken(door=door, gebruiker=gebruiker, reden=f"account gedeactiveerd: {reden}", veld="reden")
    return gebruiker


@transaction.atomic
def account_heractiveren(*, door, gebruiker, reden):
    """Let a deactivated account log in again (grants taken at deactivation do not come back)."""
    _vereist_beheer(door)
    _vereist_beheerbaar(gebruiker)
    reden = _reden(reden)
    gebruiker = User.objects.select_for_update(no_key=True).get(pk=gebruiker.pk)
    if gebruiker.is_active:
        raise ValidationError("Dit account is al actief.")
    if Organisatie.objects.select_for_update(no_key=True).filter(pk=gebruiker.organisatie_id, actief=False).exists():
        raise ValidationError(
            {"reden": f"{gebruiker.organisatie} is gedeactiveerd; kies eerst een actieve organisatie voor dit account."}
        )
    with acting_as(door, reason=f"heractiveerd: {reden}"):
        gebruiker.is_active = True
        gebruiker.heractiveerd_op = timezone.now()
        gebruiker.save(update_fields=["is_active", "heractiveerd_op"])
    return gebruiker


@transaction.atomic
def tweestaps_resetten(*, door, gebruiker, reden):
    """Remove the user's authenticator(s): at the next login they enrol again and are told it was reset.
    Identify the user out of band first (docs/beheer.md). Returns the number of devices removed."""
    _vereist_beheer(door)
    _vereist_beheerbaar(gebruiker)
    reden = _reden(reden)
    if gebruiker.pk == door.pk:
        raise ValidationError(
            {"reden": "U kunt uw eigen tweestapsverificatie niet herstellen; vraag een andere beheerder."}
        )
    gebruiker = User.objects.select_for_update(no_key=True).get(pk=gebruiker.pk)
    if not TOTPDevice.objects.filter(user=gebruiker).exists():
        raise ValidationError("Dit account heeft geen authenticator-app ingesteld; er is niets te herstellen.")
    toelichting = f"tweestapsverificatie hersteld door functioneel beheer: {reden}"
    aantal = tweestaps_herstellen(door=door, gebruiker=gebruiker, reden=toelichting)
    with acting_as(door, reason=toelichting):
        gebruiker.tweestaps_hersteld_op = timezone.now()
        gebruiker.save(update_fields=["tweestaps_hersteld_op"])
    gebeurd("bzt.user.tweestaps_hersteld", gebruiker, door=door)
    return aantal


# --- organisations --------------------------------------------------------------------------------------------


def organisaties_zoeken(q="", status=""):
    organisaties = Organisatie.objects.order_by("naam")
    if status == "actief":
        organisaties = organisaties.filter(actief=True)
    elif status == "inactief":
        organisaties = organisaties.filter(actief=False)
    if q:
        organisaties = organisaties.filter(naam__icontains=q)
    return organisaties


def _valideer_organisatie(*, naam, soort, convenantpartner, convenant_getekend_op, organisatie=None):
    errors = {}
    naam = (naam or "").strip()
    if not naam:
        errors["naam"] = "Vul de naam van de organisatie in."
    elif Organisatie.objects.filter(naam__iexact=naam).exclude(pk=getattr(organisatie, "pk", None)).exists():
        errors["naam"] = "Er bestaat al een organisatie met deze naam (ook een gedeactiveerde telt mee)."
    if soort not in Organisatie.Soort.values:
        errors["soort"] = "Kies een soort organisatie."
    if convenant_getekend_op and not convenantpartner:
        errors["convenant_getekend_op"] = "Een datum van ondertekening hoort alleen bij een convenantpartner."
    elif convenant_getekend_op and convenant_getekend_op > timezone.localdate():
        errors["convenant_getekend_op"] = "De datum van ondertekening kan niet in de toekomst liggen."
    if errors:
        raise ValidationError(errors)
    return naam


@transaction.atomic
def organisatie_aanmaken(
    *, door, naam, soort=Organisatie.Soort.ZORG, convenantpartner=False, convenant_getekend_op=None, reden=""
):
    _vereist_beheer(door)
    naam = _valideer_organisatie(
        naam=naam, soort=soort, convenantpartner=convenantpartner, convenant_getekend_op=convenant_getekend_op
    )
    with acting_as(door, reason=(reden or "").strip() or "organisatie aangemaakt"):
        return Organisatie.objects.create(
            naam=naam, soort=soort, convenantpartner=convenantpartner, convenant_getekend_op=convenant_getekend_op
        )


@transaction.atomic
def organisatie_wijzigen(*, door, organisatie, naam, soort, convenantpartner, convenant_getekend_op, reden):
    _vereist_beheer(door)
    errors = {}
    try:
        reden = _reden(reden)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        naam = _valideer_organisatie(
            naam=naam,
            soort=soort,
            convenantpartner=convenantpartner,
            convenant_getekend_op=convenant_getekend_op,
            organisatie=organisatie,
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    organisatie = Organisatie.objects.select_for_update(no_key=True).get(pk=organisatie.pk)
    with acting_as(door, reason=reden):
        organisatie.naam = naam
        organisatie.soort = soort
        organisatie.convenantpartner = convenantpartner
        organisatie.convenant_getekend_op = convenant_getekend_op
        organisatie.save()
    return organisatie


@transaction.atomic
def organisatie_deactiveren(*, door, organisatie, reden):
    """An organisation that leaves: no longer offered for new accounts or assignments. Refused while it still has
    active accounts (deactivate or move them first), so nobody works for an inactive organisation."""
    _vereist_beheer(door)
    reden = _reden(reden)
    organisatie = Organisatie.objects.select_for_update(no_key=True).get(pk=organisatie.pk)
    if not organisatie.actief:
        raise ValidationError("Deze organisatie is al gedeactiveerd.")
    actief = organisatie.medewerkers.filter(is_active=True).count()
    if actief:
        raise ValidationError(
            {
                "reden": f"{organisatie} heeft nog {actief} actie{'f' if actief == 1 else 've'} account"
                f"{'' if actief == 1 else 's'}; deactiveer of verplaats die eerst."
            }
        )
    with acting_as(door, reason=f"gedeactiveerd: {reden}"):
        organisatie.actief = False
        organisatie.save(update_fields=["actief"])
    return organisatie


@transaction.atomic
def organisatie_heractiveren(*, door, organisatie, reden):
    _vereist_beheer(door)
    reden = _reden(reden)
    organisatie = Organisatie.objects.select_for_update(no_key=True).get(pk=organisatie.pk)
    if organisatie.actief:
        raise ValidationError("Deze organisatie is al actief.")
    with acting_as(door, reason=f"heractiveerd: {reden}"):
        organisatie.actief = True
        organisatie.save(update_fields=["actief"])
    return organisatie


def geschiedenis(obj, limiet=20):
    """The audit history of an account or organisation: when, who, what kind of change, why."""
    return obj.history.select_related("history_user").order_by("-history_date", "-history_id")[:limiet]
