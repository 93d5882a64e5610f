"""The jaarmonitor as sections of tables and charts, built from SUPPRESSED figures only.

Shared by the PDF, the HTML preview (the same template include) and the CSV/XLSX exports, so every
file shows the same numbers. Nothing here reads personal data: only the figures dict and two reference
lists (names of escalation levels and closing reasons).
"""

from dataclasses import dataclass, field

from bzt.models import Gemeente
from casusregie.models import AfsluitReden, DoelResultaat, EscalatieNiveau
from meldpunt.codes import Aanmeldroute, Besluit, Geslacht, Inkomen, Leefgebied, MelderType
from meldpunt.doelgroep import DOELGROEP_DREMPEL, GGSR_DREMPEL

from . import charts
from .figures import LEEFTIJDSBANDEN
from .formatting import aantal, bedrag, bedrag_kort, dagen, verschil
from .models import BudgetRegel
from .suppression import SUPPRESSED, Verborgen

MAANDEN = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]

MAANDEN_KORT = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]

# Section titles (also the sheet names of the XLSX: at most 31 characters).
TITELS = {
    "meldingen": "Meldingen",
    "triage": "Triage en leefgebieden",
    "personen": "Personen",
    "casussen": "Casussen en caseload",
    "escalaties": "Escalaties en doorbraken",
    "ggsr": "Gezinnen en GGSR",
    "wachtlijsten": "Wachtlijsten",
    "doorlooptijden": "Doorlooptijden",
    "doorlooptijden_aantal": "Doorlooptijden (aantallen)",
    "budget": "Budget",
    "vorig_jaar": "Vorig jaar",
}

DOORLOOPTIJDEN = [
    ("melding_tot_triage", "Melding tot triage"),
    ("triage_tot_mdo", "Triage tot toewijzing in het MDO"),
    ("mdo_tot_plan", "Toewijzing tot vastgesteld plan"),
    ("melding_tot_afsluiting", "Melding tot afsluiting"),
]

LEGENDA = (
    "<5 betekent: niet getoond om herleidbaarheid te voorkomen. Aantallen van 1 tot en met 4 staan nooit in "
    "het rapport. Zodat een verborgen aantal niet uit het totaal is terug te rekenen, zijn in een uitsplitsing "
    "met een verborgen aantal ook de kleinste andere aantallen verborgen, tot de verborgen aantallen samen "
    "minstens 5 zijn; lukt dat niet, dan zijn het totaal en alle uitsplitsingen ervan verborgen. Ook zo'n "
    "verborgen aantal staat als <5, ook als het groter is. Een mediaan over minder dan 5 meldingen is niet "
    "getoond."
)


@dataclass
class Tabel:
    kolommen: list  # column headers; the first column is the label, the others are numbers
    rijen: list  # [[label, formatted value, ...]]
    totaal: list | None = None


@dataclass
class Blok:
    titel: str
    tabel: Tabel | None = None
    grafiek: str = ""
    toelichting: str = ""
    breed: bool = False  # table and chart under each other, full width (instead of side by side)


@dataclass
class Sectie:
    sleutel: str
    titel: str
    inleiding: str
    kerncijfers: list = field(default_factory=list)  # [(label, formatted value)]
    blokken: list = field(default_factory=list)


def _labels_from_db():
    niveaus = list(EscalatieNiveau.objects.order_by("volgorde").values_list("code", "naam"))
    redenen = dict(AfsluitReden.objects.values_list("code", "naam"))
    return niveaus, redenen


def _ladder(shown, per_niveau):
    """(code, naam) of the rows of the escalation table, in ladder order: every level on the installation's
    monitor; on a gemeente's only the levels of its ladder (active or not), and any other level it has escalations
    at (its ladder changed during the year), so that the rows still add up to the total."""
    niveaus = EscalatieNiveau.objects.order_by("volgorde").prefetch_related("gemeenten")
    code = (shown.get("gemeente") or {}).get("code")
    gemeente = Gemeente.objects.filter(code=code).first() if code else None
    return [
        (n.code, n.naam) for n in niveaus if gemeente is None or n.geldt_voor_gemeente(gemeente) or n.code in per_niveau
    ]


