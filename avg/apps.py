from django.apps import AppConfig


class AvgConfig(AppConfig):
    name = "avg"
    verbose_name = "AVG-verzoeken"

    def ready(self):
        from keten.hooks import STARTPAGINA

        from .selectors import startpagina

        STARTPAGINA.register(startpagina)
