"""Shared building blocks: the convenant partners and the users who work for them."""

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from .audit import AuditedHistory


class Organisatie(models.Model):
    """A convenant partner (or another organisation that files meldingen, such as the police)."""

    class Soort(models.TextChoices):
        GEMEENTE = "gemeente", "Gemeente"
        ZORG = "zorg", "Zorg en welzijn"
        WONEN = "wonen", "Wonen"
        VEILIGHEID = "veiligheid", "Veiligheid en justitie"
        JEUGD = "jeugd", "Jeugd en onderwijs"
        OVERIG = "overig", "Overig"

    naam = models.CharField(max_length=120, unique=True)
    soort = models.CharField(max_length=20, choices=Soort.choices, default=Soort.ZORG)
    convenantpartner = models.BooleanField(
        default=True, help_text="Heeft het convenant Bijzonder Zorgteam ondertekend."
    )
    convenant_getekend_op = models.DateField(
        "convenant getekend op",
        null=True,
        blank=True,
        help_text="De datum waarop de organisatie het convenant tekende.",
    )
    # Deactivated rather than deleted: users, meldingen and casussen point at it. An inactive organisation is
    # not offered for new users or assignments (every form filters actief=True).
    actief = models.BooleanField(default=True)
    expertise = models.JSONField(
        default=list, blank=True, help_text="Leefgebieden waarin de organisatie gespecialiseerd is (voor het MDO)."
    )

    history = AuditedHistory()

    class Meta:
        ordering = ["naam"]
        verbose_name = "organisatie"
        verbose_name_plural = "organisaties"

    def __str__(self):
        return self.naam


CBS_CODE = RegexValidator(r"^GM\d{4}\Z", "Een CBS-gemeentecode is ‘GM’ gevolgd door vier cijfers, bijvoorbeeld GM0150.")
KLEUR = RegexValidator(
    r"^#[0-9a-fA-F]{6}\Z", "Geef een kleur als # gevolgd door zes hexadecimale tekens, bijvoorbeeld #a4001d."
)


class Gemeente(models.Model):
    """A gemeente the installation serves (CONTRACT.md § Region; docs/regio.md). The installation's own gemeente
    (setting BZT_GEMEENTE_CODE) always exists (bzt.gemeenten.ensure_eigen_gemeente); with only that one, the UI
    shows no gemeente anywhere. Deactivated, never deleted: meldingen and casussen point at it."""

    code = models.CharField("CBS-code", max_length=6, unique=True, validators=[CBS_CODE])
    naam = models.CharField(max_length=80, unique=True)
    # The wijken of this gemeente (the reference list of the intake, the import and the jaarmonitor's per_wijk).
    wijken = models.JSONField(default=list, blank=True)
    documentnaam = models.CharField(
        "naam op documenten",
        max_length=120,
        blank=True,
        help_text="Bijvoorbeeld ‘Gemeente Zutphen’; leeg: ‘Gemeente’ en de naam.",
    )
    kleur = models.CharField("huisstijlkleur", max_length=7, blank=True, validators=[KLEUR])
    actief = models.BooleanField(default=True)

    history = AuditedHistory()

    class Meta:
        ordering = ["naam"]
        verbose_name = "gemeente"
        verbose_name_plural = "gemeenten"

    def __str__(self):
        return self.naam

    @property
    def naam_op_documenten(self):
        return self.documentnaam or f"Gemeente {self.naam}"


def eigen_gemeente_id():
    """The default of every gemeente field: the installation's own gemeente (bzt.gemeenten)."""
    from .gemeenten import eigen_gemeente

    gemeente = eigen_gemeente()
    return gemeente.pk if gemeente else None


