"""PDF from HTML with WeasyPrint, safely (DESIGN.md § Known traps).

WeasyPrint's default URL fetcher reads `file://` and any http(s) address: a template that mentions
`file:///etc/passwd` or a cloud metadata address would put that into the PDF. Here the fetcher serves the
app's own static files and nothing else. Relative URLs in the HTML resolve against a fake origin
(PDF_BASE_URL), so `/static/css/bzt.css` becomes `https://bzt.invalid/static/css/bzt.css`, which the
fetcher maps to the static file; every other address is refused.

- `render_pdf(html)`: in this process (short documents such as the MDO agenda, inside a request).
- `render_pdf_isolated(html, timeout=..., max_memory_mb=...)`: in a child process with a memory cap
  (RLIMIT_AS) and a time limit, for long jobs (the jaarmonitor): a runaway render kills the child, not the
  web server or the Celery worker. Run as `python -m bzt.pdf` (HTML on stdin, PDF on stdout).
"""

import logging
import mimetypes
import os
import subprocess
import sys
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation

logger = logging.getLogger(__name__)
# WeasyPrint reports every layout step at INFO: keep the log for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

PDF_BASE_URL = "https://bzt.invalid/"

# Exit codes of the child process (render_pdf_isolated).
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


def render_pdf_isolated(html, base_url=None, *, timeout=300, max_memory_mb=1024) -> bytes:
    """The PDF of `html`, rendered in a child process with at most `max_memory_mb` of address space and
    `timeout` seconds. Raises PdfError (Dutch message) when it fails; the child's output goes to the log."""
    command = [sys.executable, "-m", "bzt.pdf", "--base-url", base_url or PDF_BASE_URL]
    command += ["--max-memory-mb", str(int(max_memory_mb))]
    try:
        result = subprocess.run(  # noqa: S603 - our own module, fixed arguments
            command,
            input=html.encode(),
            capture_output=True,
            timeout=timeout,
            cwd=settings.BASE_DIR,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "bzt.settings")},
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise PdfError(f"Het opmaken van de PDF duurde langer dan {timeout} seconden en is afgebroken.") from error
    if result.returncode == 0 and result.stdout.startswith(b"%PDF"):
        return result.stdout
    logger.error("PDF-opmaak mislukt (code %s): %s", result.returncode, result.stderr.decode(errors="replace")[-4000:])
    if result.returncode in (EXIT_MEMORY, -9):
        raise PdfError(f"Het opmaken van de PDF had meer dan {max_memory_mb} MB geheugen nodig en is afgebroken.")
    raise PdfError("Het opmaken van de PDF is mislukt.")


def _child(argv):
    """`python -m bzt.pdf`: HTML on stdin, PDF on stdout, under a memory limit."""
    import argparse
    import resource
    import traceback

    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", default=PDF_BASE_URL)
    parser.add_argument("--max-memory-mb", type=int, default=1024)
    args = parser.parse_args(argv)
    django.setup()
    html = sys.stdin.buffer.read().decode()
    import weasyprint  # noqa: F401 - loaded before the limit, so the limit measures the rendering

    limit = args.max_memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        pdf = render_pdf(html, base_url=args.base_url)
    except MemoryError:
        sys.stderr.write("Onvoldoende geheugen voor de PDF.\n")
        return EXIT_MEMORY
    except Exception:  # reported to the parent through the exit code; the trace goes to its log
        traceback.print_exc()
        return EXIT_ERROR
    sys.stdout.buffer.write(pdf)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
