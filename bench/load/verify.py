"""Did every write the load test's users were answered with success for land, whole? (issue 20)

Reads the ledger the locust users wrote (bench/load/locustfile.py, one JSON line per success answer) and checks
the database of the stack, in a process with the stack's settings:

- lost: a triage answered with success without a Triage row with that besluit for the melding; a plan edit
  answered with success whose text is in no version of the plan (live or history); a journaal entry answered
  with success that is not in the casus's journaal;
- half: the triage is there but the melding did not move on (still waiting for triage) or its history row
  does not name the user; the plan text is there but not in a history row of that user; the journaal entry is
  there but not written by that user or without its history row naming the user.

`python -m bench.load.verify LEDGER` prints the result as JSON; exit code 1 when a write is lost or half.
"""

import json
import sys


def verify(ledger_path) -> dict:
    from casusregie.models import JournaalRegel, Plan
    from meldpunt.models import Melding, Triage

    entries = [json.loads(line) for line in open(ledger_path) if line.strip()]  # noqa: SIM115
    lost, half = [], []
    for entry in entries:
        if entry["kind"] == "triage":
            triage = Triage.objects.filter(melding_id=entry["melding"]).first()
            if triage is None or triage.besluit != entry["besluit"]:
                lost.append(entry)
                continue
            status = Melding.objects.values_list("status", flat=True).get(pk=entry["melding"])
            recorded = Triage.history.filter(id=triage.pk, history_user__username=entry["user"]).exists()
            if status in (Melding.Status.ONTVANGEN, Melding.Status.IN_TRIAGE) or not recorded:
                half.append({**entry, "status": status, "history": recorded})
        elif entry["kind"] == "plan":
            versions = Plan.history.filter(id=entry["plan"], samenvatting=entry["samenvatting"])
            live = Plan.objects.filter(pk=entry["plan"], samenvatting=entry["samenvatting"]).exists()
            if not versions.exists() and not live:
                lost.append(entry)
            elif not versions.filter(history_user__username=entry["user"]).exists():
                half.append(entry)
        elif entry["kind"] == "journaal":
            regel = JournaalRegel.objects.filter(casus_id=entry["casus"], tekst=entry["tekst"]).first()
            if regel is None:
                lost.append(entry)
            elif (
                regel.auteur.username != entry["user"]
                or not JournaalRegel.history.filter(
                    id=regel.pk, history_type="+", history_user__username=entry["user"]
                ).exists()
            ):
                half.append(entry)
        else:
            raise ValueError(f"unknown kind in the ledger: {entry['kind']}")
    kinds = {}
    for entry in entries:
        kinds[entry["kind"]] = kinds.get(entry["kind"], 0) + 1
    return {
        "answered_success": len(entries),
        "per_kind": kinds,
        "found_whole": len(entries) - len(lost) - len(half),
        "lost": len(lost),
        "half": len(half),
        "examples": (lost + half)[:5],
    }


def main(argv=None):
    import django

    django.setup()
    result = verify((argv or sys.argv[1:])[0])
    print(json.dumps(result, ensure_ascii=False))
    return 1 if result["lost"] or result["half"] else 0


if __name__ == "__main__":
    sys.exit(main())
