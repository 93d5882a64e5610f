"""Shared building blocks: the convenant partners and the users who work for them."""

from django.contrib.auth.models import AbstractUser
from django.db import models

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


class User(AbstractUser):
    """A person working in the BZT network. Every user belongs to one organisation.

    Users are deactivated, never deleted: history records point at them.
    """

    organisatie = models.ForeignKey(
        Organisatie, on_delete=models.PROTECT, null=True, blank=True, related_name="medewerkers"
    )
    telefoon = models.CharField("telefoon", max_length=30, blank=True)

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
