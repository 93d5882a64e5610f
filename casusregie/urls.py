from django.urls import path

from . import correctie_views, views

app_name = "casusregie"
# The dashboard (keten.dashboard) joins these under /casussen/ in keten.casusregie_urls.

urlpatterns = [
    path("", views.mijn_casussen, name="mijn_casussen"),
    path("acties/", views.mijn_acties, name="mijn_acties"),
    path("noodtoegangen/", views.noodtoegangen, name="noodtoegangen"),
    path("<int:pk>/", views.dossier, name="dossier"),
    path("<int:pk>/noodtoegang/", views.noodtoegang, name="noodtoegang"),
    path("<int:pk>/journaal/", views.journaal_toevoegen, name="journaal_toevoegen"),
    path("<int:pk>/betrokkenen/", views.betrokkene_toevoegen, name="betrokkene_toevoegen"),
    path(
        "<int:pk>/betrokkenen/<int:betrokkene_pk>/verwijderen/",
        views.betrokkene_verwijderen,
        name="betrokkene_verwijderen",
    ),
    path("<int:pk>/professionals/", views.professionals_zoeken, name="professionals_zoeken"),
    path("<int:pk>/overdragen/", views.overdragen, name="overdragen"),
    path("<int:pk>/regisseurs/", views.regisseurs_zoeken, name="regisseurs_zoeken"),
    path("<int:pk>/escaleren/", views.escaleren, name="escaleren"),
    path("<int:pk>/afsluiten/", views.afsluiten, name="afsluiten"),
    path("<int:pk>/verhuizen/", views.verhuizen, name="verhuizen"),
    path("<int:pk>/afsluiten/procesmanager/", views.afsluiten_procesmanager, name="afsluiten_procesmanager"),
    path("<int:pk>/wachtlijst/", views.wachtlijst_melden, name="wachtlijst_melden"),
    # corrections after the MDO (casusregie.correcties) and a waiting list solved
    path("<int:pk>/melding/corrigeren/", correctie_views.melding_corrigeren, name="melding_corrigeren"),
    path(
        "<int:pk>/personen/<int:persoon_pk>/corrigeren/", correctie_views.persoon_corrigeren, name="persoon_corrigeren"
    ),
    path("<int:pk>/huishouden/", correctie_views.huishoudlid_toevoegen, name="huishoudlid_toevoegen"),
    path(
        "<int:pk>/huishouden/<int:betrokkene_pk>/vertrokken/",
        correctie_views.huishoudlid_verwijderen,
        name="huishoudlid_verwijderen",
    ),
    path(
        "<int:pk>/wachtlijsten/<int:wachtlijst_pk>/opgelost/",
        correctie_views.wachtlijst_opgelost,
        name="wachtlijst_opgelost",
    ),
    path("<int:pk>/plan/nieuwe-versie/", views.nieuwe_planversie, name="nieuwe_planversie"),
    path("plannen/<int:pk>/", views.plan, name="plan"),
    path("plannen/<int:pk>/pdf/", views.plan_pdf, name="plan_pdf"),
    path("plannen/<int:pk>/doel/", views.doel_toevoegen, name="doel_toevoegen"),
    path("plannen/<int:pk>/actie/", views.actie_toevoegen, name="actie_toevoegen"),
    path("plannen/<int:pk>/indienen/", views.plan_indienen, name="plan_indienen"),
    path("acties/<int:pk>/status/", views.actie_status, name="actie_status"),
    path("acties/<int:pk>/overdragen/", views.actie_overdragen, name="actie_overdragen"),
    path("nazorg/<int:pk>/", views.nazorg_vastleggen, name="nazorg_vastleggen"),
    path("nazorg/<int:pk>/gemeld/", views.nazorg_gemeld, name="nazorg_gemeld"),
    path("doelen/<int:pk>/bewerken/", views.doel_bewerken, name="doel_bewerken"),
    path("doelen/<int:pk>/verwijderen/", views.doel_verwijderen, name="doel_verwijderen"),
    path("doelen/<int:pk>/resultaat/", views.doel_resultaat, name="doel_resultaat"),
    path("acties/<int:pk>/bewerken/", views.actie_bewerken, name="actie_bewerken"),
    path("acties/<int:pk>/verwijderen/", views.actie_verwijderen, name="actie_verwijderen"),
    path("meldingen/<int:pk>/bij-casus/", views.melding_bij_casus, name="melding_bij_casus"),
    path("<int:pk>/expertvraag/", views.expertvraag_stellen, name="expertvraag_stellen"),
    path("expertvragen/", views.expertvragen, name="expertvragen"),
    path("expertvragen/<int:pk>/antwoord/", views.expertvraag_beantwoorden, name="expertvraag_beantwoorden"),
    path("escalaties/", views.escalaties, name="escalaties"),
    path("escalaties/<int:pk>/", views.escalatie, name="escalatie"),
]
