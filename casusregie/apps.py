from django.apps import AppConfig


class CasusregieConfig(AppConfig):
    name = "casusregie"
    verbose_name = "Casusregie"

    def ready(self):
        from django.db.models.signals import post_migrate

        from bzt.auth.services import Objectrechten, objectrechten_registreren
        from bzt.bestandstaken import registreren
        from meldpunt import hooks

        from . import permissions, plan_pdf, services
        from .reference import ensure_reference_data
        from .selectors import noodtoegang_op_meldingpagina, permission_id

        # Per-casus grants: holding one needs 2FA; a role change away from casus work revokes them (bzt).
        objectrechten_registreren(
            Objectrechten(
                rolpermissie=permissions.CASUSWERK,
                houdt=permissions.houdt_casusrecht,
                mag_houden=permissions.mag_casusrecht_houden,
                intrekken=services.casusrechten_intrekken,
            )
        )

        registreren(plan_pdf.SOORT)
        hooks.TOEGEWEZEN_MELDING_PAGINA.register(noodtoegang_op_meldingpagina)
        from .views import open_casus_op_meldingpagina

        hooks.OPEN_MELDING_PAGINA.register(open_casus_op_meldingpagina)
        post_migrate.connect(ensure_reference_data, sender=self, dispatch_uid="casusregie.reference")
        # A flush (TransactionTestCase) recreates the permissions with new ids.
        post_migrate.connect(
            lambda **kwargs: permission_id.cache_clear(), weak=False, dispatch_uid="casusregie.perm_ids"
        )
