"""Forms of the MDO screens. Rules that need the database stay in mdo.services; these parse and label."""

from django import forms
from django.utils import timezone
from django.utils.functional import cached_property

from bzt.forms import DatumField
from meldpunt.selectors import hoofdpersoon

from .models import AgendaPunt

TIME_WIDGET = forms.TimeInput(format="%H:%M", attrs={"type": "time"})


def textarea(rows=3):
    # hx-preserve: what was typed survives when the agenda is redrawn in place after moving an item.
    return forms.Textarea(attrs={"rows": rows, "hx-preserve": "true"})


class OverlegForm(forms.Form):
    datum = DatumField(label="Datum", toekomst=True)
    aanvang = forms.TimeField(label="Aanvang", required=False, widget=TIME_WIDGET)
    locatie = forms.CharField(label="Locatie", required=False, max_length=120)

    def clean_datum(self):
        datum = self.cleaned_data["datum"]
        if datum < timezone.localdate():
            raise forms.ValidationError("Een MDO plant u vandaag of later.")
        return datum


def kandidaat_label(k):
    """'Naam — Organisatie · 7 van 15 casussen · passend: Verslaving, Dakloos'."""
    parts = [f"{k.regisseur} — {k.regisseur.organisatie or 'geen organisatie'}"]
    parts.append(f"{k.caseload} van {k.maximum} casussen")
    if k.boven_maximum:
        parts.append("op of boven het maximum: reden verplicht")
    parts.append("passend: " + ", ".join(k.passend_labels) if k.passend_labels else "geen passend leefgebied")
    return " · ".join(parts)


def kandidaat_optie(k, prefix, bron, checked=False):
    """The radio of a kandidaat as plain strings (a dict is the fastest for the template: some 200 per agenda).
    `bron` keeps the ids of the ranked list ("k") and of search results ("z") apart."""
    name = f"{prefix}-casusregisseur"
    return {
        "name": name,
        "id": f"id_{name}_{bron}{k.regisseur.pk}",
        "pk": str(k.regisseur.pk),
        "naam": str(k.regisseur),
        "organisatie": str(k.regisseur.organisatie or "geen organisatie"),
        "caseload": f"{k.caseload} van {k.maximum}",
        "tag": "bzt-tag--warning" if k.boven_maximum else "bzt-tag--ok",
        "passend": "passend: " + ", ".join(k.passend_labels) if k.passend_labels else "geen passend leefgebied",
        "checked": checked,
    }


def _gekozen(bound_field):
    """The submitted value(s) of a field as strings (to mark the chosen radio or checkboxes)."""
    value = bound_field.value()
    return {str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v not in (None, "")}


class AgendapuntForm(forms.Form):
    """A form of one agenda item, repeated for every open item: its textareas are shown by mdo/_tekstvak.html
    from plain values (`tekstvakken`) instead of a widget template each (some 70 per agenda)."""

    use_required_attribute = False  # no browser-red boxes on an untouched agenda

    @cached_property
    def tekstvakken(self):
        return {naam: _tekstvak(self[naam]) for naam, f in self.fields.items() if isinstance(f.widget, forms.Textarea)}


def _tekstvak(b):
    """What {% field %} shows of a textarea: label, help, errors linked with aria-describedby, the value."""
    fout = list(b.errors) if b.form.is_bound else []
    hulp = str(b.help_text)
    beschreven = ([f"{b.auto_id}_help"] if hulp else []) + ([f"{b.auto_id}_error"] if fout else [])
    waarde = b.value()
    return {
        "id": b.auto_id,
        "name": b.html_name,
        "label": b.label,
        "verplicht": b.field.required,
        "hulp": hulp,
        "fout": fout,
        "beschreven": " ".join(beschreven),
        "rows": str(b.field.widget.attrs["rows"]),
        "maxlength": str(b.field.max_length),
        "waarde": "" if waarde is None else str(waarde),
    }


