"""The run mechanics every background file job shares: the jaarmonitor report (monitor.Rapport) and the file jobs
of the other apps (bzt.Bestandstaak, bzt.bestandstaken).

- `TaakStatus` and `taak_workflow`: one state machine, as data (bzt.workflow): in_wachtrij → bezig → klaar;
  in_wachtrij/bezig → mislukt → in_wachtrij (opnieuw). A redelivered job starts again (bezig → bezig).
- `claim`: move a job to bezig, at most `max_runs` runs per attempt (a worker that died twice: mislukt).
- `alleen_hier`: a PostgreSQL advisory lock for the run, so a duplicate delivery is skipped.
- `wachtende_versturen`: the sweep (celery beat) that sends again the jobs that never reached the broker.
- `schrijven`: the file is written through a temporary file and a rename, never half.
- `foutmelding`: the Dutch message of a failure (no stack trace: that goes to the log).
The PDF itself is rendered in a forked child with a memory cap and a time limit (bzt.pdf.render_pdf_isolated).
"""

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .audit import acting_as
from .models import TaakStatus
from .workflow import Transition, Workflow, transition

OPEN = (TaakStatus.IN_WACHTRIJ, TaakStatus.BEZIG)
# Celery's soft time limit of a job (the hard one is a minute later); above the PDF's own (bzt.pdf).
SOFT_TIME_LIMIT = 10 * 60
ONDERBROKEN = "Het maken is herhaaldelijk onderbroken (de verwerking stopte onverwacht)."


def taak_workflow(model, mag, *, wat, opnieuw_geweigerd):
    """The transition table of a job model; `mag(user, job)` says who may move it (the requester, the system),
    `wat` names the thing in the labels ("het rapport")."""
    S = TaakStatus
    return Workflow(
        model,
        Transition("starten", {S.IN_WACHTRIJ, S.BEZIG}, S.BEZIG, mag, label=f"{wat} maken"),
        Transition("voltooien", {S.BEZIG}, S.KLAAR, mag, label=f"{wat} afronden"),
        Transition("mislukken", {S.IN_WACHTRIJ, S.BEZIG}, S.MISLUKT, mag, label=f"{wat} afbreken"),
        Transition("opnieuw", {S.MISLUKT}, S.IN_WACHTRIJ, mag, label=f"{wat} opnieuw maken", refused=opnieuw_geweigerd),
    )


def runs_of_this_attempt(job):
    """How often this request was started: history records with status bezig since it was (re)queued."""
    runs = 0
    for record in job.history.order_by("-history_date", "-history_id").only("status"):
        if record.status == TaakStatus.IN_WACHTRIJ:
            break
        if record.status == TaakStatus.BEZIG:
            runs += 1
    return runs


def claim(model, pk, door, *, max_runs):
    """Move the job to bezig, or answer None when there is nothing to do (klaar, mislukt, gone)."""
    with transaction.atomic():
        job = model.objects.select_for_update().filter(pk=pk).first()
        if job is None or job.status not in OPEN:
            return None  # done already (a redelivered task), or failed: retrying is the user's choice
        with acting_as(door):
            if job.status == TaakStatus.BEZIG and runs_of_this_attempt(job) >= max_runs:
                transition(job, "mislukken", door=door, fout=ONDERBROKEN)
                return None
            transition(job, "starten", door=door, gestart_op=timezone.now(), voortgang=0, stap="Gestart", fout="")
    return job


def voortgang(model, pk, percentage, stap):
    """Progress is transient: QuerySet.update, no history record."""
    model.objects.filter(pk=pk).update(voortgang=percentage, stap=stap)


@contextmanager
def alleen_hier(sleutel, pk):
    """Yields True when no other process works on job `pk` now (a PostgreSQL advisory lock (sleutel, pk), held
    for the run). A killed worker's connection drops and frees the lock, so its redelivered job may run again; a
    duplicate message for a job that is running is skipped. Other databases: always True."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [sleutel, pk])
        vrij = cursor.fetchone()[0]
    try:
        yield vrij
    finally:
        if vrij:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [sleutel, pk])


def wachtende_versturen(queryset, start, *, ouder_dan):
    """Send the job again (`start(job)`) for every open job of `queryset` that waited or ran longer than
    `ouder_dan`. Covers a job that never reached the broker (Redis was down when it was requested) and one whose
    worker died with the message. Sending twice is harmless: a job that is klaar is skipped, and one that another
    worker runs too (`alleen_hier`). Returns the number sent."""
    grens = timezone.now() - ouder_dan
    jobs = list(
        queryset.filter(status__in=OPEN)
        .filter(Q(status=TaakStatus.IN_WACHTRIJ, aangevraagd_op__lt=grens) | Q(gestart_op__lt=grens))
        .select_related("aangevraagd_door")
    )
    for job in jobs:
        start(job)
    return len(jobs)


def schrijven(name, data: bytes):
    """Write MEDIA_ROOT/name via a temporary file in the same folder and a rename: never half a file."""
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o640)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def media_pad(name):
    """The file MEDIA_ROOT/name, or None when it is missing or would lie outside MEDIA_ROOT."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / name).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def foutmelding(error, *, soft_time_limit, anders) -> str:
    """What the user reads when a job fails: Dutch, no stack trace (that goes to the log); `anders` for any
    unexpected error."""
    from celery.exceptions import SoftTimeLimitExceeded

    from .pdf import PdfError

    if isinstance(error, SoftTimeLimitExceeded):
        return f"Het maken duurde langer dan {soft_time_limit // 60} minuten en is afgebroken."
    if isinstance(error, PdfError):
        return str(error)
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return anders
