"""Every state machine as a table of data, and the one function that changes a state.

Each app declares in its `workflow.py` one `Workflow` per kind of object with a state (like Signalen's
ALLOWED_STATUS_CHANGES): which transition goes from which states to which state, and who may do it. A service
changes a state only through `transition(obj, name, door=...)`: it locks the row (after the parent it belongs to),
reloads it, checks the source state and the right (held globally, or on the object or the casus it belongs to),
sets the state and the other changed fields and saves once, so the history gets one record naming `door`.

Each app also declares per kind of object the states that are still open for actions (`OpenStates`): services
`lock` an object through it before writes that do not change its state (a journal line, a plan action), so
nothing acts on a closed casus, escalation, plan or MDO. Both lock the same way (`lock_row`).
"""

import importlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bzt.audit import acting_as
from bzt.notifications import gebeurd


class TransitionNotAllowed(ValidationError):
    """The object is not in a state from which this transition may happen (shown to the user as a message)."""


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset
    target: str
    permissions: tuple  # any one of these: a permission held globally or on the object, or a rule(user, obj)
    label: str  # what the user does, in Dutch ("het plan vaststellen"), for messages
    refused: str  # the message when the object is not in a source state ("" = built from the labels)
    denied: str  # the message when the user may not ("" = built from the label)

    def __init__(self, name, sources, target, permission, *, label=None, refused="", denied=""):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "sources", frozenset(sources))
        object.__setattr__(self, "target", target)
        single = isinstance(permission, str) or callable(permission)
        object.__setattr__(self, "permissions", (permission,) if single else tuple(permission))
        object.__setattr__(self, "label", label or name.replace("_", " "))
        object.__setattr__(self, "refused", refused)
        object.__setattr__(self, "denied", denied)


_WORKFLOWS = {}


class Workflow:
    """The transitions of one model. `field` holds the state; `owner` names the attribute whose object
    permissions count (a plan's or escalation's casus; None: the object itself); `parent` is (attribute,
    OpenStates): the parent is locked first and must be open (a plan's casus, an agenda item's MDO)."""

    def __init__(self, model, *transitions, field="status", owner=None, parent=None, labels=None):
        self.model = model
        self.transitions = {t.name: t for t in transitions}
        self.field = field
        self.owner = owner
        self.parent = parent
        self.labels = {**dict(model._meta.get_field(field).flatchoices), **(labels or {})}
        self.since = "status_sinds" if any(f.name == "status_sinds" for f in model._meta.fields) else None
        _WORKFLOWS[model] = self

    def __getitem__(self, name):
        return self.transitions[name]

    @property
    def states(self):
        return list(self.labels)

    def label(self, state):
        return str(self.labels.get(state, state))

    def check(self, name, *, state, user, obj=None):
        """Return the transition if `user` may do it from `state` on `obj`; raise otherwise."""
        transition = self.transitions[name]
        if state not in transition.sources:
            raise TransitionNotAllowed(transition.refused or self._refused(transition, state))
        owner = getattr(obj, self.owner) if obj is not None and self.owner else obj
        if not any(holds_right(user, p, owner) for p in transition.permissions):
            raise PermissionDenied(transition.denied or f"U heeft geen recht op: {transition.label}.")
        return transition

    def is_open(self, name, obj):
        """Whether `obj` as loaded (and its parent) is in a state from which `name` may happen: for showing a
        button; services `lock`."""
        if self.parent is not None and not self.parent[1].is_open(getattr(obj, self.parent[0])):
            return False
        return getattr(obj, self.field) in self.transitions[name].sources

    def _refused(self, transition, state):
        label = transition.label[0].upper() + transition.label[1:]
        return f"{label} kan niet: de status is nu ‘{self.label(state)}’."

    def lock(self, obj, name, *, door):
        """Lock and reload `obj` and check that `door` may do `name` on it now; returns the transition. For a
        service that validates its input against the locked object before it calls `transition`."""
        lock_row(obj, self.parent)
        return self.check(name, state=getattr(obj, self.field), user=door, obj=obj)

    def apply(self, obj, name, *, door, **changes):
        """Lock, check, change and save `obj` once (see the module docstring). Returns `obj`, reloaded.
        `changes` are computed by the caller: derive them from the object only after `lock`."""
        if self.field in changes or (self.since and self.since in changes):
            raise TypeError(f"The state changes only through a transition, not as a change of {self.field}.")
        transition = self.lock(obj, name, door=door)
        setattr(obj, self.field, transition.target)
        if self.since:
            setattr(obj, self.since, timezone.now())
        for attribute, value in changes.items():
            setattr(obj, attribute, value)
        with acting_as(door):
            obj.save()
        gebeurd(f"{obj._meta.app_label}.{obj._meta.model_name}.{name}", obj, door=door)
        return obj

    def after(self, state, *names):
        """The state reached from `state` through the transitions `names`, each checked against the table
        (for the import, which writes the end state of a path at once)."""
        for name in names:
            transition = self.transitions[name]
            if state not in transition.sources:
                raise TransitionNotAllowed(transition.refused or self._refused(transition, state))
            state = transition.target
        return state