class User(AbstractUser):
    """A person working in the BZT network. Every user belongs to one organisation.

    Users are deactivated, never deleted: history records point at them.
    """

    organisatie = models.ForeignKey(
        Organisatie, on_delete=models.PROTECT, null=True, blank=True, related_name="medewerkers"
    )
    telefoon = models.CharField("telefoon", max_length=30, blank=True)
    # The gemeente a gemeente-bound role (coördinerend ambtenaar, wethouder, burgemeester, beleidsambtenaar:
    # bzt.roles.GEMEENTEGEBONDEN) works for; it sees only that gemeente's escalations and figures. The regional
    # roles ignore it. Empty on such an account (one made before the region): the installation's own gemeente;
    # the beheer screen requires it for those roles.
    gemeente = models.ForeignKey(
        Gemeente,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="medewerkers",
    )
    # The identity provider's `sub` of the municipal account this account logged in with (bzt.auth.oidc):
    # set at the first OIDC login, matched first ever after; an e-mail address can change hands, `sub` not.
    oidc_subject = models.CharField("OIDC-subject", max_length=255, null=True, blank=True, unique=True)
    # Set when functioneel beheer removed the user's authenticator (bzt.beheer.tweestaps_resetten); the next
    # login tells the user so and clears it (bzt.auth.signals).
    tweestaps_hersteld_op = models.DateTimeField("tweestapsverificatie hersteld op", null=True, blank=True)
    # Set when functioneel beheer reactivates the account: the inactivity block (bzt.services.inactive_accounts)
    # counts from here, so a reactivated account is not blocked again the next night.
    heractiveerd_op = models.DateTimeField("heractiveerd op", null=True, blank=True)

    class NotificatieMail(models.TextChoices):
        DIRECT = "direct", "Direct, per bericht"
        DAGELIJKS = "dagelijks", "Eén keer per dag een overzicht"
        UIT = "uit", "Geen e-mail, alleen in BZT"

    notificatie_mail = models.CharField(
        "e-mail bij nieuwe berichten", max_length=10, choices=NotificatieMail.choices, default=NotificatieMail.DIRECT
    )

    history = AuditedHistory(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = "gebruiker"
        verbose_name_plural = "gebruikers"
        permissions = [
            ("beheren_gebruikers", "Gebruikers en organisaties beheren"),
            ("zien_inzagelog", "Het inzagelog bekijken"),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def rol(self):
        """The role this user works in (the name of their BZT group), for display only."""
        from .roles import role_of

        return role_of(self)


class InzageLogError(RuntimeError):
    """A change to the append-only access log was attempted."""


class InzageQuerySet(models.QuerySet):
    """The access log is append-only: bulk updates and deletes through the ORM are refused."""

    def update(self, **kwargs):
        raise InzageLogError("Het inzagelog is alleen-toevoegen: regels wijzigen kan niet.")

    def delete(self):
        raise InzageLogError("Het inzagelog is alleen-toevoegen: regels verwijderen kan niet.")

    def _raw_delete(self, using=None):
        raise InzageLogError("Het inzagelog is alleen-toevoegen: regels verwijderen kan niet.")


class InzageRegel(models.Model):
    """One read of personal data by one user, about one client (NEN 7513): who, when, what, why allowed.

    Written only by `bzt.inzage.log_inzage`, one row per person per access, chained by hash within a minute
    by `bzt.inzage.ketenen` (the row's `volgnummer`, `vorige_hash` and `hash` are empty until then): each
    row's `hash` covers its own fields and the previous row's hash, so an edited or removed row breaks the
    chain (`manage.py verify_inzagelog`). Append-only: save() of an existing row and delete() raise, the
    queryset refuses update() and delete(), and on PostgreSQL a trigger refuses DELETE and every UPDATE except
    filling in the chain columns of a row not chained yet.

    The client is a plain integer (`persoon_id`), not a foreign key: retention and anonymisation of a person
    never cascade into the log, and the log never blocks them. It has no simple-history: it is the log.
    """

    class Actie(models.TextChoices):
        BEKIJKEN = "bekijken", "Bekeken"
        ZOEKEN = "zoeken", "Gevonden bij zoeken"
        PRINTEN = "printen", "Afgedrukt"
        EXPORTEREN = "exporteren", "Geëxporteerd"
        VRIJGEVEN = "vrijgeven", "Vrijgegeven aan de cliënt"

    class Grond(models.TextChoices):
        MELDPUNT = "meldpunt", "Meldpunt"
        REGISSEUR = "regisseur", "Casusregisseur"
        BETROKKENE = "betrokkene", "Betrokken professional"
        PROCESMANAGER = "procesmanager", "Procesmanager"
        ESCALATIENIVEAU = "escalatieniveau", "Escalatieniveau"
        NOODTOEGANG = "noodtoegang", "Noodtoegang"
        CASUSRECHT = "casusrecht", "Recht op de casus"
        PRIVACY = "privacy", "Inzagelog (privacy)"
        AVG_VERZOEK = "avg_verzoek", "AVG-verzoek van de cliënt"

    class ObjectType(models.TextChoices):
        MELDING = "melding", "Melding"
        PERSOON = "persoon", "Persoon"
        CASUS = "casus", "Dossier"
        PLAN = "plan", "Plan van aanpak"
        ESCALATIE = "escalatie", "Escalatie"
        AGENDA = "agenda", "MDO-agenda"
        BESLUITENLIJST = "besluitenlijst", "MDO-besluitenlijst"
        INZAGELOG = "inzagelog", "Inzagelog"
        AVG_VERZOEK = "avg_verzoek", "AVG-verzoek"
        AVG_EXPORT = "avg_export", "AVG-inzage-export"

    # The log is a set of hash chains (`keten`), each numbered from 1 (`volgnummer`); chain 0 is the single
    # chain of before issue 20, closed for writing. bzt/inzage.py explains the partitioning and the seals.
    keten = models.PositiveSmallIntegerField(default=0, editable=False)
    volgnummer = models.PositiveBigIntegerField(null=True, editable=False)
    moment = models.DateTimeField(default=timezone.now)
    gebruiker = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    gebruikersnaam = models.CharField(max_length=150)
    organisatie = models.CharField(max_length=120, blank=True)
    rol = models.CharField(max_length=60, blank=True)
    # The CBS code of the gemeente whose client this is (a regional installation audits per gemeente); filled
    # only by bzt.inzage.gemeente_van().
    gemeente = models.CharField(max_length=6, blank=True, default="")
    persoon_id = models.PositiveBigIntegerField("cliënt (persoon-id)", null=True, blank=True)
    object_type = models.CharField(max_length=20, choices=ObjectType.choices)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    actie = models.CharField(max_length=12, choices=Actie.choices)
    grond = models.CharField(max_length=20, choices=Grond.choices)
    toelichting = models.CharField(max_length=200, blank=True)
    pad = models.CharField(max_length=300, blank=True)
    vorige_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64, unique=True, null=True)

    objects = InzageQuerySet.as_manager()

    class Meta:
        ordering = ["-moment", "-id"]
        verbose_name = "inzageregel"
        verbose_name_plural = "inzagelog"
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["keten", "volgnummer"], name="inzage_keten_volgnummer")]
        # The viewer lists newest first and pages by (moment, id); every filter it offers is an equality that
        # leads one of these indexes, so each page is one index range read (bench/README.md § inzagelog).
        indexes = [
            models.Index(fields=["moment", "id"], name="inzage_moment_id"),
            models.Index(fields=["persoon_id", "moment"], name="inzage_persoon_moment"),
            models.Index(fields=["gebruiker", "moment"], name="inzage_gebruiker_moment"),
            models.Index(fields=["gebruikersnaam", "moment", "id"], name="inzage_naam_moment"),
            models.Index(fields=["grond", "moment", "id"], name="inzage_grond_moment"),
            models.Index(fields=["actie", "moment", "id"], name="inzage_actie_moment"),
            models.Index(fields=["gemeente", "moment", "id"], name="inzage_gemeente_moment"),
            # The rows waiting for bzt.inzage.ketenen (at most a minute's worth): a tiny index.
            models.Index(fields=["id"], condition=models.Q(hash__isnull=True), name="inzage_ongeketend"),
        ]

    def __str__(self):
        return f"{self.moment:%d-%m-%Y %H:%M} {self.gebruikersnaam} {self.actie} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise InzageLogError("Het inzagelog is alleen-toevoegen: regels wijzigen kan niet.")
        raise InzageLogError("Schrijf het inzagelog alleen via bzt.inzage.log_inzage().")

    def delete(self, *args, **kwargs):
        raise InzageLogError("Het inzagelog is alleen-toevoegen: regels verwijderen kan niet.")