class ToewijzenForm(AgendapuntForm):
    """Only the ranked kandidaten given are valid; the view adds a regisseur found by search to them."""

    casusregisseur = forms.TypedChoiceField(
        label="Casusregisseur",
        coerce=int,
        help_text="Beste match eerst: passende leefgebieden, dan vrije capaciteit.",
        error_messages={
            "required": "Kies een casusregisseur.",
            "invalid_choice": "Kies een actieve casusregisseur.",
        },
    )
    reden_boven_maximum = forms.CharField(
        label="Reden boven het maximum",
        required=False,
        max_length=500,
        widget=textarea(2),
        help_text="Verplicht als de gekozen casusregisseur het maximale aantal casussen al heeft.",
    )
    notulen = forms.CharField(label="Notulen", required=False, max_length=5000, widget=textarea())

    def __init__(self, *args, kandidaten=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kandidaten = {k.regisseur.pk: k for k in kandidaten}
        self.fields["casusregisseur"].choices = [(k.regisseur.pk, kandidaat_label(k)) for k in kandidaten]

    def regisseur(self):
        return self.kandidaten[self.cleaned_data["casusregisseur"]].regisseur

    def opties(self):
        """kandidaat_optie of each kandidaat, best first; rendered with a plain loop (no widget template per radio)."""
        gekozen = _gekozen(self["casusregisseur"]) if self.is_bound else ()
        return [kandidaat_optie(k, self.prefix, "k", str(pk) in gekozen) for pk, k in self.kandidaten.items()]


class NotulenForm(AgendapuntForm):
    """Verwijzen, aanhouden, besproken: the notulen say why or what."""

    notulen = forms.CharField(
        label="Notulen",
        max_length=5000,
        widget=textarea(),
        error_messages={"required": "Noteer het besluit en de reden in de notulen."},
    )


class PlanBesluitForm(AgendapuntForm):
    notulen = forms.CharField(
        label="Notulen",
        required=False,
        max_length=5000,
        widget=textarea(),
        help_text="Bij terugsturen verplicht: wat moet er aan het plan veranderen?",
    )


def besluit_form_class(punt):
    """The form of the besluit (not toewijzen) on an agenda item."""
    return PlanBesluitForm if punt.soort == AgendaPunt.Soort.PLAN_VASTSTELLEN else NotulenForm


def zoek_opties(kandidaten, prefix):
    """Search matches as radio options like ToewijzenForm.opties, for the one radio template."""
    return [kandidaat_optie(k, prefix, "z") for k in kandidaten]


class CasusbesprekingForm(forms.Form):
    """The casus is found by search; the view passes the casussen that may be chosen (found or posted)."""

    casus = forms.TypedChoiceField(
        label="Casus",
        coerce=int,
        error_messages={"required": "Kies een casus.", "invalid_choice": "Kies een open casus."},
    )

    def __init__(self, *args, casussen=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.casussen = {c.pk: c for c in casussen}
        self.fields["casus"].choices = [(c.pk, casus_label(c)) for c in casussen]

    def gekozen_casus(self):
        return self.casussen[self.cleaned_data["casus"]]

    def opties(self):
        gekozen = _gekozen(self["casus"])
        return [(c, casus_label(c), str(pk) in gekozen) for pk, c in self.casussen.items()]


def casus_label(casus):
    return f"{casus.nummer} — {_naam(casus)} — {casus.casusregisseur or 'geen regisseur'} ({casus.organisatie})"


def _naam(casus):
    persoon = hoofdpersoon(casus.melding)
    return persoon.naam if persoon else "onbekend"


class VerplaatsenForm(forms.Form):
    naar = forms.TypedChoiceField(label="Naar MDO", coerce=int, error_messages={"required": "Kies een MDO."})

    def __init__(self, *args, overleggen=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.overleggen = {o.pk: o for o in overleggen}
        self.fields["naar"].choices = [(o.pk, overleg_label(o)) for o in overleggen]


def overleg_label(overleg):
    return f"{overleg.datum:%d-%m-%Y}{f' {overleg.locatie}' if overleg.locatie else ''}"


class AfrondenForm(forms.Form):
    """Only the users given may be ticked: the view lists the likely attendees plus those found by search."""

    aanwezigen = forms.TypedMultipleChoiceField(
        label="Aanwezigen",
        coerce=int,
        required=False,
        help_text="Per organisatie.",
        error_messages={"invalid_choice": "Kies alleen actieve gebruikers als aanwezigen."},
    )
    overige_aanwezigen = forms.CharField(
        label="Overige aanwezigen",
        required=False,
        max_length=2000,
        widget=textarea(3),
        help_text="Naam en organisatie, één per regel (gasten zonder account).",
    )

    def __init__(self, *args, gebruikers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.gebruikers = {u.pk: u for u in gebruikers}
        self.fields["aanwezigen"].choices = [(u.pk, str(u)) for u in gebruikers]

    def gekozen(self):
        return [self.gebruikers[pk] for pk in self.cleaned_data["aanwezigen"]]

    def groepen(self):
        """[(organisation, [(user, checked)])]: one small fieldset per organisation, rendered with a plain loop."""
        gekozen = _gekozen(self["aanwezigen"])
        groepen = {}
        for pk, gebruiker in self.gebruikers.items():
            groepen.setdefault(str(gebruiker.organisatie), []).append((gebruiker, str(pk) in gekozen))
        return list(groepen.items())


class AgenderenForm(forms.Form):
    """The casusregisseur's own casus on a coming MDO, with a question. Casussen are shown by number only."""

    prefix = "agenderen"
    casus = forms.TypedChoiceField(
        label="Casus",
        coerce=int,
        error_messages={"required": "Kies een casus.", "invalid_choice": "Kies een open casus van uzelf."},
    )
    overleg = forms.TypedChoiceField(
        label="MDO",
        coerce=int,
        error_messages={"required": "Kies een MDO.", "invalid_choice": "Kies een komend, gepland MDO."},
    )
    vraag = forms.CharField(
        label="Uw vraag aan het MDO",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Schrijf de vraag die u aan het MDO stelt."},
    )

    def __init__(self, *args, casussen=(), overleggen=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.casussen = {c.pk: c for c in casussen}
        self.overleggen = {o.pk: o for o in overleggen}
        self.fields["casus"].choices = [("", "Kies een casus")] + [(c.pk, c.nummer) for c in casussen]
        self.fields["overleg"].choices = [(o.pk, overleg_label(o)) for o in overleggen]
