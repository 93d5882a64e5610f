from django.urls import path

from . import views

app_name = "monitor"

urlpatterns = [
    path("", views.index, name="index"),
    path("rapporten/<int:pk>/status/", views.rapport_status, name="rapport_status"),
    path("rapporten/<int:pk>/opnieuw/", views.rapport_opnieuw, name="rapport_opnieuw"),
    path("rapporten/<int:pk>/download/", views.rapport_download, name="rapport_download"),
    path("<int:jaar>/", views.voorbeeld, name="voorbeeld"),
    path("<int:jaar>/csv", views.download_csv, name="csv"),
    path("<int:jaar>/xlsx", views.download_xlsx, name="xlsx"),
    path("<int:jaar>/budget/", views.budget, name="budget"),
]
