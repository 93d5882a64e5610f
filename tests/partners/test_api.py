"""The partner API v1 (CONTRACT.md § Partner API): filing through the meldpunt's service, the error format,
idempotency, isolation per organisation, keys and their revocation, the rate limit and the size limit."""

import json
import logging

import pytest
from django.test import override_settings

from meldpunt.models import Melding, Persoon
from partners.models import Indiening, SleutelGebruik
from partners.sleutels import sleutel_intrekken
from tests.partners.conftest import URL, body

PROBLEM = "application/problem+json"


def test_a_melding_filed_through_the_api_enters_the_triage_queue_by_its_channel(api, sleutel, demo):
    response = api.api_post()
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {"id", "nummer", "status"} and data["status"] == "ontvangen"
    indiening = Indiening.objects.get(pk=data["id"])
    melding = indiening.melding
    assert data["nummer"] == melding.nummer
    assert melding.kanaal == "api" and melding.status == "ontvangen"
    assert melding.melder_type == "professional" and melding.melder_organisatie == "Politie"
    assert melding.melder_naam == "H. Agent, wijkagent"
    persoon = melding.betrokkenen.get().persoon
    assert (persoon.postcode, persoon.adres, persoon.bsn) == ("7411BR", "Brink 12", "111222333")
    # the history names the organisation's key as the actor
    record = melding.history.first()
    assert sleutel.sleutel.prefix in record.history_change_reason and "Politie" in record.history_change_reason
    # the meldpunt's queue shows it
    from meldpunt.selectors import wachtrij_queryset

    assert melding in wachtrij_queryset(demo["meldpunt"])
    assert response["API-Version"]


def test_invalid_input_names_each_field_as_problem_json(api):
    data = body()
    data["personen"][0]["bsn"] = "123456789"  # fails the elfproef
    data["personen"][0]["geboortedatum"] = "2999-01-01"
    data["melder"]["email"] = "geen-adres"
    response = api.api_post(data)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    namen = {p["name"] for p in response.json()["invalid-params"]}
    assert {"personen[0].bsn", "personen[0].geboortedatum", "melder.email"} <= namen
    assert Melding.objects.count() == 0


def test_type_errors_and_a_missing_idempotency_key_are_400_problems(api):
    response = api.api_post({"melder": "x", "personen": []})
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    namen = {p["name"] for p in response.json()["invalid-params"]}
    assert {"melder", "aanmeldroute", "aanleiding", "personen"} <= {n.split(".")[0] for n in namen}
    response = api.api_post(key=None)
    assert response.status_code == 400
    assert response.json()["invalid-params"][0]["name"] == "Idempotency-Key"
    response = api.api_post("{niet json")
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM


def test_the_same_key_twice_makes_one_melding_and_another_body_is_a_conflict(api):
    first = api.api_post(key="abc")
    again = api.api_post(key="abc")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Melding.objects.count() == 1
    other = api.api_post(body(aanleiding="Iets heel anders."), key="abc")
    assert other.status_code == 409 and other["Content-Type"] == PROBLEM
    assert Melding.objects.count() == 1
    assert api.api_post(key="def").status_code == 201
    assert Melding.objects.count() == 2


def test_an_organisation_sees_only_its_own_meldingen(api, sleutel, andere_sleutel):
    eigen = api.api_post(key="1").json()
    ander = api.api_post(body(), key="1", sleutel_=andere_sleutel).json()
    response = api.api_get()
    assert response.status_code == 200
    assert [m["id"] for m in response.json()["results"]] == [eigen["id"]]
    assert api.api_get(f"{URL}/{ander['id']}").status_code == 404
    niet = api.api_get(f"{URL}/00000000-0000-0000-0000-000000000000")
    assert niet.status_code == 404 and niet["Content-Type"] == PROBLEM
    assert niet.json()["detail"] == api.api_get(f"{URL}/{ander['id']}").json()["detail"]
    detail = api.api_get(f"{URL}/{eigen['id']}").json()
    assert set(detail) == {"id", "nummer", "ontvangen_op", "status", "terugkoppeling"}
    assert detail["status"] == "ontvangen" and detail["terugkoppeling"] is None


def test_the_answer_is_the_same_for_a_known_and_an_unknown_bsn(api, demo):
    from tests import factories

    factories.melding(demo["meldpunt"], huishouden=[("hoofdpersoon", factories.persoon_gegevens(bsn="111222333"))])
    bekend = api.api_post(key="bekend")
    onbekend_body = body()
    onbekend_body["personen"][0]["bsn"] = "123456782"
    onbekend = api.api_post(onbekend_body, key="onbekend")
    assert bekend.status_code == onbekend.status_code == 201
    assert set(bekend.json()) == set(onbekend.json())
    assert bekend.json()["status"] == onbekend.json()["status"]
    assert bekend.headers.keys() == onbekend.headers.keys()
    # the known person is reused (the meldpunt sees the signal), the unknown one is new
    assert Persoon.objects.filter(bsn="111222333").count() == 1


def test_without_a_valid_key_401_and_a_revoked_key_at_once(api, sleutel, client, demo):
    assert client.get(URL).status_code == 401
    response = client.get(URL, HTTP_AUTHORIZATION="Bearer bzt_deadbeef_nope")
    assert response.status_code == 401 and response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert api.api_get().status_code == 200
    sleutel_intrekken(door=demo["beheer"], sleutel=sleutel.sleutel, reden="laptop gestolen")
    assert api.api_get().status_code == 401
    assert api.api_post(key="na-intrekken").status_code == 401
    assert Melding.objects.count() == 0


