"""Template helpers: accessible form fields on the NL Design System, Dutch dates, query strings."""

from django import forms, template
from django.forms.forms import NON_FIELD_ERRORS
from django.utils.http import urlencode

from bzt.bedragen import bedrag
from bzt.pagination import paginanummers as _paginanummers

register = template.Library()

WIDGET_CLASSES = {
    forms.Select: "utrecht-select utrecht-select--html-select",
    forms.Textarea: "utrecht-textarea utrecht-textarea--html-textarea",
    forms.CheckboxInput: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.RadioSelect: "",
    forms.CheckboxSelectMultiple: "",
}


# The empty option of every select: Django's "---------" says nothing to a user (issue 17).
LEGE_KEUZE = "— kies —"
DJANGO_LEEG = "---------"


def _lege_keuze_benoemen(field):
    """Name the empty option of a select in Dutch: a model choice field's empty_label and the blank choice
    Django adds to a model field's choices. A label a form gave itself ("Geen organisatie") stays."""
    if getattr(field, "empty_label", None) == DJANGO_LEEG:
        field.empty_label = LEGE_KEUZE
    elif not hasattr(field, "queryset") and any(label == DJANGO_LEEG for _, label in getattr(field, "choices", ())):
        field.choices = [(value, LEGE_KEUZE if label == DJANGO_LEEG else label) for value, label in field.choices]


@register.inclusion_tag("includes/field.html")
def field(bound_field, label=None):
    """Label, help text, errors and input, with the errors and help linked to the input for screen readers."""
    widget = bound_field.field.widget
    css = next(
        (c for t, c in WIDGET_CLASSES.items() if isinstance(widget, t)), "utrecht-textbox utrecht-textbox--html-input"
    )
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}_help")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}_error")
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
        _lege_keuze_benoemen(bound_field.field)
    attrs = {"class": css} if css else {}
    # Server-side validation only: the HTML `required` attribute would paint empty fields as invalid
    # (the Utrecht CSS styles :invalid) before the user typed anything. aria-required keeps the meaning.
    bound_field.form.use_required_attribute = False
    if bound_field.field.required and not isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        attrs["aria-required"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    return {
        "f": bound_field,
        "label": label or bound_field.label,
        "widget": bound_field.as_widget(attrs=attrs),
        "is_checkbox": isinstance(widget, forms.CheckboxInput),
        "is_multi": isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple),
    }


@register.simple_tag(takes_context=True)
def query(context, **changes):
    """The current query string with some parameters changed (for sorting, filters and pages)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(sorted(params.items()))


# Every amount on screen: € 4.800,00 (bzt.bedragen, also used by the jaarmonitor's PDF and exports).
register.filter("bedrag", bedrag)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")


# One status badge for every list and page (templates/includes/status.html): the colour says what the state
# asks of the reader. Codes not named here are neutral (info). Codes are shared across models on purpose:
# "open" is an open action, escalation or agenda item alike.
STATUS_VARIANT = {
    # needs attention now
    "opgeschaald": "danger",
    "verlopen": "danger",
    # waiting for someone
    "ontvangen": "warning",
    "in_triage": "warning",
    "wacht_op_mdo": "warning",
    "op_mdo_agenda": "warning",
    "ingediend": "warning",
    "plan_in_opstelling": "warning",
    "aangehouden": "warning",
    "open": "warning",
    # done or settled
    "afgesloten": "ok",
    "gereed": "ok",
    "vastgesteld": "ok",
    "beantwoord": "ok",
    "gedeescaleerd": "ok",
    "toegewezen": "ok",
    "verwezen": "ok",
    "bij_casus": "ok",
    "overgedragen": "ok",
}


@register.inclusion_tag("includes/status.html")
def status(obj, veld="status"):
    """The status badge of `obj` (any model with a `status` choice field, or another field named `veld`)."""
    code = getattr(obj, veld, "") or ""
    weergave = getattr(obj, f"get_{veld}_display", None)
    label = weergave() if weergave else code
    return {"code": code, "label": label[:1].upper() + label[1:], "variant": STATUS_VARIANT.get(code, "info")}


@register.inclusion_tag("includes/sorteerkop.html", takes_context=True)
def sorteerkop(context, label, sleutel, numeriek=False):
    """A column header that sorts the list by `sleutel` (a key of the list's bzt.sortering.Sortering; the
    view puts its Stand in the context as `sortering`): ascending first, then the other way."""
    stand = context.get("sortering")
    if stand is None:  # the same table shown unsorted (a dashboard card): a plain header
        return {"label": label, "href": "", "aria": "", "numeriek": numeriek}
    actief = stand.sleutel == sleutel
    volgende = f"-{sleutel}" if actief and not stand.aflopend else sleutel
    aria = ("descending" if stand.aflopend else "ascending") if actief else "none"
    href = query(context, **{stand.param: volgende, "pagina": None})
    return {"label": label, "href": href, "aria": aria, "numeriek": numeriek}


@register.filter
def paginanummers(page):
    return _paginanummers(page)


@register.inclusion_tag("includes/kruimelpad.html")
def kruimelpad(*delen):
    """Breadcrumbs of a detail page: `{% kruimelpad "Mijn casussen" url "C2026-00042" %}`, pairs of label and
    URL up to the current page's label last; "Start" comes first by itself."""
    *paren, huidig = delen
    stappen = [(paren[i], paren[i + 1]) for i in range(0, len(paren) - 1, 2) if paren[i]]
    return {"stappen": stappen, "huidig": huidig}


@register.inclusion_tag("includes/formfouten.html")
def formfouten(*forms, tekst="Het formulier is nog niet opgeslagen. Verbeter de volgende punten:"):
    """The error summary at the top of a form: the form-wide errors, and per invalid field a link to it
    (`href="#id_…"`, the id its label points at). Takes forms and formsets; shows nothing without errors."""
    algemeen, velden = [], []
    for form in forms:
        if form is None or not getattr(form, "is_bound", False):
            continue
        if hasattr(form, "forms"):  # a formset: its own errors, then each form's
            algemeen.extend(form.non_form_errors())
            leden = form.forms
        else:
            leden = [form]
        for lid in leden:
            algemeen.extend(lid.non_field_errors())
            for naam, fouten in lid.errors.items():
                if naam == NON_FIELD_ERRORS or naam not in lid.fields:
                    continue
                veld = lid[naam]
                velden.extend({"id": veld.id_for_label or veld.auto_id, "label": veld.label, "fout": f} for f in fouten)
    return {"algemeen": algemeen, "velden": velden, "tekst": tekst}
