"""Contract tests: schemathesis generates requests for every documented operation of the running API (a live
server over HTTP) and checks each answer against the OpenAPI document: no 500, documented status codes,
content types, headers and bodies."""

import json

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bzt.audit import system_user
from bzt.models import Organisatie
from partners.sleutels import sleutel_uitgeven

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _document():
    """The document the server serves (checked below to be the same), loaded at collection time."""
    from django.test import Client

    return json.loads(Client().get("/api/v1/openapi.json", HTTP_HOST="localhost").content)


DOCUMENT = _document()
schema = schemathesis.openapi.from_dict(DOCUMENT)


@pytest.fixture(autouse=True)
def _ruime_limiet(settings):
    settings.BZT_API_LIMIET = "100000/min"


@pytest.fixture
def api_key(demo):
    nieuw = sleutel_uitgeven(door=system_user(), organisatie=Organisatie.objects.get(naam="Politie"), naam="contract")
    return nieuw.key


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_to_the_document(case, api_key, live_server):
    with requests.Session() as session:
        response = case.call(base_url=live_server.url, session=session, headers={"Authorization": f"Bearer {api_key}"})
    assert response.headers.get("api-version")
    case.validate_response(response, checks=CHECKS)


def test_the_served_document_is_the_one_tested_and_valid(live_server):
    from openapi_spec_validator import validate

    response = requests.get(f"{live_server.url}/api/v1/openapi.json", timeout=10)
    assert response.status_code == 200 and response.headers["API-Version"]
    assert response.json() == DOCUMENT
    validate(response.json())
