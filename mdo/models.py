"""The weekly MDO: the meeting, its agenda and the besluit taken per agenda item."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from bzt.audit import AuditedHistory


class Overleg(models.Model):
    class Status(models.TextChoices):
        GEPLAND = "gepland", "Gepland"
        AFGEROND = "afgerond", "Afgerond"

    datum = models.DateField("datum")
    aanvang = models.TimeField("aanvang", null=True, blank=True)
    locatie = models.CharField("locatie", max_length=120, blank=True)
    voorzitter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.GEPLAND)
    aanwezigen = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="mdo_aanwezig")
    overige_aanwezigen = models.TextField(
        "overige aanwezigen", blank=True, help_text="Naam en organisatie, één per regel"
    )

    history = AuditedHistory(m2m_fields=[aanwezigen])

    class Meta:
        ordering = ["-datum", "-id"]
        verbose_name = "MDO"
        verbose_name_plural = "MDO's"
        permissions = [("voorzitten_mdo", "Het MDO voorzitten: agenda, besluiten, toewijzen")]

    def __str__(self):
        return f"MDO {self.datum:%d-%m-%Y}"


class AgendaPunt(models.Model):
    class Soort(models.TextChoices):
        MELDING = "melding", "Nieuwe melding: toewijzen"
        PLAN_VASTSTELLEN = "plan_vaststellen", "Plan van aanpak vaststellen"
        PLAN_EVALUEREN = "plan_evalueren", "Plan van aanpak evalueren"
        CASUSBESPREKING = "casusbespreking", "Casusbespreking"

    class Besluit(models.TextChoices):
        TOEGEWEZEN = "toegewezen", "Casusregisseur toegewezen"
        REGULIER = "regulier", "Verwezen naar reguliere zorg"
        AANGEHOUDEN = "aangehouden", "Aangehouden"
        PLAN_VASTGESTELD = "plan_vastgesteld", "Plan vastgesteld"
        PLAN_TERUGGESTUURD = "plan_teruggestuurd", "Plan teruggestuurd"
        BESPROKEN = "besproken", "Besproken"
        # The household already has an open casus: the melding joins it (casusregie.CasusMelding).
        BIJ_CASUS = "bij_casus", "Bij de open casus gevoegd"

    overleg = models.ForeignKey(Overleg, on_delete=models.CASCADE, related_name="agendapunten")
    volgorde = models.PositiveSmallIntegerField(default=0)
    soort = models.CharField(max_length=20, choices=Soort.choices)
    melding = models.ForeignKey("meldpunt.Melding", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    casus = models.ForeignKey("casusregie.Casus", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    plan = models.ForeignKey("casusregie.Plan", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    besluit = models.CharField(max_length=20, choices=Besluit.choices, blank=True)
    notulen = models.TextField("notulen", blank=True)
    besloten_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A casusregisseur who put their own casus on the agenda, and their question to the MDO.
    vraag = models.TextField("vraag aan het MDO", blank=True)
    aangemeld_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    aangemeld_op = models.DateTimeField(null=True, blank=True)

    history = AuditedHistory()

    class Meta:
        ordering = ["overleg", "volgorde", "id"]
        verbose_name = "agendapunt"
        verbose_name_plural = "agendapunten"
        constraints = [
            # A melding or plan is open on one agenda at a time (moving it to another MDO moves the item).
            models.UniqueConstraint(
                fields=["melding"],
                condition=Q(besluit="") & Q(melding__isnull=False),
                name="agendapunt_melding_eenmaal_open",
            ),
            models.UniqueConstraint(
                fields=["plan"], condition=Q(besluit="") & Q(plan__isnull=False), name="agendapunt_plan_eenmaal_open"
            ),
        ]

    def __str__(self):
        return f"{self.get_soort_display()} ({self.overleg})"

    @property
    def open(self):
        return not self.besluit
