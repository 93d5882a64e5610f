"""PDF from HTML with WeasyPrint, safely (DESIGN.md § Known traps).

WeasyPrint's default URL fetcher reads `file://` and any http(s) address: a template that mentions
`file:///etc/passwd` or a cloud metadata address would put that into the PDF. Here the fetcher serves the
app's own static files and nothing else. Relative URLs in the HTML resolve against a fake origin
(PDF_BASE_URL), so `/static/css/bzt.css` becomes `https://bzt.invalid/static/css/bzt.css`, which the
fetcher maps to the static file; every other address is refused.

- `render_pdf(html)`: in this process (the warm-up, tests; no request renders a PDF).
- `render_pdf_isolated(html, timeout=..., max_memory_mb=...)`: in a forked child process with a memory cap
  (RLIMIT_AS) and a time limit, for the background jobs (the jaarmonitor, every file of bzt.bestandstaken): a
  runaway render kills the child, not the web server or the Celery worker.
"""

import functools
import gc
import logging
import mimetypes
import os
import resource
import select
import signal
import time
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation

logger = logging.getLogger(__name__)
# WeasyPrint reports every layout step at INFO: keep the log for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

PDF_BASE_URL = "https://bzt.invalid/"

# The limits of a PDF rendered in a background job (the jaarmonitor, bzt.bestandstaken).
PDF_TIMEOUT_SECONDS = 5 * 60
PDF_MAX_MEMORY_MB = 1024

# Exit codes of the forked child (render_pdf_isolated).
EXIT_ERROR, EXIT_MEMORY = 2, 3


class PdfError(RuntimeError):
    """Rendering failed; the message is Dutch and fit for the user (no stack trace, no content)."""


def static_path(relative):
    """The file of a static asset (collected or in the app), or None; never outside the static folders."""
    try:
        if settings.STATIC_ROOT and staticfiles_storage.exists(relative):
            return staticfiles_storage.path(relative)
        found = finders.find(relative)
    except (SuspiciousFileOperation, NotImplementedError, ValueError):
        return None
    return found if isinstance(found, str) else None


def static_fetcher():
    """A WeasyPrint URL fetcher that serves only this app's static files (ValueError for anything else)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            prefix = PDF_BASE_URL.rstrip("/") + settings.STATIC_URL
            if not url.startswith(prefix):
                raise ValueError(f"Alleen eigen statische bestanden: {url[:80]} geweigerd.")
            relative = unquote(url[len(prefix) :].split("?")[0].split("#")[0])
            path = static_path(relative)
            if path is None:
                raise ValueError(f"Niet gevonden: {relative[:80]}")
            with open(path, "rb") as fh:
                body = fh.read()
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    return StaticOnlyFetcher(allowed_protocols=["https"], allow_redirects=False)


def render_pdf(html, base_url=None) -> bytes:
    """The PDF of `html`, in this process, reading nothing but the app's static files."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url or PDF_BASE_URL, url_fetcher=static_fetcher()).write_pdf()


def render_pdf_isolated(html, base_url=None, *, timeout=PDF_TIMEOUT_SECONDS, max_memory_mb=PDF_MAX_MEMORY_MB) -> bytes:
    """The PDF of `html`, rendered in a forked child process that may grow by at most `max_memory_mb` of
    address space and takes at most `timeout` seconds. Raises PdfError (Dutch message) when it fails.

    The child is a fork of this process (a web or Celery worker that has Django and WeasyPrint loaded), so
    it starts in milliseconds instead of importing everything again. The memory cap (RLIMIT_AS) is set in
    the child on top of the address space it inherits; a runaway render ends the child, never the worker."""
    import weasyprint  # noqa: F401 - loaded before the fork, so every child has it

    _warm_up()
    read_end, write_end = os.pipe()
    parent = os.getpid()
    gc.freeze()  # the child's garbage collector leaves the inherited objects alone (no copy-on-write of them)
    try:
        pid = os.fork()
    except OSError as error:
        gc.unfreeze()
        os.close(read_end)
        os.close(write_end)
        raise PdfError("Het opmaken van de PDF kon niet starten (te weinig systeembronnen).") from error
    if pid == 0:  # the child: render, write the PDF into the pipe, and leave without any cleanup
        os.close(read_end)
        _die_with_parent(parent)
        os._exit(_render_in_child(html, base_url or PDF_BASE_URL, write_end, max_memory_mb))
    gc.unfreeze()
    os.close(write_end)
    try:
        data, finished = _read_until(read_end, deadline=time.monotonic() + timeout)
    except BaseException:  # e.g. Celery's soft time limit: the child must not outlive the job
        _kill(pid)
        raise
    finally:
        os.close(read_end)
    if not finished:
        _kill(pid)
        raise PdfError(f"Het opmaken van de PDF duurde langer dan {timeout} seconden en is afgebroken.")
    code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    if code == 0 and data.startswith(b"%PDF"):
        return data
    logger.error("PDF-opmaak mislukt (kindproces, code %s)", code)
    # A signal is, in practice, the memory cap: GLib and cairo abort or crash when an allocation fails
    # (SIGTRAP, SIGABRT, SIGSEGV), the kernel's OOM killer sends SIGKILL.
    if code == EXIT_MEMORY or code < 0:
        raise PdfError(f"Het opmaken van de PDF had meer dan {max_memory_mb} MB geheugen nodig en is afgebroken.")
    raise PdfError("Het opmaken van de PDF is mislukt.")


@functools.cache
def _warm_up():
    """Render a tiny page once in this process: WeasyPrint's fonts and styles are then loaded before any
    fork, so the children do not each load them again. Our own fixed HTML, nothing from a user."""
    try:
        render_pdf("<p>BZT</p>")
    except Exception:  # the child will fail the same way and report it
        logger.exception("PDF-opmaak: opwarmen mislukt")


def _read_until(fd, *, deadline):
    """Everything the child writes to `fd` until it closes it (finished) or the deadline passes."""
    chunks = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return b"".join(chunks), False
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks), True
        chunks.append(chunk)


def _kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)


def _die_with_parent(parent):
    """In the child: be killed when the process that forked it dies (Linux PR_SET_PDEATHSIG). A Celery pool
    process killed with -9 during a render would otherwise leave the child rendering on, holding copies of the
    parent's sockets — its PostgreSQL connection among them, so the job's advisory lock stayed held and the
    redelivered job skipped the report as "already running" (found by the worker-kill fault test, issue 20)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the child ends on the broken pipe when it writes
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(EXIT_ERROR)


def _render_in_child(html, base_url, fd, max_memory_mb) -> int:
    """In the forked child: the exit code (0, EXIT_ERROR or EXIT_MEMORY). Never returns by an exception."""
    try:
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)  # not the handlers of the web server or Celery worker
        limit = _address_space() + max_memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        pdf = render_pdf(html, base_url=base_url)
        with os.fdopen(fd, "wb") as out:
            out.write(pdf)
        return 0
    except MemoryError:
        return EXIT_MEMORY
    except BaseException:  # noqa: BLE001 - reported to the parent through the exit code
        try:
            logger.exception("PDF-opmaak mislukt in het kindproces")
        except BaseException:  # noqa: BLE001, S110 - a failing log must not keep the child alive
            pass
        return EXIT_ERROR


def _address_space():
    """The address space of this process in bytes (Linux: /proc/self/statm), or 0 where unknown."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0
