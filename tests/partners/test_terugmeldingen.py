"""Status callbacks to a real HTTP receiver on localhost: once per change a melder may see, in the shape of the VNG
Notificaties API, without personal data, signed; retried after the receiver was down; after repeated failure shown
to functioneel beheer."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from meldpunt import services as meldpunt_services
from partners import terugmeldingen
from partners.beheer import terugmeldadres_opslaan
from partners.models import Indiening, Terugmelding
from partners.tasks import terugmeldingen_nasturen
from tests import factories

GEHEIM = "gedeeld-geheim-van-de-politie"


class Ontvanger:
    """An HTTP server in a thread that records what it receives; `antwoord` is the status it gives."""

    def __init__(self):
        self.berichten, self.antwoord = [], 204
        ontvanger = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                lengte = int(self.headers.get("Content-Length", 0))
                ontvanger.berichten.append((dict(self.headers), self.rfile.read(lengte)))
                self.send_response(ontvanger.antwoord)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/bzt/notificaties"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        if self.thread.is_alive():
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture
def ontvanger():
    o = Ontvanger()
    yield o
    o.stop()


@pytest.fixture
def ingediend(api, demo, politie, ontvanger, django_capture_on_commit_callbacks):
    terugmeldadres_opslaan(door=demo["beheer"], organisatie=politie, url=ontvanger.url, hmac_geheim=GEHEIM)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.api_post()
    return Indiening.objects.get(pk=response.json()["id"])


def _triage_start(demo, indiening, capture):
    with capture(execute=True):
        meldpunt_services.melding_in_triage_nemen(door=demo["meldpunt"], melding=indiening.melding)


def test_a_status_change_is_delivered_once_signed_and_without_personal_data(
    ingediend, demo, ontvanger, django_capture_on_commit_callbacks
):
    assert ontvanger.berichten == []  # filing is no change of status
    _triage_start(demo, ingediend, django_capture_on_commit_callbacks)
    assert len(ontvanger.berichten) == 1
    headers, raw = ontvanger.berichten[0]
    bericht = json.loads(raw)
    assert set(bericht) == {"kanaal", "hoofdObject", "resource", "resourceUrl", "actie", "aanmaakdatum", "kenmerken"}
    assert bericht["resourceUrl"].endswith(f"/api/v1/meldingen/{ingediend.pk}")
    assert bericht["kenmerken"] == {"nummer": ingediend.melding.nummer, "status": "in_behandeling"}
    verwacht = "sha256=" + hmac.new(GEHEIM.encode(), raw, hashlib.sha256).hexdigest()
    assert headers["BZT-Signature"] == verwacht
    for gevoelig in ("Vermeulen", "Piet", "111222333", "Brink", "Agent", "stank"):
        assert gevoelig not in raw.decode()

    # a transition that does not change what the melder sees (in_behandeling stays in_behandeling): nothing sent
    with django_capture_on_commit_callbacks(execute=True):
        factories.triage(demo["meldpunt"], ingediend.melding)  # to the MDO: still in behandeling
    assert len(ontvanger.berichten) == 1
    # a change the melder sees again: one more
    ingediend.refresh_from_db()
    assert Terugmelding.objects.filter(indiening=ingediend, status="afgeleverd").count() == 1


def test_triaged_to_no_action_is_afgehandeld_and_told(ingediend, demo, ontvanger, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        factories.triage(demo["meldpunt"], ingediend.melding, codes=(), besluit="geen_actie")
    statussen = [json.loads(raw)["kenmerken"]["status"] for _, raw in ontvanger.berichten]
    assert statussen == ["afgehandeld"]


def test_a_receiver_that_was_down_gets_it_after_a_retry_exactly_once(
    ingediend, demo, ontvanger, django_capture_on_commit_callbacks
):
    ontvanger.antwoord = 503
    _triage_start(demo, ingediend, django_capture_on_commit_callbacks)
    terugmelding = Terugmelding.objects.get()
    assert terugmelding.status == "open" and terugmelding.pogingen == 1 and "503" in terugmelding.laatste_fout
    assert terugmelding.volgende_poging_op > timezone.now()
    terugmeldingen_nasturen.apply()  # not due yet: nothing
    assert len(ontvanger.berichten) == 1
    ontvanger.antwoord = 204
    Terugmelding.objects.filter(pk=terugmelding.pk).update(volgende_poging_op=timezone.now() - timedelta(seconds=1))
    terugmeldingen_nasturen.apply()
    terugmeldingen_nasturen.apply()  # delivered: never again
    assert len(ontvanger.berichten) == 2
    terugmelding.refresh_from_db()
    assert terugmelding.status == "afgeleverd" and terugmelding.pogingen == 2


def test_after_repeated_failure_functioneel_beheer_sees_it(
    ingediend, demo, ontvanger, django_capture_on_commit_callbacks, settings, client
):
    settings.BZT_TERUGMELDING_POGINGEN = 3
    ontvanger.stop()  # nobody listens any more
    _triage_start(demo, ingediend, django_capture_on_commit_callbacks)
    terugmelding = Terugmelding.objects.get()
    for _ in range(3):
        terugmeldingen.afleveren(terugmelding.pk, now=timezone.now() + timedelta(days=1))
    terugmelding.refresh_from_db()
    assert terugmelding.status == "mislukt" and terugmelding.pogingen == 3
    client.force_login(demo["beheer"])
    pagina = client.get("/beheer/partners/").content.decode()
    assert ingediend.melding.nummer in pagina and "Mislukte terugmeldingen" in pagina
    assert "Vermeulen" not in pagina


def test_wachttijd_grows_and_is_capped():
    assert [terugmeldingen.wachttijd(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert terugmeldingen.wachttijd(30) == timedelta(hours=6)
