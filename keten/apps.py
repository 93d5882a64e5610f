from django.apps import AppConfig


class KetenConfig(AppConfig):
    name = "keten"
    verbose_name = "Keten"
