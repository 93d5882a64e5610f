"""Casus, betrokken professionals, plan van aanpak, journaal, escalatie, afsluiting.

"1 huishouden, 1 plan, 1 regisseur": a casus is what the MDO assigned for the household of a melding.
Access is per casus (django-guardian, direct foreign-key tables below) and is granted and revoked only by
casusregie.services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from bzt.audit import AuditedHistory
from bzt.models import Organisatie, eigen_gemeente_id
from meldpunt.codes import Leefgebied
from meldpunt.models import Melding, Persoon


class AfsluitReden(models.Model):
    """Reference list of closing reasons (functioneel beheer), e.g. regulier_overgedragen."""

    code = models.SlugField(max_length=40, unique=True)
    naam = models.CharField(max_length=120)
    vraagt_organisatie = models.BooleanField(
        default=False, help_text="Bij deze reden wordt vastgelegd welke organisatie de zorg overneemt."
    )
    casus_kan_niet_verder = models.BooleanField(
        "casus kan niet verder",
        default=False,
        help_text="De casus kan niet verder (overleden, verhuisd, zorgmijding): de procesmanager mag dan afsluiten "
        "met een schriftelijke reden, ook als niet alles geregeld is.",
    )
    actief = models.BooleanField(default=True)
    volgorde = models.PositiveSmallIntegerField(default=0)

    history = AuditedHistory()

    class Meta:
        ordering = ["volgorde", "naam"]
        verbose_name = "afsluitreden"
        verbose_name_plural = "afsluitredenen"

    def __str__(self):
        return self.naam


class GeldtVoor(models.TextChoices):
    """For which gemeenten a level of the ladder holds (each gemeente has its own ladder, docs/regio.md)."""

    ALLE = "alle", "Alle gemeenten"
    ALLEEN = "alleen", "Alleen de gekozen gemeenten"
    BEHALVE = "behalve", "Alle gemeenten behalve de gekozen"


def _gekozen(niveau_id, gemeente_id):
    """Exists: the gemeente is on the level's list (both may be OuterRef expressions)."""
    return Exists(
        EscalatieNiveau.gemeenten.through.objects.filter(escalatieniveau_id=niveau_id, gemeente_id=gemeente_id)
    )


def _geldt_q(geldt_voor_veld, gekozen):
    return (
        Q(**{geldt_voor_veld: GeldtVoor.ALLE})
        | (Q(**{geldt_voor_veld: GeldtVoor.ALLEEN}) & Q(gekozen))
        | (Q(**{geldt_voor_veld: GeldtVoor.BEHALVE}) & ~Q(gekozen))
    )


def niveau_geldt(pad=""):
    """Q over Escalatie (or through `pad`, e.g. "escalatie__"): its level holds for its gemeente. The one rule of
    the gemeente ladders as a filter; `EscalatieNiveau.geldt_voor_gemeente` is the same rule for one level."""
    return _geldt_q(f"{pad}niveau__geldt_voor", _gekozen(OuterRef(f"{pad}niveau_id"), OuterRef(f"{pad}gemeente_id")))


class EscalatieNiveauQuerySet(models.QuerySet):
    def ladder_van(self, gemeente):
        """The active levels that hold for `gemeente` (a Gemeente or its id), in ladder order: its ladder."""
        gemeente_id = getattr(gemeente, "pk", gemeente)
        return self.filter(_geldt_q("geldt_voor", _gekozen(OuterRef("pk"), gemeente_id)), actief=True).order_by(
            "volgorde"
        )