def _rows_fixed(cells, choices):
    """Every code of a fixed list, in its order, zeros included."""
    return [(label, cells.get(code, 0)) for code, label in choices]


def _rows_present(cells, labels=None, last=("onbekend",)):
    """The codes that occur, by label; 'onbekend' last."""
    labels = labels or {}
    items = [(labels.get(key, _nice(key)), value, key in last) for key, value in cells.items()]
    return [(label, value) for label, value, _ in sorted(items, key=lambda item: (item[2], str(item[0]).lower()))]


def _nice(key):
    if key is None:
        return "Onbekend"
    text = str(key).replace("_", " ")
    return text[:1].upper() + text[1:]


def _tabel(rows, kolom, *, totaal=None, fmt=aantal):
    return Tabel(
        kolommen=[kolom, "Aantal"],
        rijen=[[label, fmt(value)] for label, value in rows],
        totaal=["Totaal", fmt(totaal)] if totaal is not None else None,
    )


def _blok(titel, rows, kolom, *, totaal=None, chart="bar", fmt=aantal, short=None):
    grafiek = ""
    if any(value not in (0, None) for _, value in rows):
        if chart == "bar":
            grafiek = charts.bar_chart(rows, title=titel, fmt=fmt)
        elif chart == "column":
            short = short or {}
            grafiek = charts.column_chart(
                [(short.get(label, label), value) for label, value in rows], title=titel, fmt=fmt
            )
    return Blok(titel=titel, tabel=_tabel(rows, kolom, totaal=totaal, fmt=fmt), grafiek=grafiek)


def _doelresultaten(cells):
    """Goals with a result recorded in the year, per leefgebied (jaarmonitor key plan.doelresultaten)."""
    rijen = [
        [label, *(aantal(cells.get(code, {}).get(r, 0)) for r in DoelResultaat.values)]
        for code, label in Leefgebied.choices
    ]
    return Blok(
        titel="Resultaten van doelen per leefgebied",
        breed=True,
        tabel=Tabel(kolommen=["Leefgebied", *DoelResultaat.labels], rijen=rijen),
        toelichting="Doelen van plannen van aanpak waarvan de casusregisseur in het jaar het resultaat vastlegde.",
    )


def kerncijfers_vergelijking(shown):
    """[(label, this year, last year)] of the headline figures (both suppressed)."""
    vorig = shown.get("vorig_jaar") or {}
    return [
        ("Meldingen", shown["meldingen"]["totaal"], vorig.get("meldingen_totaal")),
        ("Getrieerde meldingen", shown["triage"]["totaal"], vorig.get("triage_totaal")),
        ("Doelgroep 3-uit-8", shown["triage"]["doelgroep_3_uit_8"], vorig.get("doelgroep_3_uit_8")),
        ("Unieke personen", shown["personen"]["uniek"], vorig.get("personen_uniek")),
        ("Nieuwe casussen", shown["casussen"]["nieuw"], vorig.get("casussen_nieuw")),
        ("Afgesloten casussen", shown["casussen"]["afgesloten"], vorig.get("casussen_afgesloten")),
        ("Escalaties", shown["escalaties"].get("totaal"), vorig.get("escalaties")),
    ]


