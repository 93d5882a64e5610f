from django.urls import path

from . import correctie_views, views

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
    # corrections after saving (meldpunt.correcties)
    path("meldingen/<int:pk>/corrigeren/", correctie_views.melding_corrigeren, name="melding_corrigeren"),
    path(
        "meldingen/<int:pk>/personen/<int:persoon_pk>/corrigeren/",
        correctie_views.persoon_corrigeren,
        name="persoon_corrigeren",
    ),
    path("meldingen/<int:pk>/huishouden/", correctie_views.huishoudlid_toevoegen, name="huishoudlid_toevoegen"),
    path(
        "meldingen/<int:pk>/huishouden/<int:betrokkene_pk>/vertrokken/",
        correctie_views.huishoudlid_verwijderen,
        name="huishoudlid_verwijderen",
    ),
    path("meldingen/<int:pk>/hertriage/", correctie_views.hertriage, name="hertriage"),
    path("zoeken/", views.zoeken, name="zoeken"),
    path("personen/<int:pk>/", views.persoon, name="persoon"),
    path(
        "personen/<int:pk>/koppelingen/<int:koppeling_pk>/opheffen/",
        views.koppeling_opheffen,
        name="koppeling_opheffen",
    ),
]