class EscalatieNiveau(models.Model):
    """One rung of the escalation ladder (configurable: the AVE ladder adds doorbraakteam, burgemeester…).

    Users in `behandelaars` handle escalations at this level and see only what those escalations need. Each
    gemeente has its own ladder: a level holds for every gemeente, for the listed ones only, or for all but the
    listed ones (`geldt_voor`, `gemeenten`): a regional mandaatcommissie above Zutphen and Lochem only, no
    burgemeester level for a small gemeente. An escalation climbs only the levels of its gemeente
    (`Escalatie.gemeente`).
    """

    GeldtVoor = GeldtVoor

    code = models.SlugField(max_length=40, unique=True)
    naam = models.CharField(max_length=120)
    volgorde = models.PositiveSmallIntegerField(unique=True)
    behandelaars = models.ForeignKey("auth.Group", on_delete=models.PROTECT, related_name="+")
    actief = models.BooleanField(default=True)
    geldt_voor = models.CharField("geldt voor", max_length=8, choices=GeldtVoor.choices, default=GeldtVoor.ALLE)
    gemeenten = models.ManyToManyField("bzt.Gemeente", blank=True, related_name="+", verbose_name="gemeenten")

    objects = EscalatieNiveauQuerySet.as_manager()
    history = AuditedHistory(m2m_fields=[gemeenten])

    class Meta:
        ordering = ["volgorde"]
        verbose_name = "escalatieniveau"
        verbose_name_plural = "escalatieniveaus"

    def __str__(self):
        return self.naam

    def geldt_voor_gemeente(self, gemeente) -> bool:
        """Whether this level is on the ladder of `gemeente` (a Gemeente or its id; active or not)."""
        if self.geldt_voor == GeldtVoor.ALLE:
            return True
        gekozen = getattr(gemeente, "pk", gemeente) in {g.pk for g in self.gemeenten.all()}
        return gekozen if self.geldt_voor == GeldtVoor.ALLEEN else not gekozen

    def volgende(self, gemeente):
        """The next level up on the ladder of `gemeente`; None at its top."""
        return EscalatieNiveau.objects.ladder_van(gemeente).filter(volgorde__gt=self.volgorde).first()

    def vorige(self, gemeente):
        """The level below on the ladder of `gemeente`; None at its bottom."""
        return EscalatieNiveau.objects.ladder_van(gemeente).filter(volgorde__lt=self.volgorde).last()

    def top_fout(self, gemeente):
        """Why an escalation of `gemeente` at this level cannot go up ('' when it can): the top of its ladder."""
        if self.volgende(gemeente) is not None:
            return ""
        return f"{self} is het hoogste niveau van de escalatieladder van {gemeente}; verder opschalen kan niet."


class EscalatieSoort(models.Model):
    """A kind of escalation (the Escalatie.reden) and the level of the ladder it starts at (configurable).

    AVE: "Bij escalatie wordt afhankelijk van het soort escalatie (conform de Aanpak Voorkomen Escalaties
    (AVE)) de procesregisseur van het Zorg- en Veiligheidshuis ingezet" — a legal blockade may start higher
    than stagnation. The codes are what Escalatie.reden stores (and the import and the monitor read).
    """

    code = models.SlugField(max_length=15, unique=True)
    naam = models.CharField(max_length=120)
    start_niveau = models.ForeignKey(
        EscalatieNiveau,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="begint bij",
        help_text="Het niveau van de ladder waar een escalatie van deze soort begint.",
    )
    actief = models.BooleanField(default=True)
    volgorde = models.PositiveSmallIntegerField(default=0)

    history = AuditedHistory()

    class Meta:
        ordering = ["volgorde", "naam"]
        verbose_name = "soort escalatie"
        verbose_name_plural = "soorten escalatie"

    def __str__(self):
        return self.naam

    def startniveau(self, gemeente):
        """The level an escalation of this kind starts at on the ladder of `gemeente`: its start level when that
        is active and holds for the gemeente, else the first such level above it, else the top of the gemeente's
        ladder (None when the gemeente has no active level)."""
        return self.start_op(list(EscalatieNiveau.objects.ladder_van(gemeente)))

    def start_op(self, ladder):
        """`startniveau` on `ladder`, the levels of a gemeente's ladder in order (read once for every kind)."""
        return next((n for n in ladder if n.volgorde >= self.start_niveau.volgorde), ladder[-1] if ladder else None)


class Afsluiting(models.TextChoices):
    REGIE = "regie", "Afgesloten door de casusregisseur: alles geregeld"
    PROCESMANAGER = "procesmanager", "Afgesloten door de procesmanager: de casus kon niet verder"
    IMPORT = "import", "Afgesloten in het vorige systeem (import): voorwaarden niet getoetst"


