"""Melding, melder, personen/huishouden and triage (3-uit-8).

States change only through meldpunt.services (see workflow.py); every model here keeps a history that
names the acting user.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from bzt.audit import AuditedHistory
from bzt.models import Organisatie, eigen_gemeente_id

from .codes import (
    WVGGZ_TERMIJN_DAGEN,
    WVGGZ_WAARSCHUWING_DAG,
    Aanmeldroute,
    Besluit,
    EerdereHulp,
    Geslacht,
    Inkomen,
    Kanaal,
    Leefgebied,
    MelderType,
    Rol,
    TerugkoppelingWijze,
    Urgentie,
    WvggzUitkomst,
)
from .doelgroep import GGSR_DREMPEL, is_doelgroep
from .validators import validate_bsn


class Persoon(models.Model):
    """A person a melding is about. Reused across meldingen; never merged away (see PersoonKoppeling)."""

    extern_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # Required (Persoon.clean) except for an expected child, whose name may not be known yet.
    voornaam = models.CharField("voornaam", max_length=80, blank=True)
    tussenvoegsel = models.CharField("tussenvoegsel", max_length=20, blank=True)
    achternaam = models.CharField("achternaam", max_length=120)
    geboortedatum = models.DateField("geboortedatum", null=True, blank=True)
    # An expected child (seed 002 "van -9 maanden tot 100+"): geboortedatum is the expected date of birth and may
    # lie ahead (meldpunt.validators.geboortedatum_probleem, the one rule for every path).
    verwacht = models.BooleanField(
        "verwacht kind", default=False, help_text="Nog niet geboren: de geboortedatum is de uitgerekende datum."
    )
    geslacht = models.CharField("geslacht", max_length=10, choices=Geslacht.choices, default=Geslacht.ONBEKEND)
    bsn = models.CharField("BSN", max_length=9, blank=True, validators=[validate_bsn])
    adres = models.CharField("adres", max_length=200, blank=True, help_text="Straat en huisnummer")
    postcode = models.CharField("postcode", max_length=7, blank=True)
    woonplaats = models.CharField("woonplaats", max_length=80, blank=True)
    wijk = models.CharField("wijk", max_length=80, blank=True)
    inkomen = models.CharField("inkomstenbron", max_length=10, choices=Inkomen.choices, default=Inkomen.ONBEKEND)
    # Set by the bewaartermijn (keten.retention): names and identifiers are gone, the birth date is replaced.
    geanonimiseerd_op = models.DateTimeField("geanonimiseerd op", null=True, blank=True, editable=False)
    # The person this record belongs to when it is linked to others (meldpunt.personen); NULL: itself.
    persoon_groep = models.BigIntegerField("persoonsgroep", null=True, blank=True, editable=False, db_index=True)

    history = AuditedHistory(excluded_fields=["persoon_groep"])

    class Meta:
        verbose_name = "persoon"
        verbose_name_plural = "personen"
        ordering = ["achternaam", "voornaam"]
        constraints = [
            models.UniqueConstraint(fields=["bsn"], condition=~Q(bsn=""), name="persoon_bsn_uniek"),
        ]
        indexes = [
            models.Index(fields=["achternaam", "geboortedatum"], name="persoon_naam_gebdat"),
            # "Mogelijk al bekend" (selectors.kandidaten): the persons born that day, names compared normalised.
            models.Index(fields=["geboortedatum"], name="persoon_gebdat"),
        ]
        permissions = [("koppelen_persoon", "Personen koppelen en ontkoppelen")]

    def __str__(self):
        return self.naam

    def clean(self):
        from .validators import geboortedatum_probleem

        problemen = {}
        if not self.voornaam.strip() and not self.verwacht:
            problemen["voornaam"] = "Vul de voornaam in (alleen bij een verwacht kind mag die nog ontbreken)."
        probleem = geboortedatum_probleem(self.geboortedatum, verwacht=self.verwacht)
        if probleem:
            problemen["geboortedatum"] = probleem
        if problemen:
            raise ValidationError(problemen)

    @property
    def naam(self):
        return " ".join(part for part in (self.voornaam, self.tussenvoegsel, self.achternaam) if part)

    @property
    def bsn_gemaskeerd(self):
        return f"*****{self.bsn[-4:]}" if self.bsn else ""


class PersoonKoppeling(models.Model):
    """Two person records found to be the same person: linked, reversibly, with who and why."""

    persoon = models.ForeignKey(Persoon, on_delete=models.PROTECT, related_name="koppelingen_van")
    gekoppeld_aan = models.ForeignKey(Persoon, on_delete=models.PROTECT, related_name="koppelingen_naar")
    reden = models.TextField("reden van koppelen")
    gekoppeld_door = models.ForeignKey("bzt.User", on_delete=models.PROTECT, related_name="+")
    gekoppeld_op = models.DateTimeField(default=timezone.now)
    ontkoppeld_door = models.ForeignKey("bzt.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ontkoppeld_op = models.DateTimeField(null=True, blank=True)
    ontkoppel_reden = models.TextField("reden van ontkoppelen", blank=True)

    history = AuditedHistory()

    class Meta:
        verbose_name = "persoonskoppeling"
        verbose_name_plural = "persoonskoppelingen"
        constraints = [
            models.UniqueConstraint(
                fields=["persoon", "gekoppeld_aan"],
                condition=Q(ontkoppeld_op__isnull=True),
                name="koppeling_eenmaal_actief",
            ),
            models.CheckConstraint(condition=~Q(persoon=models.F("gekoppeld_aan")), name="koppeling_niet_zelf"),
        ]

    def __str__(self):
        return f"{self.persoon} ↔ {self.gekoppeld_aan}"

    @property
    def actief(self):
        return self.ontkoppeld_op is None


# The queue's "urgentie" sort: acuut, hoog, then the rest (selectors.wachtrij_queryset, index melding_triage_urgentie).
URGENTIE_RANG = models.Case(
    models.When(urgentie=Urgentie.ACUUT, then=models.Value(0)),
    models.When(urgentie=Urgentie.HOOG, then=models.Value(1)),
    default=models.Value(2),
    output_field=models.IntegerField(),
)


def eerdere_hulp_probleem(eerdere_hulp, door):
    """Seed 001 ("of er al hulp is gegeven en door wie"): with 'ja' the helper is named, otherwise nobody is.
    One rule for the intake form, the service and the import."""
    if eerdere_hulp == EerdereHulp.JA and not (door or "").strip():
        return "Vul in wie al hulp gaf (organisatie of functie)."
    if eerdere_hulp != EerdereHulp.JA and (door or "").strip():
        return "Vul alleen in wie hulp gaf als er al hulp is gegeven."
    return None


class Melding(models.Model):
    class Status(models.TextChoices):
        ONTVANGEN = "ontvangen", "Ontvangen"
        IN_TRIAGE = "in_triage", "In triage"
        GETRIEERD = "getrieerd", "Getrieerd"
        WACHT_OP_MDO = "wacht_op_mdo", "Getrieerd, wacht op MDO"
        OP_MDO_AGENDA = "op_mdo_agenda", "Op MDO-agenda"
        TOEGEWEZEN = "toegewezen", "Toegewezen"
        VERWEZEN = "verwezen", "Door het MDO verwezen"
        # A later melding about a household with an open casus, added to that casus (casusregie.CasusMelding).
        BIJ_CASUS = "bij_casus", "Bij de open casus gevoegd"

    OPEN_STATUSES = (Status.ONTVANGEN, Status.IN_TRIAGE, Status.WACHT_OP_MDO, Status.OP_MDO_AGENDA)

    extern_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ONTVANGEN)
    ontvangen_op = models.DateField("ontvangen op")
    # Where the household lived when the melding came in (CONTRACT.md § Region): never changes with a move (the
    # casus carries the move, casusregie.CasusVerhuizing). Default: the installation's own gemeente.
    gemeente = models.ForeignKey(
        "bzt.Gemeente", on_delete=models.PROTECT, default=eigen_gemeente_id, related_name="+", verbose_name="gemeente"
    )
    aanmeldroute = models.CharField("aanmeldroute", max_length=20, choices=Aanmeldroute.choices)
    aanleiding = models.TextField(
        "aanleiding", max_length=5000, help_text="Waarom wordt er gemeld? Feiten, geen oordelen."
    )
    overlast = models.BooleanField("overlastgevend gedrag", default=False)
    urgentie = models.CharField("urgentie", max_length=10, choices=Urgentie.choices, default=Urgentie.NORMAAL)
    # Issue 14: the channel it came in by (empty for records from before) and, seed 001, whether help was
    # already given and by whom (free text: an organisation or a function, not a private person's details).
    kanaal = models.CharField("kanaal", max_length=12, choices=Kanaal.choices, blank=True, default="")
    eerdere_hulp = models.CharField(
        "al hulp gegeven", max_length=10, choices=EerdereHulp.choices, default=EerdereHulp.ONBEKEND
    )
    eerdere_hulp_door = models.CharField("hulp gegeven door", max_length=200, blank=True)

    # The melder's identity is protected: only meldpunt and procesmanager see it (meldpunt.zien_melder).
    melder_type = models.CharField("soort melder", max_length=12, choices=MelderType.choices)
    melder_naam = models.CharField("naam melder", max_length=120, blank=True)
    melder_organisatie = models.CharField("organisatie melder", max_length=120, blank=True)
    melder_telefoon = models.CharField("telefoon melder", max_length=30, blank=True)
    melder_email = models.EmailField("e-mail melder", blank=True)

    wvggz = models.BooleanField("Wvggz-melding", default=False)
    wvggz_uitkomst = models.CharField(
        "uitkomst verkennend onderzoek", max_length=20, blank=True, choices=WvggzUitkomst.choices
    )
    wvggz_uitkomst_op = models.DateField("datum uitkomst", null=True, blank=True)

    terugkoppeling_op = models.DateField("terugkoppeling aan melder op", null=True, blank=True)
    terugkoppeling_wijze = models.CharField(
        "wijze van terugkoppeling", max_length=12, blank=True, choices=TerugkoppelingWijze.choices
    )

    geregistreerd_door = models.ForeignKey("bzt.User", on_delete=models.PROTECT, related_name="+")
    geregistreerd_op = models.DateTimeField(default=timezone.now)
    status_sinds = models.DateTimeField(default=timezone.now)

    personen = models.ManyToManyField(Persoon, through="Betrokkene", related_name="meldingen")
    # Set by the bewaartermijn (keten.retention): free text and melder are gone, dates and codes stay.
    geanonimiseerd_op = models.DateTimeField("geanonimiseerd op", null=True, blank=True, editable=False)

    history = AuditedHistory()

    class Meta:
        verbose_name = "melding"
        verbose_name_plural = "meldingen"
        ordering = ["-ontvangen_op", "-id"]
        indexes = [
            # Also the MDO tab of the queue: an index-only count of status wacht_op_mdo and op_mdo_agenda.
            models.Index(fields=["status", "ontvangen_op"], name="melding_status_ontvangen"),
            models.Index(fields=["ontvangen_op"], name="melding_ontvangen"),
            # The triage tab of the queue (selectors.wachtrij_queryset) in its default order; its count when
            # filtered on urgentie or aanmeldroute is index-only (PostgreSQL; SQLite ignores `include`).
            models.Index(
                fields=["ontvangen_op", "id"],
                include=["urgentie", "aanmeldroute"],
                condition=Q(status__in=["ontvangen", "in_triage"]),
                name="melding_wacht_op_triage",
            ),
            # The triage tab sorted by urgency (sort=urgentie).
            models.Index(
                URGENTIE_RANG,
                F("ontvangen_op"),
                F("id"),
                condition=Q(status__in=["ontvangen", "in_triage"]),
                name="melding_triage_urgentie",
            ),
            # The Wvggz tab: the few meldingen with a Wvggz-onderzoek still running.
            models.Index(
                fields=["ontvangen_op"], condition=Q(wvggz=True, wvggz_uitkomst=""), name="melding_wvggz_lopend"
            ),
            # The terugkoppeling tab: meldingen of a known melder not yet told what happened (with the status,
            # so the count is index-only).
            models.Index(
                fields=["ontvangen_op", "status"],
                condition=Q(terugkoppeling_op__isnull=True) & ~Q(melder_type="anoniem"),
                name="melding_terugkoppeling_open",
            ),
        ]
        permissions = [
            ("triageren_melding", "Meldingen trieren en op de MDO-agenda zetten"),
            ("zien_melder", "De identiteit van de melder zien"),
            # A partner organisation's professional files a melding without the meldpunt's person search (issue 19).
            ("indienen_melding", "Meldingen indienen namens een partnerorganisatie"),
        ]

    def __str__(self):
        return self.nummer

    def clean(self):
        super().clean()
        fout = eerdere_hulp_probleem(self.eerdere_hulp, self.eerdere_hulp_door)
        if fout:
            raise ValidationError({"eerdere_hulp_door": fout})

    @property
    def nummer(self):
        return f"M{self.ontvangen_op:%Y}-{self.pk:05d}"

    # --- Wvggz: 14 days for the verkennend onderzoek ---------------------------------------------------
    @property
    def wvggz_deadline(self):
        return self.ontvangen_op + timedelta(days=WVGGZ_TERMIJN_DAGEN) if self.wvggz else None

    @property
    def wvggz_signaal(self):
        """None, 'afgerond', 'loopt', 'waarschuwing' (from day 10) or 'verlopen'."""
        if not self.wvggz:
            return None
        if self.wvggz_uitkomst:
            return "afgerond"
        dag = (timezone.localdate() - self.ontvangen_op).days
        if dag > WVGGZ_TERMIJN_DAGEN:
            return "verlopen"
        if dag >= WVGGZ_WAARSCHUWING_DAG:
            return "waarschuwing"
        return "loopt"

    @property
    def melder_anoniem(self):
        return self.melder_type == MelderType.ANONIEM


class Betrokkene(models.Model):
    """A person in the household a melding is about, with their role in that household."""

    melding = models.ForeignKey(Melding, on_delete=models.CASCADE, related_name="betrokkenen")
    persoon = models.ForeignKey(Persoon, on_delete=models.PROTECT, related_name="betrokkenheden")
    rol = models.CharField("rol in het huishouden", max_length=12, choices=Rol.choices)
    # Known person records a partner's new person resembles (selectors.kandidaten: name and birth date): the partner
    # chose nothing and is told nothing; the meldpunt sees them on the melding page and may link (meldpunt.personen).
    mogelijk_dezelfde = models.JSONField("mogelijk dezelfde persoon", default=list, blank=True)

    history = AuditedHistory()

    class Meta:
        verbose_name = "betrokkene"
        verbose_name_plural = "betrokkenen"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["melding", "persoon"], name="betrokkene_eenmaal_per_melding"),
        ]
        # "a melding about a household with children" (GGSR, the jaarmonitor's gezinnen) by index only
        indexes = [models.Index(fields=["melding"], condition=Q(rol=Rol.KIND), name="betrokkene_kind")]

    def __str__(self):
        return f"{self.persoon} ({self.get_rol_display()})"


def _leefgebied_columns():
    """One yes/no and one note per leefgebied, as columns: the jaarmonitor counts them in one query."""
    fields = {"__module__": __name__, "Meta": type("Meta", (), {"abstract": True})}
    for code, label in Leefgebied.choices:
        fields[code] = models.BooleanField(label, default=False)
        fields[f"{code}_toelichting"] = models.CharField(f"toelichting {label.lower()}", max_length=500, blank=True)
    return type("TriageLeefgebieden", (models.Model,), fields)


class Triage(_leefgebied_columns()):
    """The 3-uit-8 triage of a melding: one yes/no with a note per leefgebied, and the besluit."""

    melding = models.OneToOneField(Melding, on_delete=models.CASCADE, related_name="triage")
    datum = models.DateField("triagedatum")
    score = models.PositiveSmallIntegerField("aantal leefgebieden", default=0)
    besluit = models.CharField("besluit", max_length=12, choices=Besluit.choices)
    regulier_organisatie = models.ForeignKey(
        Organisatie,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="verwezen naar",
    )
    motivatie = models.TextField("motivatie", blank=True)
    ggsr = models.BooleanField(
        "GGSR", default=False, help_text=f"Gezin met kinderen, problemen op {GGSR_DREMPEL} of meer domeinen"
    )
    getrieerd_door = models.ForeignKey("bzt.User", on_delete=models.PROTECT, related_name="+")

    history = AuditedHistory()

    class Meta:
        verbose_name = "triage"
        verbose_name_plural = "triages"
        indexes = [models.Index(fields=["datum"], name="triage_datum")]

    @property
    def doelgroep(self):
        return is_doelgroep(self.score)

    def leefgebieden(self):
        """[(code, label, ja, toelichting)] in the fixed order of the 8 leefgebieden."""
        return [
            (code, label, getattr(self, code), getattr(self, f"{code}_toelichting"))
            for code, label in Leefgebied.choices
        ]


class BewaartermijnRun(models.Model):
    """One run of the bewaartermijn (keten.retention): what was anonymised, as counts and ids only.

    A log, written once per run and never changed; it holds no personal data, so it keeps no history.
    """

    gestart_op = models.DateTimeField("gestart op", default=timezone.now)
    afgerond_op = models.DateTimeField("afgerond op", null=True, blank=True)
    door = models.ForeignKey("bzt.User", on_delete=models.PROTECT, related_name="+")
    peildatum = models.DateField("peildatum", help_text="De dag waartegen de termijnen zijn afgezet.")
    dry_run = models.BooleanField("proefdraai", default=False, help_text="Alleen getoond wat zou verdwijnen.")
    aantal_meldingen = models.PositiveIntegerField(default=0)
    aantal_casussen = models.PositiveIntegerField(default=0)
    aantal_personen = models.PositiveIntegerField(default=0)
    details = models.JSONField(default=dict, blank=True, help_text="Termijnen en ids; nooit namen of tekst.")
    # Progress of a real run: batches done (keten.retention). A run killed halfway is resumed after this one.
    batches_gedaan = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "bewaartermijnrun"
        verbose_name_plural = "bewaartermijnruns"
        ordering = ["-gestart_op", "-id"]

    def __str__(self):
        soort = "proefdraai" if self.dry_run else "run"
        return f"Bewaartermijn {soort} {self.pk} ({self.peildatum:%d-%m-%Y})"


class Correctie(models.Model):
    """A correction of a melding, a person or a household after saving (meldpunt.correcties, casusregie.correcties),
    and a hertriage. The old values are in the history of the corrected record (its history row carries the reason
    and the acting user); this row is what the timeline and the melding page show: which fields, why, by whom.
    Field labels only, never the old or new values (they stay in the history, where the bewaartermijn scrubs them).
    """

    class Soort(models.TextChoices):
        MELDING = "melding", "Melding gecorrigeerd"
        PERSOON = "persoon", "Persoonsgegevens gecorrigeerd"
        TOEGEVOEGD = "toegevoegd", "Persoon aan het huishouden toegevoegd"
        VERTROKKEN = "vertrokken", "Persoon uit het huishouden"
        HERTRIAGE = "hertriage", "Hertriage"

    class Via(models.TextChoices):
        MELDPUNT = "meldpunt", "het meldpunt"
        CASUSREGIE = "casusregie", "de casusregisseur"

    melding = models.ForeignKey(Melding, on_delete=models.PROTECT, related_name="correcties")
    persoon = models.ForeignKey(Persoon, on_delete=models.PROTECT, null=True, blank=True, related_name="correcties")
    soort = models.CharField("soort", max_length=12, choices=Soort.choices)
    via = models.CharField("door", max_length=12, choices=Via.choices, default=Via.MELDPUNT)
    velden = models.CharField("gewijzigd", max_length=500, blank=True)
    toelichting = models.CharField("gevolgen", max_length=500, blank=True)
    # Person records that may be the same person after a changed BSN or name and birth date: offered to the meldpunt
    # for linking (meldpunt.personen), never merged.
    mogelijk_dezelfde = models.JSONField("mogelijk dezelfde persoon", default=list, blank=True)
    reden = models.TextField("reden van de correctie", max_length=1000)
    door = models.ForeignKey("bzt.User", on_delete=models.PROTECT, related_name="+")
    op = models.DateTimeField("op", default=timezone.now)

    history = AuditedHistory()

    class Meta:
        verbose_name = "correctie"
        verbose_name_plural = "correcties"
        ordering = ["-op", "-id"]

    def __str__(self):
        return f"{self.get_soort_display()} ({self.melding})"
