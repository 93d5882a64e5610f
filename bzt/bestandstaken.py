"""Files made in the background for one person (bzt.Bestandstaak): the registry of kinds and every write.

A higher app registers each kind of file in its AppConfig.ready() (`registreren(Soort(...))`); bzt never imports
it. A kind says how to fetch its object for a user — the app's own permission-filtered selector, so the right is
checked when the file is asked for, again in the job (as the person who asked) and again at the download — how
to render the file's HTML, the file name, and how the download is recorded in the access log.

The job (bzt.tasks.bestandstaak_maken) runs with the jaarmonitor's mechanics (bzt.achtergrond): the same states
and transitions, the advisory lock against a duplicate delivery, the sweep that sends again what never reached
the broker, the PDF rendered in a forked child with a memory cap and a time limit (bzt.pdf.render_pdf_isolated).
Files hold personal data: they are removed with their row `BEWAREN` after they are made (`opruimen`, beat).
"""

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from . import achtergrond
from .audit import acting_as, system_user
from .models import Bestandstaak, TaakStatus
from .pdf import PDF_MAX_MEMORY_MB, PDF_TIMEOUT_SECONDS, render_pdf_isolated
from .tasks import start_task
from .workflow import transition

logger = logging.getLogger(__name__)

MAP = "taken"
# A made file can be downloaded this long; then file and row are removed (personal data: as short as works).
BEWAREN = timedelta(hours=1)
# A job that waits or runs this long without finishing is given up and removed by the cleanup as well.
OPGEVEN = timedelta(days=1)
MAX_RUNS = 2
ADVISORY_LOCK_KEY = 7202  # first half of the PostgreSQL advisory lock key of a running file job
GEEN_TOEGANG = "U heeft geen toegang (meer) tot wat in dit bestand zou staan. Het is niet gemaakt."
ANDERS = "Er ging iets mis bij het maken van het bestand. De technische details staan in het logboek."


@dataclass(frozen=True)
class Soort:
    """One kind of file. Every function gets the acting user: the one who asked for the file."""

    naam: str  # "mdo.agenda": the app and the file
    ophalen: Callable[[Any, str], Any]  # (user, object_id) -> object, through the app's selector; Http404 if not
    titel: Callable[[Any], str]  # (object) -> what is made, shown on the progress page: no personal data
    html: Callable[[Any, Any], str]  # (user, object) -> the HTML of the PDF (in the job)
    bestandsnaam: Callable[[Any], str]  # (object) -> the name the download gets
    loggen: Callable[[Any, Any, list], None]  # (request, object, person ids in the file) -> the download's log rows
    terug: Callable[[Any], str] = lambda obj: ""  # (object) -> the page the file was asked from
    personen: Callable[[Any], Any] = lambda obj: ()  # (object) -> the persons (or ids) the file shows, when made


_SOORTEN: dict[str, Soort] = {}


def registreren(soort: Soort) -> Soort:
    _SOORTEN[soort.naam] = soort
    return soort


def soort_van(naam) -> Soort:
    try:
        return _SOORTEN[naam]
    except KeyError:
        raise Http404("Onbekend soort bestand.") from None


def ophalen(soort: Soort, user, object_id):
    """The object, if `user` may see it now; Http404 otherwise (also for a right that was taken away)."""
    try:
        return soort.ophalen(user, str(object_id))
    except (PermissionDenied, ObjectDoesNotExist):
        raise Http404("Niet gevonden.") from None


def mag(user, taak):
    """Who moves a file job: the person who asked for it (the job acts as them)."""
    return taak.aangevraagd_door_id == user.pk


WORKFLOW = achtergrond.taak_workflow(
    Bestandstaak,
    mag,
    wat="het bestand",
    opnieuw_geweigerd="Alleen een mislukt bestand kan opnieuw worden gemaakt.",
)


def taken_for(user):
    """The jobs `user` may see and download: only their own."""
    return Bestandstaak.objects.filter(aangevraagd_door=user)


