from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import bestandstaak_views, notificatie_views, views

urlpatterns = [
    path("", include("keten.urls")),  # the start pages and the access log
    path("inloggen/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("bzt.auth.urls")),  # the second step (2FA), enrolment, optional OIDC at /oidc/
    path("huisstijl.css", views.huisstijl_css, name="huisstijl_css"),
    path("healthz", views.healthz, name="healthz"),
    path("beheer/inactieve-accounts/", views.inactieve_accounts_blokkeren, name="inactieve_accounts_blokkeren"),
    path("berichten/", notificatie_views.notificaties, name="notificaties"),
    path("berichten/<int:pk>/", notificatie_views.notificatie_openen, name="notificatie_openen"),
    path("berichten/alles-gelezen/", notificatie_views.alles_gelezen, name="notificaties_alles_gelezen"),
    path("berichten/instellingen/", notificatie_views.notificatie_instellingen, name="notificatie_instellingen"),
    path("taken/<int:pk>/", bestandstaak_views.taak, name="bestandstaak"),
    path("taken/<int:pk>/opnieuw/", bestandstaak_views.taak_opnieuw, name="bestandstaak_opnieuw"),
    path("taken/<int:pk>/download/", bestandstaak_views.taak_download, name="bestandstaak_download"),
    path("", include("bzt.beheer_urls")),  # functioneel beheer: accounts, organisations; the first-password link
    path("meldpunt/", include("meldpunt.urls")),
    path("mdo/", include("mdo.urls")),
    path("casussen/", include("keten.casusregie_urls")),  # casusregie.urls plus the dashboard
    path("jaarmonitor/", include("monitor.urls")),
    path("avg/", include("avg.urls")),  # the privacy officer's AVG requests (docs/avg.md)
    path("operator/", admin.site.urls),
    path("partner/", include("partners.urls")),  # a partner's professional: file a melding, see their status
    path("beheer/partners/", include("partners.beheer_urls")),  # functioneel beheer: API keys, callbacks
    path("api/v1/", include("partners.api.urls")),  # the partner API (docs/api.md)
]
