"""drf-spectacular post-processing: every response of the document declares the API-Version header."""

from .middleware import API_VERSIE


def api_version_header(result, generator, request, public):
    header = {
        "API-Version": {
            "description": "De versie van de API (NL API Design Rules).",
            "schema": {"type": "string", "example": API_VERSIE},
            "required": True,
        }
    }
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for response in operation.get("responses", {}).values():
                response.setdefault("headers", {}).update(header)
    return result
