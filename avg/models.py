"""An AVG request of a client (art. 15-21) and the inzage export made for it."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from bzt.audit import AuditedHistory
from meldpunt.models import Persoon


class AvgVerzoek(models.Model):
    """One request of one person, with the legal deadline (art. 12(3): one month, plus two with a reason)."""

    class Soort(models.TextChoices):
        INZAGE = "inzage", "Inzage (art. 15)"
        RECTIFICATIE = "rectificatie", "Rectificatie (art. 16)"
        VERWIJDERING = "verwijdering", "Verwijdering (art. 17)"
        BEPERKING = "beperking", "Beperking van de verwerking (art. 18)"
        BEZWAAR = "bezwaar", "Bezwaar (art. 21)"

    class Status(models.TextChoices):
        ONTVANGEN = "ontvangen", "Ontvangen"
        IN_BEHANDELING = "in_behandeling", "In behandeling"
        VERLENGD = "verlengd", "Termijn verlengd"
        AFGEHANDELD = "afgehandeld", "Afgehandeld (toegewezen)"
        AFGEWEZEN = "afgewezen", "Afgewezen"

    class Grond(models.TextChoices):
        """The legal ground of a refusal (or of what could not be carried out)."""

        BEWAARTERMIJN = "bewaartermijn", "Bewaarplicht: de bewaartermijn loopt nog (art. 17 lid 3 sub b AVG)"
        ARCHIEFWET = "archiefwet", "Archiefwet 1995: archiefbescheiden van de gemeente"
        WETTELIJKE_TAAK = "wettelijke_taak", "Wettelijke taak / algemeen belang (art. 6 lid 1 sub e, art. 21 lid 1)"
        RECHTEN_ANDEREN = "rechten_anderen", "Rechten en vrijheden van anderen (art. 15 lid 4, art. 23)"
        JUIST = "juist", "De gegevens zijn juist en volledig"
        ONGEGROND = "ongegrond", "Kennelijk ongegrond of buitensporig (art. 12 lid 5)"
        OVERIG = "overig", "Anders (zie toelichting)"

    soort = models.CharField(max_length=15, choices=Soort.choices)
    persoon = models.ForeignKey(Persoon, on_delete=models.PROTECT, related_name="+")
    ontvangen_op = models.DateField("ontvangen op")
    termijn = models.DateField("uiterlijk beantwoorden op")
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.ONTVANGEN)
    status_sinds = models.DateTimeField(default=timezone.now)
    omschrijving = models.TextField(
        "wat vraagt de cliënt",
        max_length=2000,
        blank=True,
        help_text="Het verzoek in eigen woorden, zonder zorginhoud.",
    )
    verlenging_reden = models.TextField("reden van verlenging", max_length=1000, blank=True)
    # Inzage: the household members whose data the client may see, decided per person (persoon ids).
    gerechtigd_voor = models.JSONField("ook te tonen huisgenoten", default=list, blank=True)
    # Rectificatie: handed over to the role that may correct (meldpunt or casusregisseur).
    overgedragen_aan = models.CharField("overgedragen aan", max_length=120, blank=True)
    uitkomst = models.TextField("uitkomst en motivering", max_length=2000, blank=True)
    grond = models.CharField("wettelijke grond", max_length=20, choices=Grond.choices, blank=True)
    bewaartermijn_run = models.PositiveIntegerField(
        "anonimisering (run)", null=True, blank=True, help_text="De BewaartermijnRun die de verwijdering uitvoerde."
    )
    geregistreerd_door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    geregistreerd_op = models.DateTimeField(default=timezone.now)
    afgehandeld_op = models.DateField(null=True, blank=True)

    history = AuditedHistory()

    class Meta:
        ordering = ["termijn", "pk"]
        verbose_name = "AVG-verzoek"
        verbose_name_plural = "AVG-verzoeken"
        default_permissions = ()
        permissions = [("behandelen_avgverzoek", "AVG-verzoeken van cliënten registreren en afhandelen")]

    def __str__(self):
        return self.nummer

    @property
    def nummer(self):
        return f"AVG{self.ontvangen_op:%Y}-{self.pk:04d}"

    @property
    def open(self):
        return self.status not in (self.Status.AFGEHANDELD, self.Status.AFGEWEZEN)

    def te_laat(self, vandaag=None):
        return self.open and self.termijn < (vandaag or timezone.localdate())


class AvgExport(models.Model):
    """The client's data assembled for an inzage request: a concept until the privacy officer releases it.

    `inhoud` is the machine-readable JSON as handed to the client; the PDF is rendered from it."""

    class Status(models.TextChoices):
        CONCEPT = "concept", "Concept (nog niet vrijgegeven)"
        VRIJGEGEVEN = "vrijgegeven", "Vrijgegeven"
        VERVANGEN = "vervangen", "Vervangen door een nieuwere versie"

    verzoek = models.ForeignKey(AvgVerzoek, on_delete=models.PROTECT, related_name="exports")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CONCEPT)
    status_sinds = models.DateTimeField(default=timezone.now)
    inhoud = models.JSONField()
    gemaakt_door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    gemaakt_op = models.DateTimeField(default=timezone.now)
    vrijgegeven_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    vrijgegeven_op = models.DateTimeField(null=True, blank=True)

    history = AuditedHistory(excluded_fields=["inhoud"])  # the content is the client's data: not copied again

    class Meta:
        ordering = ["-gemaakt_op", "-pk"]
        default_permissions = ()
        verbose_name = "AVG-inzage-export"

    def __str__(self):
        return f"export {self.pk} bij {self.verzoek}"
