"""Person identity: which person records are one person. The one definition, for every path that counts or
finds "a person": the jaarmonitor's personen.* figures, the access log per client, the "already known" signal.

Person records are never merged: the meldpunt links two records of the same person (PersoonKoppeling,
reversibly, with who and why). A person is a set of records connected by active links (also through a third
record). Its id is the smallest record id of the set, stored on every record of a linked set in
`Persoon.persoon_groep` (NULL for a record without links: its id is its own), so a count of persons is a
plain column expression in the database (`persoon_id_sql`) at any size. Only the link services write it
(`groepen_bijwerken`, after every link and unlink); the history of the links says who and why.
"""

from django.db.models import Q

from .models import Persoon, PersoonKoppeling


def achternaam_sleutel(tussenvoegsel: str, achternaam: str) -> str:
    """The surname as one comparable key, the one place names are normalised: the prefix and the surname together
    (`van` + `Vlaanderen` and `van Vlaanderen` typed as surname are one name), case and extra spaces ignored."""
    return " ".join(f"{tussenvoegsel or ''} {achternaam or ''}".casefold().split())


def voornaam_sleutel(voornaam: str) -> str:
    """The first name as a comparable key (case and extra spaces ignored)."""
    return " ".join((voornaam or "").casefold().split())


def zelfde_naam(persoon: Persoon, gegevens: dict) -> bool:
    """Whether `persoon` has the name in `gegevens` (voornaam, tussenvoegsel, achternaam), normalised."""
    return achternaam_sleutel(persoon.tussenvoegsel, persoon.achternaam) == achternaam_sleutel(
        gegevens.get("tussenvoegsel"), gegevens.get("achternaam")
    ) and voornaam_sleutel(persoon.voornaam) == voornaam_sleutel(gegevens.get("voornaam"))


def persoon_id_sql(alias: str) -> str:
    """The id of the person of the record `alias` (a row of the Persoon table), as an SQL expression."""
    return f"COALESCE({alias}.persoon_groep, {alias}.id)"


def persoon_id(persoon: Persoon) -> int:
    """The id of the person a record belongs to."""
    return persoon.persoon_groep or persoon.pk


def records_van(persoon_ids) -> set[int]:
    """Every record id of the persons of these records: the records themselves and all linked to them."""
    ids = set(persoon_ids)
    groepen = set(
        Persoon.objects.filter(pk__in=ids, persoon_groep__isnull=False).values_list("persoon_groep", flat=True)
    )
    if groepen:
        ids |= set(Persoon.objects.filter(persoon_groep__in=groepen).values_list("pk", flat=True))
    return ids


def persoon_ids_van(record_ids) -> dict[int, int]:
    """{record id: the id of its person} for these records."""
    rows = Persoon.objects.filter(pk__in=record_ids).values_list("pk", "persoon_groep")
    return {pk: groep or pk for pk, groep in rows}


def _verbonden(start: int) -> set[int]:
    """The records connected to `start` by active links (the links read as they are now)."""
    gevonden, rand = {start}, {start}
    while rand:
        paren = PersoonKoppeling.objects.filter(
            Q(persoon_id__in=rand) | Q(gekoppeld_aan_id__in=rand), ontkoppeld_op__isnull=True
        ).values_list("persoon_id", "gekoppeld_aan_id")
        nieuw = {pk for paar in paren for pk in paar} - gevonden
        gevonden |= nieuw
        rand = nieuw
    return gevonden


def vergrendelen(persoon_ids) -> None:
    """Lock the records (in id order) so that two links or unlinks of the same person run one after the other.
    NO KEY UPDATE: creating a link (a foreign key to the records) does not wait for it."""
    list(Persoon.objects.select_for_update(no_key=True).filter(pk__in=persoon_ids).order_by("pk").values_list("pk"))


def groepen_bijwerken(persoon_ids) -> None:
    """Store the person id of every record connected to these records, after a link or an unlink (the set of
    an unlinked pair may have split in two). Called inside the link services' transaction, after vergrendelen."""
    gezien = set()
    for start in sorted(persoon_ids):
        if start in gezien:
            continue
        verbonden = _verbonden(start)
        gezien |= verbonden
        groep = min(verbonden) if len(verbonden) > 1 else None
        # A queryset update: the stored id follows from the links, whose own history names who and why.
        Persoon.objects.filter(pk__in=verbonden).update(persoon_groep=groep)
