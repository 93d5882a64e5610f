"""What an inzage export (AVG art. 15) holds, assembled in one place.

Included: the client's own person data; the meldingen about them (date, route, reason, status — never who
reported it: the melder's name, organisation, phone and e-mail are not read at all); the triage outcome; the
casus (its organisation, not the professional's name), the plans, the journal and the escalations; and, from
the access log, who looked at their data (organisation, role, date, action: the recipients of art. 15(1)(c)).

Other persons: a household member appears (name, role, birth date) only when the privacy officer decided on the
request that the client may see them (`AvgVerzoek.gerechtigd_voor`); otherwise the melding says only how many
other household members there are. The free text (reason, notes, journal) is shown as written: the privacy
officer reviews the concept for third parties named there before releasing it (docs/avg.md).
"""

from django.db.models import Q
from django.utils import timezone

from bzt.models import InzageRegel
from casusregie.models import Casus
from meldpunt.codes import Leefgebied
from meldpunt.models import Betrokkene, Melding, Persoon
from meldpunt.selectors import linked_ids

MAX_MELDINGEN = 200  # a bound for generating in the request (a client with more is a case for the operator)


def _datum(value):
    return value.isoformat() if value else None


def _persoon(p: Persoon, *, volledig: bool):
    data = {
        "voornaam": p.voornaam,
        "tussenvoegsel": p.tussenvoegsel,
        "achternaam": p.achternaam,
        "geboortedatum": _datum(p.geboortedatum),
    }
    if volledig:
        data |= {
            "bsn": p.bsn,
            "geslacht": p.get_geslacht_display(),
            "adres": p.adres,
            "postcode": p.postcode,
            "woonplaats": p.woonplaats,
            "wijk": p.wijk,
            "inkomstenbron": p.get_inkomen_display(),
        }
    return data


def _triage(melding):
    triage = getattr(melding, "triage", None)
    if triage is None:
        return None
    return {
        "datum": _datum(triage.datum),
        "besluit": triage.get_besluit_display(),
        "aantal_leefgebieden": triage.score,
        "leefgebieden": [
            {"leefgebied": label, "toelichting": getattr(triage, f"{code}_toelichting")}
            for code, label in Leefgebied.choices
            if getattr(triage, code)
        ],
        "motivatie": triage.motivatie,
    }


def _casus(casus: Casus):
    return {
        "nummer": casus.nummer,
        "status": casus.get_status_display(),
        "organisatie_casusregisseur": casus.organisatie.naam,
        "toegewezen_op": _datum(casus.toegewezen_op),
        "plan_vastgesteld_op": _datum(casus.plan_vastgesteld_op),
        "afgesloten_op": _datum(casus.afgesloten_op),
        "afsluitreden": str(casus.afsluitreden) if casus.afsluitreden_id else None,
        "plannen": [
            {
                "status": plan.get_status_display(),
                "vastgesteld_op": _datum(plan.vastgesteld_op),
                "samenvatting": plan.samenvatting,
                "afspraken": plan.afspraken,
                "doelen": [
                    {"leefgebied": doel.get_leefgebied_display(), "omschrijving": doel.omschrijving}
                    for doel in plan.doelen.all()
                ],
                "acties": [
                    {
                        "omschrijving": actie.omschrijving,
                        "uitvoerder": actie.eigenaar.naam,
                        "uiterlijk": _datum(actie.deadline),
                        "status": actie.get_status_display(),
                    }
                    for actie in plan.acties.select_related("eigenaar")
                ],
            }
            for plan in casus.plannen.order_by("pk")
        ],
        "journaal": [
            {"datum": _datum(timezone.localdate(regel.op)), "tekst": regel.tekst}
            for regel in casus.journaal.order_by("op")
        ],
        "escalaties": [
            {
                "gestart_op": _datum(e.gestart_op),
                "niveau": e.niveau.naam,
                "status": e.get_status_display(),
                "vraag": e.vraag,
                "antwoord": e.antwoord,
                "gesloten_op": _datum(e.gesloten_op),
            }
            for e in casus.escalaties.select_related("niveau").order_by("pk")
        ],
    }


def _inzagen(ids):
    """Who looked: organisation, role, date and what (art. 15(1)(c): recipients), never the user's name."""
    regels = InzageRegel.objects.filter(persoon_id__in=ids).order_by("moment", "id")
    return [
        {
            "datum": _datum(timezone.localdate(r.moment)),
            "organisatie": r.organisatie,
            "rol": r.rol,
            "actie": r.get_actie_display(),
            "onderdeel": r.get_object_type_display(),
        }
        for r in regels.iterator(chunk_size=1000)
    ]


def samenstellen(verzoek) -> dict:
    """The export of `verzoek` as JSON-ready data (see the module docstring for what is in and out)."""
    ids = linked_ids({verzoek.persoon_id})
    gerechtigd = set(verzoek.gerechtigd_voor) - ids
    meldingen = (
        Melding.objects.filter(betrokkenen__persoon_id__in=ids)
        .distinct()
        .select_related("triage")
        .order_by("ontvangen_op", "pk")
    )
    if meldingen.count() > MAX_MELDINGEN:
        raise ValueError(f"Meer dan {MAX_MELDINGEN} meldingen: vraag de beheerder om de export.")
    uit_meldingen = []
    for melding in meldingen:
        leden = list(Betrokkene.objects.filter(melding=melding).select_related("persoon").order_by("pk"))
        eigen = next((b for b in leden if b.persoon_id in ids), None)
        anderen = [b for b in leden if b.persoon_id not in ids]
        uit_meldingen.append(
            {
                "nummer": melding.nummer,
                "ontvangen_op": _datum(melding.ontvangen_op),
                "aanmeldroute": melding.get_aanmeldroute_display(),
                "soort_melder": melding.get_melder_type_display(),  # the kind only, never who
                "aanleiding": melding.aanleiding,
                "status": melding.get_status_display(),
                "uw_rol": eigen.get_rol_display() if eigen else None,
                "huisgenoten": [
                    {"rol": b.get_rol_display(), **_persoon(b.persoon, volledig=False)}
                    for b in anderen
                    if b.persoon_id in gerechtigd
                ],
                "andere_huisgenoten_niet_getoond": sum(1 for b in anderen if b.persoon_id not in gerechtigd),
                "triage": _triage(melding),
            }
        )
    casussen = (
        Casus.objects.filter(Q(melding__in=meldingen) | Q(toegevoegde_meldingen__melding__in=meldingen))
        .distinct()
        .select_related("organisatie", "afsluitreden")
    )
    persoon = Persoon.objects.get(pk=verzoek.persoon_id)
    return {
        "verzoek": {"nummer": verzoek.nummer, "ontvangen_op": _datum(verzoek.ontvangen_op)},
        "gemaakt_op": timezone.localtime().isoformat(timespec="seconds"),
        "persoon": _persoon(persoon, volledig=True),
        "meldingen": uit_meldingen,
        "casussen": [_casus(c) for c in casussen.order_by("toegewezen_op", "pk")],
        "inzagen": _inzagen(ids),
        "niet_opgenomen": [
            "de identiteit van de melder (naam, organisatie, telefoon, e-mail)",
            "gegevens van huisgenoten die u niet mag inzien",
            "namen van medewerkers (wel hun organisatie en rol)",
        ],
    }
