"""What a partner organisation files and how it hears back (issue 19, docs/api.md).

- `ApiSleutel`: a key of one organisation for the partner API; only its SHA-256 hash is stored, the prefix finds
  the row. Revoked, never deleted (the uses point at it).
- `SleutelGebruik`: every request made with a key: which key, when, which melding (no personal data).
- `Indiening`: a melding filed by a partner (web form or API): the organisation, the uuid the API shows, the
  Idempotency-Key with a keyed hash of the body, and the last status the organisation was told.
- `Terugmeldadres` and `Terugmelding`: the callback URL of an organisation and each delivery to it.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from bzt.audit import AuditedHistory
from bzt.models import Organisatie
from meldpunt.models import Melding


class ApiSleutel(models.Model):
    organisatie = models.ForeignKey(Organisatie, on_delete=models.PROTECT, related_name="api_sleutels")
    naam = models.CharField(
        "omschrijving", max_length=120, help_text="Bijvoorbeeld het systeem dat de sleutel gebruikt."
    )
    prefix = models.CharField("kenmerk", max_length=16, unique=True, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)
    aangemaakt_door = models.ForeignKey("bzt.User", on_delete=models.PROTECT, related_name="+")
    aangemaakt_op = models.DateTimeField(default=timezone.now)
    ingetrokken_door = models.ForeignKey("bzt.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ingetrokken_op = models.DateTimeField(null=True, blank=True)

    history = AuditedHistory()

    class Meta:
        verbose_name = "API-sleutel"
        verbose_name_plural = "API-sleutels"
        ordering = ["organisatie__naam", "-aangemaakt_op"]

    def __str__(self):
        return f"API-sleutel {self.prefix} ({self.naam}, {self.organisatie})"

    @property
    def actief(self):
        return self.ingetrokken_op is None


class SleutelGebruik(models.Model):
    """One request with a key. A log: written once, never changed, no history of its own."""

    sleutel = models.ForeignKey(ApiSleutel, on_delete=models.PROTECT, related_name="gebruik")
    moment = models.DateTimeField(default=timezone.now)
    methode = models.CharField(max_length=10)
    pad = models.CharField(max_length=200)  # ids only: /api/v1/meldingen/<uuid>
    status_code = models.PositiveSmallIntegerField()
    melding = models.ForeignKey(Melding, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-moment", "-id"]
        default_permissions = ()
        indexes = [models.Index(fields=["sleutel", "moment"], name="sleutelgebruik_sleutel_moment")]

    def __str__(self):
        return f"{self.sleutel.prefix} {self.methode} {self.pad} {self.status_code}"


class Indiening(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    melding = models.OneToOneField(Melding, on_delete=models.PROTECT, related_name="indiening")
    organisatie = models.ForeignKey(Organisatie, on_delete=models.PROTECT, related_name="indieningen")
    ingediend_door = models.ForeignKey("bzt.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    sleutel = models.ForeignKey(ApiSleutel, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ingediend_op = models.DateTimeField(default=timezone.now)
    idempotency_key = models.CharField(max_length=200, blank=True)
    body_hash = models.CharField(max_length=64, blank=True)  # HMAC-SHA256 (SECRET_KEY) of the canonical body
    gemelde_status = models.CharField(max_length=20, default="ontvangen")  # the last status the partner was told

    class Meta:
        verbose_name = "indiening"
        verbose_name_plural = "indieningen"
        ordering = ["-ingediend_op"]
        default_permissions = ()
        constraints = [
            # Two requests with one Idempotency-Key at the same moment: the second waits for the first and fails.
            models.UniqueConstraint(
                fields=["organisatie", "idempotency_key"], condition=~Q(idempotency_key=""), name="indiening_idempotent"
            )
        ]
        indexes = [models.Index(fields=["organisatie", "ingediend_op"], name="indiening_org_op")]

    def __str__(self):
        return f"Indiening {self.id} ({self.organisatie})"


class Terugmeldadres(models.Model):
    """Where an organisation wants to hear of a status change of its meldingen (a VNG Notificaties-shaped POST)."""

    organisatie = models.OneToOneField(Organisatie, on_delete=models.PROTECT, related_name="terugmeldadres")
    url = models.URLField("callback-URL", max_length=500)
    auth_header = models.CharField(
        "waarde van de Authorization-header", max_length=500, blank=True, help_text="Bijvoorbeeld 'Bearer …'."
    )
    hmac_geheim = models.CharField(
        "HMAC-geheim", max_length=200, blank=True, help_text="Ondertekent elk bericht (header BZT-Signature)."
    )
    actief = models.BooleanField(default=True)

    history = AuditedHistory(excluded_fields=["auth_header", "hmac_geheim"])

    class Meta:
        verbose_name = "terugmeldadres"
        verbose_name_plural = "terugmeldadressen"

    def __str__(self):
        return f"{self.organisatie}: {self.url}"


class Terugmelding(models.Model):
    """One status change told to one organisation: delivered once, retried with a growing pause, and after
    BZT_TERUGMELDING_POGINGEN failures `mislukt` (shown to functioneel beheer)."""

    class Status(models.TextChoices):
        OPEN = "open", "Nog af te leveren"
        AFGELEVERD = "afgeleverd", "Afgeleverd"
        MISLUKT = "mislukt", "Mislukt"

    indiening = models.ForeignKey(Indiening, on_delete=models.PROTECT, related_name="terugmeldingen")
    volgnummer = models.PositiveIntegerField()
    melder_status = models.CharField(max_length=20)
    bericht = models.JSONField()  # the body as sent: ids, numbers and codes, no personal data
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    aangemaakt_op = models.DateTimeField(default=timezone.now)
    pogingen = models.PositiveSmallIntegerField(default=0)
    volgende_poging_op = models.DateTimeField(default=timezone.now)
    afgeleverd_op = models.DateTimeField(null=True, blank=True)
    laatste_fout = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "terugmelding"
        verbose_name_plural = "terugmeldingen"
        ordering = ["-aangemaakt_op", "-id"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["indiening", "volgnummer"], name="terugmelding_een_per_wijziging")
        ]
        indexes = [models.Index(fields=["status", "volgende_poging_op"], name="terugmelding_te_versturen")]

    def __str__(self):
        return f"Terugmelding {self.volgnummer} van {self.indiening_id}: {self.melder_status} ({self.status})"