def samenvatting(shown):
    """The summary page: highlight figures and the comparison with last year."""
    jaar = shown["jaar"]
    vorig_jaar = (shown.get("vorig_jaar") or {}).get("jaar", jaar - 1)
    rows = kerncijfers_vergelijking(shown)
    tabel = Tabel(
        kolommen=["Kerncijfer", str(jaar), str(vorig_jaar), "Verschil"],
        rijen=[[label, aantal(nu), aantal(vorig), verschil(nu, vorig)] for label, nu, vorig in rows],
    )
    grafiek = ""
    if any(isinstance(v, int) and v for _, a, b in rows for v in (a, b)):
        grafiek = charts.comparison_chart(
            rows, title=f"Kerncijfers {jaar} en {vorig_jaar}", labels=(str(jaar), str(vorig_jaar))
        )
    uitgelicht = [
        ("Meldingen", aantal(shown["meldingen"]["totaal"])),
        ("Doelgroep 3-uit-8", aantal(shown["triage"]["doelgroep_3_uit_8"])),
        ("Unieke personen", aantal(shown["personen"]["uniek"])),
        ("Nieuwe casussen", aantal(shown["casussen"]["nieuw"])),
        ("Mediane tijd melding tot triage", dagen(shown["doorlooptijden"]["melding_tot_triage"])),
        ("Budget per casus", bedrag(shown["budget"]["per_casus"])),
    ]
    return Sectie(
        sleutel="samenvatting",
        titel="Samenvatting",
        inleiding=(
            f"De belangrijkste cijfers van het Bijzonder Zorgteam over {jaar}, vergeleken met {vorig_jaar}. "
            "De definities staan achter in dit rapport."
        ),
        kerncijfers=uitgelicht,
        blokken=[Blok(titel=f"Vergelijking met {vorig_jaar}", tabel=tabel, grafiek=grafiek, breed=True)],
    )


def _peil(shown):
    """'31 december', or the day a year that is not over counts up to ('30 november')."""
    if not shown.get("tot_en_met") or shown["tot_en_met"] >= f"{shown['jaar']}-12-31":
        return "31 december"
    _, maand, dag = (int(part) for part in shown["tot_en_met"].split("-"))
    return f"{dag} {MAANDEN[maand - 1]}"


