"""Notifications: tell each person what needs them, in BZT and by e-mail without personal data.

Who gets what is one table, keten/notificaties.py (the top layer: it reads every app). The apps below only say
what happened: `gebeurd(naam, obj, door=...)` is called by every state change (bzt.workflow) and every grant or
revocation of casus access (casusregie.permissions); after the transaction commits, the functions registered on
GEBEURD turn it into notifications (`notificeren`). A rolled-back change notifies nobody.

E-mail: per person directly (a Celery task after commit, retried) or as one daily overview, or not at all
(`User.notificatie_mail`). The mail holds the notification's text (a casus or melding number, never a name, BSN,
address or case text) and a link; SMTP comes from EMAIL_URL (docs/notificaties.md).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from .hooks import Hook
from .models import Notificatie, User

logger = logging.getLogger(__name__)

GEBEURD = Hook("gebeurd")  # function(naam, obj, door, details), registered by keten.notificaties

ONDERWERP = "BZT: er is een nieuw bericht voor u"


def gebeurd(naam: str, obj, *, door, **details):
    """Say that `naam` happened to `obj` (e.g. "casusregie.escalatie.beantwoorden"); notified after commit."""

    def notify():
        for function in GEBEURD:
            try:
                function(naam, obj, door, details)
            except Exception:  # a notification must never undo or break the change it reports
                logger.exception("Notificatie voor %s mislukt", naam)
                if settings.BZT_NOTIFICATIEFOUTEN_DOORGEVEN:  # the tests
                    raise

    transaction.on_commit(notify)


def notificeren(ontvangers, *, soort: str, tekst: str, link: str = "", sleutel: str = "") -> list[Notificatie]:
    """Create one notification per active recipient (at most one per recipient and `sleutel`) and queue the
    e-mail of those who want it at once."""
    nieuw = []
    for ontvanger in {u.pk: u for u in ontvangers if u is not None and u.is_active}.values():
        try:
            with transaction.atomic():
                nieuw.append(
                    Notificatie.objects.create(
                        ontvanger=ontvanger, soort=soort, tekst=tekst, link=link, sleutel=sleutel
                    )
                )
        except IntegrityError:  # already told (same key)
            continue
    direct = [n.pk for n in nieuw if n.ontvanger.notificatie_mail == User.NotificatieMail.DIRECT]
    if direct:
        from .audit import system_user
        from .tasks import notificatie_mailen, start_task

        for pk in direct:
            start_task(notificatie_mailen, pk, door=system_user())
    return nieuw


def voor(user):
    return Notificatie.objects.filter(ontvanger=user) if user.is_authenticated else Notificatie.objects.none()


def ongelezen(user):
    return voor(user).filter(gelezen_op__isnull=True)


def gelezen(*, door, notificatie: Notificatie) -> Notificatie:
    if notificatie.ontvanger_id != door.pk:
        raise Notificatie.DoesNotExist
    if notificatie.gelezen_op is None:
        Notificatie.objects.filter(pk=notificatie.pk, gelezen_op__isnull=True).update(gelezen_op=timezone.now())
    return notificatie


def alles_gelezen(*, door) -> int:
    return ongelezen(door).update(gelezen_op=timezone.now())


def _url(path):
    return settings.BZT_BASIS_URL.rstrip("/") + path


def mail_versturen(notificatie_id: int) -> bool:
    """Send one notification by e-mail, once: the row is locked while sending and marked after. An SMTP error
    propagates (the task retries) and leaves the row unmarked, so a later sweep sends it again."""
    with transaction.atomic():
        notificatie = (
            Notificatie.objects.select_for_update().select_related("ontvanger").filter(pk=notificatie_id).first()
        )
        if notificatie is None or notificatie.gemaild_op is not None or not notificatie.ontvanger.email:
            return False
        link = _url(reverse("notificatie_openen", args=[notificatie.pk]))
        send_mail(
            ONDERWERP,
            f"{notificatie.tekst}\n\nBekijk het in BZT: {link}\n\n"
            "U krijgt deze e-mail omdat u in BZT e-mail bij nieuwe berichten hebt aangezet. "
            "Dit bericht bevat bewust geen persoonsgegevens.",
            None,
            [notificatie.ontvanger.email],
        )
        notificatie.gemaild_op = timezone.now()
        notificatie.save(update_fields=["gemaild_op"])
    return True


def dagoverzicht_versturen() -> int:
    """One mail per person who chose the daily overview and has unread, unmailed notifications: how many, and a
    link to the list (no texts at all). Returns the number of mails sent."""
    verstuurd = 0
    ontvangers = User.objects.filter(
        is_active=True,
        notificatie_mail=User.NotificatieMail.DAGELIJKS,
        notificaties__gelezen_op__isnull=True,
        notificaties__gemaild_op__isnull=True,
    ).distinct()
    for user in ontvangers.exclude(email=""):
        with transaction.atomic():
            open_ = list(
                ongelezen(user).filter(gemaild_op__isnull=True).select_for_update().values_list("pk", flat=True)
            )
            if not open_:
                continue
            send_mail(
                "BZT: uw berichten van vandaag",
                f"Er {'is 1 nieuw bericht' if len(open_) == 1 else f'zijn {len(open_)} nieuwe berichten'} voor u in "
                f"BZT.\n\nBekijk ze in BZT: {_url(reverse('notificaties'))}\n\n"
                "Dit overzicht bevat bewust geen persoonsgegevens.",
                None,
                [user.email],
            )
            Notificatie.objects.filter(pk__in=open_).update(gemaild_op=timezone.now())
            verstuurd += 1
    return verstuurd


def niet_gemaild(ouder_dan=timedelta(minutes=10)):
    """Direct notifications whose mail did not go out (broker or SMTP down): the periodic sweep sends them."""
    return Notificatie.objects.filter(
        gemaild_op__isnull=True,
        aangemaakt_op__lt=timezone.now() - ouder_dan,
        aangemaakt_op__gte=timezone.now() - timedelta(days=2),
        ontvanger__notificatie_mail=User.NotificatieMail.DIRECT,
        ontvanger__is_active=True,
    ).exclude(ontvanger__email="")


def instelling_opslaan(*, door, notificatie_mail: str) -> User:
    from .audit import acting_as

    with acting_as(door):
        door.notificatie_mail = notificatie_mail
        door.full_clean(validate_unique=False, exclude=["password"])
        door.save(update_fields=["notificatie_mail"])
    return door