def aanvragen(*, door, soort, object_id) -> Bestandstaak:
    """Ask for the file of kind `soort` about `object_id`: a new job, started after commit. While the same file
    of the same person waits or runs, that job is returned (`al_aangevraagd`), also for two requests at once
    (a database constraint), and sent again when it waited longer than the sweep would let it. Http404 when
    `door` may not see the object."""
    soort = soort_van(soort)
    obj = ophalen(soort, door, object_id)
    object_id = str(object_id)
    open_taak = taken_for(door).filter(soort=soort.naam, object_id=object_id, status__in=achtergrond.OPEN)
    with transaction.atomic():
        bestaand = open_taak.first()
        if bestaand is None:
            try:
                with transaction.atomic(), acting_as(door):
                    taak = Bestandstaak.objects.create(
                        soort=soort.naam,
                        object_id=object_id,
                        titel=soort.titel(obj)[:200],
                        terug_url=soort.terug(obj)[:300],
                        aangevraagd_door=door,
                        verloopt_op=timezone.now() + OPGEVEN,
                    )
            except IntegrityError:
                bestaand = open_taak.first()
                if bestaand is None:
                    raise
        if bestaand is not None:
            # waited too long (its message was lost, e.g. with the process of the embedded setup): send it again
            achtergrond.wachtende_versturen(
                Bestandstaak.objects.filter(pk=bestaand.pk), lambda taak: _start(taak, door), ouder_dan=_herstart()
            )
            bestaand.al_aangevraagd = True
            return bestaand
        taak.verzending = _start(taak, door)
    taak.al_aangevraagd = False
    return taak


def opnieuw(*, door, taak: Bestandstaak) -> Bestandstaak:
    """Try a failed job again: the same row goes back in the queue, with one attempt more."""
    with transaction.atomic():
        WORKFLOW.lock(taak, "opnieuw", door=door)
        if (
            taken_for(door)
            .filter(soort=taak.soort, object_id=taak.object_id, status__in=achtergrond.OPEN)
            .exclude(pk=taak.pk)
            .exists()
        ):
            raise ValidationError("Dit bestand wordt al gemaakt.")
        with acting_as(door, reason="opnieuw proberen"):
            transition(
                taak,
                "opnieuw",
                door=door,
                pogingen=taak.pogingen + 1,
                fout="",
                voortgang=0,
                stap="",
                aangevraagd_op=timezone.now(),
                verloopt_op=timezone.now() + OPGEVEN,
            )
        taak.verzending = _start(taak, door)
    return taak


def _start(taak, door):
    from . import tasks

    return start_task(tasks.bestandstaak_maken, taak.pk, door=door)


def wachtende_versturen(*, ouder_dan=None) -> int:
    """Celery beat: send the job again for every open file job that waits too long (the broker was down)."""
    return achtergrond.wachtende_versturen(
        Bestandstaak.objects.all(), lambda taak: _start(taak, taak.aangevraagd_door), ouder_dan=ouder_dan or _herstart()
    )


def _herstart():
    return timedelta(seconds=settings.BZT_RAPPORT_HERSTART_SECONDEN)


def maken(*, taak_id, door) -> Bestandstaak | None:
    """The job: check the right again (as `door`, who asked), render the PDF in a child process with limits, save
    it, mark the job klaar. Idempotent: a job that is klaar or mislukt is left alone. A failure marks it mislukt
    with a Dutch message and leaves no file. Returns the job, or None when there was nothing to do."""
    with achtergrond.alleen_hier(ADVISORY_LOCK_KEY, taak_id) as vrij:
        if not vrij:
            logger.info("Bestandstaak %s wordt al door een andere verwerking gemaakt", taak_id)
            return None
        return _maken(taak_id, door)


