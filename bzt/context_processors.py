from django.conf import settings


def branding(request):
    return {"GEMEENTE": settings.BZT_GEMEENTE, "HUISSTIJL_KLEUR": settings.BZT_HUISSTIJL_KLEUR}
