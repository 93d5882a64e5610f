"""Streaming rows into PostgreSQL with COPY: a writer per model (and its simple-history table), fast choices.

A `Table` names only the columns the generator sets; every other column of the table gets the model field's
default, so a nullable field added by a later migration needs no change in the generator.
"""

import io
import json
import time
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, models

CHUNK = 50_000
NULL = "\\N"


def clean(text):
    return text.replace("\\", "").replace("\t", " ").replace("\n", " ").replace("\r", " ")


def _copy_text(field, value):
    """A Python default as COPY text."""
    if value is None:
        return NULL
    if isinstance(field, models.JSONField):
        return clean(json.dumps(value))
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | Decimal | int | float):
        return str(value)
    return clean(str(value))


def _default_text(field):
    if field.has_default() or field.null or field.empty_strings_allowed:
        return _copy_text(field, field.get_default())
    raise RuntimeError(
        f"bench: {field.model.__name__}.{field.name} is NOT NULL without a default; "
        "bench/generate.py must set it (a model changed)."
    )


def _fmt(value):
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


class Table:
    """COPY writer for one model (and its historical model): only `fields` per row, the rest defaults."""

    def __init__(self, loader, model, fields, *, history=True):
        fields = fields.split() if isinstance(fields, str) else list(fields)
        self.loader = loader
        self.model = model
        opts = model._meta
        by_att = {f.attname: f for f in opts.concrete_fields}
        missing = [a for a in fields if a not in by_att]
        if missing:
            raise RuntimeError(f"bench: {model.__name__} has no field(s) {missing}")
        attr = getattr(opts, "simple_history_manager_attribute", None)
        history = bool(history and attr)
        # A historical row needs the object's id: with history, ids are numbered here when not given.
        self.auto_id = history and "id" not in fields
        if self.auto_id:
            fields = ["id", *fields]
        self.next_id = 0
        rest = [f for f in opts.concrete_fields if f.attname not in fields and not f.primary_key]
        self.name = opts.db_table
        self.columns = [by_att[a].column for a in fields] + [f.column for f in rest]
        self.suffix = "".join("\t" + _default_text(f) for f in rest) + "\n"
        self.buf = []
        self.rows = 0
        self.hist = None
        if history:
            hmodel = getattr(model, attr).model
            hby = {f.attname: f for f in hmodel._meta.concrete_fields}
            special = ("history_id", "history_date", "history_type", "history_user_id")
            if any(a not in hby for a in fields) or any(s not in hby for s in special):
                raise RuntimeError(f"bench: history of {model.__name__} does not track {fields}")
            hrest = [f for f in hmodel._meta.concrete_fields if f.attname not in fields and f.attname not in special]
            self.hist = hmodel._meta.db_table
            self.hcolumns = (
                [hby[a].column for a in fields] + [f.column for f in hrest] + [hby[s].column for s in special]
            )
            self.hsuffix = "".join("\t" + _default_text(f) for f in hrest)
            self.hbuf = []
            self.hrows = 0
        loader.tables.append(self)

    def add(self, values, user=None, when=None):
        """One row (values in `fields` order, already COPY-safe) and its '+' history row."""
        if self.auto_id:
            self.next_id += 1
            values = [self.next_id, *values]
        body = "\t".join(map(_fmt, values))
        self.buf.append(body + self.suffix)
        self.rows += 1
        if self.hist is not None and when is not None:
            self.hrows += 1
            self.hbuf.append(f"{body}{self.hsuffix}\t{self.hrows}\t{when}\t+\t{_fmt(user)}\n")
            if len(self.hbuf) >= CHUNK:
                self.flush_history()
        if len(self.buf) >= CHUNK:
            self.flush()

    def history(self, values, kind, user, when):
        """An extra history row ('~' change) with these values, without a new row in the table itself."""
        body = "\t".join(map(_fmt, values))
        self.hrows += 1
        self.hbuf.append(f"{body}{self.hsuffix}\t{self.hrows}\t{when}\t{kind}\t{_fmt(user)}\n")
        if len(self.hbuf) >= CHUNK:
            self.flush_history()

    def flush(self):
        if self.buf:
            self.loader.copy(self.name, self.columns, self.buf)
            self.buf = []
        if self.hist is not None:
            self.flush_history()

    def flush_history(self):
        if self.hbuf:
            self.loader.copy(self.hist, self.hcolumns, self.hbuf)
            self.hbuf = []


class Loader:
    def __init__(self):
        self.tables = []
        self.copy_seconds = {}
        connection.ensure_connection()
        self.raw = connection.connection

    def copy(self, table, columns, lines):
        started = time.perf_counter()
        cols = ", ".join(f'"{c}"' for c in columns)
        with self.raw.cursor() as cursor:
            cursor.copy_expert(f'COPY "{table}" ({cols}) FROM STDIN', io.StringIO("".join(lines)))
        self.copy_seconds[table] = self.copy_seconds.get(table, 0.0) + time.perf_counter() - started

    def flush_all(self):
        for table in self.tables:
            table.flush()


class Pool:
    """Fast weighted choice: 65,536 pre-drawn items, indexed with getrandbits(16)."""

    def __init__(self, rng, items, weights=None):
        self.rng = rng
        self.items = rng.choices(list(items), weights=weights, k=1 << 16)

    def __call__(self):
        return self.items[self.rng.getrandbits(16)]
