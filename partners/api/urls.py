"""Partner API v1: Dutch resource names, no trailing slashes (NL API Design Rules)."""

from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("openapi.json", views.OpenApiView.as_view(), name="openapi"),
    path("meldingen", views.MeldingenView.as_view(), name="meldingen"),
    path("meldingen/<uuid:id>", views.MeldingView.as_view(), name="melding"),
]
