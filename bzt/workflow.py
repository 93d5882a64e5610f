"""Allowed state transitions as data, checked in one place.

Each app declares its transitions as a table (like Signalen's ALLOWED_STATUS_CHANGES); its services
call `check` before changing a state, so no view or task sets a status by hand.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError


class TransitionNotAllowed(ValidationError):
    """The object is not in a state from which this transition may happen (shown to the user as a message)."""


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset
    target: str
    permissions: tuple  # any one of these, held globally or on the object

    def __init__(self, name, sources, target, permission):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "sources", frozenset(sources))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "permissions", (permission,) if isinstance(permission, str) else tuple(permission))


class Workflow:
    def __init__(self, *transitions):
        self.transitions = {t.name: t for t in transitions}

    def __getitem__(self, name):
        return self.transitions[name]

    def allowed_from(self, state):
        return [t for t in self.transitions.values() if state in t.sources]

    def check(self, name, *, state, user, obj=None):
        """Return the transition if `user` may do it from `state`; raise otherwise."""
        transition = self.transitions[name]
        if state not in transition.sources:
            raise TransitionNotAllowed(f"'{name}' kan niet vanuit status '{state}'.")
        if not any(_has(user, p, obj) for p in transition.permissions):
            raise PermissionDenied(f"Geen recht op '{name}'.")
        return transition


def _has(user, perm, obj):
    """A role (global) permission, or an object permission on `obj` when the permission is of its app."""
    if user.has_perm(perm):
        return True
    return obj is not None and perm.split(".")[0] == obj._meta.app_label and user.has_perm(perm, obj)
