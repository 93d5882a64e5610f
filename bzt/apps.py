from django.apps import AppConfig


class BztConfig(AppConfig):
    name = "bzt"
    verbose_name = "BZT basis"

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save, pre_save

        from .gemeenten import codes_vergeten, ensure_eigen_gemeente
        from .plausible_dates import refuse_impossible_dates
        from .roles import sync_role_permissions

        # Permissions of apps added later are given to the roles as soon as they exist.
        post_migrate.connect(sync_role_permissions, dispatch_uid="bzt.sync_role_permissions")
        post_migrate.connect(ensure_eigen_gemeente, sender=self, dispatch_uid="bzt.ensure_eigen_gemeente")
        post_save.connect(codes_vergeten, sender="bzt.Gemeente", dispatch_uid="bzt.codes_vergeten_save")
        post_delete.connect(codes_vergeten, sender="bzt.Gemeente", dispatch_uid="bzt.codes_vergeten_delete")
        pre_save.connect(refuse_impossible_dates, dispatch_uid="bzt.refuse_impossible_dates")
