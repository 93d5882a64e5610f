from django.conf import settings


def branding(request):
    from .gemeenten import is_regio

    # REGIO is called (one query) only by a template that asks: `{% if REGIO %}` shows the gemeente in a region.
    return {"GEMEENTE": settings.BZT_GEMEENTE, "HUISSTIJL_KLEUR": settings.BZT_HUISSTIJL_KLEUR, "REGIO": is_regio}


def notificaties(request):
    """The count of unread notifications in the header (one indexed count per page)."""
    from .notifications import ongelezen

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"ONGELEZEN_NOTIFICATIES": ongelezen(user).count()}
