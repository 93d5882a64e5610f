"""Every read of meldpunt data, filtered by what the user may see."""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from bzt import instellingen
from bzt.access import access_object
from bzt.sortering import Sortering

from . import rechten
from .codes import MelderType, Rol
from .models import URGENTIE_RANG, Betrokkene, Melding, Persoon, PersoonKoppeling
from .personen import persoon_ids_van, records_van, zelfde_naam
from .validators import normalise_bsn, working_days_between


def meldingen_for(user):
    """Meldingen the user may open: meldpunt and procesmanager see all of them, nobody else any."""
    if user.is_authenticated and rechten.mag(user, "inzien"):
        return Melding.objects.all()
    return Melding.objects.none()


def personen_for(user):
    if user.is_authenticated and rechten.mag(user, "personen"):
        return Persoon.objects.all()
    return Persoon.objects.none()


def melding_detail(user, pk):
    qs = (
        meldingen_for(user)
        .select_related("triage__regulier_organisatie", "geregistreerd_door")
        .prefetch_related(Prefetch("betrokkenen", queryset=Betrokkene.objects.select_related("persoon")))
    )
    return access_object(qs, pk)


def subtract_working_days(day: date, n: int) -> date:
    while n > 0:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


# --- the queue --------------------------------------------------------------------------------------------

WACHTRIJEN = {
    "triage": "Wacht op triage",
    "mdo": "Wacht op het MDO",
    "terugkoppeling": "Terugkoppeling aan melder",
    "wvggz": "Wvggz lopend",
}
# The queue's sort: by column header or the "Sorteren" choice; the old values oudste/nieuwste still work.
WACHTRIJ_SORTERING = Sortering(
    kolommen={
        "ontvangen": ("ontvangen_op",),
        "urgentie": ("urgentie_rang", "ontvangen_op"),
        "melding": ("id",),
        "route": ("aanmeldroute", "ontvangen_op"),
    },
    standaard="ontvangen",
    param="sort",
    aliassen={"oudste": "ontvangen", "nieuwste": "-ontvangen"},
)


def terugkoppeling_due_filter(today=None):
    S = Melding.Status
    cutoff = subtract_working_days(today or timezone.localdate(), instellingen.waarde("BZT_TERUGKOPPELING_WERKDAGEN"))
    return (
        ~Q(melder_type=MelderType.ANONIEM)
        & Q(terugkoppeling_op__isnull=True)
        & (Q(ontvangen_op__lte=cutoff) | Q(status__in=[S.GETRIEERD, S.WACHT_OP_MDO, S.OP_MDO_AGENDA, S.BIJ_CASUS]))
    )


def wachtrij_queryset(user, *, wachtrij="triage", urgentie="", aanmeldroute="", wijk="", sort="ontvangen"):
    qs = meldingen_for(user)
    S = Melding.Status
    if wachtrij == "mdo":
        qs = qs.filter(status__in=[S.WACHT_OP_MDO, S.OP_MDO_AGENDA])
    elif wachtrij == "terugkoppeling":
        qs = qs.filter(terugkoppeling_due_filter())
    elif wachtrij == "wvggz":
        qs = qs.filter(wvggz=True, wvggz_uitkomst="")
    else:
        qs = qs.filter(status__in=[S.ONTVANGEN, S.IN_TRIAGE])
    if urgentie:
        qs = qs.filter(urgentie=urgentie)
    if aanmeldroute:
        qs = qs.filter(aanmeldroute=aanmeldroute)
    if wijk:
        qs = qs.filter(Exists(Betrokkene.objects.filter(melding=OuterRef("pk"), persoon__wijk=wijk)))
    qs = qs.annotate(urgentie_rang=URGENTIE_RANG)
    return (
        qs.select_related("triage")
        .prefetch_related(Prefetch("betrokkenen", queryset=Betrokkene.objects.select_related("persoon")))
        .order_by(*WACHTRIJ_SORTERING.volgorde(WACHTRIJ_SORTERING.stand(sort)))
    )


def hoofdpersoon(melding):
    """The hoofdpersoon of a melding, from its prefetched betrokkenen (no query)."""
    if melding is None:
        return None
    for betrokkene in melding.betrokkenen.all():
        if betrokkene.rol == Rol.HOOFDPERSOON:
            return betrokkene.persoon
    return None


@dataclass
class WachtrijRegel:
    melding: Melding
    wachtdagen: int
    over_norm: bool

    @property
    def hoofdpersoon(self):
        return hoofdpersoon(self.melding)

    @property
    def huishouden_grootte(self):
        return len(self.melding.betrokkenen.all())