class Casus(models.Model):
    Afsluiting = Afsluiting

    class Status(models.TextChoices):
        TOEGEWEZEN = "toegewezen", "Toegewezen"
        PLAN_IN_OPSTELLING = "plan_in_opstelling", "Plan in opstelling"
        PLAN_VASTGESTELD = "plan_vastgesteld", "Plan vastgesteld"
        IN_UITVOERING = "in_uitvoering", "In uitvoering"
        OPGESCHAALD = "opgeschaald", "Opgeschaald"
        AFGESLOTEN = "afgesloten", "Afgesloten"

    melding = models.OneToOneField(Melding, on_delete=models.PROTECT, related_name="casus")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.TOEGEWEZEN)
    status_sinds = models.DateTimeField(default=timezone.now)
    casusregisseur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="regie_casussen"
    )
    organisatie = models.ForeignKey(Organisatie, on_delete=models.PROTECT, related_name="casussen")
    # Where the household lives now (CONTRACT.md § Region): its melding's gemeente at assignment, changed only by
    # a move (services.verhuizen, which keeps the history in CasusVerhuizing).
    gemeente = models.ForeignKey(
        "bzt.Gemeente", on_delete=models.PROTECT, default=eigen_gemeente_id, related_name="+", verbose_name="gemeente"
    )
    toegewezen_op = models.DateField("toegewezen op")
    plan_vastgesteld_op = models.DateField("eerste plan vastgesteld op", null=True, blank=True)
    afgesloten_op = models.DateField("afgesloten op", null=True, blank=True)
    afsluitreden = models.ForeignKey(AfsluitReden, on_delete=models.PROTECT, null=True, blank=True)
    overgedragen_aan = models.ForeignKey(
        Organisatie, on_delete=models.PROTECT, null=True, blank=True, related_name="overgenomen_casussen"
    )
    afsluit_toelichting = models.TextField(blank=True)
    # How the casus was closed: by the casusregisseur when everything was arranged, by the procesmanager when
    # the casus could not go on (with a written reason), or imported history whose conditions were not checked.
    afsluiting = models.CharField(max_length=15, choices=Afsluiting.choices, blank=True)
    afgesloten_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    afsluit_motivering = models.TextField("waarom de procesmanager afsloot", blank=True)
    leesrecht_regisseur_tot = models.DateField(null=True, blank=True)

    history = AuditedHistory()

    class Meta:
        verbose_name = "casus"
        verbose_name_plural = "casussen"
        ordering = ["-toegewezen_op", "-id"]
        indexes = [
            models.Index(fields=["status"], name="casus_status"),
            models.Index(fields=["toegewezen_op"], name="casus_toegewezen"),
            models.Index(fields=["afgesloten_op"], name="casus_afgesloten"),
            # casus_lijst_volgorde, the order of the casus lists, is made by migration 0004 on PostgreSQL only
            # (SQLite has no NULLS FIRST in an index).
            # Caseload per casusregisseur (selectors.caseload and its annotation): counts open casussen only.
            models.Index(fields=["casusregisseur"], condition=~Q(status="afgesloten"), name="casus_open_per_regisseur"),
        ]
        permissions = [
            ("escaleren_casus", "Casus opschalen"),
            ("beheren_betrokkenen", "Betrokken professionals toevoegen en verwijderen"),
            ("werken_als_regisseur", "Als casusregisseur werken (mijn casussen)"),
            ("zien_alle_casussen", "Alle casussen lezen (procesmanager)"),
            ("behandelen_escalatie", "Escalaties behandelen op het eigen niveau"),
        ]

    def __str__(self):
        return self.nummer

    @property
    def nummer(self):
        return f"C{self.toegewezen_op:%Y}-{self.pk:05d}"

    @property
    def open(self):
        return self.status != Casus.Status.AFGESLOTEN


class CasusVerhuizing(models.Model):
    """A move of the household within the region (services.verhuizen): from that date the casus belongs to `naar`.
    Appended, never edited: the jaarmonitor counts a casus where it was on each date (docs/jaarmonitor.md)."""

    casus = models.ForeignKey(Casus, on_delete=models.CASCADE, related_name="verhuizingen")
    van = models.ForeignKey("bzt.Gemeente", on_delete=models.PROTECT, related_name="+")
    naar = models.ForeignKey("bzt.Gemeente", on_delete=models.PROTECT, related_name="+")
    datum = models.DateField("verhuisd op")
    reden = models.TextField("toelichting")
    door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    vastgelegd_op = models.DateTimeField(default=timezone.now)

    history = AuditedHistory()

    class Meta:
        ordering = ["datum", "id"]
        verbose_name = "verhuizing"
        verbose_name_plural = "verhuizingen"
        indexes = [models.Index(fields=["casus", "datum"], name="verhuizing_casus_datum")]

    def __str__(self):
        return f"{self.casus.nummer}: {self.van} → {self.naar} ({self.datum:%d-%m-%Y})"


