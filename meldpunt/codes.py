"""The code lists of the meldpunt (DESIGN.md § Words, CONTRACT.md § Import format)."""

from django.conf import settings
from django.db import models


class Aanmeldroute(models.TextChoices):
    OGGZ = "oggz", "OGGZ"
    HUISELIJK_GEWELD = "huiselijk_geweld", "Huiselijk geweld"
    EX_GEDETINEERDEN = "ex_gedetineerden", "Ex-gedetineerden"
    LOVERBOYS = "loverboys", "Loverboys"
    VEELPLEGERS = "veelplegers", "Veelplegers"
    WOONOVERLAST = "woonoverlast", "Woonoverlast"
    HOOLIGANS = "hooligans", "Hooligans"
    JEUGD_VEILIGHEID = "jeugd_veiligheid", "Jeugd en veiligheid"
    CJG = "cjg", "CJG"
    ZWERFJONGEREN = "zwerfjongeren", "Zwerfjongeren"
    OVERIG = "overig", "Overig"


class Leefgebied(models.TextChoices):
    VERSLAVING = "verslaving", "Verslaving"
    CRIMINALITEIT = "criminaliteit", "Criminaliteit"
    PSYCHIATRIE = "psychiatrie", "Psychiatrie"
    SCHULDEN = "schulden", "Schulden"
    DAKLOOS = "dakloos", "Dakloos"
    WERKLOOSHEID_UITKERING = "werkloosheid_uitkering", "Werkloosheid / uitkering"
    GEWELDSSLACHTOFFER = "geweldsslachtoffer", "Geweldsslachtoffer"
    SOCIAAL_ISOLEMENT = "sociaal_isolement", "Sociaal isolement"


class MelderType(models.TextChoices):
    PROFESSIONAL = "professional", "Professional"
    BURGER = "burger", "Burger"
    ANONIEM = "anoniem", "Anoniem"


class Urgentie(models.TextChoices):
    NORMAAL = "normaal", "Normaal"
    HOOG = "hoog", "Hoog"
    ACUUT = "acuut", "Acuut"


class Geslacht(models.TextChoices):
    MAN = "man", "Man"
    VROUW = "vrouw", "Vrouw"
    X = "x", "X"
    ONBEKEND = "onbekend", "Onbekend"


class Inkomen(models.TextChoices):
    WERK = "werk", "Werk"
    UITKERING = "uitkering", "Uitkering"
    GEEN = "geen", "Geen inkomen"
    OVERIG = "overig", "Overig"
    ONBEKEND = "onbekend", "Onbekend"


class Rol(models.TextChoices):
    HOOFDPERSOON = "hoofdpersoon", "Hoofdpersoon"
    PARTNER = "partner", "Partner"
    KIND = "kind", "Kind"
    OVERIG = "overig", "Overig"


class Besluit(models.TextChoices):
    MDO = "mdo", "Naar het MDO"
    REGULIER = "regulier", "Verwijzen naar reguliere zorg"
    ADVIES = "advies", "Advies"
    GEEN_ACTIE = "geen_actie", "Geen actie"


class WvggzUitkomst(models.TextChoices):
    VERZOEK_OVJ = "verzoek_ovj", "Verzoek aan de officier van justitie"
    GEEN_VERZOEK = "geen_verzoek", "Geen verzoek: geen verplichte zorg nodig"


class Kanaal(models.TextChoices):
    """How the melding came in (issue 14). A partner/API channel is added to this list, not beside it."""

    TELEFOON = "telefoon", "Telefoon"
    MAIL = "mail", "E-mail"
    INLOOP = "inloop", "Inloop (aan de balie)"
    POST = "post", "Post"
    PARTNER = "partner", "Via een partnerorganisatie"
    # Issue 19: filed by the partner organisation itself (partners app), not retyped by the meldpunt.
    PARTNER_WEB = "partner_web", "Webformulier partnerorganisatie"
    API = "api", "API van een partnerorganisatie"


class EerdereHulp(models.TextChoices):
    """Seed 001: whether help was already given before the melding (and by whom, in eerdere_hulp_door)."""

    JA = "ja", "Ja"
    NEE = "nee", "Nee"
    ONBEKEND = "onbekend", "Onbekend"


class TerugkoppelingWijze(models.TextChoices):
    TELEFOON = "telefoon", "Telefonisch"
    EMAIL = "email", "Per e-mail"
    BRIEF = "brief", "Per brief"
    PERSOONLIJK = "persoonlijk", "Persoonlijk"


# Wvggz art. 5:2: the verkennend onderzoek and the decision take at most 14 days; warn from day 10.
WVGGZ_TERMIJN_DAGEN = 14
WVGGZ_WAARSCHUWING_DAG = 10


def wijken(gemeente=None):
    """The wijken of `gemeente` (bzt.Gemeente.wijken), by default the installation's own (made from BZT_WIJKEN)."""
    from bzt.gemeenten import eigen_gemeente

    gemeente = gemeente or eigen_gemeente()
    return list(gemeente.wijken) if gemeente is not None else list(settings.BZT_WIJKEN)


def alle_wijken():
    """Every wijk of every active gemeente (the queue's filter): the own gemeente's list in a single install."""
    from bzt.gemeenten import actieve_gemeenten

    return [w for g in actieve_gemeenten() for w in g.wijken] or wijken()


def wijk_keuzes():
    """The wijk choices of a form: the own gemeente's list, or in a region one group per gemeente."""
    from bzt.gemeenten import actieve_gemeenten

    gemeenten = list(actieve_gemeenten())
    if len(gemeenten) <= 1:
        return [(w, w) for w in wijken()]
    return [(g.naam, [(w, w) for w in g.wijken]) for g in gemeenten if g.wijken]