def wachtrij_regels(meldingen, today=None):
    """Rows for a page of the queue: days waiting (working days) and whether that exceeds the norm."""
    today = today or timezone.localdate()
    norm = instellingen.waarde("BZT_TRIAGE_NORM_WERKDAGEN")
    rows = []
    for melding in meldingen:
        dagen = working_days_between(melding.ontvangen_op, today)
        wacht_op_triage = melding.status in (Melding.Status.ONTVANGEN, Melding.Status.IN_TRIAGE)
        rows.append(WachtrijRegel(melding, dagen, wacht_op_triage and dagen > norm))
    return rows


def wachtrij_tellingen(user):
    """How many meldingen are in each queue (for the tabs and the meldpunt's home page)."""
    return {key: wachtrij_queryset(user, wachtrij=key).count() for key in WACHTRIJEN}


# --- persons: finding duplicates and the "already known" signal --------------------------------------------


def kandidaten(gegevens: dict, user=None):
    """Existing persons that may be the person described: the same BSN, or the same name and birth date."""
    qs = personen_for(user) if user is not None else Persoon.objects.all()
    qs = qs.filter(geanonimiseerd_op__isnull=True)
    bsn = gegevens.get("bsn") or ""
    geboortedatum = gegevens.get("geboortedatum")
    gevonden = list(qs.filter(bsn=bsn).order_by("pk")[:5]) if bsn else []
    if (gegevens.get("achternaam") or "").strip() and geboortedatum:
        # The name compared normalised (meldpunt.personen.zelfde_naam: prefix, spacing, case): on the few persons
        # born that day (index persoon_gebdat).
        gevonden += [p for p in qs.filter(geboortedatum=geboortedatum).order_by("pk")[:200] if zelfde_naam(p, gegevens)]
    uniek = {p.pk: p for p in gevonden}
    return list(uniek.values())[:5]


@dataclass
class Herkenning:
    """Who a person typed in the intake is: a known `persoon` (chosen), the `gegevens` of a new one, or known
    `kandidaten` to choose from first (`alleen_bestaand`: one has the same BSN, so "new" is not offered)."""

    persoon: Persoon | None = None
    gegevens: dict = field(default_factory=dict)
    kandidaten: list = field(default_factory=list)
    alleen_bestaand: bool = False
    signalen: list = field(default_factory=list)
    fout: str = ""


def persoon_herkennen(user, data, *, gekozen_persoon_id=None, nieuw_bevestigd=False) -> Herkenning:
    """Decide whether the person of one household row of a new melding (`data`, the row's cleaned data) is
    known or new. A chosen known person (`keuze=bestaand:<id>`) must be one `user` may see; a new person is
    only taken as new when no known person resembles them, or the user confirmed "nieuw" (`keuze=nieuw`) and
    none has the same BSN."""
    if gekozen_persoon_id:
        persoon = personen_for(user).filter(pk=gekozen_persoon_id).first()
        if persoon is None:
            return Herkenning(fout="De gekozen persoon bestaat niet (meer).")
        return Herkenning(persoon=persoon)
    gevonden = kandidaten(data, user)
    same_bsn = [k for k in gevonden if data.get("bsn") and k.bsn == data["bsn"]]
    if (gevonden and not nieuw_bevestigd) or same_bsn:
        return Herkenning(kandidaten=gevonden, alleen_bestaand=bool(same_bsn), signalen=bekend_signalen(gevonden))
    return Herkenning(gegevens={k: v for k, v in data.items() if k not in ("rol", "keuze", "DELETE")})


@dataclass
class BekendSignaal:
    """A person of a new melding is already known: where, and whom to contact — never the content."""

    persoon: Persoon
    via: Persoon  # the person record that is known (the same one, or a linked record)
    melding: Melding
    contact: str


def linked_ids(persoon_ids):
    """The given person ids plus every record of the same persons (one definition: meldpunt.personen)."""
    return records_van(persoon_ids)