class InzageZegel(models.Model):
    """A seal over the access log: the head (last volgnummer and hash) of every chain at one moment.

    Written every few minutes by `bzt.tasks.inzagelog_zegelen` (bzt.inzage.zegelen); the seals form a hash
    chain of their own. A row removed from the end of a chain that a seal covered is missing from that seal's
    head, which `verify_inzagelog` reports. Append-only like the log (trigger on PostgreSQL).
    """

    volgnummer = models.PositiveBigIntegerField(unique=True, editable=False)
    moment = models.DateTimeField(default=timezone.now)
    koppen = models.JSONField(help_text="{keten: [volgnummer, hash]} of every chain with rows")
    vorige_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = InzageQuerySet.as_manager()

    class Meta:
        ordering = ["-volgnummer"]
        verbose_name = "inzagezegel"
        verbose_name_plural = "inzagezegels"
        default_permissions = ()

    def __str__(self):
        return f"zegel {self.volgnummer} {self.moment:%d-%m-%Y %H:%M}"

    def save(self, *args, **kwargs):
        raise InzageLogError("Schrijf zegels alleen via bzt.inzage.zegelen().")

    def delete(self, *args, **kwargs):
        raise InzageLogError("Het inzagelog is alleen-toevoegen: zegels verwijderen kan niet.")