def secties(shown):
    """The topic sections of the report, in order, from suppressed figures."""
    redenen = _labels_from_db()[1]
    m, t, p, c, e = (shown[k] for k in ("meldingen", "triage", "personen", "casussen", "escalaties"))
    w, d, b = shown["wachtlijsten"], shown["doorlooptijden"], shown["budget"]
    aantallen = shown.get("doorlooptijden_aantal", {})
    result = []

    maanden = [(naam.capitalize(), m["per_maand"].get(f"{i:02d}", 0)) for i, naam in enumerate(MAANDEN, start=1)]
    kort = dict(zip((naam.capitalize() for naam in MAANDEN), MAANDEN_KORT, strict=True))
    result.append(
        Sectie(
            "meldingen",
            TITELS["meldingen"],
            "Meldingen die in het jaar bij het Meldpunt Bijzondere Zorg binnenkwamen (datum van ontvangst).",
            kerncijfers=[
                ("Meldingen", aantal(m["totaal"])),
                ("Met overlast", aantal(m["overlast"])),
                ("Over een gezin (met kinderen)", aantal(m["gezinnen"])),
            ],
            blokken=[
                _blok("Meldingen per maand", maanden, "Maand", totaal=m["totaal"], chart="column", short=kort),
                _blok(
                    "Meldingen per aanmeldroute",
                    _rows_fixed(m["per_aanmeldroute"], Aanmeldroute.choices),
                    "Aanmeldroute",
                    totaal=m["totaal"],
                ),
                _blok(
                    "Meldingen per soort melder",
                    _rows_fixed(m["per_melder_type"], MelderType.choices),
                    "Melder",
                    totaal=m["totaal"],
                ),
            ],
        )
    )
    result.append(
        Sectie(
            "triage",
            TITELS["triage"],
            "Meldingen van het jaar die met de 3-uit-8-methode zijn getrieerd. Bij "
            f"{DOELGROEP_DREMPEL} of meer leefgebieden "
            "hoort iemand tot de doelgroep 'kwetsbare burger'.",
            kerncijfers=[
                ("Getrieerd", aantal(t["totaal"])),
                (f"Doelgroep ({DOELGROEP_DREMPEL} of meer leefgebieden)", aantal(t["doelgroep_3_uit_8"])),
            ],
            blokken=[
                _blok(
                    "Getrieerde meldingen per leefgebied",
                    _rows_fixed(t["per_leefgebied"], Leefgebied.choices),
                    "Leefgebied",
                ),
                _blok(
                    "Besluit na triage",
                    _rows_fixed(t["per_besluit"], Besluit.choices),
                    "Besluit",
                    totaal=t["totaal"],
                ),
            ],
        )
    )
    result[-1].blokken[0].toelichting = "Een melding kan op meer leefgebieden scoren; de aantallen tellen niet op."
    leeftijden = [(band, p["per_leeftijd"].get(band, 0)) for band, _, _ in LEEFTIJDSBANDEN]
    leeftijden.append(("Onbekend", p["per_leeftijd"].get("onbekend", 0)))
    result.append(
        Sectie(
            "personen",
            TITELS["personen"],
            "Unieke personen over wie in het jaar een melding binnenkwam. De leeftijd is die op de datum van de "
            "eerste melding van het jaar.",
            kerncijfers=[("Unieke personen", aantal(p["uniek"]))],
            blokken=[
                _blok("Personen naar leeftijd", leeftijden, "Leeftijd", totaal=p["uniek"]),
                _blok(
                    "Personen naar geslacht",
                    _rows_fixed(p["per_geslacht"], Geslacht.choices),
                    "Geslacht",
                    totaal=p["uniek"],
                ),
                _blok(
                    "Personen naar inkomen",
                    _rows_fixed(p["per_inkomen"], Inkomen.choices),
                    "Inkomen",
                    totaal=p["uniek"],
                ),
                _blok("Personen naar wijk", _rows_present(p["per_wijk"]), "Wijk", totaal=p["uniek"]),
            ],
        )
    )
    peil = _peil(shown)
    organisaties = sorted(set(c["per_organisatie"]) | set(c["caseload_einde_jaar"]), key=lambda o: str(o).lower())
    caseload = Tabel(
        kolommen=["Organisatie", "Nieuwe casussen", f"Caseload {peil}"],
        rijen=[
            [_nice(o), aantal(c["per_organisatie"].get(o, 0)), aantal(c["caseload_einde_jaar"].get(o, 0))]
            for o in organisaties
        ],
        totaal=["Totaal", aantal(c["nieuw"]), aantal(c["open_einde_jaar"])],
    )
    caseload_rows = [(_nice(o), c["caseload_einde_jaar"].get(o, 0)) for o in organisaties]
    result.append(
        Sectie(
            "casussen",
            TITELS["casussen"],
            "Casussen die het MDO in het jaar toewees aan een casusregisseur, de casussen die werden afgesloten, "
            f"en de caseload per organisatie op {peil}.",
            kerncijfers=[
                ("Nieuwe casussen", aantal(c["nieuw"])),
                ("Afgesloten casussen", aantal(c["afgesloten"])),
                # closed by the procesmanager because the casus could not go on; nazorg recorded in the year
                ("Afgesloten door de procesmanager", aantal(c.get("afgesloten_door_procesmanager", 0))),
                ("Nazorg vastgelegd", aantal(shown.get("nazorg", {}).get("uitgevoerd", 0))),
                (f"Open op {peil}", aantal(c["open_einde_jaar"])),
            ],
            blokken=[
                Blok(
                    titel="Casussen en caseload per organisatie",
                    breed=True,
                    tabel=caseload,
                    grafiek=charts.bar_chart(caseload_rows, title=f"Caseload per organisatie op {peil}")
                    if any(v not in (0, None) for _, v in caseload_rows)
                    else "",
                ),
                _blok(
                    "Afgesloten casussen per reden",
                    _rows_present(c["afsluitredenen"], redenen),
                    "Reden",
                    totaal=c["afgesloten"],
                ),
                _doelresultaten(shown.get("plan", {}).get("doelresultaten", {})),
            ],
        )
    )
    niveaus = _ladder(shown, e["per_niveau"])
    niveau_rows = [(naam, e["per_niveau"].get(code, 0)) for code, naam in niveaus]
    niveau_rows += [(_nice(code), n) for code, n in e["per_niveau"].items() if code not in dict(niveaus)]
    result.append(
        Sectie(
            "escalaties",
            TITELS["escalaties"],
            "Opschalingen die in het jaar zijn gestart, per niveau van de escalatieladder, en de doorbraken "
            "waarvoor maatwerkbudget is ingezet.",
            kerncijfers=[
                ("Escalaties", aantal(e.get("totaal"))),
                ("Doorbraken met maatwerkbudget", aantal(e["doorbraken"])),
                ("Ingezet maatwerkbudget", bedrag(e["maatwerkbudget_totaal"])),
            ],
            blokken=[_blok("Escalaties per niveau", niveau_rows, "Niveau", totaal=e.get("totaal"))],
        )
    )
    result.append(
        Sectie(
            "ggsr",
            TITELS["ggsr"],
            "Meldingen over een huishouden met kinderen, en gezinnen met geringe sociale redzaamheid (GGSR): "
            f"een gezin met kinderen met problemen op {GGSR_DREMPEL} of meer leefgebieden.",
            kerncijfers=[
                ("Meldingen over een gezin", aantal(m["gezinnen"])),
                ("Getrieerd als GGSR", aantal(t.get("ggsr"))),
            ],
        )
    )
    result.append(
        Sectie(
            "wachtlijsten",
            TITELS["wachtlijsten"],
            "Wachtlijsten bij ketenpartners die een casus ophielden, gemeld in het jaar.",
            kerncijfers=[("Wachtlijstsignalen", aantal(w.get("totaal")))],
            blokken=[
                _blok(
                    "Wachtlijstsignalen per organisatie",
                    _rows_present(w["per_organisatie"]),
                    "Organisatie",
                    totaal=w.get("totaal"),
                )
            ],
        )
    )
    tijden = Tabel(
        kolommen=["Traject", "Mediaan", "Aantal meldingen"],
        rijen=[[label, dagen(d.get(key)), aantal(aantallen.get(key))] for key, label in DOORLOOPTIJDEN],
    )
    tijd_rows = [(label, d.get(key)) for key, label in DOORLOOPTIJDEN]
    result.append(
        Sectie(
            "doorlooptijden",
            TITELS["doorlooptijden"],
            "Mediane doorlooptijd in dagen, over de meldingen van het jaar die beide datums hebben.",
            blokken=[
                Blok(
                    titel="Mediane doorlooptijden",
                    breed=True,
                    tabel=tijden,
                    grafiek=charts.bar_chart(tijd_rows, title="Mediane doorlooptijd (dagen)", fmt=dagen)
                    if any(isinstance(v, int | float) for _, v in tijd_rows)
                    else "",
                )
            ],
        )
    )
    categorie_rows = [(label, b["per_categorie"].get(code)) for code, label in BudgetRegel.Categorie.choices]
    categorie_rows = [(label, value) for label, value in categorie_rows if value is not None]
    result.append(
        Sectie(
            "budget",
            TITELS["budget"],
            "De budgetregels van het jaar, zoals ingevoerd door functioneel beheer, en het budget per casus in "
            "behandeling (nieuw en doorlopend) en per bereikte persoon: de unieke personen in die casussen.",
            kerncijfers=[
                ("Totaal budget", bedrag(b["totaal"])),
                ("Casussen in behandeling", aantal(b["casussen_in_behandeling"])),
                ("Budget per casus", bedrag(b["per_casus"])),
                ("Personen in casussen", aantal(b.get("personen_in_casussen"))),
                ("Budget per persoon", bedrag(b["per_persoon"])),
            ],
            blokken=[
                Blok(
                    titel="Budget per categorie",
                    tabel=Tabel(
                        kolommen=["Categorie", "Bedrag"],
                        rijen=[[label, bedrag(value)] for label, value in categorie_rows],
                        totaal=["Totaal", bedrag(b["totaal"])],
                    )
                    if categorie_rows
                    else None,
                    grafiek=charts.bar_chart(categorie_rows, title="Budget per categorie", fmt=bedrag_kort)
                    if categorie_rows
                    else "",
                    toelichting="" if categorie_rows else "Voor dit jaar zijn geen budgetregels ingevoerd.",
                )
            ]
            + (
                [
                    Blok(
                        titel="Budget per subsidie",
                        tabel=Tabel(
                            kolommen=["Subsidie", "Bedrag"],
                            rijen=[[naam, bedrag(value)] for naam, value in b["per_subsidie"].items()],
                        ),
                    )
                ]
                if b.get("per_subsidie")
                else []
            ),
        )
    )
    return result


