"""Allowed state transitions as data, checked in one place.

Each app declares its transitions as a table (like Signalen's ALLOWED_STATUS_CHANGES); its services
call `check` before changing a state, so no view or task sets a status by hand. Likewise each app declares
per kind of object the states that are still open for actions (`OpenStates`); its services `lock` the object
through it before they write, so nothing acts on a closed casus, escalation, plan or MDO.
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


class OpenStates:
    """The states of one kind of object that are open for actions, per action, and the one check a service makes
    before it acts on such an object (or on something that belongs to it).

    `lock(obj, action)` locks the parent first (a plan's casus, an agenda item's MDO), then the object's own row
    (select_for_update, held until the transaction ends), reloads it and raises TransitionNotAllowed with the
    action's message when the state it finds is not open for the action. Two requests at once on one object are
    served one after the other, and the second is checked against the state the first left: a doorbraak
    recorded while the casus is being closed is refused. Parents are always locked before their children."""

    def __init__(self, field, states, refused, *, actions=None, parent=None):
        self.field = field
        self.rules = {None: (frozenset(states), refused)}
        self.rules.update({name: (frozenset(s), message) for name, (s, message) in (actions or {}).items()})
        self.parent = parent  # (attribute, OpenStates of the parent) or None

    def is_open(self, obj, action=None):
        """Whether `action` may act on `obj` as loaded (for showing a button; services use `lock`)."""
        if self.parent is not None and not self.parent[1].is_open(getattr(obj, self.parent[0])):
            return False
        return getattr(obj, self.field) in self.rules[action][0]

    def lock(self, obj, action=None):
        states, refused = self.rules[action]
        if self.parent is not None:
            attribute, guard = self.parent
            parent = guard.lock(getattr(obj, attribute))
        obj.refresh_from_db(from_queryset=type(obj)._default_manager.select_for_update())
        if self.parent is not None and getattr(obj, obj._meta.get_field(attribute).attname) != parent.pk:
            raise TransitionNotAllowed("Dit is intussen door iemand anders gewijzigd. Laad de pagina opnieuw.")
        if getattr(obj, self.field) not in states:
            raise TransitionNotAllowed(refused)
        return obj