def transition(obj, name, *, door, workflow=None, **changes):
    """The only way to change a state: see the module docstring. `changes` are further fields saved with it."""
    return (workflow or workflow_of(obj)).apply(obj, name, door=door, **changes)


def workflow_of(obj):
    model = obj._meta.concrete_model
    if model not in _WORKFLOWS:
        importlib.import_module(f"{model._meta.app_config.name}.workflow")
    return _WORKFLOWS[model]


def holds_right(user, perm, obj=None):
    """The one answer to "does `user` hold `perm` (on `obj`)": a rule(user, obj); or a permission on `obj` itself
    when it is of the object's app (through the authentication backends: for a casus one statement that also
    checks the grant's reason, casusregie.backends); or the role's model permission."""
    if callable(perm):
        return obj is not None and perm(user, obj)
    if obj is not None and perm.split(".")[0] == obj._meta.app_label and user.has_perm(perm, obj):
        return True
    return user.has_perm(perm)


def lock_row(obj, parent=None, *, annotate=None):
    """Lock the parent first (through its OpenStates: it must be open), then the object's own row
    (select_for_update, held until the transaction ends), and reload it. Parents are always locked before their
    children, so two requests on one object are served one after the other, the second from the state the
    first left.

    `annotate`: {name: (SQL expression, params)} evaluated in the same statement as the lock (a plain statement,
    no ORM compilation), the values left in `obj._bij_vergrendeling` for a check that follows: a service's
    per-object right costs no round trip of its own."""
    if parent is not None:
        attribute, guard = parent
        locked_parent = guard.lock(getattr(obj, attribute))
    if annotate:
        _reload_with(obj, annotate)
    else:
        obj.refresh_from_db(from_queryset=type(obj)._default_manager.select_for_update())
    if parent is not None and getattr(obj, obj._meta.get_field(attribute).attname) != locked_parent.pk:
        raise TransitionNotAllowed("Dit is intussen door iemand anders gewijzigd. Laad de pagina opnieuw.")
    return obj


def _reload_with(obj, annotate):
    """refresh_from_db under a row lock, with the `annotate` columns in the same statement."""
    from django.db import connection

    table = connection.ops.quote_name(obj._meta.db_table)
    extra = ", ".join(f"{sql} AS {name}" for name, (sql, _) in annotate.items())
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = f"SELECT {table}.*, {extra} FROM {table} WHERE {obj._meta.pk.column} = %s{lock}"  # noqa: S608
    params = [p for _, values in annotate.values() for p in values]
    (loaded,) = type(obj)._default_manager.raw(sql, [*params, obj.pk])
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(loaded, field.attname))
    obj._state.fields_cache = {}  # as refresh_from_db: every cached relation is loaded again when used
    obj.__dict__.pop("_prefetched_objects_cache", None)
    obj._bij_vergrendeling = {name: bool(getattr(loaded, name)) for name in annotate}


class OpenStates:
    """The states of one kind of object that are open for actions, per action, and the one check a service makes
    before it acts on such an object (or on something that belongs to it) without changing its state.

    `lock(obj, action)` locks as `lock_row` does and raises TransitionNotAllowed with the action's message when
    the state it finds is not open for the action: a doorbraak recorded while the casus is being closed is
    refused."""

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

    def lock(self, obj, action=None, *, annotate=None):
        states, refused = self.rules[action]
        lock_row(obj, self.parent, annotate=annotate)
        if getattr(obj, self.field) not in states:
            raise TransitionNotAllowed(refused)
        return obj
