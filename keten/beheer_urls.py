"""The reference-list screens of functioneel beheer that read casusregie (keten.beheer_views). No app_name: bzt's
beheer_urls includes this module by name, so these URLs are in the `beheer:` namespace."""

from django.urls import path

from . import beheer_views as views

urlpatterns = [
    path("afsluitredenen/", views.afsluitredenen, name="afsluitredenen"),
    path("afsluitredenen/nieuw/", views.afsluitreden_nieuw, name="afsluitreden_nieuw"),
    path("afsluitredenen/<int:pk>/", views.afsluitreden, name="afsluitreden"),
    path("afsluitredenen/<int:pk>/deactiveren/", views.afsluitreden_deactiveren, name="afsluitreden_deactiveren"),
    path("afsluitredenen/<int:pk>/heractiveren/", views.afsluitreden_heractiveren, name="afsluitreden_heractiveren"),
]
urlpatterns += [
    path("escalatieladder/", views.escalatieniveaus, name="escalatieniveaus"),
    path("escalatieladder/nieuw/", views.escalatieniveau_nieuw, name="escalatieniveau_nieuw"),
    path("escalatieladder/<int:pk>/", views.escalatieniveau, name="escalatieniveau"),
    path(
        "escalatieladder/<int:pk>/deactiveren/", views.escalatieniveau_deactiveren, name="escalatieniveau_deactiveren"
    ),
    path(
        "escalatieladder/<int:pk>/heractiveren/",
        views.escalatieniveau_heractiveren,
        name="escalatieniveau_heractiveren",
    ),
    path("escalatiesoorten/", views.escalatiesoorten, name="escalatiesoorten"),
    path("escalatiesoorten/nieuw/", views.escalatiesoort_nieuw, name="escalatiesoort_nieuw"),
    path("escalatiesoorten/<int:pk>/", views.escalatiesoort, name="escalatiesoort"),
    path("escalatiesoorten/<int:pk>/deactiveren/", views.escalatiesoort_deactiveren, name="escalatiesoort_deactiveren"),
    path(
        "escalatiesoorten/<int:pk>/heractiveren/", views.escalatiesoort_heractiveren, name="escalatiesoort_heractiveren"
    ),
]
urlpatterns += [
    path("expertteams/", views.expertteams, name="expertteams"),
    path("expertteams/nieuw/", views.expertteam_nieuw, name="expertteam_nieuw"),
    path("expertteams/<int:pk>/", views.expertteam, name="expertteam"),
    path("expertteams/<int:pk>/deactiveren/", views.expertteam_deactiveren, name="expertteam_deactiveren"),
    path("expertteams/<int:pk>/heractiveren/", views.expertteam_heractiveren, name="expertteam_heractiveren"),
]
urlpatterns += [
    path("budget/", views.budget, name="budget"),
    path("budget/<int:pk>/", views.budgetregel, name="budgetregel"),
    path("budget/<int:pk>/verwijderen/", views.budgetregel_verwijderen_view, name="budgetregel_verwijderen"),
]
