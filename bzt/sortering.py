"""Sortable lists: the sort keys a list allows (a whitelist), read from the query string, turned into an
ORDER BY with the primary key last so equal rows keep one order across pages."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Stand:
    """The sort a list is shown in: the parameter, the key and whether it runs descending."""

    param: str
    sleutel: str
    aflopend: bool

    @property
    def waarde(self):
        return f"-{self.sleutel}" if self.aflopend else self.sleutel


@dataclass(frozen=True)
class Sortering:
    """`kolommen`: key -> the fields it orders by, ascending ("-field" for a field that runs the other way).
    `aliassen`: older values of the parameter (e.g. "nieuwste") -> "key" or "-key". An unknown value gives
    `standaard` (a key, or "" for the queryset's own order): nothing outside the whitelist reaches order_by."""

    kolommen: dict
    standaard: str
    param: str = "sorteer"
    aliassen: dict | None = None

    def stand(self, waarde):
        waarde = (self.aliassen or {}).get(waarde or "", waarde or "")
        sleutel = waarde.removeprefix("-")
        if sleutel not in self.kolommen:
            waarde = self.standaard
            sleutel = waarde.removeprefix("-")
        return Stand(self.param, sleutel, waarde.startswith("-"))

    def uit(self, query):
        """The Stand from a request's GET."""
        return self.stand(query.get(self.param, ""))

    def volgorde(self, stand):
        """order_by() arguments: the key's fields (reversed when descending), then the pk the same way."""
        if not stand.sleutel:
            return []
        velden = []
        for veld in (*self.kolommen[stand.sleutel], "pk"):
            aflopend = veld.startswith("-") != stand.aflopend
            velden.append(("-" if aflopend else "") + veld.removeprefix("-"))
        return velden

    def toepassen(self, queryset, stand):
        velden = self.volgorde(stand)
        return queryset.order_by(*velden) if velden else queryset
