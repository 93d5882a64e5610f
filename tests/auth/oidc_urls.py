"""The project's urls with the OIDC urls, as bzt/urls.py has them when OIDC_RP_CLIENT_ID is set."""

from django.urls import include, path

from bzt.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("oidc/", include("mozilla_django_oidc.urls")), *project_urlpatterns]
