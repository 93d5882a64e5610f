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


def _invalid_params(detail, prefix=""):
    """DRF's nested validation errors as [{"name": "personen[0].bsn", "reason": "..."}]."""
    params = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if key != "non_field_errors" else (prefix.rstrip(".") or "body")
            params += _invalid_params(value, f"{prefix}{name}." if key != "non_field_errors" else prefix)
    elif isinstance(detail, list):
        if detail and all(isinstance(item, str) for item in detail):
            params += [{"name": prefix.rstrip(".") or "body", "reason": str(item)} for item in detail]
        else:
            for index, item in enumerate(detail):
                base = prefix.rstrip(".")
                params += _invalid_params(item, f"{base}[{index}].")
    else:
        params.append({"name": prefix.rstrip(".") or "body", "reason": str(detail)})
    return params


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None  # a 500: ApiMiddleware answers it
    if isinstance(exc, exceptions.ValidationError):
        body = probleem(400, "De invoer is niet geldig.", _invalid_params(exc.detail))
    elif isinstance(exc, exceptions.ParseError):
        body = probleem(400, "De body is geen geldige JSON.", [{"name": "body", "reason": str(exc.detail)}])
    else:
        detail = exc.detail if isinstance(getattr(exc, "detail", None), str) else ""
        body = probleem(response.status_code, detail)
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
