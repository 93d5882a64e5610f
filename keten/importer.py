"""import_meldingen: historical meldingen from JSON Lines (CONTRACT.md § Import format, docs/import.md).

Three steps. `parse_line` checks the shape of one line; `_check_file` checks the lines against each other;
`_plan` checks the lines to import against the database and decides which Persoon every person is. Only
when no line has a problem are the rows written, in one transaction, acting as the `systeem` account with
the run named as the change reason of every history record.

The MDO and casusregie parts of a line (mdo, plan_vastgesteld_op, escalaties, afgesloten_op, afsluitreden)
become a Casus with its first plan, its escalations and its closing (accepted as it was, marked "import": the
closing conditions of casusregie.services.casus_afsluiten are not checked on history); the named casusregisseur
(when that user exists and works as casusregisseur) gets the access of an open casus through
casusregie.permissions.
"""

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from bzt.audit import acting_as, system_user
from bzt.models import Gemeente, Organisatie, User
from bzt.validators import datum_probleem
from casusregie import permissions
from casusregie.models import AfsluitReden, Casus, Escalatie, EscalatieNiveau, EscalatieSoort, EscalatieStap, Plan
from casusregie.services import huishouden_vergrendelen, open_casussen_van_personen
from casusregie.workflow import CASUS_BEGIN, CASUS_WORKFLOW
from meldpunt.codes import (
    Aanmeldroute,
    Besluit,
    EerdereHulp,
    Geslacht,
    Inkomen,
    Kanaal,
    Leefgebied,
    MelderType,
    Rol,
)
from meldpunt.doelgroep import is_ggsr
from meldpunt.models import Betrokkene, Melding, Persoon, Triage, eerdere_hulp_probleem
from meldpunt.services import triage_afwijking
from meldpunt.validators import geboortedatum_probleem, is_valid_bsn
from meldpunt.workflow import MELDING_BEGIN, MELDING_WORKFLOW

IMPORT_MOTIVATIE = "Historische registratie (import): geen motivatie overgenomen"
IMPORT_PLAN = "Historisch plan van aanpak (import): inhoud niet overgenomen"
IMPORT_ESCALATIE_VRAAG = "Historische escalatie (import)"
# The import format gives an escalation's level (any configured level of the ladder), not its kind: imported
# escalations get this kind (casusregie.reference.ESCALATIESOORTEN; a line is refused when it is not configured).
IMPORT_ESCALATIE_SOORT = "stagnatie"
CASUS_KEYS = {
    "mdo": ((dict,), "een object of null"),
    "plan_vastgesteld_op": ((str,), "tekst (datum) of null"),
    "escalaties": ((list,), "een lijst of null"),
    "afgesloten_op": ((str,), "tekst (datum) of null"),
    "afsluitreden": ((str,), "tekst of null"),
}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
REASON_MAX_LENGTH = 100  # simple-history's history_change_reason
MAX_DEPTH = 10  # the format nests 4 deep (line, personen, person, value); more is no melding
QUERY_CHUNK = 500
BATCH_SIZE = 500  # lines written per round of bulk inserts


# --- what a valid line holds -------------------------------------------------------------------------------


@dataclass
class PersonEntry:
    index: int
    extern_id: str | None
    bsn: str
    rol: str
    velden: dict
    key: tuple | None = None
    complete_identity: tuple[str | None, str] = (None, "")


@dataclass
class TriageEntry:
    datum: date
    leefgebieden: list[str]
    besluit: str


@dataclass
class EscalatieEntry:
    index: int
    datum: date
    niveau: str


@dataclass
class CasusEntry:
    """The MDO assignment and what followed: the casus of the melding."""

    datum: date
    organisatie: str
    casusregisseur: str | None
    plan_vastgesteld_op: date | None
    escalaties: list[EscalatieEntry]  # by date, oldest first
    afgesloten_op: date | None
    afsluitreden: str | None

    @property
    def open(self):
        return self.afgesloten_op is None


@dataclass
class ImportLine:
    number: int
    extern_id: str
    velden: dict
    personen: list[PersonEntry]
    triage: TriageEntry | None
    casus: CasusEntry | None = None


@dataclass
class Problem:
    line: int
    message: str

    def __str__(self):
        return f"regel {self.line}: {self.message}"


