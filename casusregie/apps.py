from django.apps import AppConfig


class CasusregieConfig(AppConfig):
    name = "casusregie"
    verbose_name = "Casusregie"

    def ready(self):
        from django.db.models.signals import post_migrate

        from .reference import ensure_reference_data
        from .selectors import permission_id

        post_migrate.connect(ensure_reference_data, sender=self, dispatch_uid="casusregie.reference")
        # A flush (TransactionTestCase) recreates the permissions with new ids.
        post_migrate.connect(
            lambda **kwargs: permission_id.cache_clear(), weak=False, dispatch_uid="casusregie.perm_ids"
        )
