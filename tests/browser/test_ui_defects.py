"""Issue 17, "Defects seen", as a user sees them (computed style and visible text, not the HTML), in two walks:
the meldpunt registering a household with a pasted BSN, and a casus with an escalation, a doorbraak, an MDO
besluit for a meeting ahead, the dashboard's signals and a jaarmonitor made in the background."""

import re
import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from casusregie import services
from mdo import services as mdo_services
from monitor import exports
from monitor.models import Rapport
from tests import factories
from tests.a11y import assert_accessible
from tests.browser.test_casus_journey import as_user, status_text  # noqa: F401 - the shared fixture
from tests.helpers import login, screenshots
from tests.monitor.conftest import JAAR, jaar_cijfers, media  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser]

STYLE = """(el) => { const s = getComputedStyle(el);
  return {bg: s.backgroundColor, color: s.color, border: s.borderColor, shadow: s.boxShadow,
          image: s.backgroundImage}; }"""


# The computed style of an unchecked copy of a radio, next to it (same classes and context).
UNCHECKED_TWIN = (
    "(el) => { const twin = el.cloneNode(); twin.removeAttribute('checked'); twin.checked = false;"
    " twin.removeAttribute('id'); twin.name = 'tweeling'; el.after(twin);"
    " const s = getComputedStyle(twin);"
    " const r = {bg: s.backgroundColor, color: s.color, border: s.borderColor, shadow: s.boxShadow,"
    " image: s.backgroundImage}; twin.remove(); return r; }"
)


def _rgb(text):
    values = [float(v) for v in re.findall(r"[\d.]+", text)]
    return values[:3], (values[3] if len(values) > 3 else 1.0)


def _luminance(rgb):
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a, b):
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def button_looks_enabled(button, name):
    """A filled, coloured button with readable text: a grey outline looks disabled (computed style)."""
    style = button.evaluate(STYLE)
    (bg, alpha), (color, _) = _rgb(style["bg"]), _rgb(style["color"])
    assert alpha == 1.0, f"{name}: transparent background {style}"
    assert max(bg) - min(bg) > 40, f"{name}: a grey background looks disabled {style}"
    assert _contrast(bg, color) >= 4.5, f"{name}: text contrast {style}"


def assert_looks_enabled(page, name, *, like=None):
    """A filled, coloured button with readable text (a grey outline looks disabled), filled like the page's
    ordinary primary button `like`."""
    button = page.get_by_role("button", name=name, exact=True)
    button_looks_enabled(button, name)
    if like:
        gewoon = page.get_by_role("button", name=like, exact=True).evaluate(STYLE)
        assert _rgb(gewoon["bg"])[1] == 1.0 and max(_rgb(gewoon["bg"])[0]) - min(_rgb(gewoon["bg"])[0]) > 40
    assert not button.is_disabled()


def test_the_meldpunt_pastes_a_bsn_and_sees_the_known_person_selected(page, demo):
    eerdere = factories.melding(
        demo["meldpunt2"],
        huishouden=[("hoofdpersoon", factories.persoon_gegevens(voornaam="Jan", achternaam="Jansen", bsn="123456782"))],
    )
    login(page, "meldpunt")
    page.get_by_role("link", name="Nieuwe melding").first.click()
    assert "---------" not in page.locator("main").inner_text()
    assert page.locator("#id_kanaal option").first.inner_text() == "— kies —"
    page.get_by_label("Kanaal").select_option("telefoon")
    page.get_by_label("Aanmeldroute").select_option("oggz")
    page.get_by_label("Aanleiding").fill("Buren horen ruzie.")
    page.get_by_label("Soort melder").select_option("professional")
    page.get_by_label("Organisatie melder").fill("Politie")
    page.locator("#id_persoon-0-rol").select_option("hoofdpersoon")
    page.locator("#id_persoon-0-voornaam").fill("Jan")
    page.locator("#id_persoon-0-achternaam").fill("Jansen")
    page.locator("#id_persoon-0-geboortedatum").fill("1970-05-01")
    bsn = page.locator("#id_persoon-0-bsn")
    bsn.press_sequentially("1234.56.782")  # typed as on the letter: the browser keeps every character
    assert bsn.input_value() == "1234.56.782"
    for geplakt in ("628 194 821", "1234.56.782"):  # pasted: nothing cut off before the server cleans it
        bsn.fill("")
        bsn.focus()
        page.keyboard.insert_text(geplakt)
        assert bsn.input_value() == geplakt
    page.locator("#id_persoon-0-wijk").select_option("Rivierenwijk")
    page.get_by_role("button", name="Melding opslaan").click()

    # the server cleaned the BSN and found the known person; the chosen option LOOKS chosen
    box = page.locator(".bzt-candidate")
    assert "Mogelijk al bekend" in box.inner_text()
    assert f"betrokken bij melding {eerdere.nummer} (status: Ontvangen;" in box.inner_text()  # capitalised
    assert "#" not in box.inner_text()  # no internal record id
    # a BSN match leaves one option, the known person: it must look chosen next to the same radio unchosen
    gekozen = box.locator("input[type=radio]").first
    assert gekozen.is_checked()
    aan = gekozen.evaluate(STYLE)
    uit = gekozen.evaluate(UNCHECKED_TWIN)
    assert aan["bg"] != uit["bg"] or aan["image"] != uit["image"], (aan, uit)
    assert _rgb(aan["bg"])[1] == 1.0 and _rgb(aan["bg"])[0] != [255.0, 255.0, 255.0]  # filled, not an empty ring
    assert_accessible(page)
    screenshots(page, "ui-melding-al-bekend")


