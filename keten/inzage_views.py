"""The access-log viewer (/inzagelog/) for the procesmanager and the privacy officer (bzt.zien_inzagelog).

Filter per client (find by name or BSN, then pick the person), per user, per period, grond and action; a
client's own log as CSV for an AVG inzage request. Looking at a client's log and exporting it are logged
themselves (grond privacy). Linked person records (meldpunt.PersoonKoppeling: the same person registered
twice) are included, so a request made through one record also finds the looks at the other.

The log grows by millions of rows: the list pages by key (newest first on (moment, id); "volgende" = older,
"vorige" = newer), never counts further than TELLEN_TOT, and every filter is an equality that leads an index
(bzt.InzageRegel.Meta.indexes), so each page costs the same at any size.
"""

import csv
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.db import connection
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from bzt.forms import DatumField, IdField, parse_int
from bzt.gemeenten import is_regio
from bzt.inzage import Actie, Grond, ObjectType, log_inzage
from bzt.models import InzageRegel
from meldpunt.models import Persoon
from meldpunt.selectors import linked_ids
from meldpunt.validators import normalise_bsn

PAGE_SIZE = 50
TELLEN_TOT = 500  # the count shown is exact up to here, "meer dan 500" beyond
GEEN_GEMEENTE = "-"  # the filter value for rows without a gemeente ("" is "Alle")
inzagelog_required = permission_required("bzt.zien_inzagelog", raise_exception=True)


class InzageFilterForm(forms.Form):
    q = forms.CharField(label="Cliënt zoeken (naam of BSN)", required=False, max_length=100)
    persoon = IdField(required=False, widget=forms.HiddenInput)
    gebruiker = forms.CharField(label="Gebruiker (precieze gebruikersnaam)", required=False, max_length=150)
    van = DatumField(label="Van", required=False)
    tot = DatumField(label="Tot en met", required=False)
    grond = forms.ChoiceField(label="Grond", required=False, choices=[("", "Alle")] + Grond.choices)
    actie = forms.ChoiceField(label="Actie", required=False, choices=[("", "Alle")] + Actie.choices)
    gemeente = forms.ChoiceField(label="Gemeente", required=False, choices=[("", "Alle")])

    def __init__(self, *args, gemeenten=(), **kwargs):
        super().__init__(*args, **kwargs)
        keuzes = [(g or GEEN_GEMEENTE, g or "(geen gemeente)") for g in gemeenten]
        self.fields["gemeente"].choices = [("", "Alle"), *keuzes]

    def clean_gebruiker(self):
        return self.cleaned_data["gebruiker"].strip()


