from django.urls import path

from . import views

app_name = "mdo"

urlpatterns = [
    path("", views.overleggen, name="overleggen"),
    path("mijn-punten/", views.mijn_punten, name="mijn_punten"),
    path("mijn-punten/agenderen/", views.casus_agenderen, name="casus_agenderen"),
    path("<int:pk>/", views.overleg, name="overleg"),
    path("meldingen/<int:pk>/heroverwegen/", views.heroverwegen, name="heroverwegen"),
    path("<int:pk>/agenda-bijwerken/", views.agenda_bijwerken, name="agenda_bijwerken"),
    path("<int:pk>/punten/<int:punt_pk>/verplaatsen/", views.verplaatsen, name="verplaatsen"),
    path("<int:pk>/punten/<int:punt_pk>/besluit/", views.besluit, name="besluit"),
    path("<int:pk>/punten/<int:punt_pk>/regisseurs/", views.regisseurs_zoeken, name="regisseurs_zoeken"),
    path("<int:pk>/casusbespreking/", views.casusbespreking, name="casusbespreking"),
    path("<int:pk>/casussen/", views.casussen_zoeken, name="casussen_zoeken"),
    path("<int:pk>/aanwezigen/", views.aanwezigen_zoeken, name="aanwezigen_zoeken"),
    path("<int:pk>/afronden/", views.afronden, name="afronden"),
    path("<int:pk>/agenda/print/", views.agenda_print, name="agenda_print"),
    path("<int:pk>/besluiten/print/", views.besluiten_print, name="besluiten_print"),
    path("<int:pk>/agenda/pdf/", views.agenda_pdf, name="agenda_pdf"),
    path("<int:pk>/besluiten/pdf/", views.besluiten_pdf, name="besluiten_pdf"),
]