class CasusMelding(models.Model):
    """A later melding about the household of an open casus, added to that casus by the meldpunt (at triage) or by
    the MDO (seed 002: "1 huishouden, 1 plan, 1 regisseur"). Its persons belong to the casus household from then
    on (services.open_casus_van_huishouden); the casusregisseur sees it on the home page until the dossier is
    opened (`gezien_op`)."""

    class Via(models.TextChoices):
        MELDPUNT = "meldpunt", "het meldpunt"
        MDO = "mdo", "het MDO"

    casus = models.ForeignKey(Casus, on_delete=models.PROTECT, related_name="toegevoegde_meldingen")
    melding = models.OneToOneField(Melding, on_delete=models.PROTECT, related_name="bij_casus")
    via = models.CharField("toegevoegd door", max_length=10, choices=Via.choices)
    toegevoegd_door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    toegevoegd_op = models.DateTimeField("toegevoegd op", default=timezone.now)
    gezien_op = models.DateTimeField("gezien door de casusregisseur op", null=True, blank=True)

    history = AuditedHistory()

    class Meta:
        verbose_name = "toegevoegde melding"
        verbose_name_plural = "toegevoegde meldingen"
        ordering = ["toegevoegd_op", "id"]

    def __str__(self):
        return f"{self.melding} bij {self.casus}"


class CasusUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Casus, on_delete=models.CASCADE, related_name="user_permissions")

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["user", "permission", "content_object"], name="casus_uperm_lookup")]


class CasusGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Casus, on_delete=models.CASCADE, related_name="group_permissions")

    class Meta(GroupObjectPermissionBase.Meta):
        pass


class CasusBetrokkene(models.Model):
    """A professional of a partner who takes part in the casus: reads it, and writes only when granted."""

    class Grondslag(models.TextChoices):
        TOESTEMMING = "toestemming", "Toestemming van de cliënt"
        WETTELIJKE_TAAK = "wettelijke_taak", "Wettelijke taak"
        CONVENANT = "convenant", "Convenant Bijzonder Zorgteam"

    casus = models.ForeignKey(Casus, on_delete=models.CASCADE, related_name="betrokken_professionals")
    professional = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rol = models.CharField("rol in de casus", max_length=120)
    mag_wijzigen = models.BooleanField("mag wijzigen", default=False)
    grondslag = models.CharField("grondslag gegevensdeling", max_length=20, choices=Grondslag.choices)
    einddatum = models.DateField("betrokken tot", null=True, blank=True)
    toegevoegd_door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    toegevoegd_op = models.DateTimeField(default=timezone.now)
    beeindigd_op = models.DateTimeField(null=True, blank=True)

    history = AuditedHistory()

    class Meta:
        verbose_name = "betrokken professional"
        verbose_name_plural = "betrokken professionals"
        constraints = [
            models.UniqueConstraint(
                fields=["casus", "professional"],
                condition=Q(beeindigd_op__isnull=True),
                name="betrokkene_eenmaal_actief",
            )
        ]

    def __str__(self):
        return f"{self.professional} ({self.rol})"

    @property
    def actief(self):
        return self.beeindigd_op is None


class CasusToegang(models.Model):
    """Every grant and revocation of access to a casus: who got or lost what, why, and by whom."""

    class Actie(models.TextChoices):
        VERLEEND = "verleend", "Toegang verleend"
        INGETROKKEN = "ingetrokken", "Toegang ingetrokken"

    casus = models.ForeignKey(Casus, on_delete=models.CASCADE, related_name="toegangsmutaties")
    gebruiker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actie = models.CharField(max_length=12, choices=Actie.choices)
    rechten = models.CharField(max_length=200)
    reden = models.CharField(max_length=200)
    door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    op = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["op", "id"]

    def __str__(self):
        return f"{self.get_actie_display()}: {self.gebruiker} ({self.rechten})"


class AkkoordClient(models.TextChoices):
    JA = "ja", "Ja, de cliënt is akkoord"
    NEE = "nee", "Nee, de cliënt is niet akkoord"
    NIET_GEVRAAGD = "niet_gevraagd", "Niet gevraagd"


class DoelResultaat(models.TextChoices):
    BEHAALD = "behaald", "Behaald"
    DEELS = "deels", "Deels behaald"
    NIET_BEHAALD = "niet_behaald", "Niet behaald"