def _gemeenten():
    """The distinct gemeente codes in the log: a skip scan over the (gemeente, moment) index on PostgreSQL
    (one index probe per gemeente, not a read of millions of rows)."""
    if connection.vendor != "postgresql":
        return list(InzageRegel.objects.order_by("gemeente").values_list("gemeente", flat=True).distinct())
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH RECURSIVE g AS (
                (SELECT gemeente FROM bzt_inzageregel ORDER BY gemeente LIMIT 1)
                UNION ALL
                SELECT (SELECT r.gemeente FROM bzt_inzageregel r WHERE r.gemeente > g.gemeente
                        ORDER BY r.gemeente LIMIT 1)
                FROM g WHERE g.gemeente IS NOT NULL
            )
            SELECT gemeente FROM g WHERE gemeente IS NOT NULL
            """
        )
        return [row[0] for row in cursor.fetchall()]


def _persoon_ids(persoon_id):
    return linked_ids({persoon_id})


def _personen_zoeken(q):
    """Persons by BSN (9 digits) or by every word of the name; only what is needed to pick the right one."""
    q = q.strip()
    if len(q) < 2:
        return []
    digits = normalise_bsn(q)
    if len(digits) == 9 and len(q.replace(".", "").replace(" ", "")) == 9:
        qs = Persoon.objects.filter(bsn=digits)
    else:
        condition = Q()
        for term in q.split():
            condition &= Q(voornaam__icontains=term) | Q(achternaam__icontains=term)
        qs = Persoon.objects.filter(condition)
    return list(qs.only("voornaam", "tussenvoegsel", "achternaam", "geboortedatum").order_by("achternaam", "id")[:20])


def _regels(filters, persoon_ids=None):
    qs = InzageRegel.objects.select_related("gebruiker")
    if persoon_ids is not None:
        qs = qs.filter(persoon_id__in=persoon_ids)
    if filters.get("gebruiker"):
        qs = qs.filter(gebruikersnaam=filters["gebruiker"])
    if filters.get("gemeente"):
        qs = qs.filter(gemeente="" if filters["gemeente"] == GEEN_GEMEENTE else filters["gemeente"])
    tz = timezone.get_current_timezone()
    if filters.get("van"):
        qs = qs.filter(moment__gte=datetime.combine(filters["van"], time.min, tzinfo=tz))
    if filters.get("tot"):
        qs = qs.filter(moment__lt=datetime.combine(filters["tot"] + timedelta(days=1), time.min, tzinfo=tz))
    if filters.get("grond"):
        qs = qs.filter(grond=filters["grond"])
    if filters.get("actie"):
        qs = qs.filter(actie=filters["actie"])
    return qs


@dataclass
class Bladzijde:
    """One page of the list by key: `vorige`/`volgende` are the row ids to page from (None: no such page)."""

    object_list: list
    vorige: int | None
    volgende: int | None
    aantal: int | None  # None: not counted

    @property
    def aantal_tekst(self):
        if self.aantal is None:
            return ""
        return f"meer dan {TELLEN_TOT}" if self.aantal > TELLEN_TOT else str(self.aantal)


# Each of these filters leads an index of its own; two of them together have no index, and counting their
# combination reads every row of the larger one (141 ms for a busy user + a rare grond at 4.5M rows).
GROTE_FILTERS = ("gebruiker", "grond", "actie", "gemeente")


def _tellen(filters, persoon_ids):
    """Whether the page shows a count: not for two or more of GROTE_FILTERS without a client."""
    return persoon_ids is not None or sum(bool(filters.get(f)) for f in GROTE_FILTERS) < 2


def _bladzijde(qs, *, na=None, voor=None, tellen=True):
    """Newest first. `na`: the page after (older than) row `na`; `voor`: the page before (newer than) row `voor`."""
    sleutel = InzageRegel.objects.filter(pk=na or voor).values_list("moment", "id").first() if na or voor else None
    aantal = qs.order_by()[: TELLEN_TOT + 1].count() if tellen else None
    if sleutel and voor:
        moment, pk = sleutel
        nieuwer = qs.filter(moment__gte=moment).filter(Q(moment__gt=moment) | Q(moment=moment, id__gt=pk))
        rows = list(nieuwer.order_by("moment", "id")[: PAGE_SIZE + 1])
        meer = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE][::-1]
        return Bladzijde(rows, rows[0].pk if meer else None, rows[-1].pk if rows else None, aantal)
    if sleutel:
        moment, pk = sleutel
        qs = qs.filter(moment__lte=moment).filter(Q(moment__lt=moment) | Q(moment=moment, id__lt=pk))
    rows = list(qs.order_by("-moment", "-id")[: PAGE_SIZE + 1])
    volgende = rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None
    rows = rows[:PAGE_SIZE]
    return Bladzijde(rows, rows[0].pk if sleutel and rows else None, volgende, aantal)


def _namen(ids):
    return {p.pk: p for p in Persoon.objects.filter(pk__in={i for i in ids if i is not None})}


@login_required
@inzagelog_required
def inzagelog(request):
    gemeenten = _gemeenten()
    form = InzageFilterForm(request.GET or None, gemeenten=gemeenten)
    if form.is_bound and not form.is_valid():
        # A malformed filter (?persoon=abc, a date before 1900) never widens the list to everything.
        return render(request, "inzage/inzagelog.html", {"form": form, "ongeldig": True}, status=400)
    filters = form.cleaned_data if form.is_bound else {}
    persoon_id = filters.get("persoon")
    persoon_ids = _persoon_ids(persoon_id) if persoon_id else None
    kiezen = bool(filters.get("q")) and not persoon_id  # picking a client: the persons found, no list yet
    gevonden = _personen_zoeken(filters["q"]) if kiezen else []
    page = None
    if not kiezen:
        na, voor = parse_int(request.GET.get("na")), parse_int(request.GET.get("voor"))
        page = _bladzijde(_regels(filters, persoon_ids), na=na, voor=voor, tellen=_tellen(filters, persoon_ids))
    in_lijst = [r.persoon_id for r in page.object_list] if page else []
    namen = _namen(in_lijst + ([persoon_id] if persoon_id else []))
    _log_getoond(request, gevonden, [persoon_id] if persoon_id else [], in_lijst, namen)
    context = {
        "form": form,
        "kiezen": kiezen,
        "page": page,
        "regels": [(r, namen.get(r.persoon_id)) for r in page.object_list] if page else [],
        "gevonden": gevonden,
        "persoon_id": persoon_id,
        "persoon": namen.get(persoon_id) if persoon_id else None,
        "gekoppeld": sorted(persoon_ids - {persoon_id}) if persoon_ids else [],
        "toon_gemeente": len(gemeenten) > 1 and is_regio(),  # one gemeente: its rows and '' (persons, lists)
    }
    return render(request, "inzage/inzagelog.html", context)


def _log_getoond(request, gevonden, gekozen, in_lijst, namen):
    """The viewer shows clients' names too, so it is logged like any other screen (grond privacy): the
    persons found by the search (zoeken), and the chosen client plus every client named in the list (bekijken).
    A row of the list whose client no longer exists shows no name and is not logged."""
    if gevonden:
        log_inzage(
            request, object_type=ObjectType.INZAGELOG, actie=Actie.ZOEKEN, personen=gevonden, grond=Grond.PRIVACY
        )
    getoond = gekozen + [pk for pk in in_lijst if pk in namen]
    if getoond:
        log_inzage(
            request, object_type=ObjectType.INZAGELOG, actie=Actie.BEKIJKEN, personen=getoond, grond=Grond.PRIVACY
        )


def _csv_cell(value):
    """No spreadsheet formulas from data (CSV injection)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
