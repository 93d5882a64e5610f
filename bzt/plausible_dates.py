"""No impossible date reaches the database, whatever path writes it.

A pre_save check on every model of the project's own apps (not Django's or a library's): a date before 1900 or
more than ten years ahead is refused with a Dutch ValidationError naming the field, which the views show as a
message like any other refusal of a service. Forms and the import refuse earlier and more precisely (a date of
birth in the future, say); this catches the paths that have no form.
"""

from django.conf import settings
from django.core.exceptions import ValidationError

from .validators import onmogelijke_datums


def _own_app(sender) -> bool:
    path = getattr(sender._meta.app_config, "path", "")
    return str(path).startswith(str(settings.BASE_DIR)) and "site-packages" not in str(path)


def refuse_impossible_dates(sender, instance, raw=False, **kwargs):
    if raw or not _own_app(sender):
        return
    problemen = onmogelijke_datums(instance)
    if problemen:
        raise ValidationError(problemen)