def export_rows(shown):
    """(sectie, sleutel, waarde) for every figure, for CSV and XLSX: the same suppressed values."""
    rows = [("jaarmonitor", "jaar", shown["jaar"])]
    if shown.get("tot_en_met"):
        rows.append(("jaarmonitor", "stand_per", shown["tot_en_met"]))
        if shown["tot_en_met"] < f"{shown['jaar']}-12-31":
            rows.append(("jaarmonitor", "voorlopig", "ja"))
    for section, content in shown.items():
        if not isinstance(content, dict):
            continue
        for key, value in content.items():
            if isinstance(value, Verborgen) and not value:
                rows.append((section, key, SUPPRESSED))  # a breakdown of which not even the codes are shown
            elif isinstance(value, dict):
                for sub, item in value.items():
                    sub_key = f"{key}.{sub if sub is not None else 'onbekend'}"
                    if isinstance(item, dict):  # one level deeper: plan.doelresultaten.{leefgebied}.{resultaat}
                        rows.extend((section, f"{sub_key}.{deeper}", n) for deeper, n in item.items())
                    else:
                        rows.append((section, sub_key, item))
            else:
                rows.append((section, key, value))
    return rows


# --- labels for the files (CSV, XLSX): what a person reads instead of the codes of the JSON -------------------

