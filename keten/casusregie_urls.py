"""/casussen/: casusregie's pages and the procesmanager's dashboard (keten.dashboard) in one namespace, so
the URL names stay casusregie:dashboard, ... while casusregie itself does not import the dashboard."""

from django.urls import path

from casusregie.urls import app_name
from casusregie.urls import urlpatterns as casusregie_urlpatterns

from . import dashboard

urlpatterns = [
    *casusregie_urlpatterns[:1],
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/escalaties/", dashboard.escalaties_lijst, name="dashboard_escalaties"),
    path("dashboard/signalen/", dashboard.signalen_lijst, name="dashboard_signalen"),
    path("dashboard/caseload/", dashboard.caseload_lijst, name="dashboard_caseload"),
    path("dashboard/signalen-berekenen/", dashboard.signalen_berekenen, name="signalen_berekenen"),
    path("dashboard/noodtoegang/<int:pk>/beoordelen/", dashboard.noodtoegang_beoordelen, name="noodtoegang_beoordelen"),
    *casusregie_urlpatterns[1:],
]
__all__ = ["app_name", "urlpatterns"]
