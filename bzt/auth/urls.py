from django.conf import settings
from django.urls import include, path

from . import views

urlpatterns = [
    path("inloggen/code/", views.tweestaps_controleren, name="tweestaps_controleren"),
    path("inloggen/tweestaps-instellen/", views.tweestaps_instellen, name="tweestaps_instellen"),
    path("sessie/verlengen/", views.sessie_verlengen, name="sessie_verlengen"),
    path("sessie/bewaarde-invoer/", views.invoer_herstellen, name="invoer_herstellen"),
    path("account/tweestapsverificatie/", views.tweestaps_overzicht, name="tweestaps_overzicht"),
]

if settings.BZT_OIDC:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