def test_a_casus_with_an_escalation_a_doorbraak_an_mdo_ahead_and_the_signals(as_user, demo):  # noqa: F811
    casus = factories.casus(demo)
    services.wachtlijst_melden(
        door=casus.casusregisseur,
        casus=casus,
        organisatie=casus.casusregisseur.organisatie,
        voorziening="Beschermd wonen",
        sinds=timezone.localdate() - timedelta(days=3),
    )
    escalatie = services.casus_escaleren(door=casus.casusregisseur, casus=casus, reden="stagnatie", vraag="Vast.")
    overleg = factories.overleg(demo, dagen=3)
    punt = mdo_services.casus_agenderen(door=casus.casusregisseur, casus=casus, vraag="Meedenken?", overleg=overleg)
    mdo_services.besluit_nemen(door=demo["procesmanager"], punt=punt, actie="besproken", gegevens={"notulen": "Ok."})

    pm = as_user("procesmanager")
    # the dashboard counts the signals without anyone pressing "Signalen nu berekenen"
    pm.goto("/casussen/dashboard/")
    signalen = pm.locator("section[aria-labelledby=signalen]").inner_text()
    assert "Er zijn geen stagnatiesignalen" not in signalen and "Laatst berekend op" in signalen
    assert re.search(r"\((?:[1-9]\d*)\)", signalen)

    # the escalation: Opschalen looks like a button one can press; money in Dutch
    pm.goto(f"/casussen/escalaties/{escalatie.pk}/")
    assert_looks_enabled(pm, "Opschalen", like="Antwoord vastleggen")
    assert pm.locator("#id_opschalen-naar option").first.inner_text() == "— kies —"
    pm.locator("summary", has_text="Doorbraak met maatwerkbudget").click()  # the form opens on demand (density)
    pm.get_by_label("Maatwerkbudget (€)").fill("4.800")
    pm.get_by_label("Legitimiteit").fill("Past binnen beleid.")
    pm.get_by_label("Betrokkenheid").fill("Iedereen eens.")
    pm.get_by_label("Rendement").fill("Voorkomt uitzetting.")
    pm.get_by_role("button", name="Doorbraak vastleggen").click()
    assert pm.locator(".bzt-doorbraak__budget").inner_text() == "€\u00a04.800,00"  # the doorbraak block
    assert_accessible(pm)
    screenshots(pm, "ui-escalatie")

    # the dossier: Casus afsluiten looks enabled; the timeline in the order it happened, the MDO ahead apart
    reg = as_user("regisseur_dimence")
    lopend = factories.casus(demo)  # another casus, in uitvoering: it may be closed
    factories.vastgesteld_plan(demo, lopend)
    reg.goto(f"/casussen/{lopend.pk}/")
    assert_looks_enabled(reg, "Casus afsluiten")
    reg.locator("summary", has_text="Opschalen (escaleren)").click()  # once "Opschalen naar de procesmanager"
    assert_looks_enabled(reg, "Opschalen")
    reg.goto(f"/casussen/{casus.pk}/")
    gepland = reg.locator("ul.bzt-timeline--gepland").inner_text()
    assert f"MDO {overleg.datum:%d-%m-%Y}: Besproken" in gepland
    gebeurd = reg.locator("#kop-gebeurd ~ ul.bzt-timeline").first.locator("li")
    eerste = gebeurd.first.inner_text()
    assert "Besproken" not in eerste and re.search(r"\d{1,2}:\d{2}", eerste)  # newest first, with its time
    teksten = gebeurd.all_inner_texts()
    assert next(i for i, t in enumerate(teksten) if "doorbraak" in t.lower()) < next(
        i for i, t in enumerate(teksten) if "Escalatie opgeschaald" in t
    )  # the escalation's steps newest first too
    assert_accessible(reg)
    screenshots(reg, "ui-dossier")


@pytest.mark.postgres  # the page polls while the job thread writes: SQLite's in-memory test database cannot
def test_the_jaarmonitor_shows_its_progress_in_the_embedded_setup(
    as_user,  # noqa: F811
    demo,
    jaar_cijfers,  # noqa: F811
    media,  # noqa: F811
    settings,
    monkeypatch,
):
    """No broker: the request returns at once and the page shows the progress bar, then the download."""
    settings.BZT_TAKEN_IN_THREAD = True
    release = threading.Event()

    def slow_pdf(shown):
        assert release.wait(30)
        return b"%PDF-1.7 jaarmonitor"

    monkeypatch.setattr(exports, "render_pdf", slow_pdf)
    beleid = as_user("beleid")
    beleid.goto("/jaarmonitor/")
    beleid.locator("#id_rapport-jaar").select_option(str(JAAR))
    beleid.get_by_role("button", name="Rapport maken").click()
    try:
        assert f"De jaarmonitor {JAAR} wordt gemaakt." in status_text(beleid)
        beleid.locator("progress").first.wait_for(state="visible")
        screenshots(beleid, "ui-jaarmonitor-voortgang")
    finally:
        release.set()
    beleid.get_by_role("link", name=re.compile("PDF downloaden")).first.wait_for(timeout=30_000)
    assert Rapport.objects.get(jaar=JAAR).status == Rapport.Status.KLAAR
