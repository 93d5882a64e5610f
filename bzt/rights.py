"""Every right defined once: per action, who may do it (any one of some permissions, held through the role or
on the object's casus, or a rule), on which object and in which state.

Each app declares its table in its `rechten.py` (`RECHTEN = Rechten(...)`). Views ask `mag(user, actie, obj)` to
show a button and `vereist` (or the `recht_vereist` decorator) to guard a request, 403 before a form is read;
services call `vereist` before they write and lock the object through the same OpenStates or transition table,
so a button is shown exactly when the service would accept the action. An action that changes a state takes its
states and permissions from the transition in the app's workflow.py. The permission matrix test reads the tables
(`Rechten.rollen`) to check that every guarded URL answers exactly the roles that hold its right.
"""

from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import PermissionDenied

from bzt.roles import ROLES
from bzt.workflow import OpenStates, Transition, Workflow, holds_right

GEEN_RECHT = "U heeft geen recht op deze handeling."


@dataclass(frozen=True)
class Recht:
    """An action that does not change a state: allowed while `open` (with `actie`, its OpenStates rule) holds
    for the object (always, without `open` or without an object), to whoever holds one of `permissions` (on the
    object it belongs to: `owner`)."""

    permissions: tuple
    open: OpenStates | None = None
    actie: str | None = None
    owner: str | None = None
    denied: str = GEEN_RECHT

    def is_open(self, obj):
        return self.open is None or obj is None or self.open.is_open(obj, self.actie)

    def owner_of(self, obj):
        return getattr(obj, self.owner) if self.owner and obj is not None else obj


@dataclass(frozen=True)
class Overgang:
    """An action that is a transition: its states and permissions are the workflow table's."""

    workflow: Workflow
    naam: str

    @property
    def transition(self) -> Transition:
        return self.workflow[self.naam]

    @property
    def permissions(self):
        return self.transition.permissions

    @property
    def denied(self):
        return self.transition.denied or f"U heeft geen recht op: {self.transition.label}."

    def is_open(self, obj):
        return obj is None or self.workflow.is_open(self.naam, obj)

    def owner_of(self, obj):
        return getattr(obj, self.workflow.owner) if self.workflow.owner and obj is not None else obj


class Rechten(dict):
    """One app's rights: {actie: Recht | Overgang}."""

    def mag(self, user, actie, obj=None) -> bool:
        """Whether `user` may do `actie` on `obj` now (as loaded): its state is open for it and the right is held."""
        return self[actie].is_open(obj) and self.heeft(user, actie, obj)

    def heeft(self, user, actie, obj=None) -> bool:
        """Whether `user` holds the right for `actie` on `obj`, whatever its state (the view's 403 guard)."""
        recht = self[actie]
        owner = recht.owner_of(obj)
        return any(holds_right(user, p, owner) for p in recht.permissions)

    def vereist(self, user, actie, obj=None):
        """Raise PermissionDenied unless `user` holds the right for `actie` on `obj`. Services call this before
        they write; the state is checked by the lock they take through the same table."""
        if not self.heeft(user, actie, obj):
            raise PermissionDenied(self[actie].denied)

    def recht_vereist(self, actie):
        """View decorator: 403 unless the user holds the right for `actie` through their role."""

        def decorator(view):
            @wraps(view)
            def guarded(request, *args, **kwargs):
                self.vereist(request.user, actie)
                return view(request, *args, **kwargs)

            return guarded

        return decorator

    def rollen(self, actie) -> set[str]:
        """The role groups whose permissions hold `actie` through the role (rules and per-object grants aside)."""
        permissions = {p for p in self[actie].permissions if isinstance(p, str)}
        return {role.group for role in ROLES if permissions & set(role.permissions)}