class Plan(models.Model):
    """A version of the plan van aanpak. Drafted, submitted, vastgesteld in the MDO; old versions stay."""

    class Status(models.TextChoices):
        CONCEPT = "concept", "Concept"
        INGEDIEND = "ingediend", "Ter vaststelling in het MDO"
        VASTGESTELD = "vastgesteld", "Vastgesteld"
        VERVANGEN = "vervangen", "Vervangen door een nieuwere versie"

    casus = models.ForeignKey(Casus, on_delete=models.CASCADE, related_name="plannen")
    versie = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CONCEPT)
    samenvatting = models.TextField("samenvatting en doel van de aanpak", blank=True)
    afspraken = models.TextField("afspraken met de partners", blank=True)
    opgesteld_door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ingediend_op = models.DateField(null=True, blank=True)
    vastgesteld_op = models.DateField(null=True, blank=True)
    evaluatie_op = models.DateField("evalueren op", null=True, blank=True)
    teruggestuurd_reden = models.TextField(blank=True)
    # The household's own part (seed 003: "eigen mogelijkheden; sociaal netwerk") and whether the client agreed
    # with the plan ("de burger is de eigenaar van dit plan"); see docs/casusregie.md § Het plan.
    eigen_mogelijkheden = models.TextField("eigen mogelijkheden van het huishouden", blank=True)
    sociaal_netwerk = models.TextField("sociaal netwerk", blank=True)
    akkoord_client = models.CharField(
        "akkoord cliënt", max_length=14, choices=AkkoordClient.choices, blank=True, default=""
    )
    akkoord_op = models.DateField("akkoord cliënt gevraagd op", null=True, blank=True)
    # Optimistic locking: every save of the plan (or its goals/actions) raises it by one.
    lock_version = models.PositiveIntegerField(default=0)

    history = AuditedHistory()

    class Meta:
        ordering = ["casus", "-versie"]
        verbose_name = "plan van aanpak"
        verbose_name_plural = "plannen van aanpak"
        constraints = [
            models.UniqueConstraint(fields=["casus", "versie"], name="plan_versie_uniek"),
            models.UniqueConstraint(
                fields=["casus"], condition=Q(status__in=["concept", "ingediend"]), name="plan_een_concept_per_casus"
            ),
        ]

    def __str__(self):
        return f"Plan van aanpak {self.casus.nummer} versie {self.versie}"

    @property
    def bewerkbaar(self):
        return self.status == Plan.Status.CONCEPT


class PlanDoel(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="doelen")
    leefgebied = models.CharField(max_length=30, choices=Leefgebied.choices)
    omschrijving = models.TextField()
    # Recorded at the evaluation of the plan in force (seed 001: "De resultaten van de aanpak worden
    # bijgehouden"); empty while running.
    resultaat = models.CharField(max_length=12, choices=DoelResultaat.choices, blank=True, default="")
    resultaat_op = models.DateField("resultaat vastgesteld op", null=True, blank=True)

    history = AuditedHistory()

    class Meta:
        ordering = ["id"]
        # the jaarmonitor's goal results of a year (without it a scan of every goal ever set)
        indexes = [models.Index(fields=["resultaat_op"], condition=~Q(resultaat=""), name="plandoel_resultaat_op")]

    def __str__(self):
        return f"{self.get_leefgebied_display()}: {self.omschrijving[:40]}"


