"""The README's pictures (docs/img/*.png), taken from the running demo app with the data of `seed_demo`.

    ./dev.sh up                                    # in one terminal: migrate, seed_demo, runserver on :8000
    DEBUG=true .venv/bin/python scripts/readme_pictures.py [http://127.0.0.1:8000]

Each picture is the relevant part of a page at 1366 px wide (the phone view at 390 px), reduced to a palette of
256 colours so the repository stays small; the jaarmonitor's PDF pages come from `manage.py jaarmonitor` through
`pdftoppm` (poppler-utils). It logs in as the demo accounts (password DEMO_PASSWORD, the second
step with the demo authenticator's code, read from the same database as the server's). The pictures of every
changed page at both widths come from the browser tests instead (tests/browser/test_density.py).
"""

import os
import subprocess
import sys
import tempfile
from datetime import date
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bzt.settings")
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM (the demo code) between Playwright's sync calls

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402
from PIL import Image  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from casusregie.models import Escalatie  # noqa: E402
from mdo.models import Overleg  # noqa: E402
from tests.helpers import BREED, SMAL, login  # noqa: E402

IMG = ROOT / "docs" / "img"
CHROMIUM = os.environ.get("BZT_CHROMIUM", "/usr/bin/chromium")


def bewaar(page, naam, *, hoogte=None):
    """The page, cut at `hoogte` px, as docs/img/NAAM.png in 256 colours."""
    opslaan(Image.open(BytesIO(page.screenshot(full_page=True))), naam, hoogte)


def opslaan(beeld, naam, hoogte=None):
    beeld = beeld.convert("RGB")
    if hoogte and beeld.height > hoogte:
        beeld = beeld.crop((0, 0, beeld.width, hoogte))
    beeld = beeld.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    beeld.save(IMG / f"{naam}.png", optimize=True)
    print(f"docs/img/{naam}.png {beeld.width}×{beeld.height} {(IMG / f'{naam}.png').stat().st_size // 1024} kB")


def main(base_url):
    overleg = Overleg.objects.annotate(n=Count("agendapunten")).filter(status="gepland").order_by("-n").first()
    escalatie = Escalatie.objects.filter(maatwerkbudget__isnull=False, status="open").select_related("casus").first()
    casus = escalatie.casus
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)

        def als(username, viewport=BREED):
            context = browser.new_context(base_url=base_url, locale="nl-NL", viewport=viewport)
            page = context.new_page()
            login(page, username)
            return page

        meldpunt = als("meldpunt")
        meldpunt.goto("/meldpunt/?wachtrij=mdo")
        bewaar(meldpunt, "wachtrij", hoogte=900)
        telefoon = als("meldpunt", SMAL)
        telefoon.goto("/meldpunt/?wachtrij=mdo")
        bewaar(telefoon, "wachtrij-telefoon", hoogte=1400)

        pm = als("procesmanager")
        pm.goto(f"/mdo/{overleg.pk}/")
        bewaar(pm, "mdo-agenda", hoogte=1300)
        pm.goto("/casussen/dashboard/")
        bewaar(pm, "dashboard", hoogte=1500)

        wethouder = als(escalatie.niveau.code if escalatie.niveau.code == "wethouder" else "procesmanager")
        wethouder.goto(f"/casussen/escalaties/{escalatie.pk}/")
        bewaar(wethouder, "escalatie", hoogte=1100)

        regisseur = als(casus.casusregisseur.username)
        regisseur.goto(f"/casussen/{casus.pk}/")
        bewaar(regisseur, "dossier", hoogte=2000)
        regisseur.goto("/casussen/acties/")
        bewaar(regisseur, "mijn-acties", hoogte=900)

        beleid = als("beleid")
        beleid.goto(f"/jaarmonitor/{date.today().year}/")
        bewaar(beleid, "jaarmonitor", hoogte=1300)
        browser.close()
    jaarmonitor_pdf(date.today().year)


def jaarmonitor_pdf(jaar):
    """Cover, summary and first section of the jaarmonitor PDF (docs/jaarmonitor.md), at 60 dpi."""
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "jaarmonitor.pdf"
        call_command("jaarmonitor", jaar=jaar, format="pdf", output=str(pdf))
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "3", pdf, Path(tmp) / "p"], check=True)  # noqa: S603, S607
        for i, png in enumerate(sorted(Path(tmp).glob("p-*.png")), start=1):
            opslaan(Image.open(png), f"jaarmonitor-{i}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