def bekend_signalen(personen, *, behalve_melding=None):
    """For each person (also through a record linked to them): their other open meldingen and who to contact."""
    personen = [p for p in personen if p is not None and p.pk]
    if not personen:
        return []
    alle_ids = records_van({p.pk for p in personen})
    persoon_van = persoon_ids_van(alle_ids)
    open_meldingen = Q(status__in=Melding.OPEN_STATUSES)
    open_meldingen |= Q(status=Melding.Status.TOEGEWEZEN) & ~Q(casus__status="afgesloten")
    # a melding added to the open casus of its household (casusregie.CasusMelding) is known as long as that casus
    open_meldingen |= Q(status=Melding.Status.BIJ_CASUS) & ~Q(bij_casus__casus__status="afgesloten")
    betrokkenheden = (
        Betrokkene.objects.filter(persoon_id__in=alle_ids)
        .filter(melding__in=Melding.objects.filter(open_meldingen))
        .select_related(
            "melding__casus__casusregisseur__organisatie", "melding__bij_casus__casus__casusregisseur__organisatie"
        )
        .select_related("persoon")
        .order_by("melding__ontvangen_op", "melding_id")  # same day: in the order registered
    )
    if behalve_melding is not None:
        betrokkenheden = betrokkenheden.exclude(melding=behalve_melding)
    signalen = []
    for persoon in personen:
        for betrokkenheid in betrokkenheden:
            if persoon_van[betrokkenheid.persoon_id] == persoon_van[persoon.pk]:
                signalen.append(
                    BekendSignaal(
                        persoon, betrokkenheid.persoon, betrokkenheid.melding, contact_voor(betrokkenheid.melding)
                    )
                )
    return signalen


@dataclass
class MogelijkBekend:
    """A person of this melding, filed by a partner without choosing, resembles known persons (name and birth
    date): the meldpunt judges and may link the records (meldpunt.personen); nothing is merged."""

    persoon: Persoon
    kandidaten: list


def mogelijk_bekend_signalen(user, melding):
    """For each person of the melding stored with look-alikes at filing (Betrokkene.mogelijk_dezelfde, set by
    kandidaten): those `user` may see, not anonymised and not yet linked to them."""
    betrokkenen = [b for b in melding.betrokkenen.all() if b.mogelijk_dezelfde]
    if not betrokkenen:
        return []
    alle = (
        personen_for(user)
        .filter(pk__in={pk for b in betrokkenen for pk in b.mogelijk_dezelfde}, geanonimiseerd_op__isnull=True)
        .in_bulk()
    )
    signalen = []
    for betrokkene in betrokkenen:
        eigen = records_van({betrokkene.persoon_id})
        over = [alle[pk] for pk in betrokkene.mogelijk_dezelfde if pk in alle and pk not in eigen]
        if over:
            signalen.append(MogelijkBekend(betrokkene.persoon, over))
    return signalen


def contact_voor(melding):
    """Whom to contact about a known melding: the casusregisseur once assigned, else the meldpunt."""
    regisseur = casusregisseur_van(melding)
    if regisseur is not None:
        return regisseur
    return "Meldpunt Bijzondere Zorg (melding in behandeling)"


def casusregisseur_van(melding):
    """Name, organisation and contact details of the casusregisseur of an assigned melding, if any."""
    casus = getattr(melding, "casus", None)
    if casus is None and hasattr(melding, "bij_casus"):  # added to the open casus of its household
        casus = melding.bij_casus.casus
    if casus is None:
        return None
    regisseur = casus.casusregisseur
    if regisseur is None:
        return f"casus {casus.nummer} bij {casus.organisatie} (nog geen regisseur bekend)"
    bereikbaar = ", ".join(part for part in (regisseur.telefoon, regisseur.email) if part)
    return f"casusregisseur {regisseur.get_full_name() or regisseur.username} ({regisseur.organisatie})" + (
        f", {bereikbaar}" if bereikbaar else ""
    )


# --- search ------------------------------------------------------------------------------------------------

DATE_RE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def parse_dutch_date(text):
    match = DATE_RE.match(text.strip())
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return datetime(year, month, day).date()
    except ValueError:
        return None


PERSOON_SORTERING = Sortering(
    kolommen={"naam": ("achternaam", "voornaam"), "geboren": ("geboortedatum",), "postcode": ("postcode", "adres")},
    standaard="naam",
)


ZOEK_MAX = 500  # more matches than this: "meer dan 500", make the search more precise
TRIGRAM = 3  # a trigram index answers a part of a word from three characters on


def zoekwoorden(q):
    """The words of a name search (at most five). Short words next to longer ones are tussenvoegsels or
    initials ("Jan de Vries", "J Vries"): the longer words decide."""
    woorden = (q or "").split()[:5]
    if any(len(w) >= TRIGRAM for w in woorden):
        woorden = [w for w in woorden if len(w) >= TRIGRAM]
    return woorden


def naam_conditie(term, prefix=""):
    """One word of a name: a part of a first name or surname from three characters on (the trigram indexes,
    meldpunt 0005), a shorter word as the start of one (the same indexes answer an anchored pattern; a
    two-letter part anywhere would read every person), or the whole tussenvoegsel (meldpunt 0014). Every
    branch is indexed, so PostgreSQL combines index lookups instead of reading the table."""
    if len(term) < TRIGRAM:
        naam = Q(**{f"{prefix}voornaam__istartswith": term}) | Q(**{f"{prefix}achternaam__istartswith": term})
    else:
        naam = Q(**{f"{prefix}voornaam__icontains": term}) | Q(**{f"{prefix}achternaam__icontains": term})
    return naam | Q(**{f"{prefix}tussenvoegsel__iexact": term})