class ImportRejected(Exception):
    """The file has invalid lines; nothing was imported."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda problem: problem.line)
        lines = len({problem.line for problem in self.problems})
        super().__init__(f"{len(self.problems)} fout(en) in {lines} regel(s); er is niets geïmporteerd.")


@dataclass
class ImportReport:
    run_id: str
    imported: int
    skipped: int
    dry_run: bool = False


@dataclass
class _Reference:
    """The database rows the casus parts of the lines name, looked up once per run."""

    organisaties: dict[str, Organisatie] = field(default_factory=dict)
    regisseurs: dict[str, User] = field(default_factory=dict)  # only users who work as casusregisseur
    niveaus: dict[str, EscalatieNiveau] = field(default_factory=dict)  # with their gemeenten (the ladders)
    gemeenten: dict[int, str] = field(default_factory=dict)  # id → name, for the messages
    redenen: dict[str, AfsluitReden] = field(default_factory=dict)
    import_soort: bool = True  # the kind IMPORT_ESCALATIE_SOORT is configured


@dataclass
class _Plan:
    lines: list[ImportLine]
    skipped: int
    db_persons: dict[int, Persoon]
    problems: list[Problem] = field(default_factory=list)
    reference: _Reference = field(default_factory=_Reference)


# --- step 1: the shape of one line -------------------------------------------------------------------------


@cache
def _codes(choices) -> tuple[str, ...]:
    return tuple(choices.values)


class _Fields:
    """Reads the keys of one JSON object, collecting a Dutch message per problem under its path."""

    def __init__(self, data: dict, path: str, messages: list[str]):
        self.data, self.path, self.messages = data, path, messages

    def where(self, key):
        return f"{self.path}.{key}" if self.path else key

    def problem(self, key, message):
        self.messages.append(f"{self.where(key)}: {message}")

    def get(self, key, types, label, *, required=False):
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(key, "ontbreekt")
            return None
        if not isinstance(value, types):
            self.problem(key, f"moet {label} zijn")
            return None
        return value

    def text(self, key, *, required=False, max_length=None):
        value = self.get(key, (str,), "tekst", required=required)
        if value is None:
            return None
        value = value.strip()
        if not value:
            if required:
                self.problem(key, "mag niet leeg zijn")
            return None
        if max_length and len(value) > max_length:
            self.problem(key, f"is langer dan {max_length} tekens")
            return None
        return value

    def choice(self, key, choices, *, required=False, default=None):
        value = self.text(key, required=required)
        if value is None:
            return default
        if value not in _codes(choices):
            self.problem(key, f"'{value}' is geen geldige waarde (kies uit: {', '.join(_codes(choices))})")
            return None
        return value

    def date(self, key, *, required=False, today, toekomst=False):
        value = self.text(key, required=required)
        if value is None:
            return None
        try:
            if not ISO_DATE.fullmatch(value):
                raise ValueError
            day = date.fromisoformat(value)
        except ValueError:
            self.problem(key, f"'{value}' is geen geldige datum (JJJJ-MM-DD)")
            return None
        probleem = datum_probleem(day, vandaag=today, toekomst=toekomst)
        if probleem:
            self.problem(key, f"{day.isoformat()} {probleem}")
            return None
        return day

    def boolean(self, key, *, default=False):
        value = self.get(key, (bool,), "true of false")
        return default if value is None else value

    def object(self, key, *, required=False):
        value = self.get(key, (dict,), "een object", required=required)
        return None if value is None else _Fields(value, self.where(key), self.messages)


@dataclass(frozen=True)
class GemeenteRef:
    """A gemeente as the parser needs it: its id and its wijken (casefold → spelling)."""

    pk: int
    wijken: dict[str, str]


def gemeenten_van_installatie() -> tuple[dict[str, GemeenteRef], str]:
    """The active gemeenten by CBS code, and the own gemeente's code (a line without `gemeente`)."""
    gemeenten = {
        g.code: GemeenteRef(g.pk, {w.casefold(): w for w in g.wijken}) for g in Gemeente.objects.filter(actief=True)
    }
    return gemeenten, settings.BZT_GEMEENTE_CODE


def parse_line(
    number: int, raw: bytes, *, today: date, gemeenten: dict[str, GemeenteRef], eigen: str
) -> tuple[ImportLine | None, list]:
    """One line of the file → (ImportLine, []) or (None, [messages])."""
    try:
        data = json.loads(raw.decode("utf-8-sig").strip())
    except UnicodeDecodeError:
        return None, ["geen geldige UTF-8-tekst"]
    except json.JSONDecodeError as error:
        return None, [f"geen geldige JSON ({error.msg}, kolom {error.colno})"]
    except RecursionError:
        return None, [f"de regel is te diep genest (meer dan {MAX_DEPTH} niveaus)"]
    if not isinstance(data, dict):
        return None, ["moet één JSON-object zijn"]
    problem = _unstorable(data)
    if problem:
        return None, [problem]
    messages = []
    fields = _Fields(data, "", messages)
    extern_id = fields.text("extern_id", required=True, max_length=_max_length(Melding, "extern_id"))
    ontvangen_op = fields.date("ontvangen_op", required=True, today=today)
    melder = fields.object("melder", required=True)
    code = fields.text("gemeente")
    gemeente = gemeenten.get((code or eigen).upper())
    if code is not None and gemeente is None:
        fields.problem("gemeente", f"'{code}' is geen gemeente van deze installatie (een CBS-code zoals GM0150)")
    known_wijken = gemeente.wijken if gemeente else {}
    velden = {
        "gemeente_id": gemeente.pk if gemeente else None,
        "ontvangen_op": ontvangen_op,
        "aanmeldroute": fields.choice("aanmeldroute", Aanmeldroute, required=True),
        "overlast": fields.boolean("overlast"),
        "aanleiding": fields.text("aanleiding", max_length=_max_length(Melding, "aanleiding"))
        or f"Geïmporteerd uit {extern_id}",
        "melder_type": melder and melder.choice("type", MelderType, required=True),
        "melder_organisatie": (
            melder and melder.text("organisatie", max_length=_max_length(Melding, "melder_organisatie"))
        )
        or "",
        # optional (issue 14): a line without them is a record from before they were asked
        "kanaal": fields.choice("kanaal", Kanaal, default=""),
        "eerdere_hulp": fields.choice("eerdere_hulp", EerdereHulp, default=EerdereHulp.ONBEKEND),
        "eerdere_hulp_door": fields.text("eerdere_hulp_door", max_length=_max_length(Melding, "eerdere_hulp_door"))
        or "",
    }
    if velden["eerdere_hulp"] is not None:
        probleem = eerdere_hulp_probleem(velden["eerdere_hulp"], velden["eerdere_hulp_door"])
        if probleem:
            fields.problem("eerdere_hulp_door", probleem)
    personen = _parse_personen(fields, today=today, known_wijken=known_wijken)
    triage = _parse_triage(fields, ontvangen_op=ontvangen_op, today=today)
    casus = _parse_casus(fields, triage=triage, today=today)
    if messages:
        return None, messages
    return ImportLine(number, extern_id, velden, personen, triage, casus), []


