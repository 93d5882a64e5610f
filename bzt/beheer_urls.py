"""Functioneel beheer: accounts and organisations (bzt.beheer_views), settings (bzt.instellingen_views), the
reference lists (keten.beheer_urls), and the one-time first-password link."""

from django.urls import include, path

from . import beheer_views as views
from . import instellingen_views

app_name = "beheer"

urlpatterns = [
    path("beheer/accounts/", views.accounts, name="accounts"),
    path("beheer/accounts/nieuw/", views.account_nieuw, name="account_nieuw"),
    path("beheer/accounts/<int:pk>/", views.account, name="account"),
    path("beheer/accounts/<int:pk>/deactiveren/", views.account_deactiveren, name="account_deactiveren"),
    path("beheer/accounts/<int:pk>/heractiveren/", views.account_heractiveren, name="account_heractiveren"),
    path("beheer/accounts/<int:pk>/tweestaps-herstellen/", views.tweestaps_resetten, name="tweestaps_resetten"),
    path("beheer/organisaties/", views.organisaties, name="organisaties"),
    path("beheer/organisaties/nieuw/", views.organisatie_nieuw, name="organisatie_nieuw"),
    path("beheer/organisaties/<int:pk>/", views.organisatie, name="organisatie"),
    path("beheer/organisaties/<int:pk>/deactiveren/", views.organisatie_deactiveren, name="organisatie_deactiveren"),
    path("beheer/organisaties/<int:pk>/heractiveren/", views.organisatie_heractiveren, name="organisatie_heractiveren"),
    path("beheer/gemeenten/", views.gemeenten, name="gemeenten"),
    path("beheer/gemeenten/nieuw/", views.gemeente_nieuw, name="gemeente_nieuw"),
    path("beheer/gemeenten/<int:pk>/", views.gemeente, name="gemeente"),
    path("beheer/instellingen/", instellingen_views.instellingen_lijst, name="instellingen"),
    path("beheer/instellingen/<str:sleutel>/", instellingen_views.instelling, name="instelling"),
    # The reference lists of the domain apps: named, not imported (bzt imports no domain app).
    path("beheer/", include("keten.beheer_urls")),
    # Outside /beheer/: opened by the new user, not logged in.
    path(
        "account/wachtwoord-instellen/<uidb64>/<token>/",
        views.WachtwoordInstellenView.as_view(),
        name="wachtwoord_instellen",
    ),
    path("account/wachtwoord-ingesteld/", views.WachtwoordIngesteldView.as_view(), name="wachtwoord_ingesteld"),
]
