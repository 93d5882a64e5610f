"""Every error of the API as `application/problem+json` (RFC 9457), also those made outside the API's views
(Django's 404 and 500, a 405, a too large body): ApiMiddleware turns those into the same shape."""

import json

from django.http import HttpResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM = "application/problem+json"

TITELS = {
    400: "Ongeldige invoer",
    401: "Niet geauthenticeerd",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    406: "Niet aanvaardbaar",
    409: "Conflict",
    413: "Verzoek te groot",
    415: "Mediatype niet ondersteund",
    429: "Te veel verzoeken",
    500: "Interne fout",
}


def probleem(status_code, detail="", invalid_params=None) -> dict:
    body = {
        "type": "about:blank",
        "title": TITELS.get(status_code, "Fout"),
        "status": status_code,
        "detail": str(detail) or TITELS.get(status_code, "Fout"),
    }
    if invalid_params is not None:
        body["invalid-params"] = invalid_params
    return body


# Django REST framework's own messages are English (its Dutch catalogue is not loaded: see bzt/settings.py); the
# API answers in Dutch, by the error's code.
NL_PER_CODE = {
    "required": "Dit veld is verplicht.",
    "null": "Dit veld mag niet leeg zijn.",
    "blank": "Dit veld mag niet leeg zijn.",
    "invalid": "Deze waarde is niet geldig.",
    "invalid_choice": "Dit is geen geldige keuze.",
    "max_length": "Deze waarde is te lang.",
    "min_length": "Deze waarde is te kort.",
    "max_value": "Deze waarde is te groot.",
    "min_value": "Deze waarde is te klein.",
    "not_a_list": "Verwacht een lijst.",
    "empty": "Deze lijst mag niet leeg zijn.",
    "datetime": "Verwacht een datum (JJJJ-MM-DD), geen tijdstip.",
    "date": "Verwacht een datum (JJJJ-MM-DD).",
    "not_a_dict": "Verwacht een object.",
    "surrogate_characters_not_allowed": "Deze tekst bevat ongeldige tekens.",
    "null_characters_not_allowed": "Deze tekst bevat ongeldige tekens.",
}
NL_PER_STATUS = {
    401: "Geef een geldige API-sleutel mee: Authorization: Bearer <sleutel>.",
    403: "U heeft geen toegang tot deze handeling.",
    404: "Niet gevonden.",
    405: "Deze methode is hier niet toegestaan.",
    406: "Dit antwoordformaat wordt niet ondersteund; vraag application/json.",
    415: "Stuur de body als application/json.",
    429: "Te veel verzoeken met deze API-sleutel; wacht het aantal seconden uit Retry-After.",
}


def _naam(prefix):
    return prefix.rstrip(".") or "body"


def _invalid_params(detail, codes, prefix=""):
    """DRF's nested validation errors as [{"name": "personen[0].bsn", "reason": "..."}], in Dutch."""
    params = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            sub = codes.get(key) if isinstance(codes, dict) else None
            if isinstance(key, int):  # an item of a list (personen[0])
                volgende = f"{_naam(prefix)}[{key}]."
            else:
                volgende = prefix if key == "non_field_errors" else f"{prefix}{key}."
            params += _invalid_params(value, sub, volgende)
    elif isinstance(detail, list):
        codes = codes if isinstance(codes, list) else [codes] * len(detail)
        if all(isinstance(item, str) for item in detail):
            for item, code in zip(detail, codes, strict=False):
                params.append({"name": _naam(prefix), "reason": NL_PER_CODE.get(code, str(item))})
        else:
            for index, (item, code) in enumerate(zip(detail, codes, strict=False)):
                if item:
                    params += _invalid_params(item, code, f"{_naam(prefix)}[{index}].")
    else:
        params.append({"name": _naam(prefix), "reason": NL_PER_CODE.get(codes, str(detail))})
    return params


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None  # a 500: ApiMiddleware answers it
    if isinstance(exc, exceptions.ValidationError):
        body = probleem(400, "De invoer is niet geldig.", _invalid_params(exc.detail, exc.get_codes()))
    elif isinstance(exc, exceptions.ParseError):
        body = probleem(400, "De body is geen geldige JSON.", [{"name": "body", "reason": "Geen geldige JSON."}])
    elif isinstance(exc, exceptions.AuthenticationFailed):
        body = probleem(response.status_code, exc.detail)  # our own Dutch message (partners.api.authentication)
    else:
        body = probleem(response.status_code, NL_PER_STATUS.get(response.status_code, ""))
    response.data = body
    response.content_type = PROBLEM
    return response


def probleem_response(status_code, detail="", invalid_params=None, headers=None) -> Response:
    return Response(
        probleem(status_code, detail, invalid_params), status=status_code, content_type=PROBLEM, headers=headers
    )


def probleem_http(status_code, detail="") -> HttpResponse:
    """The same body outside DRF (middleware)."""
    return HttpResponse(json.dumps(probleem(status_code, detail)), status=status_code, content_type=PROBLEM)


HTTP_STATUS = status
