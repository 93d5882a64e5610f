"""Verify the hash chain of the access log (inzagelog, NEN 7513).

    python manage.py verify_inzagelog [--anker HASH]

Exit 0 and "OK: N regels" when every row matches its hash and links to the one before in its chain, and the
seals are intact and still match the chains; exit 1 with the first problem otherwise (an edited row, a removed
one, rows removed from the end of a chain that a seal covered). Keep the printed last seal hash somewhere
outside the database (the monitoring system, a daily mail): `--anker` with that hash also detects rows and
seals removed from the end of the log.
"""

from django.core.management.base import BaseCommand, CommandError

from bzt.inzage import verify_chain


class Command(BaseCommand):
    help = "Controleert de hashketen van het inzagelog; exit 1 bij een gewijzigde of verwijderde regel."

    def add_arguments(self, parser):
        parser.add_argument("--anker", help="Een eerder vastgelegde laatste hash die nog in de keten moet staan.")

    def handle(self, *args, anker=None, **options):
        result = verify_chain(anker=anker)
        if result.fout_id is not None:
            raise CommandError(
                f"FOUT: de keten is verbroken bij regel id {result.fout_id} (volgnummer {result.fout_volgnummer}): "
                f"{result.fout}. {result.aantal} regels ervoor zijn in orde.",
                returncode=1,
            )
        if result.fout:
            raise CommandError(f"FOUT: {result.fout}.", returncode=1)
        if result.anker_gevonden is False:
            raise CommandError(
                f"FOUT: het anker {anker} staat niet (meer) in de keten van {result.aantal} regels: "
                "regels aan het eind zijn verwijderd of de keten is vervangen.",
                returncode=1,
            )
        self.stdout.write(
            f"OK: {result.aantal} regels in {result.ketens} ketens, {result.zegels} zegels; "
            f"laatste zegel {result.laatste_hash}"
        )
