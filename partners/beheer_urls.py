from django.urls import path

from . import beheer_views as views

app_name = "partnerbeheer"

urlpatterns = [
    path("", views.overzicht, name="overzicht"),
    path("organisaties/<int:pk>/", views.organisatie, name="organisatie"),
    path("organisaties/<int:pk>/sleutels/nieuw/", views.sleutel_nieuw, name="sleutel_nieuw"),
    path("sleutels/<int:pk>/intrekken/", views.sleutel_intrekken, name="sleutel_intrekken"),
    path("terugmeldingen/<int:pk>/opnieuw/", views.terugmelding_opnieuw, name="terugmelding_opnieuw"),
]
