"""Object permissions on a casus count only while the reason for the grant holds.

django-guardian answers `user.has_perm("casusregie.change_casus", casus)` from the permission rows; this
backend (in AUTHENTICATION_BACKENDS instead of guardian's own) also asks casusregie.selectors.casusrecht_geldig,
so the views' guards, the workflow and the services compare the dates and states at request time and do not
wait for the nightly job that removes the rows.
"""

from guardian.backends import ObjectPermissionBackend


class CasusObjectPermissionBackend(ObjectPermissionBackend):
    def has_perm(self, user_obj, perm, obj=None):
        from .models import Casus
        from .selectors import holds_on

        if isinstance(obj, Casus):  # one statement on the grant's unique index, its reason included
            return perm.startswith("casusregie.") and holds_on(user_obj, perm, obj)
        return super().has_perm(user_obj, perm, obj)

    def get_all_permissions(self, user_obj, obj=None):
        permissions = super().get_all_permissions(user_obj, obj)
        return permissions if not permissions or self._geldig(user_obj, obj) else set()

    @staticmethod
    def _geldig(user_obj, obj):
        from .models import Casus
        from .selectors import casusrecht_geldig

        return not isinstance(obj, Casus) or casusrecht_geldig(user_obj, obj)
