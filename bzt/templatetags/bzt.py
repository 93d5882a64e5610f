"""Template helpers: accessible form fields on the NL Design System, Dutch dates, query strings."""

from django import forms, template
from django.utils.http import urlencode

from bzt.bedragen import bedrag

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
