from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("meldingen/", views.meldingen, name="meldingen"),
    path("meldingen/nieuw/", views.melding_nieuw, name="melding_nieuw"),
]
