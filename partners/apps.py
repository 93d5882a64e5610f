from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partnerorganisaties (webformulier en API)"

    def ready(self):
        from bzt.notifications import GEBEURD

        from .terugmeldingen import statuswijziging_verwerken

        GEBEURD.register(statuswijziging_verwerken)
