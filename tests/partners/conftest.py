import pytest
from django.core.cache import cache

from bzt.audit import system_user
from bzt.models import Organisatie
from partners.sleutels import sleutel_uitgeven

URL = "/api/v1/meldingen"


@pytest.fixture(autouse=True)
def _geen_oude_tellingen():
    cache.clear()  # the rate limit counts in the cache
    yield
    cache.clear()


def body(**overrides):
    data = {
        "melder": {
            "naam": "H. Agent",
            "telefoon": "0570-123456",
            "email": "agent@politie.example",
            "functie": "wijkagent",
        },
        "aanmeldroute": "oggz",
        "overlast": True,
        "aanleiding": "Woning vervuild, buren klagen over stank en geluid.",
        "personen": [
            {
                "voornaam": "Piet",
                "achternaam": "Vermeulen",
                "geboortedatum": "1968-04-12",
                "geslacht": "man",
                "bsn": "111222333",
                "rol": "hoofdpersoon",
                "adres": {"straat": "Brink 12", "postcode": "7411 BR", "woonplaats": "Deventer"},
            }
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture
def politie(demo):
    return Organisatie.objects.get(naam="Politie")


@pytest.fixture
def sleutel(politie):
    return sleutel_uitgeven(door=system_user(), organisatie=politie, naam="Politie BVH-koppeling")


@pytest.fixture
def andere_sleutel(demo):
    org = Organisatie.objects.get(naam="Woonbedrijf Ieder1")
    return sleutel_uitgeven(door=system_user(), organisatie=org, naam="Ieder1 CRM")


@pytest.fixture
def api(client, sleutel):
    def post(data=None, *, key="k-1", sleutel_=None, **headers):
        extra = {"HTTP_AUTHORIZATION": f"Bearer {(sleutel_ or sleutel).key}"}
        if key is not None:
            extra["HTTP_IDEMPOTENCY_KEY"] = key
        extra.update(headers)
        return client.post(URL, data if data is not None else body(), content_type="application/json", **extra)

    def get(path=URL, *, sleutel_=None, **params):
        return client.get(path, params, HTTP_AUTHORIZATION=f"Bearer {(sleutel_ or sleutel).key}")

    client.api_post, client.api_get = post, get
    return client