@inzagelog_required
def inzagelog_export(request):
    """One client's access log as CSV, for an AVG inzage request (art. 15). The export is logged itself."""
    persoon_id = parse_int(request.GET.get("persoon"))
    if persoon_id is None:
        raise Http404("Kies eerst een cliënt.")
    log_inzage(
        request,
        object_type=ObjectType.INZAGELOG,
        actie=Actie.EXPORTEREN,
        personen=[persoon_id],
        grond=Grond.PRIVACY,
        toelichting="AVG-inzageverzoek",
    )
    rows = _regels({}, _persoon_ids(persoon_id)).order_by("moment", "id")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="inzagelog-persoon-{persoon_id}-{stamp}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        ["moment", "gebruiker", "naam", "organisatie", "rol", "actie", "onderdeel", "nummer", "grond", "persoon-id"]
    )
    for r in rows.iterator(chunk_size=1000):
        writer.writerow(
            _csv_cell(value)
            for value in (
                timezone.localtime(r.moment).strftime("%Y-%m-%d %H:%M:%S"),
                r.gebruikersnaam,
                r.gebruiker.get_full_name(),
                r.organisatie,
                r.rol,
                r.get_actie_display(),
                r.get_object_type_display(),
                r.object_id or "",
                r.get_grond_display(),
                r.persoon_id,
            )
        )
    return response