def _maken(taak_id, door):
    taak = achtergrond.claim(Bestandstaak, taak_id, door, max_runs=MAX_RUNS)
    if taak is None:
        return None
    name = f"{MAP}/{uuid.uuid4().hex}.pdf"
    try:
        soort = soort_van(taak.soort)
        achtergrond.voortgang(Bestandstaak, taak.pk, 10, "Gegevens ophalen")
        try:
            obj = ophalen(soort, door, taak.object_id)
        except Http404:
            raise ValidationError(GEEN_TOEGANG) from None
        html = soort.html(door, obj)
        personen = sorted({getattr(p, "pk", p) for p in soort.personen(obj)})
        achtergrond.voortgang(Bestandstaak, taak.pk, 30, "PDF opmaken")
        pdf = render_pdf_isolated(html, timeout=PDF_TIMEOUT_SECONDS, max_memory_mb=PDF_MAX_MEMORY_MB)
        achtergrond.voortgang(Bestandstaak, taak.pk, 90, "Opslaan")
        achtergrond.schrijven(name, pdf)
        with transaction.atomic(), acting_as(door):
            nu = timezone.now()
            transition(
                taak,
                "voltooien",
                door=door,
                bestand=name,
                personen=personen,
                voortgang=100,
                stap="Klaar",
                fout="",
                klaar_op=nu,
                verloopt_op=nu + BEWAREN,
            )
    except Exception as error:
        logger.exception("Bestandstaak %s (%s) mislukt", taak.pk, taak.soort)
        (Path(settings.MEDIA_ROOT) / name).unlink(missing_ok=True)
        fout = achtergrond.foutmelding(error, soft_time_limit=achtergrond.SOFT_TIME_LIMIT, anders=ANDERS)
        with transaction.atomic(), acting_as(door):
            transition(taak, "mislukken", door=door, fout=fout, verloopt_op=timezone.now() + BEWAREN)
    return taak


def downloaden(request, taak_id):
    """(path, file name) of a made file for `request.user`: only the person who asked for it, only while they
    may still see its object (checked again here through the app's selector), and the download is recorded in
    the access log as the kind records it. Http404 otherwise, whatever the reason: ids cannot be probed."""
    taak = taken_for(request.user).filter(pk=taak_id, status=TaakStatus.KLAAR, verloopt_op__gt=timezone.now())
    taak = taak.exclude(bestand="").first()
    if taak is None:
        raise Http404("Dit bestand bestaat niet (meer).")
    path = achtergrond.media_pad(taak.bestand.name)
    if path is None:
        raise Http404("Dit bestand bestaat niet (meer).")
    soort = soort_van(taak.soort)
    obj = ophalen(soort, request.user, taak.object_id)
    soort.loggen(request, obj, taak.personen)
    return path, soort.bestandsnaam(obj)


def opruimen(*, nu=None) -> int:
    """Celery beat: remove the files and rows whose time is up (`verloopt_op`), and any file in the folder that
    no row claims any more (a crash between writing and recording). Returns the number of rows removed."""
    nu = nu or timezone.now()
    verlopen = list(Bestandstaak.objects.filter(verloopt_op__lt=nu))
    systeem = system_user()
    for taak in verlopen:
        if taak.bestand:
            path = achtergrond.media_pad(taak.bestand.name)
            if path is not None:
                path.unlink(missing_ok=True)
        with transaction.atomic(), acting_as(systeem, reason="bewaartijd verstreken"):
            taak.delete()
    _losse_bestanden_opruimen(nu)
    return len(verlopen)


def _losse_bestanden_opruimen(nu):
    folder = Path(settings.MEDIA_ROOT) / MAP
    if not folder.is_dir():
        return
    bekend = set(Bestandstaak.objects.exclude(bestand="").values_list("bestand", flat=True))
    grens = nu.timestamp() - BEWAREN.total_seconds()
    for path in folder.iterdir():
        if path.is_file() and f"{MAP}/{path.name}" not in bekend and path.stat().st_mtime < min(grens, time.time()):
            path.unlink(missing_ok=True)
