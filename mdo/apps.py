from django.apps import AppConfig


class MdoConfig(AppConfig):
    name = "mdo"
    verbose_name = "MDO"

    def ready(self):
        from casusregie import hooks, timeline

        from . import selectors, services

        hooks.plan_ingediend.connect(services.agendapunt_voor_plan, dispatch_uid="mdo.agendapunt_voor_plan")
        timeline.BRONNEN.register(selectors.besluiten_in_tijdlijn)