def _max_length(model, name):
    """The length limit of a text field, from the model the forms use too (one definition)."""
    return model._meta.get_field(name).max_length


def _unstorable(data) -> str | None:
    """Why a parsed line cannot be stored at all, or None: nested deeper than MAX_DEPTH, or a text (value or
    key) with a NUL character or a lone surrogate ("\\ud800"): valid JSON, but no database takes them."""
    stack = [(data, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"de regel is te diep genest (meer dan {MAX_DEPTH} niveaus)"
        if isinstance(value, dict):
            for key, item in value.items():
                if _bad_text(key):
                    return f"{path or 'de regel'}: een veldnaam bevat {_bad_text(key)}"
                stack.append((item, f"{path}.{key}" if path else key, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value))
        elif isinstance(value, str) and _bad_text(value):
            return f"{path}: bevat {_bad_text(value)}"
    return None


def _bad_text(text):
    if "\x00" in text:
        return "een NUL-teken"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "een ongeldig teken (losse surrogaat)"
    return None


def _parse_personen(fields: _Fields, *, today, known_wijken) -> list[PersonEntry]:
    personen = fields.get("personen", (list,), "een lijst", required=True)
    if personen is None:
        return []
    if not personen:
        fields.problem("personen", "moet ten minste één persoon bevatten")
        return []
    entries = []
    for index, data in enumerate(personen):
        path = f"personen[{index}]"
        if not isinstance(data, dict):
            fields.messages.append(f"{path}: moet een object zijn")
            continue
        entries.append(_parse_persoon(index, _Fields(data, path, fields.messages), today, known_wijken))
    if entries and not any(entry.rol == Rol.HOOFDPERSOON for entry in entries):
        entries[0].rol = Rol.HOOFDPERSOON
    return entries


def _parse_persoon(index, fields: _Fields, today, known_wijken) -> PersonEntry:
    bsn = fields.text("bsn") or ""
    if bsn and not is_valid_bsn(bsn):
        fields.problem("bsn", f"'{bsn}' is geen geldig BSN (elfproef)")
    wijk = fields.text("wijk")
    if wijk is not None and wijk.casefold() not in known_wijken:
        fields.problem("wijk", f"'{wijk}' is geen wijk van de gemeente (de wijkenlijst van de gemeente in beheer)")
    verwacht = fields.boolean("verwacht")  # an expected child: geboortedatum is its expected date
    geboortedatum = fields.date("geboortedatum", today=today, toekomst=verwacht)
    probleem = geboortedatum_probleem(geboortedatum, verwacht=verwacht, vandaag=today) if geboortedatum else None
    if probleem:
        fields.problem("geboortedatum", f"{geboortedatum.isoformat()}: {probleem}")
    velden = {
        "voornaam": fields.text("voornaam", max_length=_max_length(Persoon, "voornaam")) or "",
        "tussenvoegsel": fields.text("tussenvoegsel", max_length=_max_length(Persoon, "tussenvoegsel")) or "",
        "achternaam": fields.text("achternaam", required=True, max_length=_max_length(Persoon, "achternaam")),
        "geboortedatum": geboortedatum,
        "verwacht": verwacht,
        "geslacht": fields.choice("geslacht", Geslacht, default=Geslacht.ONBEKEND),
        "wijk": known_wijken.get((wijk or "").casefold(), ""),
        "inkomen": fields.choice("inkomen", Inkomen, default=Inkomen.ONBEKEND),
    }
    rol = fields.choice("rol", Rol, default=Rol.OVERIG)
    return PersonEntry(index, fields.text("extern_id", max_length=_max_length(Persoon, "extern_id")), bsn, rol, velden)


def _parse_triage(fields: _Fields, *, ontvangen_op, today) -> TriageEntry | None:
    triage = fields.object("triage")
    if triage is None:
        return None
    datum = triage.date("datum", required=True, today=today)
    if datum and ontvangen_op and datum < ontvangen_op:
        triage.problem("datum", f"{datum.isoformat()} ligt vóór ontvangen_op ({ontvangen_op.isoformat()})")
    codes = triage.get("leefgebieden", (list,), "een lijst", required=True) or []
    for position, code in enumerate(codes):
        where = f"leefgebieden[{position}]"
        if code not in _codes(Leefgebied):
            shown = f"'{code}'" if isinstance(code, str) else json.dumps(code)
            triage.problem(where, f"{shown} is geen bekend leefgebied (kies uit: {', '.join(_codes(Leefgebied))})")
        elif code in codes[:position]:
            triage.problem(where, f"'{code}' staat er twee keer in")
    besluit = triage.choice("besluit", Besluit, required=True)
    return TriageEntry(datum, list(codes), besluit)


def _before(fields: _Fields, key, day, other_key, other_day):
    """A problem at `key` when `day` lies before `other_day`."""
    if day and other_day and day < other_day:
        fields.problem(key, f"{day.isoformat()} ligt vóór {other_key} ({other_day.isoformat()})")


def _after(fields: _Fields, key, day, other_key, other_day):
    if day and other_day and day > other_day:
        fields.problem(key, f"{day.isoformat()} ligt na {other_key} ({other_day.isoformat()})")


def _parse_casus(fields: _Fields, *, triage: TriageEntry | None, today) -> CasusEntry | None:
    """mdo, plan_vastgesteld_op, escalaties, afgesloten_op, afsluitreden: the shape and the order of dates.

    The names (organisation, niveau, afsluitreden) are checked against the database in step 3.
    """
    given = {key: fields.get(key, types, label) for key, (types, label) in CASUS_KEYS.items()}
    mdo = fields.object("mdo") if given["mdo"] is not None else None
    plan_op = fields.date("plan_vastgesteld_op", today=today) if given["plan_vastgesteld_op"] is not None else None
    afgesloten_op = fields.date("afgesloten_op", today=today) if given["afgesloten_op"] is not None else None
    afsluitreden = (
        fields.text("afsluitreden", max_length=_max_length(AfsluitReden, "code"))
        if given["afsluitreden"] is not None
        else None
    )
    escalaties = _parse_escalaties(fields, given["escalaties"] or [], today=today)
    if mdo is None:
        if fields.data.get("mdo") is None:  # no mdo at all (a wrong type is reported already)
            later = [key for key in CASUS_KEYS if key != "mdo" and given[key] not in (None, [])]
            for key in later:
                fields.problem(key, "kan alleen bij een melding met mdo (toewijzing in het MDO)")
        return None
    datum = mdo.date("datum", required=True, today=today)
    organisatie = mdo.text("organisatie", required=True, max_length=_max_length(Organisatie, "naam"))
    casusregisseur = mdo.text("casusregisseur", max_length=_max_length(User, "username"))
    if triage is None:
        fields.problem("mdo", "een melding met mdo moet een triage met besluit 'mdo' hebben")
    elif triage.besluit is not None and triage.besluit != Besluit.MDO:
        fields.problem("mdo", f"een melding met mdo moet triagebesluit 'mdo' hebben, niet '{triage.besluit}'")
    else:
        _before(mdo, "datum", datum, "triage.datum", triage.datum)
    _before(fields, "plan_vastgesteld_op", plan_op, "mdo.datum", datum)
    _after(fields, "plan_vastgesteld_op", plan_op, "afgesloten_op", afgesloten_op)
    for entry in escalaties:
        where = _Fields({}, f"escalaties[{entry.index}]", fields.messages)
        _before(where, "datum", entry.datum, "mdo.datum", datum)
        _after(where, "datum", entry.datum, "afgesloten_op", afgesloten_op)
    _before(fields, "afgesloten_op", afgesloten_op, "mdo.datum", datum)
    if given["afgesloten_op"] is not None and given["afsluitreden"] is None:
        fields.problem("afsluitreden", "ontbreekt (afgesloten_op is gegeven)")
    if given["afsluitreden"] is not None and given["afgesloten_op"] is None:
        fields.problem("afgesloten_op", "ontbreekt (afsluitreden is gegeven)")
    escalaties.sort(key=lambda entry: entry.datum or date.min)
    return CasusEntry(datum, organisatie, casusregisseur, plan_op, escalaties, afgesloten_op, afsluitreden)


def _parse_escalaties(fields: _Fields, escalaties: list, *, today) -> list[EscalatieEntry]:
    entries = []
    for index, data in enumerate(escalaties):
        path = f"escalaties[{index}]"
        if not isinstance(data, dict):
            fields.messages.append(f"{path}: moet een object zijn")
            continue
        escalatie = _Fields(data, path, fields.messages)
        datum = escalatie.date("datum", required=True, today=today)
        niveau = escalatie.text("niveau", required=True, max_length=_max_length(EscalatieNiveau, "code"))
        entries.append(EscalatieEntry(index, datum, niveau))
    return entries


# --- step 2: the lines against each other ------------------------------------------------------------------


def _check_file(lines: list[ImportLine]) -> list[Problem]:
    problems = []
    first_line_of = {}
    for line in lines:
        if line.extern_id in first_line_of:
            message = f"extern_id: '{line.extern_id}' staat ook al in regel {first_line_of[line.extern_id]}"
            problems.append(Problem(line.number, message))
        first_line_of.setdefault(line.extern_id, line.number)
    *_, link_problems = _link_identities(lines)
    return problems + link_problems


def _link_identities(lines: list[ImportLine]):
    """Which person extern_id goes with which BSN, from the entries that give both.

    An extern_id with two BSNs, or a BSN with two extern_ids, is a problem on the later line.
    """
    bsn_for, extern_id_for, problems = {}, {}, []
    for line in lines:
        for entry in line.personen:
            if not (entry.extern_id and entry.bsn):
                continue
            known_bsn, bsn_line = bsn_for.get(entry.extern_id, (entry.bsn, line.number))
            known_id, id_line = extern_id_for.get(entry.bsn, (entry.extern_id, line.number))
            if known_bsn != entry.bsn:
                message = f"persoon '{entry.extern_id}' heeft in regel {bsn_line} een ander BSN ('{known_bsn}')"
                problems.append(Problem(line.number, f"personen[{entry.index}].bsn: {message}"))
            elif known_id != entry.extern_id:
                message = f"'{entry.bsn}' hoort in regel {id_line} bij persoon '{known_id}'"
                problems.append(Problem(line.number, f"personen[{entry.index}].bsn: {message}"))
            else:
                bsn_for.setdefault(entry.extern_id, (entry.bsn, line.number))
                extern_id_for.setdefault(entry.bsn, (entry.extern_id, line.number))
    return (
        {extern_id: bsn for extern_id, (bsn, _) in bsn_for.items()},
        {bsn: extern_id for bsn, (extern_id, _) in extern_id_for.items()},
        problems,
    )


# --- step 3: the lines against the database ----------------------------------------------------------------


def _chunks(values):
    values = list(values)
    for start in range(0, len(values), QUERY_CHUNK):
        yield values[start : start + QUERY_CHUNK]


def _existing_melding_ids(lines) -> set[str]:
    found = set()
    for chunk in _chunks(line.extern_id for line in lines):
        found.update(Melding.objects.filter(extern_id__in=chunk).values_list("extern_id", flat=True))
    return found


def _existing_persons(extern_ids, bsns) -> dict[int, Persoon]:
    persons = {}
    for chunk in _chunks(extern_ids):
        persons.update((p.pk, p) for p in Persoon.objects.filter(extern_id__in=chunk))
    for chunk in _chunks(bsns):
        persons.update((p.pk, p) for p in Persoon.objects.filter(bsn__in=chunk))
    return persons


def _plan(lines: list[ImportLine]) -> _Plan:
    """Leave out meldingen already imported; give every person entry the key of the Persoon it is."""
    existing = _existing_melding_ids(lines)
    to_import = [line for line in lines if line.extern_id not in existing]
    bsn_for, extern_id_for, _ = _link_identities(to_import)
    entries = [(line, entry) for line in to_import for entry in line.personen]
    for _line, entry in entries:
        extern_id = entry.extern_id or extern_id_for.get(entry.bsn)
        entry.complete_identity = (extern_id, entry.bsn or bsn_for.get(extern_id, ""))
    db_persons = _existing_persons(
        {e.complete_identity[0] for _, e in entries if e.complete_identity[0]},
        {e.complete_identity[1] for _, e in entries if e.complete_identity[1]},
    )
    plan = _Plan(to_import, len(lines) - len(to_import), db_persons)
    by_extern_id = {p.extern_id: p for p in db_persons.values() if p.extern_id}
    by_bsn = {p.bsn: p for p in db_persons.values() if p.bsn}
    for line, entry in entries:
        _assign_person_key(line, entry, by_extern_id, by_bsn, plan.problems)
    for line in to_import:
        _check_household(line, plan.problems)
    casus_lines = [line for line in to_import if line.casus]
    plan.reference = _reference(casus_lines)
    for line in casus_lines:
        _check_casus_names(line, plan.reference, plan.problems)
    _check_one_open_casus(casus_lines, plan.problems)
    return plan


def _reference(lines: list[ImportLine]) -> _Reference:
    names = {line.casus.organisatie for line in lines}
    usernames = {line.casus.casusregisseur for line in lines if line.casus.casusregisseur}
    organisaties, regisseurs = {}, {}
    for chunk in _chunks(names):
        organisaties.update((o.naam, o) for o in Organisatie.objects.filter(naam__in=chunk))
    for chunk in _chunks(usernames):
        # only accounts that may hold a per-casus grant (active, role casus work): anyone else is not named
        for user in permissions.casuswerkers().filter(username__in=chunk).select_related("organisatie"):
            regisseurs[user.username] = user
    return _Reference(
        organisaties=organisaties,
        regisseurs=regisseurs,
        # locked like the services lock a level they escalate to (casusregie.services._niveau_vastzetten): a beheerder
        # changing a level's gemeenten or deactivating it meanwhile waits, then counts these escalations
        niveaus={
            niveau.code: niveau
            for niveau in EscalatieNiveau.objects.select_for_update(no_key=True)
            .prefetch_related("gemeenten")
            .order_by("pk")
        },
        gemeenten=dict(Gemeente.objects.values_list("pk", "naam")),
        redenen={reden.code: reden for reden in AfsluitReden.objects.all()},
        import_soort=EscalatieSoort.objects.filter(code=IMPORT_ESCALATIE_SOORT).exists(),
    )


def _check_casus_names(line: ImportLine, reference: _Reference, problems):
    casus = line.casus
    if casus.organisatie and casus.organisatie not in reference.organisaties:
        message = f"mdo.organisatie: '{casus.organisatie}' is geen organisatie in BZT (de naam moet exact kloppen)"
        problems.append(Problem(line.number, message))
    for entry in casus.escalaties:
        if entry.niveau and entry.niveau not in reference.niveaus:
            choices = ", ".join(reference.niveaus)
            message = (
                f"escalaties[{entry.index}].niveau: '{entry.niveau}' is geen escalatieniveau (kies uit: {choices})"
            )
            problems.append(Problem(line.number, message))
        elif entry.niveau and not reference.niveaus[entry.niveau].geldt_voor_gemeente(line.velden["gemeente_id"]):
            # each gemeente its own ladder (docs/regio.md): the level must be on the ladder of the line's gemeente
            naam = reference.gemeenten.get(line.velden["gemeente_id"], "de gemeente")
            message = f"escalaties[{entry.index}].niveau: '{entry.niveau}' hoort niet bij de escalatieladder van {naam}"
            problems.append(Problem(line.number, message))
    if casus.escalaties and not reference.import_soort:
        message = f"escalaties: de soort escalatie '{IMPORT_ESCALATIE_SOORT}' voor historische escalaties ontbreekt"
        problems.append(Problem(line.number, message))
    if casus.afsluitreden and casus.afsluitreden not in reference.redenen:
        choices = ", ".join(reference.redenen)
        message = f"afsluitreden: '{casus.afsluitreden}' is geen afsluitreden (kies uit: {choices})"
        problems.append(Problem(line.number, message))


def _check_one_open_casus(lines: list[ImportLine], problems):
    """1 huishouden, 1 plan, 1 regisseur: a person is in at most one open casus, in the file and in BZT."""
    open_lines = [line for line in lines if line.casus.open]
    db_ids = {entry.key[1] for line in open_lines for entry in line.personen if entry.key and entry.key[0] == "db"}
    open_in_db = {}
    for chunk in _chunks(db_ids):
        # The services' definition and lock: linked records and meldingen added to a casus count; an MDO besluit
        # about the same person waits until this import is committed (and then sees its casus).
        huishouden_vergrendelen(chunk)
        for persoon_id, casus in open_casussen_van_personen(chunk).items():
            open_in_db[persoon_id] = casus.nummer
    first_line_of = {}
    for line in open_lines:
        for entry in line.personen:
            if entry.key is None:
                continue
            path = f"personen[{entry.index}]"
            if entry.key[0] == "db" and entry.key[1] in open_in_db:
                message = (
                    f"{path}: heeft in BZT al een open casus ({open_in_db[entry.key[1]]}); 1 huishouden, 1 casus "
                    "(importeer de melding zonder mdo-deel en voeg haar in BZT bij de open casus)"
                )
                problems.append(Problem(line.number, message))
            elif first_line_of.get(entry.key, line.number) != line.number:
                message = f"{path}: heeft ook een open casus in regel {first_line_of[entry.key]}; 1 huishouden, 1 casus"
                problems.append(Problem(line.number, message))
            first_line_of.setdefault(entry.key, line.number)


def _assign_person_key(line, entry: PersonEntry, by_extern_id, by_bsn, problems):
    extern_id, bsn = entry.complete_identity
    path = f"personen[{entry.index}]"
    by_id, by_number = by_extern_id.get(extern_id), by_bsn.get(bsn)
    if by_id and by_number and by_id.pk != by_number.pk:
        message = f"{path}.bsn: '{bsn}' hoort in BZT bij een andere persoon dan '{extern_id}'"
        problems.append(Problem(line.number, message))
    elif by_id and by_id.bsn and bsn and by_id.bsn != bsn:
        problems.append(Problem(line.number, f"{path}.bsn: persoon '{extern_id}' staat in BZT met een ander BSN"))
    elif by_number and by_number.extern_id and extern_id and by_number.extern_id != extern_id:
        message = f"{path}.extern_id: BSN '{bsn}' hoort in BZT bij persoon '{by_number.extern_id}'"
        problems.append(Problem(line.number, message))
    elif by_id or by_number:
        entry.key = ("db", (by_id or by_number).pk)
    elif extern_id or bsn:
        entry.key = ("file", extern_id or "", bsn)
    else:
        entry.key = ("new", line.number, entry.index)


def _check_household(line: ImportLine, problems):
    seen = {}
    for entry in line.personen:
        if entry.key is None:
            continue
        if entry.key in seen:
            message = f"personen[{entry.index}]: is dezelfde persoon als personen[{seen[entry.key]}]"
            problems.append(Problem(line.number, message))
        seen.setdefault(entry.key, entry.index)


# --- step 4: writing ---------------------------------------------------------------------------------------


@dataclass
class _History:
    """Who and why for the history records: bulk inserts do not read the acting user themselves."""

    user: object
    reason: str

    def bulk_create(self, objs):
        if objs:
            bulk_create_with_history(objs, type(objs[0]), default_user=self.user, default_change_reason=self.reason)


class _Personen:
    """The Persoon of every key: existing ones (given the identifiers they missed) or new ones."""

    def __init__(self, db_persons: dict[int, Persoon]):
        self.db_persons = db_persons
        self.by_key = {}

    def provide(self, entries: list[PersonEntry], history: _History):
        new = []
        for entry in entries:
            if entry.key in self.by_key:
                continue
            if entry.key[0] == "db":
                self.by_key[entry.key] = self._existing(entry)
            else:
                extern_id, bsn = entry.complete_identity
                self.by_key[entry.key] = Persoon(extern_id=extern_id, bsn=bsn, **entry.velden)
                new.append(self.by_key[entry.key])
        history.bulk_create(new)

    def _existing(self, entry):
        persoon = self.db_persons[entry.key[1]]
        extern_id, bsn = entry.complete_identity
        changed = []
        if extern_id and not persoon.extern_id:
            persoon.extern_id = extern_id
            changed.append("extern_id")
        if bsn and not persoon.bsn:
            persoon.bsn = bsn
            changed.append("bsn")
        if changed:
            persoon.save(update_fields=changed)
        return persoon


def _status_of(line: ImportLine) -> tuple[str, date]:
    """The melding's status (the end of its path through meldpunt.workflow) and the day it began."""
    naar_mdo = ("triageren_voor_mdo", "op_mdo_agenda_zetten")
    if line.casus:
        return MELDING_WORKFLOW.after(MELDING_BEGIN, *naar_mdo, "toewijzen"), line.casus.datum
    if line.triage is None:
        return MELDING_BEGIN, line.velden["ontvangen_op"]
    if line.triage.besluit == Besluit.MDO:
        return MELDING_WORKFLOW.after(MELDING_BEGIN, *naar_mdo), line.triage.datum
    return MELDING_WORKFLOW.after(MELDING_BEGIN, "triageren"), line.triage.datum


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _build_melding(line: ImportLine, systeem) -> Melding:
    status, sinds = _status_of(line)
    return Melding(
        extern_id=line.extern_id,
        status=status,
        status_sinds=_start_of(sinds),
        geregistreerd_door=systeem,
        **line.velden,
    )


def _build_triage(melding: Melding, line: ImportLine, systeem) -> Triage:
    entry = line.triage
    score = len(entry.leefgebieden)
    heeft_kinderen = any(persoon.rol == Rol.KIND for persoon in line.personen)
    triage = Triage(
        melding=melding,
        datum=entry.datum,
        score=score,
        besluit=entry.besluit,
        motivatie=IMPORT_MOTIVATIE if triage_afwijking(score, entry.besluit) else "",
        ggsr=is_ggsr(score, heeft_kinderen=heeft_kinderen),
        getrieerd_door=systeem,
    )
    for code in entry.leefgebieden:
        setattr(triage, code, True)
    return triage


def _casus_status_of(entry: CasusEntry) -> tuple[str, date]:
    """The casus status after its history (the end of its path through casusregie.workflow), and the day it
    began (an open casus keeps its last escalation open)."""
    plan = ("plan_vaststellen",) if entry.plan_vastgesteld_op else ()
    if not entry.open:
        return CASUS_WORKFLOW.after(CASUS_BEGIN, *plan, "afsluiten"), entry.afgesloten_op
    if entry.escalaties:
        return CASUS_WORKFLOW.after(CASUS_BEGIN, *plan, "escaleren"), entry.escalaties[-1].datum
    if entry.plan_vastgesteld_op:
        return CASUS_WORKFLOW.after(CASUS_BEGIN, *plan), entry.plan_vastgesteld_op
    return CASUS_BEGIN, entry.datum


def _build_casus(melding: Melding, entry: CasusEntry, reference: _Reference) -> Casus:
    status, sinds = _casus_status_of(entry)
    return Casus(
        melding=melding,
        status=status,
        status_sinds=_start_of(sinds),
        casusregisseur=reference.regisseurs.get(entry.casusregisseur),
        organisatie=reference.organisaties[entry.organisatie],
        gemeente_id=melding.gemeente_id,
        toegewezen_op=entry.datum,
        plan_vastgesteld_op=entry.plan_vastgesteld_op,
        afgesloten_op=entry.afgesloten_op,
        afsluitreden=reference.redenen.get(entry.afsluitreden),
        # Imported history is accepted as it was: a casus closed in the previous system (also without a
        # vastgesteld plan) stays closed, marked as not checked against the closing conditions, and gets no
        # nazorg task (docs/import.md). The conditions hold for every closing in BZT itself.
        afsluiting="" if entry.open else Casus.Afsluiting.IMPORT,
    )


def _build_plan(casus: Casus, entry: CasusEntry, systeem) -> Plan:
    vastgesteld = entry.plan_vastgesteld_op is not None
    return Plan(
        casus=casus,
        versie=1,
        status=Plan.Status.VASTGESTELD if vastgesteld else Plan.Status.CONCEPT,
        samenvatting=IMPORT_PLAN if vastgesteld else "",
        opgesteld_door=systeem,
        vastgesteld_op=entry.plan_vastgesteld_op,
    )


def _build_escalaties(casus: Casus, entry: CasusEntry, reference: _Reference, systeem) -> list[Escalatie]:
    """All escalations are closed on their own date, except the last one of an open casus (it stays open)."""
    escalaties = []
    for position, item in enumerate(entry.escalaties, start=1):
        stays_open = entry.open and position == len(entry.escalaties)
        escalaties.append(
            Escalatie(
                casus=casus,
                niveau=reference.niveaus[item.niveau],
                status=Escalatie.Status.OPEN if stays_open else Escalatie.Status.GEDEESCALEERD,
                reden_id=IMPORT_ESCALATIE_SOORT,
                gemeente_id=casus.gemeente_id,
                vraag=IMPORT_ESCALATIE_VRAAG,
                gestart_door=systeem,
                gestart_op=item.datum,
                niveau_sinds=item.datum,
                gesloten_op=None if stays_open else item.datum,
            )
        )
    return escalaties


def _write_casussen(meldingen: list[Melding], lines: list[ImportLine], reference: _Reference, history: _History):
    pairs = [(melding, line.casus) for melding, line in zip(meldingen, lines, strict=True) if line.casus]
    casussen = [_build_casus(melding, entry, reference) for melding, entry in pairs]
    history.bulk_create(casussen)
    entries = [entry for _, entry in pairs]
    history.bulk_create([_build_plan(c, e, history.user) for c, e in zip(casussen, entries, strict=True)])
    escalaties = [
        escalatie
        for casus, entry in zip(casussen, entries, strict=True)
        for escalatie in _build_escalaties(casus, entry, reference, history.user)
    ]
    history.bulk_create(escalaties)
    history.bulk_create(
        [
            EscalatieStap(
                escalatie=escalatie,
                soort=EscalatieStap.Soort.OPGESCHAALD,
                niveau=escalatie.niveau,
                datum=escalatie.gestart_op,
                door=history.user,
                toelichting=IMPORT_ESCALATIE_VRAAG,
            )
            for escalatie in escalaties
        ]
    )
    for casus in casussen:
        if casus.open and casus.casusregisseur is not None:
            permissions.grant(
                casus,
                casus.casusregisseur,
                permissions.REGISSEUR,
                door=history.user,
                reden=f"import: toegewezen als casusregisseur ({history.reason})",
            )


def _write_batch(lines: list[ImportLine], personen: _Personen, history: _History, reference: _Reference):
    personen.provide([entry for line in lines for entry in line.personen], history)
    meldingen = [_build_melding(line, history.user) for line in lines]
    history.bulk_create(meldingen)
    history.bulk_create(
        [
            Betrokkene(melding=melding, persoon=personen.by_key[entry.key], rol=entry.rol)
            for melding, line in zip(meldingen, lines, strict=True)
            for entry in line.personen
        ]
    )
    history.bulk_create(
        [
            _build_triage(melding, line, history.user)
            for melding, line in zip(meldingen, lines, strict=True)
            if line.triage
        ]
    )
    _write_casussen(meldingen, lines, reference, history)


# --- the whole run -----------------------------------------------------------------------------------------


def new_run_id() -> str:
    return uuid.uuid4().hex[:8]


def change_reason(path: Path, run_id: str) -> str:
    """`import_meldingen FILE run ID`, the file name shortened to fit simple-history's 100 characters."""
    room = REASON_MAX_LENGTH - len(f"import_meldingen  run {run_id}")
    return f"import_meldingen {path.name[:room]} run {run_id}"


def read_file(path: Path, *, today: date | None = None) -> tuple[list[ImportLine], list[Problem]]:
    """Every non-empty line parsed, with the problems of the file on its own (no database)."""
    today = today or timezone.localdate()
    gemeenten, eigen = gemeenten_van_installatie()
    lines, problems = [], []
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            line, messages = parse_line(number, raw, today=today, gemeenten=gemeenten, eigen=eigen)
            problems.extend(Problem(number, message) for message in messages)
            if line:
                lines.append(line)
    return lines, problems + _check_file(lines)


def import_meldingen(path, *, run_id: str | None = None, dry_run: bool = False) -> ImportReport:
    """Validate the whole file, then import it in one transaction; raise ImportRejected if any line is bad."""
    path = Path(path)
    run_id = run_id or new_run_id()
    lines, problems = read_file(path)
    with transaction.atomic():
        plan = _plan(lines)
        problems += plan.problems
        if problems:
            raise ImportRejected(problems)
        if not dry_run:
            history = _History(system_user(), change_reason(path, run_id))
            personen = _Personen(plan.db_persons)
            with acting_as(history.user, reason=history.reason):
                for start in range(0, len(plan.lines), BATCH_SIZE):
                    _write_batch(plan.lines[start : start + BATCH_SIZE], personen, history, plan.reference)
    return ImportReport(run_id, len(plan.lines), plan.skipped, dry_run)
