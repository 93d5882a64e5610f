from django.apps import AppConfig


class KetenConfig(AppConfig):
    name = "keten"
    verbose_name = "Keten"

    def ready(self):
        from bzt.notifications import GEBEURD

        from .notificaties import verwerken

        GEBEURD.register(verwerken)
