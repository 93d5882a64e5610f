from django.urls import path

from . import inzage_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("inzagelog/", inzage_views.inzagelog, name="inzagelog"),
    path("inzagelog/export/", inzage_views.inzagelog_export, name="inzagelog_export"),
]