class PlanActie(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        LOOPT = "loopt", "Loopt"
        GEREED = "gereed", "Gereed"
        VERVALLEN = "vervallen", "Vervallen"
        OVERGEDRAGEN = "overgedragen", "Overgedragen aan een organisatie"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="acties")
    doel = models.ForeignKey(PlanDoel, on_delete=models.SET_NULL, null=True, blank=True, related_name="acties")
    omschrijving = models.TextField()
    eigenaar = models.ForeignKey(Organisatie, on_delete=models.PROTECT, related_name="+", verbose_name="uitvoerder")
    # The named person at that organisation who does it (free text: a name or function, no account needed).
    uitvoerder_naam = models.CharField("uitvoerder (naam)", max_length=120, blank=True)
    deadline = models.DateField("uiterlijk")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    personen = models.ManyToManyField(Persoon, blank=True, related_name="+", verbose_name="voor wie")
    # An action that goes on after the casus is closed is handed over to a named organisation (regular care).
    overgedragen_aan = models.ForeignKey(Organisatie, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    history = AuditedHistory(m2m_fields=[personen])

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"], name="actie_status_deadline")]

    def __str__(self):
        return self.omschrijving[:60]

    @property
    def casus(self):
        return self.plan.casus

    @property
    def afgerond(self):
        """Done, dropped, or handed over to a named organisation: nothing of it holds up closing the casus."""
        return self.status in AFGERONDE_ACTIES


AFGERONDE_ACTIES = {PlanActie.Status.GEREED, PlanActie.Status.VERVALLEN, PlanActie.Status.OVERGEDRAGEN}


class JournaalRegel(models.Model):
    casus = models.ForeignKey(Casus, on_delete=models.CASCADE, related_name="journaal")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    op = models.DateTimeField(default=timezone.now)
    tekst = models.TextField()

    history = AuditedHistory()

    class Meta:
        ordering = ["-op", "-id"]
        indexes = [models.Index(fields=["casus", "op"], name="journaal_casus_op")]

    def __str__(self):
        return f"{self.op:%d-%m-%Y} {self.auteur}"


class Escalatie(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        BEANTWOORD = "beantwoord", "Beantwoord"
        GEDEESCALEERD = "gedeescaleerd", "Gedeëscaleerd"

    casus = models.ForeignKey(Casus, on_delete=models.CASCADE, related_name="escalaties")
    niveau = models.ForeignKey(EscalatieNiveau, on_delete=models.PROTECT, related_name="escalaties")
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.OPEN)
    # The kind of escalation (configurable, casusregie.reference.ESCALATIESOORTEN): the column keeps its code.
    reden = models.ForeignKey(
        EscalatieSoort,
        to_field="code",
        db_column="reden",
        on_delete=models.PROTECT,
        related_name="escalaties",
        verbose_name="soort escalatie",
    )
    vraag = models.TextField("vraag aan het volgende niveau")
    antwoord = models.TextField(blank=True)
    besluit = models.TextField(blank=True)
    gestart_door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Whose ladder the escalation climbs: the casus's gemeente when it was escalated. A later move does not change
    # it: an open escalation stays with the gemeente that has it (docs/regio.md).
    gemeente = models.ForeignKey(
        "bzt.Gemeente", on_delete=models.PROTECT, default=eigen_gemeente_id, related_name="+", verbose_name="gemeente"
    )
    gestart_op = models.DateField()
    niveau_sinds = models.DateField()
    gesloten_op = models.DateField(null=True, blank=True)
    # Doorbraak: a breakthrough with maatwerkbudget, justified on the three criteria of the doorbraakteam.
    maatwerkbudget = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    legitimiteit = models.TextField(blank=True)
    betrokkenheid = models.TextField(blank=True)
    rendement = models.TextField(blank=True)

    history = AuditedHistory()

    class Meta:
        ordering = ["-gestart_op", "-id"]
        verbose_name = "escalatie"
        verbose_name_plural = "escalaties"
        indexes = [models.Index(fields=["status", "niveau"], name="escalatie_status_niveau")]
        constraints = [
            models.UniqueConstraint(fields=["casus"], condition=Q(status="open"), name="escalatie_een_open_per_casus")
        ]

    def __str__(self):
        return f"Escalatie {self.casus.nummer} ({self.niveau})"

    @property
    def doorbraak(self):
        return self.maatwerkbudget is not None


class EscalatieStap(models.Model):
    """The steps of an escalation along the ladder: opgeschaald, beantwoord, gedeëscaleerd."""

    class Soort(models.TextChoices):
        OPGESCHAALD = "opgeschaald", "Opgeschaald"
        BEANTWOORD = "beantwoord", "Beantwoord"
        GEDEESCALEERD = "gedeescaleerd", "Gedeëscaleerd"
        DOORBRAAK = "doorbraak", "Doorbraak vastgelegd"

    escalatie = models.ForeignKey(Escalatie, on_delete=models.CASCADE, related_name="stappen")
    soort = models.CharField(max_length=15, choices=Soort.choices)
    niveau = models.ForeignKey(EscalatieNiveau, on_delete=models.PROTECT, related_name="+")
    datum = models.DateField()
    door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    toelichting = models.TextField(blank=True)

    history = AuditedHistory()

    class Meta:
        ordering = ["datum", "id"]

    def __str__(self):
        return f"{self.get_soort_display()} ({self.niveau})"


# The steps that answer the casusregisseur: shown on their home page until they read them (AntwoordGelezen).
ANTWOORD_SOORTEN = (EscalatieStap.Soort.BEANTWOORD, EscalatieStap.Soort.DOORBRAAK, EscalatieStap.Soort.GEDEESCALEERD)


class AntwoordGelezen(models.Model):
    """The casusregisseur read this answer on their escalation (opening the escalation or the dossier).

    A receipt, like the access log: written once per answer and reader, never changed, so no history of its own.
    """

    stap = models.ForeignKey(EscalatieStap, on_delete=models.CASCADE, related_name="gelezen")
    gebruiker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    op = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "gelezen antwoord"
        verbose_name_plural = "gelezen antwoorden"
        constraints = [models.UniqueConstraint(fields=["stap", "gebruiker"], name="antwoord_eenmaal_gelezen")]

    def __str__(self):
        return f"{self.stap} gelezen door {self.gebruiker}"


class Wachtlijst(models.Model):
    """A waiting list at a partner that holds up a casus (a signal for the procesmanager and the monitor)."""

    class Uitkomst(models.TextChoices):
        GEPLAATST = "geplaatst", "Geplaatst"
        ALTERNATIEF = "alternatief", "Alternatief gevonden"
        VERVALLEN = "vervallen", "Niet meer nodig"

    casus = models.ForeignKey(Casus, on_delete=models.CASCADE, related_name="wachtlijsten")
    organisatie = models.ForeignKey(Organisatie, on_delete=models.PROTECT, related_name="wachtlijsten")
    voorziening = models.CharField(max_length=200)
    sinds = models.DateField()
    opgelost_op = models.DateField(null=True, blank=True)
    # Issue 15: how it was solved (casusregie.correcties.wachtlijst_afsluiten); empty while open.
    uitkomst = models.CharField("uitkomst", max_length=12, choices=Uitkomst.choices, blank=True)
    gemeld_door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = AuditedHistory()

    class Meta:
        ordering = ["-sinds"]

    def __str__(self):
        return f"{self.organisatie}: {self.voorziening}"


class Signaal(models.Model):
    """A stagnation signal for the procesmanager, computed by a periodic task (casusregie.signals).

    Derived data: recomputed as a whole each run, so it keeps no history of its own. A run rewrites only the
    signals that appeared, changed or ended; `berekend_op` is the run that wrote this row (the time of the last
    run is DoorlooptijdenStand.berekend_op).
    """

    class Soort(models.TextChoices):
        GEEN_PLAN = "geen_plan", "Geen plan vastgesteld"
        ACTIES_VERLOPEN = "acties_verlopen", "Acties over de uiterste datum"
        GEEN_JOURNAAL = "geen_journaal", "Geen journaalregel"
        WACHTLIJST = "wachtlijst", "Wachtlijst bij een partner"
        ESCALATIE_LANG_OPEN = "escalatie_lang_open", "Escalatie lang open"

    casus = models.ForeignKey(Casus, on_delete=models.CASCADE, related_name="signalen")
    soort = models.CharField(max_length=25, choices=Soort.choices)
    sinds = models.DateField()
    toelichting = models.CharField(max_length=300)
    berekend_op = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sinds", "id"]
        constraints = [models.UniqueConstraint(fields=["casus", "soort"], name="signaal_eenmaal_per_soort")]
        # The dashboard's lists read the first page in these orders (per soort; all by date) and stop there,
        # instead of joining every signal to its casus and sorting (issue 20: 57k signals at 1M).
        indexes = [
            models.Index(fields=["soort", "sinds", "id"], name="signaal_per_soort"),
            models.Index(fields=["sinds", "id"], name="signaal_op_datum"),
        ]

    def __str__(self):
        return f"{self.get_soort_display()}: {self.casus}"


class DoorlooptijdenStand(models.Model):
    """The dashboard's lead-time medians over the last 12 months and its counts (casusregie.dashboardcijfers),
    computed with the stagnation signals.

    Derived data like Signaal (one row, replaced each run): the medians read every casus assigned in a year,
    too slow to take on each page view at regional scale (bench/README.md, the dashboard workload).
    """

    berekend_op = models.DateTimeField(default=timezone.now)
    vanaf = models.DateField()
    casussen = models.PositiveIntegerField()
    stappen = models.JSONField(help_text="[[mediaan, aantal], ...] in the order of casusregie.doorlooptijden.STAPPEN")
    # The dashboard's other counts over every casus (casusregie.dashboardcijfers), computed in the same run.
    tellingen = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return f"Doorlooptijden berekend op {self.berekend_op:%d-%m-%Y %H:%M}"


class Noodtoegang(models.Model):
    """Emergency access ("break the glass"): a meldpunt user (or the procesmanager) opens a casus outside
    their rights, with a written reason. Read-only, for NOODTOEGANG_DUUR; every look is logged with grond
    noodtoegang, and the procesmanager reviews every opening on the dashboard (another person than the one
    who opened it). No guardian grant is made: casusregie.selectors.casussen_for includes the casus while
    the noodtoegang is active."""

    casus = models.ForeignKey(Casus, on_delete=models.CASCADE, related_name="noodtoegangen")
    gebruiker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reden = models.TextField("reden van de noodtoegang")
    geopend_op = models.DateTimeField(default=timezone.now)
    verloopt_op = models.DateTimeField()
    beoordeeld_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    beoordeeld_op = models.DateTimeField(null=True, blank=True)
    gerechtvaardigd = models.BooleanField(null=True, blank=True)
    oordeel = models.TextField(blank=True)

    history = AuditedHistory()

    class Meta:
        ordering = ["-geopend_op", "-id"]
        verbose_name = "noodtoegang"
        verbose_name_plural = "noodtoegangen"
        indexes = [models.Index(fields=["gebruiker", "casus", "verloopt_op"], name="noodtoegang_actief")]
        permissions = [("beoordelen_noodtoegang", "Noodtoegang beoordelen (procesmanager)")]

    def __str__(self):
        return f"Noodtoegang {self.casus} door {self.gebruiker} op {self.geopend_op:%d-%m-%Y %H:%M}"

    @property
    def actief(self):
        return self.verloopt_op > timezone.now()

    @property
    def beoordeeld(self):
        return self.beoordeeld_op is not None


# --- expert-team consultation (seed 000 "consultatieteam", seed 003 "expertiseteam") ---------------------------


class ExpertTeam(models.Model):
    """A team that casusregisseurs can ask for advice about a casus, configured by functioneel beheer.
    Its members get read access to a casus only while a question about it to their team is open."""

    naam = models.CharField(max_length=120, unique=True)
    leden = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="expertteams")
    actief = models.BooleanField(default=True)

    history = AuditedHistory(m2m_fields=[leden])

    class Meta:
        ordering = ["naam"]
        verbose_name = "expertteam"
        verbose_name_plural = "expertteams"

    def __str__(self):
        return self.naam