# The keys of the figures that _nice() would not say well.
SLEUTEL_LABELS = {
    "jaar": "Jaar",
    "stand_per": "Stand per",
    "voorlopig": "Voorlopige cijfers",
    "tot_en_met": "Tot en met",
    "totaal": "Totaal",
    "ggsr": "GGSR",
    "per_casus": "Budget per casus",
    "per_persoon": "Budget per persoon",
    **{code: label for code, label in DOORLOOPTIJDEN},
}


def _code_labels():
    """Every code that can appear in a breakdown, with its label (fixed lists and two reference lists)."""
    niveaus, redenen = _labels_from_db()
    labels = {}
    for choices in (Aanmeldroute, Besluit, Geslacht, Inkomen, Leefgebied, MelderType, DoelResultaat):
        labels.update(choices.choices)
    labels.update(BudgetRegel.Categorie.choices)
    labels.update(dict(niveaus))
    labels.update(redenen)
    labels.update({f"{i:02d}": naam for i, naam in enumerate(MAANDEN, start=1)})
    labels.update({band: f"{band} jaar" for band, _, _ in LEEFTIJDSBANDEN})
    return labels


def gelabelde_rijen(shown):
    """(onderdeel, cijfer, waarde, code) for every row of export_rows: the section title and a readable name
    of the figure ("Per aanmeldroute: Ex-gedetineerden"), with the code it has in the JSON last."""
    codes = _code_labels()
    rows = []
    for sectie, sleutel, waarde in export_rows(shown):
        eerste, *rest = str(sleutel).split(".")
        naam = SLEUTEL_LABELS.get(eerste) or _nice(eerste)
        if rest:
            naam += ": " + ", ".join(codes.get(deel) or _nice(deel) for deel in rest)
        rows.append((TITELS.get(sectie, _nice(sectie)), naam, waarde, f"{sectie}.{sleutel}"))
    return rows
