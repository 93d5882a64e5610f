"""Partner API v1 (CONTRACT.md § Partner API, docs/api.md). Thin: authenticate the key, validate, call the
partners service, answer; every request with a key is recorded (partners.sleutels.gebruik_vastleggen)."""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from bzt.audit import system_user

from .. import selectors, services
from ..forms import KANALEN, fouten, invoer_binden
from ..sleutels import gebruik_vastleggen
from ..status import melder_status, terugkoppeling
from .authentication import SleutelAuthenticatie, SleutelThrottle
from .fouten import PROBLEM, probleem_response
from .serializers import (
    IngediendSerializer,
    MeldingenPaginaSerializer,
    MeldingIndienenSerializer,
    MeldingSerializer,
    ProblemSerializer,
)

logger = logging.getLogger(__name__)

IDEMPOTENCY_MAX = 200


def _fouten(*codes):
    return {(code, PROBLEM): OpenApiResponse(ProblemSerializer) for code in codes}


class Paginering(PageNumberPagination):
    page_size = 25
    page_query_param = "pagina"
    page_size_query_param = "paginagrootte"
    max_page_size = 100


class PartnerApiView(APIView):
    authentication_classes = [SleutelAuthenticatie]
    permission_classes = [IsAuthenticated]
    throttle_classes = [SleutelThrottle]
    melding = None  # set by a view that filed or showed one: recorded with the use of the key

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.auth is not None:
            gebruik_vastleggen(
                sleutel=request.auth,
                methode=request.method,
                pad=request.path,
                status_code=response.status_code,
                melding=self.melding,
            )
        return response


def _melding_data(indiening):
    melding = indiening.melding
    return {
        "id": indiening.pk,
        "nummer": melding.nummer,
        "ontvangen_op": melding.ontvangen_op,
        "status": melder_status(melding),
        "terugkoppeling": terugkoppeling(melding),
    }


def _form_waarden(data):
    """The API body as the values of the meldpunt's forms (partners.forms.invoer_binden)."""
    melder = data["melder"]
    naam = melder["naam"] + (f", {melder['functie']}" if melder.get("functie") else "")
    melding = {
        "aanmeldroute": data["aanmeldroute"],
        "overlast": data["overlast"],
        "aanleiding": data["aanleiding"],
        "melder_naam": naam,
        "melder_telefoon": melder.get("telefoon", ""),
        "melder_email": melder.get("email", ""),
        "eerdere_hulp": "onbekend",
    }
    personen = []
    for persoon in data["personen"]:
        adres = persoon.get("adres") or {}
        rij = {k: v for k, v in persoon.items() if k not in ("adres", "extern_id")}
        rij["geboortedatum"] = persoon["geboortedatum"] or ""
        rij.update(
            adres=adres.get("straat", ""), postcode=adres.get("postcode", ""), woonplaats=adres.get("woonplaats", "")
        )
        personen.append(rij)
    return melding, personen


class MeldingenView(PartnerApiView):
    @extend_schema(
        operation_id="meldingen_list",
        summary="De meldingen die uw organisatie indiende",
        parameters=[
            OpenApiParameter("pagina", {"type": "integer", "minimum": 1}, description="Paginanummer (vanaf 1)."),
            OpenApiParameter(
                "paginagrootte", {"type": "integer", "minimum": 1, "maximum": 100}, description="Aantal per pagina."
            ),
        ],
        responses={200: MeldingenPaginaSerializer, **_fouten(400, 401, 404, 429)},
    )
    def get(self, request):
        paginering = Paginering()
        pagina = paginering.paginate_queryset(selectors.indieningen_van(request.user.organisatie), request, view=self)
        return paginering.get_paginated_response([MeldingSerializer(_melding_data(i)).data for i in pagina])

    @extend_schema(
        operation_id="meldingen_create",
        summary="Een melding indienen",
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="Uniek per melding; dezelfde sleutel met dezelfde body geeft hetzelfde antwoord.",
            )
        ],
        request=MeldingIndienenSerializer,
        responses={201: IngediendSerializer, **_fouten(400, 401, 409, 413, 415, 429)},
    )
    def post(self, request):
        idempotency_key = request.headers.get("Idempotency-Key", "").strip()
        if not idempotency_key or len(idempotency_key) > IDEMPOTENCY_MAX:
            reden = f"Verplicht: een unieke waarde van hoogstens {IDEMPOTENCY_MAX} tekens per melding."
            return probleem_response(
                400,
                "De header Idempotency-Key ontbreekt of is ongeldig.",
                [{"name": "Idempotency-Key", "reason": reden}],
            )
        serializer = MeldingIndienenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        melding, personen = _form_waarden(serializer.validated_data)
        organisatie = request.user.organisatie
        form, huishouden = invoer_binden(
            organisatie=organisatie, kanaal=KANALEN.API, melding=melding, personen=personen
        )
        if not (form.is_valid() and huishouden.is_valid()):
            return _ongeldig(fouten(form, huishouden))
        try:
            indiening, nieuw = services.api_melding_indienen(
                door=system_user(),
                sleutel=request.auth,
                idempotency_key=idempotency_key,
                hash_van_body=services.body_hash(request.data),
                # the CBS code of the body; else what the form has (a region's wijk) → meldpunt.services decides
                gegevens={**form.cleaned_data, "gemeente": serializer.validated_data.get("gemeente")},
                personen=[f.cleaned_data for f in huishouden.forms],
            )
        except services.IdempotentieConflict:
            return probleem_response(409, "Deze Idempotency-Key is al gebruikt voor een andere melding.")
        except DjangoValidationError as error:
            return _ongeldig(error.message_dict if hasattr(error, "error_dict") else {"melding": error.messages})
        self.melding = indiening.melding
        data = {"id": indiening.pk, "nummer": indiening.melding.nummer, "status": "ontvangen"}
        return Response(IngediendSerializer(data).data, status=201)


def _ongeldig(per_veld):
    params = [{"name": naam, "reason": reden} for naam, redenen in per_veld.items() for reden in redenen]
    return probleem_response(400, "De invoer is niet geldig.", params)


class MeldingView(PartnerApiView):
    @extend_schema(
        operation_id="meldingen_retrieve",
        summary="Eén melding van uw organisatie",
        responses={200: MeldingSerializer, **_fouten(401, 404, 429)},
    )
    def get(self, request, id):
        indiening = selectors.indiening_van(request.user.organisatie, id)
        if indiening is None:
            return probleem_response(404, "Geen melding van uw organisatie met dit id.")
        self.melding = indiening.melding
        return Response(MeldingSerializer(_melding_data(indiening)).data)


class OpenApiView(SpectacularJSONAPIView):
    """The OpenAPI 3 document, without authentication."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = []
    schema = None  # not an operation of the API itself

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Content-Type"] = "application/json"
        return response