def _woord_conditie(term):
    """One word of the person search: a name (naam_conditie), a part of the address, or the postcode."""
    postcode = Q(postcode__iexact=term.replace(" ", "").upper())
    adres = Q(adres__icontains=term) if len(term) >= TRIGRAM else Q()
    return naam_conditie(term) | adres | postcode


def zoek_personen_begrensd(user, q, stand=None):
    """Persons by name, BSN, date of birth (dd-mm-jjjj) or address/postcode, with their meldingen; at most
    ZOEK_MAX, ordered by name. Returns (queryset, aantal) where aantal > ZOEK_MAX means "more than that".

    The matches are found without an order (an index lookup that stops at ZOEK_MAX + 1), then only those
    are sorted (by the column of `stand`, a PERSOON_SORTERING choice; by name when None) and paged: the cost
    is bounded whatever the term and the size of the register."""
    q = (q or "").strip()
    if len(q) < 2:
        return GevondenPersonen([]), 0
    qs = personen_for(user).filter(geanonimiseerd_op__isnull=True)  # past their bewaartermijn
    digits = normalise_bsn(q)
    geboortedatum = parse_dutch_date(q)
    if geboortedatum:
        qs = qs.filter(geboortedatum=geboortedatum)
    elif len(digits) == 9 and len(q.replace(".", "").replace(" ", "")) == 9:
        qs = qs.filter(bsn=digits)
    else:
        condition = Q()
        for term in zoekwoorden(q):
            condition &= _woord_conditie(term)
        qs = qs.filter(condition)
    velden = ("achternaam", "voornaam", "geboortedatum", "postcode", "adres", "pk")
    rows = list(qs.order_by().values(*velden)[: ZOEK_MAX + 1])
    gekozen = rows[:ZOEK_MAX]
    # A stable sort per field, last field first, gives the order_by of the chosen column in Python.
    for veld in reversed(PERSOON_SORTERING.volgorde(stand or PERSOON_SORTERING.stand(""))):
        naam = veld.removeprefix("-")
        gekozen.sort(key=lambda r, n=naam: (r[n] is not None, r[n] or ""), reverse=veld.startswith("-"))
    return GevondenPersonen([r["pk"] for r in gekozen]), len(rows)


class GevondenPersonen(Sequence):
    """The persons found, in name order (at most ZOEK_MAX ids, sorted in Python: sorting them in SQL made
    PostgreSQL walk the whole name index); a slice (a page) loads those persons with their meldingen."""

    def __init__(self, ids):
        self.ids = ids

    def __len__(self):
        return len(self.ids)

    def exists(self):
        return bool(self.ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0] if index >= 0 else self[len(self) + index]
        ids = self.ids[index]
        meldingen = Betrokkene.objects.select_related("melding").order_by("-melding__ontvangen_op")
        personen = Persoon.objects.filter(pk__in=ids).prefetch_related(Prefetch("betrokkenheden", queryset=meldingen))
        by_pk = {p.pk: p for p in personen}
        return [by_pk[pk] for pk in ids if pk in by_pk]


def zoek_personen(user, q):
    """The persons of zoek_personen_begrensd (at most ZOEK_MAX)."""
    return zoek_personen_begrensd(user, q)[0]


MELDING_NUMMER_RE = re.compile(r"^M?\d{4}-0*(\d+)$", re.IGNORECASE)


def zoek_melding(user, q):
    """A melding by its number (M2025-00012) or its extern_id (VIS2-2025-0001)."""
    q = (q or "").strip()
    if not q:
        return None
    qs = meldingen_for(user)
    match = MELDING_NUMMER_RE.match(q)
    if match:
        found = qs.filter(pk=int(match.group(1))).first()
        if found:
            return found
    return qs.filter(extern_id__iexact=q).first()


def koppelingen_van(persoon):
    return (
        PersoonKoppeling.objects.filter(Q(persoon=persoon) | Q(gekoppeld_aan=persoon))
        .select_related("persoon", "gekoppeld_aan", "gekoppeld_door", "ontkoppeld_door")
        .order_by("-gekoppeld_op")
    )


def persoon_met_bsn(bsn):
    """The person with this BSN, or None: for a melding filed by a partner (partners.services), who must not learn
    whether someone is known and so gets no choice; a BSN is one person (constraint persoon_bsn_uniek)."""
    if not bsn:
        return None
    return Persoon.objects.filter(bsn=bsn, geanonimiseerd_op__isnull=True).first()