def test_each_use_of_a_key_is_recorded_with_its_melding(api, sleutel):
    data = api.api_post().json()
    api.api_get(f"{URL}/{data['id']}")
    gebruik = list(SleutelGebruik.objects.order_by("moment", "id"))
    assert [(g.methode, g.status_code) for g in gebruik] == [("POST", 201), ("GET", 200)]
    assert all(g.sleutel_id == sleutel.sleutel.pk for g in gebruik)
    assert gebruik[0].melding.nummer == data["nummer"] == gebruik[1].melding.nummer


@override_settings(BZT_API_LIMIET="3/min")
def test_the_rate_limit_is_per_key_with_retry_after(api, andere_sleutel):
    for _ in range(3):
        assert api.api_get().status_code == 200
    response = api.api_get()
    assert response.status_code == 429 and response["Content-Type"] == PROBLEM
    assert int(response["Retry-After"]) > 0
    assert api.api_get(sleutel_=andere_sleutel).status_code == 200  # another key has its own count


@override_settings(BZT_API_MAX_BYTES=2000)
def test_a_body_over_the_limit_is_413(api):
    data = body(aanleiding="x" * 3000)
    response = api.api_post(data)
    assert response.status_code == 413 and response["Content-Type"] == PROBLEM
    assert response["API-Version"]


def test_errors_outside_the_views_are_problem_json_with_api_version(client, api, sleutel):
    for path, status in [("/api/v1/bestaat-niet", 404), ("/api/v1/meldingen/", 404), ("/api/v2/meldingen", 404)]:
        response = client.get(path)
        assert response.status_code == status, path
        assert response["Content-Type"] == PROBLEM and response["API-Version"]
        assert response.json()["status"] == status
    response = api.delete(URL, HTTP_AUTHORIZATION=f"Bearer {sleutel.key}")
    assert response.status_code == 405 and response["Content-Type"] == PROBLEM
    assert "POST" in response["Allow"]


def test_a_server_error_under_api_is_problem_json(api, monkeypatch):
    from partners.api import views

    def kapot(*args, **kwargs):
        raise RuntimeError("stuk")

    monkeypatch.setattr(views.selectors, "indieningen_van", kapot)
    api.raise_request_exception = False
    response = api.api_get()
    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM and response["API-Version"]
    assert "stuk" not in response.content.decode()


def test_the_openapi_document_is_public_valid_and_versioned(client):
    from openapi_spec_validator import validate

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response["API-Version"]
    document = json.loads(response.content)
    validate(document)
    assert set(document["paths"]) == {"/api/v1/meldingen", "/api/v1/meldingen/{id}"}
    post = document["paths"]["/api/v1/meldingen"]["post"]
    assert {"201", "400", "401", "409", "429"} <= set(post["responses"])
    assert "application/problem+json" in post["responses"]["400"]["content"]
    assert any(p["name"] == "Idempotency-Key" and p["required"] for p in post["parameters"])


def test_no_personal_data_in_the_logs(api, caplog):
    caplog.set_level(logging.DEBUG)
    data = body()
    data["personen"][0]["bsn"] = "123456789"  # a 400 as well as a 201
    api.api_post(data, key="fout")
    api.api_post(key="goed")
    logs = caplog.text + "".join(str(r.args) for r in caplog.records)
    for gevoelig in ("Vermeulen", "111222333", "123456789", "Brink 12", "Piet"):
        assert gevoelig not in logs


def test_the_api_sleutel_command_prints_a_key_once_and_stores_a_hash(politie, client):
    from io import StringIO

    from django.core.management import call_command

    from partners.models import ApiSleutel

    out, err = StringIO(), StringIO()
    call_command("api_sleutel", "--organisatie", "politie", "--naam", "BVH", stdout=out, stderr=err)
    key = out.getvalue().strip()
    sleutel = ApiSleutel.objects.get(naam="BVH")
    assert key.startswith("bzt_") and key not in sleutel.hash and sleutel.organisatie == politie
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    with pytest.raises(Exception, match="Onbekende organisatie"):
        call_command("api_sleutel", "--organisatie", "Bestaat niet", stdout=out, stderr=err)


def test_the_api_answers_in_dutch(api, client):
    response = api.api_post({"melder": {}, "personen": [{"rol": "baas"}]})
    redenen = {p["name"]: p["reason"] for p in response.json()["invalid-params"]}
    assert redenen["aanmeldroute"] == "Dit veld is verplicht."
    assert redenen["melder.naam"] == "Dit veld is verplicht."
    assert redenen["personen[0].rol"] == "Dit is geen geldige keuze."
    assert "Bearer" in client.get(URL).json()["detail"] and "API-sleutel" in client.get(URL).json()["detail"]


def test_the_gemeente_of_the_household_by_cbs_code(api, demo):
    """CONTRACT § Partner API: optional `gemeente`; absent the installation's own, an unknown code a 400 naming it."""
    from bzt.audit import acting_as
    from bzt.models import Gemeente

    with acting_as(demo["beheer"]):
        Gemeente.objects.create(code="GM0301", naam="Zutphen", wijken=["Centrum"])
    data = body()
    data["gemeente"] = "GM0301"
    response = api.api_post(data, key="zutphen")
    assert response.status_code == 201, response.content
    assert Indiening.objects.get(pk=response.json()["id"]).melding.gemeente.code == "GM0301"
    response = api.api_post(body(), key="eigen")
    assert Indiening.objects.get(pk=response.json()["id"]).melding.gemeente.code == "GM0150"
    for code in ("GM9999", "Zutphen"):
        data["gemeente"] = code
        response = api.api_post(data, key=f"fout-{code}")
        assert response.status_code == 400 and response["Content-Type"] == PROBLEM, response.content
        assert [p["name"] for p in response.json()["invalid-params"]] == ["gemeente"]
    assert Melding.objects.count() == 2