class Notificatie(models.Model):
    """A message to one person about something that needs them (keten/notificaties.py says who gets what).

    `tekst` names the casus or melding by its number only, never a person: it is also the e-mail's text."""

    ontvanger = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notificaties")
    soort = models.CharField(max_length=40)
    tekst = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    sleutel = models.CharField(max_length=120, blank=True, help_text="one notification per recipient and key")
    aangemaakt_op = models.DateTimeField(default=timezone.now)
    gelezen_op = models.DateTimeField(null=True, blank=True)
    gemaild_op = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-aangemaakt_op", "-pk"]
        default_permissions = ()
        indexes = [models.Index(fields=["ontvanger", "gelezen_op"], name="notificatie_ongelezen")]
        constraints = [
            models.UniqueConstraint(
                fields=["ontvanger", "sleutel"], condition=~models.Q(sleutel=""), name="notificatie_een_per_sleutel"
            )
        ]

    def __str__(self):
        return self.tekst


class Instelling(models.Model):
    """A setting that functioneel beheer changes at work (bzt.instellingen, docs/beheer.md § Instellingen).
    No row, or `waarde` empty: the environment value (the Django setting of the same name) holds."""

    sleutel = models.CharField(max_length=60, unique=True)
    waarde = models.PositiveIntegerField(null=True, blank=True)
    gewijzigd_door = models.ForeignKey("User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    gewijzigd_op = models.DateTimeField(null=True, blank=True)

    history = AuditedHistory()

    class Meta:
        ordering = ["sleutel"]
        verbose_name = "instelling"
        verbose_name_plural = "instellingen"

    def __str__(self):
        return f"{self.sleutel} = {self.waarde if self.waarde is not None else 'standaard'}"


class TaakStatus(models.TextChoices):
    """The states of a background file job (bzt.achtergrond): the jaarmonitor report and every Bestandstaak."""

    IN_WACHTRIJ = "in_wachtrij", "In de wachtrij"
    BEZIG = "bezig", "Bezig"
    KLAAR = "klaar", "Klaar"
    MISLUKT = "mislukt", "Mislukt"


class Bestandstaak(models.Model):
    """A file (a PDF) made in the background for the one person who asked for it: the MDO agenda and
    besluitenlijst, the plan van aanpak, the AVG inzage export (bzt.bestandstaken). The row names the kind and the
    object by id only; the file holds personal data and is removed, with the row, soon after it is made
    (`verloopt_op`, bestandstaken.opruimen)."""

    Status = TaakStatus

    soort = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    titel = models.CharField(max_length=200, help_text="wat er wordt gemaakt, zonder persoonsgegevens")
    terug_url = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=12, choices=TaakStatus.choices, default=TaakStatus.IN_WACHTRIJ)
    voortgang = models.PositiveSmallIntegerField(default=0, help_text="0 tot 100")
    stap = models.CharField(max_length=120, blank=True)
    fout = models.TextField(blank=True)
    # The persons in the made file, recorded when it was made: the download names exactly them in the access log,
    # whatever changed in the object since (a plan's actions, an agenda's items).
    personen = models.JSONField(default=list, blank=True)
    bestand = models.FileField(upload_to="taken/", max_length=200, blank=True)
    aangevraagd_door = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    aangevraagd_op = models.DateTimeField(default=timezone.now)
    gestart_op = models.DateTimeField(null=True, blank=True)
    klaar_op = models.DateTimeField(null=True, blank=True)
    verloopt_op = models.DateTimeField(help_text="daarna worden bestand en taak verwijderd")
    pogingen = models.PositiveSmallIntegerField(default=1)

    history = AuditedHistory(excluded_fields=["voortgang", "stap"])

    class Meta:
        ordering = ["-aangevraagd_op", "-id"]
        default_permissions = ()
        verbose_name = "bestandstaak"
        verbose_name_plural = "bestandstaken"
        indexes = [models.Index(fields=["verloopt_op"], name="bestandstaak_verloopt")]
        constraints = [
            # One open job per person and file: asking again while it waits or runs gets that one.
            models.UniqueConstraint(
                fields=["soort", "object_id", "aangevraagd_door"],
                condition=models.Q(status__in=["in_wachtrij", "bezig"]),
                name="bestandstaak_een_open_per_bestand",
            ),
        ]

    def __str__(self):
        return f"{self.titel} ({self.get_status_display()})"

    @property
    def open(self):
        """Waiting or running: the page keeps polling its progress."""
        return self.status in (TaakStatus.IN_WACHTRIJ, TaakStatus.BEZIG)
