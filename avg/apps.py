from django.apps import AppConfig


class AvgConfig(AppConfig):
    name = "avg"
    verbose_name = "AVG-verzoeken"

    def ready(self):
        from bzt.bestandstaken import registreren
        from keten.hooks import STARTPAGINA

        from . import bestanden
        from .selectors import startpagina

        STARTPAGINA.register(startpagina)
        registreren(bestanden.SOORT)
