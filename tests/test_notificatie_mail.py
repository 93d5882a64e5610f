"""Notification e-mail through a real SMTP server process on localhost (aiosmtpd writing to a Maildir): sent once,
after commit, never with personal data; an SMTP outage does not fail the request and the mail follows later;
the daily overview holds only a count."""

import mailbox
import socket
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from bzt import notifications, tasks
from bzt.models import Notificatie
from tests import factories

GEHEIM = {"voornaam": "Geheimina", "achternaam": "Vertrouwelijk", "bsn": "111222333", "adres": "Verborgenstraat 9"}


def _vrije_poort():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    def __init__(self, maildir):
        self.maildir, self.port, self.process = maildir, _vrije_poort(), None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}"]
            + ["-c", "aiosmtpd.handlers.Mailbox", str(self.maildir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("De SMTP-server start niet")

    def stop(self):
        self.process.terminate()
        self.process.wait(5)

    def berichten(self, aan=None):
        return [m for m in mailbox.Maildir(str(self.maildir), create=True) if aan is None or m["To"] == aan]


@pytest.fixture
def smtp(tmp_path, settings):
    server = SmtpServer(tmp_path / "maildir").start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    if server.process.poll() is None:
        server.stop()


def _tekst(bericht):
    return bericht.get_payload(decode=True).decode()


def test_one_mail_after_commit_without_personal_data(demo, smtp, django_capture_on_commit_callbacks):
    regisseur = demo["regisseur_dimence"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        c = factories.casus(demo, huishouden=[("hoofdpersoon", factories.persoon_gegevens(**GEHEIM))])
        assert smtp.berichten() == []  # nothing before commit
    with django_capture_on_commit_callbacks(execute=True):  # the commit: the notifications, then their mail
        for callback in callbacks:
            callback()
    berichten = smtp.berichten(regisseur.email)
    assert len(berichten) == 1
    bericht = berichten[0]
    assert bericht["To"] == regisseur.email
    tekst = _tekst(bericht) + bericht["Subject"]
    assert c.nummer in tekst and "/berichten/" in tekst
    for geheim in [*GEHEIM.values(), "Zorgen over de woonsituatie", "Piet Melder"]:
        assert geheim not in tekst
    notificatie = Notificatie.objects.get(ontvanger=regisseur)
    assert notificatie.gemaild_op is not None
    assert notifications.mail_versturen(notificatie.pk) is False  # never twice
    assert len(smtp.berichten(regisseur.email)) == 1


def test_an_smtp_outage_does_not_fail_the_request_and_the_mail_follows(demo, smtp, django_capture_on_commit_callbacks):
    smtp.stop()
    with django_capture_on_commit_callbacks(execute=True):
        c = factories.casus(demo)  # no exception although the mail cannot go out
    assert not Notificatie.objects.filter(gemaild_op__isnull=False).exists()
    smtp.start()
    Notificatie.objects.update(aangemaakt_op=timezone.now() - timedelta(minutes=20))
    assert tasks.notificaties_nasturen() == 2  # the regisseur's and the meldpunt's
    (bericht,) = smtp.berichten(demo["regisseur_dimence"].email)
    assert c.nummer in _tekst(bericht)
    assert tasks.notificaties_nasturen() == 0


def test_the_daily_overview_holds_only_a_count(demo, smtp, django_capture_on_commit_callbacks):
    regisseur = demo["regisseur_dimence"]
    regisseur.notificatie_mail = "dagelijks"
    regisseur.save()
    with django_capture_on_commit_callbacks(execute=True):
        c = factories.casus(demo)
        factories.vastgesteld_plan(demo, c)
    assert smtp.berichten(regisseur.email) == []  # not one by one
    assert notifications.dagoverzicht_versturen() == 1
    (bericht,) = smtp.berichten(regisseur.email)
    assert "Er zijn 2 nieuwe berichten voor u" in _tekst(bericht) and c.nummer not in _tekst(bericht)
    assert notifications.dagoverzicht_versturen() == 0
