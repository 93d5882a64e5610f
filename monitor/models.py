"""The jaarmonitor: budget lines entered by functioneel beheer and the generated reports (jobs)."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from bzt.audit import AuditedHistory
from bzt.models import Organisatie, TaakStatus, eigen_gemeente_id
from meldpunt.codes import Aanmeldroute


class BudgetRegel(models.Model):
    """One line of the year's budget (cf. the 2014 table in the BZT evaluation)."""

    class Categorie(models.TextChoices):
        CASUSREGIE = "casusregie", "Casusregie (subsidies per doelgroep)"
        PROCESREGIE = "procesregie", "Procesregie en meldpunt"
        HUISVESTING = "huisvesting", "Huisvesting"
        MAATWERK = "maatwerk", "Maatwerkbudget / doorbraakfonds"
        OVERIG = "overig", "Overig"

    jaar = models.PositiveSmallIntegerField()
    categorie = models.CharField(max_length=15, choices=Categorie.choices)
    omschrijving = models.CharField(max_length=200)
    bedrag = models.DecimalField(max_digits=12, decimal_places=2)
    # Where relevant (docs/jaarmonitor.md § Budget): the subsidy the line pays, the doelgroep (aanmeldroute) it is
    # for and the organisation that receives it — "Casusregie 2014 valt uiteen in de volgende subsidies".
    subsidie = models.CharField(max_length=120, blank=True)
    aanmeldroute = models.CharField(max_length=20, choices=Aanmeldroute.choices, blank=True)
    organisatie = models.ForeignKey(Organisatie, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The gemeente that pays the line (CONTRACT.md § Region): its jaarmonitor divides only its own lines over its
    # casussen; the region's budget is every line.
    gemeente = models.ForeignKey("bzt.Gemeente", on_delete=models.PROTECT, default=eigen_gemeente_id, related_name="+")

    history = AuditedHistory()

    class Meta:
        ordering = ["jaar", "categorie", "omschrijving"]
        verbose_name = "budgetregel"
        verbose_name_plural = "budgetregels"

    def __str__(self):
        return f"{self.jaar} {self.omschrijving}: € {self.bedrag}"


class Rapport(models.Model):
    """A generated jaarmonitor PDF. Generation is a Celery job; the row carries its progress."""

    Status = TaakStatus  # the states of every background file job (bzt.achtergrond)

    jaar = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12, choices=TaakStatus.choices, default=TaakStatus.IN_WACHTRIJ)
    voortgang = models.PositiveSmallIntegerField(default=0, help_text="0 tot 100")
    stap = models.CharField(max_length=120, blank=True)
    fout = models.TextField(blank=True)
    bestand = models.FileField(upload_to="jaarmonitor/", blank=True)
    aangevraagd_door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    aangevraagd_op = models.DateTimeField(default=timezone.now)
    gestart_op = models.DateTimeField(null=True, blank=True)
    klaar_op = models.DateTimeField(null=True, blank=True)
    pogingen = models.PositiveSmallIntegerField(default=0)
    # The day the figures count up to, for a year that was not over when it was made (None: the whole year).
    tot_en_met = models.DateField(null=True, blank=True)
    # The gemeente whose monitor it is (a gemeente-bound beleidsambtenaar in a region); None: the installation.
    gemeente = models.ForeignKey("bzt.Gemeente", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Every render of the PDF, over all runs and retries of this request: counted up in its own committed
    # statement just before the render starts and just after it returned (services._genereren), so a run that
    # is killed halfway still counts as started and a second complete render cannot go unnoticed (issue 20).
    renders_gestart = models.PositiveIntegerField(default=0)
    renders_voltooid = models.PositiveIntegerField(default=0)

    history = AuditedHistory(excluded_fields=["voortgang", "stap", "renders_gestart", "renders_voltooid"])

    class Meta:
        ordering = ["-aangevraagd_op", "-id"]
        verbose_name = "jaarmonitor"
        verbose_name_plural = "jaarmonitors"
        permissions = [("zien_jaarmonitor", "De jaarmonitor maken en downloaden (alleen cijfers)")]
        constraints = [
            # One open request per year: a second "Rapport maken" while one waits or runs gets that one.
            models.UniqueConstraint(
                fields=["jaar"],
                condition=models.Q(status__in=["in_wachtrij", "bezig"], gemeente__isnull=True),
                name="monitor_rapport_een_open_per_jaar",
            ),
            models.UniqueConstraint(
                fields=["jaar", "gemeente"],
                condition=models.Q(status__in=["in_wachtrij", "bezig"], gemeente__isnull=False),
                name="monitor_rapport_een_open_per_jaar_gemeente",
            ),
        ]

    def __str__(self):
        return f"Jaarmonitor {self.jaar} ({self.get_status_display()})"

    @property
    def voorlopig(self):
        """Made before its year was over: it counts up to tot_en_met."""
        return self.tot_en_met is not None and self.tot_en_met < date(self.jaar, 12, 31)

    @property
    def aanbieden(self):
        """Whether the PDF may be downloaded: a report of a year that was not over when it was made, from
        before the cut-off existed (no tot_en_met), counted the running month and is no longer offered."""
        gemaakt = timezone.localtime(self.klaar_op or self.aangevraagd_op)
        return self.status == self.Status.KLAAR and (self.tot_en_met is not None or gemaakt.year > self.jaar)

    @property
    def open(self):
        """Waiting or running: the page keeps polling its progress."""
        return self.status in (self.Status.IN_WACHTRIJ, self.Status.BEZIG)


class Stand(models.Model):
    """The figures of a year that is not over, as the beleidsambtenaar sees them: computed once up to the end
    of the last complete month (`tot_en_met`) and then frozen until the next month, so that two downloads
    never differ by one melding, late registrations and corrections included (monitor.services.cijfers).
    Only counts, dates and medians: exact, suppressed on display like any figures."""

    jaar = models.PositiveSmallIntegerField()
    tot_en_met = models.DateField()
    # JSON as text, not a JSONField: PostgreSQL's jsonb reorders keys, and the stand must read back exactly as
    # it was written, so that every download of the month is the same file down to the order of its rows.
    cijfers = models.TextField()
    berekend_op = models.DateTimeField(default=timezone.now)
    berekend_door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # One gemeente's stand (its beleidsambtenaar in a region), or None: the whole installation.
    gemeente = models.ForeignKey("bzt.Gemeente", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "stand van de jaarmonitor"
        verbose_name_plural = "standen van de jaarmonitor"
        constraints = [
            models.UniqueConstraint(
                fields=["jaar", "tot_en_met"],
                condition=models.Q(gemeente__isnull=True),
                name="monitor_stand_een_per_peildatum",
            ),
            models.UniqueConstraint(
                fields=["jaar", "tot_en_met", "gemeente"],
                condition=models.Q(gemeente__isnull=False),
                name="monitor_stand_een_per_peildatum_gemeente",
            ),
        ]

    def __str__(self):
        return f"Jaarmonitor {self.jaar} tot en met {self.tot_en_met:%d-%m-%Y}"
