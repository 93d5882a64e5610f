from django.urls import path

from . import views

app_name = "avg"

urlpatterns = [
    path("", views.verzoeken, name="verzoeken"),
    path("nieuw/", views.nieuw, name="nieuw"),
    path("<int:pk>/", views.verzoek, name="verzoek"),
    path("<int:pk>/<str:actie>/", views.actie, name="actie"),
    path("export/<int:pk>/", views.export, name="export"),
    path("export/<int:pk>/download.<str:formaat>", views.export_download, name="export_download"),
    path("export/<int:pk>/vrijgeven/", views.export_vrijgeven, name="export_vrijgeven"),
]
