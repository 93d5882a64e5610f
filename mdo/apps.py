from django.apps import AppConfig


class MdoConfig(AppConfig):
    name = "mdo"
    verbose_name = "MDO"

    def ready(self):
        from bzt.bestandstaken import registreren
        from casusregie import hooks, timeline

        from . import bestanden, selectors, services

        for soort in bestanden.SOORTEN:
            registreren(soort)

        hooks.plan_ingediend.connect(services.agendapunt_voor_plan, dispatch_uid="mdo.agendapunt_voor_plan")
        timeline.BRONNEN.register(selectors.besluiten_in_tijdlijn)
