from django.conf import settings


def branding(request):
    return {"GEMEENTE": settings.BZT_GEMEENTE, "HUISSTIJL_KLEUR": settings.BZT_HUISSTIJL_KLEUR}


def notificaties(request):
    """The count of unread notifications in the header (one indexed count per page)."""
    from .notifications import ongelezen

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"ONGELEZEN_NOTIFICATIES": ongelezen(user).count()}
