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
    path("budget/", views.budget, name="budget"),
    path("budget/<int:pk>/", views.budgetregel, name="budgetregel"),
    path("budget/<int:pk>/verwijderen/", views.budgetregel_verwijderen_view, name="budgetregel_verwijderen"),
]
