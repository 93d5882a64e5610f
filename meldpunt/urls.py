from django.urls import path

from . import views

app_name = "meldpunt"

urlpatterns = [
    path("", views.wachtrij, name="wachtrij"),
    path("meldingen/nieuw/", views.melding_nieuw, name="melding_nieuw"),
    path("meldingen/<int:pk>/", views.melding, name="melding"),
    path("meldingen/<int:pk>/in-triage/", views.melding_in_triage, name="melding_in_triage"),
    path("meldingen/<int:pk>/triage/", views.melding_triage, name="melding_triage"),
    path("meldingen/<int:pk>/mdo-agenda/", views.melding_op_agenda, name="melding_op_agenda"),
    path("meldingen/<int:pk>/wvggz/", views.melding_wvggz, name="melding_wvggz"),
    path("meldingen/<int:pk>/terugkoppeling/", views.melding_terugkoppeling, name="melding_terugkoppeling"),
    path("zoeken/", views.zoeken, name="zoeken"),
    path("personen/<int:pk>/", views.persoon, name="persoon"),
    path(
        "personen/<int:pk>/koppelingen/<int:koppeling_pk>/opheffen/",
        views.koppeling_opheffen,
        name="koppeling_opheffen",
    ),
]