class ExpertVraag(models.Model):
    """A question of the casusregisseur about their casus to an expert team; open until a member answers."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        BEANTWOORD = "beantwoord", "Beantwoord"

    casus = models.ForeignKey(Casus, on_delete=models.CASCADE, related_name="expertvragen")
    team = models.ForeignKey(ExpertTeam, on_delete=models.PROTECT, related_name="vragen")
    vraag = models.TextField("vraag")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    gesteld_door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    gesteld_op = models.DateTimeField(default=timezone.now)
    antwoord = models.TextField("antwoord", blank=True)
    beantwoord_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    beantwoord_op = models.DateTimeField(null=True, blank=True)

    history = AuditedHistory()

    class Meta:
        ordering = ["-gesteld_op", "-id"]
        verbose_name = "expertvraag"
        verbose_name_plural = "expertvragen"
        indexes = [models.Index(fields=["casus", "status"], name="expertvraag_casus_status")]

    def __str__(self):
        return f"Vraag aan {self.team} over {self.casus}"

    @property
    def open(self):
        return self.status == ExpertVraag.Status.OPEN


class Nazorg(models.Model):
    """The look back after closing: from `op` the former casusregisseur (or, without an active one, the
    procesmanager) asks "hoe gaat het?" and records how it goes (stabiel, or a new melding is needed)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        UITGEVOERD = "uitgevoerd", "Uitgevoerd"
        GEMELD = "gemeld", "Nieuwe melding geregistreerd"

    class Uitkomst(models.TextChoices):
        STABIEL = "stabiel", "Stabiel: het gaat goed"
        OPNIEUW_MELDEN = "opnieuw_melden", "Opnieuw melden: er is weer zorg nodig"

    casus = models.OneToOneField(Casus, on_delete=models.CASCADE, related_name="nazorg")
    op = models.DateField("nazorg op")
    regisseur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    uitkomst = models.CharField(max_length=15, choices=Uitkomst.choices, blank=True)
    notitie = models.TextField(blank=True)
    uitgevoerd_op = models.DateField(null=True, blank=True)
    uitgevoerd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status_sinds = models.DateTimeField(default=timezone.now)

    history = AuditedHistory()

    class Meta:
        ordering = ["op", "id"]
        verbose_name = "nazorg"
        verbose_name_plural = "nazorg"
        indexes = [models.Index(fields=["status", "op"], name="nazorg_status_op")]

    def __str__(self):
        return f"Nazorg {self.casus.nummer} op {self.op:%d-%m-%Y}"
