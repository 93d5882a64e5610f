"""The shapes of the partner API (CONTRACT.md § Partner API). Types and lengths only: what a value must mean is
checked by the meldpunt's own forms (partners.forms.invoer_binden), the same as on the web."""

from rest_framework import serializers

from meldpunt.codes import Aanmeldroute, Geslacht, Inkomen, Rol, TerugkoppelingWijze

from ..status import MelderStatus


class MelderSerializer(serializers.Serializer):
    naam = serializers.CharField(max_length=120, help_text="Naam van de professional die meldt.")
    telefoon = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    functie = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class AdresSerializer(serializers.Serializer):
    straat = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="Straat en huisnummer."
    )
    postcode = serializers.CharField(max_length=7, required=False, allow_blank=True, default="")
    woonplaats = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class PersoonSerializer(serializers.Serializer):
    extern_id = serializers.CharField(
        max_length=64, required=False, allow_blank=True, help_text="Uw eigen kenmerk; wordt niet opgeslagen."
    )
    voornaam = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    tussenvoegsel = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    achternaam = serializers.CharField(max_length=120)
    geboortedatum = serializers.DateField(required=False, allow_null=True, default=None)
    verwacht = serializers.BooleanField(required=False, default=False, help_text="Nog niet geboren kind.")
    geslacht = serializers.ChoiceField(choices=Geslacht.choices, required=False, default=Geslacht.ONBEKEND)
    bsn = serializers.CharField(max_length=11, required=False, allow_blank=True, default="")
    wijk = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    inkomen = serializers.ChoiceField(choices=Inkomen.choices, required=False, default=Inkomen.ONBEKEND)
    rol = serializers.ChoiceField(choices=Rol.choices)
    adres = AdresSerializer(required=False)


class MeldingIndienenSerializer(serializers.Serializer):
    """POST /api/v1/meldingen."""

    melder = MelderSerializer()
    aanmeldroute = serializers.ChoiceField(choices=Aanmeldroute.choices)
    overlast = serializers.BooleanField(required=False, default=False)
    aanleiding = serializers.CharField(max_length=5000, help_text="Waarom er wordt gemeld: feiten, geen oordelen.")
    personen = PersoonSerializer(many=True, min_length=1, max_length=15)
    gemeente = serializers.RegexField(
        r"^GM\d{4}$",
        required=False,
        help_text=(
            "CBS-code van de gemeente waar het huishouden woont, bijvoorbeeld GM0301. Zonder: de gemeente van de "
            "wijk van de hoofdpersoon, anders die van het meldpunt. Een onbekende code geeft 400."
        ),
    )

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"body": ["Verwacht een JSON-object."]})
        return super().to_internal_value(data)


class IngediendSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    nummer = serializers.CharField(help_text="Het meldingnummer, bijvoorbeeld M2026-00042.")
    status = serializers.ChoiceField(choices=MelderStatus.choices)


class TerugkoppelingSerializer(serializers.Serializer):
    datum = serializers.DateField()
    wijze = serializers.ChoiceField(choices=TerugkoppelingWijze.choices)


class MeldingSerializer(serializers.Serializer):
    """What a melder may know of a melding: never names of professionals, triage content or casus data."""

    id = serializers.UUIDField()
    nummer = serializers.CharField()
    ontvangen_op = serializers.DateField()
    status = serializers.ChoiceField(choices=MelderStatus.choices)
    terugkoppeling = TerugkoppelingSerializer(allow_null=True)


class MeldingenPaginaSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Het aantal meldingen van uw organisatie.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = MeldingSerializer(many=True)


class InvalidParamSerializer(serializers.Serializer):
    name = serializers.CharField()
    reason = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    invalid_params = InvalidParamSerializer(many=True, required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["invalid-params"] = fields.pop("invalid_params")
        return fields
