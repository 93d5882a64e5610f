"""The report job (monitor.tasks.rapport_genereren, eager here): progress, idempotency, failure and retry,
the one-open-request rule, the yearly schedule, and the budget services."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bzt.audit import acting_as, system_user
from monitor import exports, services, tasks
from monitor.models import BudgetRegel, Rapport

from .conftest import JAAR, pdf_text


@pytest.fixture
def fake_pdf(monkeypatch):
    """A fast stand-in for the real PDF (the real one is rendered in test_the_job_makes_the_real_pdf)."""
    calls = []

    def render_pdf(shown):
        calls.append(shown)
        return b"%PDF-1.7 jaarmonitor " + str(shown["meldingen"]["totaal"]).encode()

    monkeypatch.setattr(exports, "render_pdf", render_pdf)
    return calls


def aanvragen(demo, django_capture_on_commit_callbacks, jaar=JAAR, door="beleid"):
    with django_capture_on_commit_callbacks(execute=True):
        return services.rapport_aanvragen(door=demo[door], jaar=jaar)


def test_the_job_makes_the_real_pdf(demo, jaar_cijfers, media, django_capture_on_commit_callbacks):
    rapport = aanvragen(demo, django_capture_on_commit_callbacks)
    rapport.refresh_from_db()
    assert rapport.status == Rapport.Status.KLAAR
    assert (rapport.voortgang, rapport.stap, rapport.pogingen) == (100, "Klaar", 1)
    assert rapport.gestart_op and rapport.klaar_op and not rapport.fout
    path = Path(media) / rapport.bestand.name
    assert path.parent == Path(media) / "jaarmonitor"
    text = pdf_text(path.read_bytes())
    assert f"Jaarmonitor {JAAR}" in text and "Geheimachternaam" not in text
    # The history names who asked, also for what the job wrote; progress writes left no history.
    statuses = [(r.status, r.history_user.username) for r in rapport.history.order_by("history_id")]
    assert statuses == [("in_wachtrij", "beleid"), ("bezig", "beleid"), ("klaar", "beleid")]


def test_progress_is_written_without_history(demo, media, fake_pdf, django_capture_on_commit_callbacks, monkeypatch):
    seen = []
    real = services._voortgang

    def spy(rapport_id, voortgang, stap):
        real(rapport_id, voortgang, stap)
        rapport = Rapport.objects.get(pk=rapport_id)
        seen.append((rapport.status, rapport.voortgang, rapport.stap, rapport.history.count()))

    monkeypatch.setattr(services, "_voortgang", spy)
    aanvragen(demo, django_capture_on_commit_callbacks)
    assert seen == [
        ("bezig", 10, "Cijfers berekenen", 2),
        ("bezig", 50, "PDF opmaken", 2),
        ("bezig", 90, "Opslaan", 2),
    ]


def test_a_second_run_for_a_finished_report_does_nothing(demo, media, fake_pdf, django_capture_on_commit_callbacks):
    rapport = aanvragen(demo, django_capture_on_commit_callbacks)
    rapport.refresh_from_db()
    path = Path(media) / rapport.bestand.name
    before = (path.read_bytes(), path.stat().st_mtime_ns, rapport.klaar_op, rapport.history.count())

    assert tasks.rapport_genereren.delay(rapport.pk, acting_user_id=demo["beleid"].pk).get() is None  # redelivered
    tasks.rapport_genereren(rapport.pk)

    rapport.refresh_from_db()
    assert (path.read_bytes(), path.stat().st_mtime_ns, rapport.klaar_op, rapport.history.count()) == before
    assert Rapport.objects.count() == 1 and len(fake_pdf) == 1
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temporary files left


def test_every_render_is_counted_in_its_own_committed_statement(
    demo, media, fake_pdf, django_capture_on_commit_callbacks, monkeypatch
):
    """The worker-kill fault test reads these counters to see a second render (issue 20): a render that starts is
    counted before it runs, so a run killed halfway is seen; a completed one after it returned."""
    seen = []
    real = exports.render

    def render(figures, format):
        rapport = Rapport.objects.get()
        seen.append((rapport.renders_gestart, rapport.renders_voltooid))
        if len(seen) == 1:
            raise RuntimeError("killed halfway")
        return real(figures, format)

    monkeypatch.setattr(exports, "render", render)
    rapport = aanvragen(demo, django_capture_on_commit_callbacks)
    rapport.refresh_from_db()
    assert (rapport.status, rapport.renders_gestart, rapport.renders_voltooid) == ("mislukt", 1, 0)
    with django_capture_on_commit_callbacks(execute=True):
        services.rapport_opnieuw(door=demo["beleid"], rapport=rapport)
    tasks.rapport_genereren(rapport.pk)  # a duplicate delivery after klaar renders nothing
    rapport.refresh_from_db()
    assert seen == [(1, 0), (2, 0)]
    assert (rapport.status, rapport.renders_gestart, rapport.renders_voltooid) == ("klaar", 2, 1)
    # Counting leaves no history rows (like the progress).
    assert [r.status for r in rapport.history.order_by("history_id")] == [
        "in_wachtrij", "bezig", "mislukt", "in_wachtrij", "bezig", "klaar"
    ]  # fmt: skip


def test_a_second_request_while_one_is_open_returns_the_open_one(demo, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:  # the job has not run yet
        eerste = services.rapport_aanvragen(door=demo["beleid"], jaar=JAAR)
        tweede = services.rapport_aanvragen(door=demo["beleid"], jaar=JAAR)
    assert tweede.pk == eerste.pk and tweede.al_aangevraagd and not eerste.al_aangevraagd
    assert Rapport.objects.count() == 1 and len(callbacks) == 1
    # Another year is another request.
    with django_capture_on_commit_callbacks(execute=False):
        ander = services.rapport_aanvragen(door=demo["beleid"], jaar=JAAR - 1)
    assert ander.pk != eerste.pk


def test_the_database_refuses_two_open_reports_for_one_year(demo):
    from django.db import IntegrityError, transaction

    with acting_as(demo["beleid"]):
        Rapport.objects.create(jaar=JAAR, aangevraagd_door=demo["beleid"])
        with pytest.raises(IntegrityError), transaction.atomic():
            Rapport.objects.create(jaar=JAAR, aangevraagd_door=demo["beleid"], status=Rapport.Status.BEZIG)
        Rapport.objects.create(jaar=JAAR, aangevraagd_door=demo["beleid"], status=Rapport.Status.KLAAR)


def test_after_a_finished_report_a_new_request_makes_a_new_report(
    demo, media, fake_pdf, django_capture_on_commit_callbacks
):
    eerste = aanvragen(demo, django_capture_on_commit_callbacks)
    tweede = aanvragen(demo, django_capture_on_commit_callbacks)
    assert tweede.pk != eerste.pk
    assert list(Rapport.objects.values_list("status", flat=True)) == ["klaar", "klaar"]
    assert Rapport.objects.get(pk=eerste.pk).bestand.name != Rapport.objects.get(pk=tweede.pk).bestand.name


def test_a_failure_marks_the_report_mislukt_in_dutch_and_a_retry_reuses_the_same_row(
    demo, jaar_cijfers, media, fake_pdf, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(figures, format):
        raise RuntimeError("Traceback: secret internals at 0xdeadbeef")

    monkeypatch.setattr(exports, "render", broken)
    rapport = aanvragen(demo, django_capture_on_commit_callbacks)
    rapport.refresh_from_db()
    assert rapport.status == Rapport.Status.MISLUKT
    assert rapport.fout.startswith("Er ging iets mis bij het maken van het rapport.")
    assert "Traceback" not in rapport.fout and "0xdeadbeef" not in rapport.fout
    assert not rapport.bestand

    # The task for a failed report does nothing by itself: retrying is the user's choice.
    tasks.rapport_genereren(rapport.pk)
    rapport.refresh_from_db()
    assert rapport.status == Rapport.Status.MISLUKT

    monkeypatch.undo()
    monkeypatch.setattr(exports, "render_pdf", lambda shown: b"%PDF-1.7 opnieuw")
    with django_capture_on_commit_callbacks(execute=True):
        services.rapport_opnieuw(door=demo["beleid"], rapport=rapport)
    rapport.refresh_from_db()
    assert (rapport.status, rapport.pogingen, rapport.fout) == (Rapport.Status.KLAAR, 2, "")
    assert (Path(media) / rapport.bestand.name).read_bytes() == b"%PDF-1.7 opnieuw"
    assert Rapport.objects.count() == 1


def test_only_a_failed_report_can_be_retried(demo, media, fake_pdf, django_capture_on_commit_callbacks):
    rapport = aanvragen(demo, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        services.rapport_opnieuw(door=demo["beleid"], rapport=rapport)


def test_a_time_limit_gives_a_dutch_message(demo, media, django_capture_on_commit_callbacks, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    def slow(shown):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(exports, "render_pdf", slow)
    rapport = aanvragen(demo, django_capture_on_commit_callbacks)
    rapport.refresh_from_db()
    assert rapport.status == Rapport.Status.MISLUKT
    assert rapport.fout == "Het maken duurde langer dan 10 minuten en is afgebroken."


def test_the_task_has_a_soft_time_limit_and_survives_a_lost_worker():
    assert tasks.rapport_genereren.soft_time_limit == 10 * 60
    assert tasks.rapport_genereren.time_limit > tasks.rapport_genereren.soft_time_limit
    assert tasks.rapport_genereren.acks_late and tasks.rapport_genereren.reject_on_worker_lost
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > tasks.rapport_genereren.time_limit


def test_a_run_cut_off_by_a_lost_worker_is_redone_once_then_marked_mislukt(demo, media, fake_pdf):
    beleid = demo["beleid"]
    with acting_as(beleid):
        rapport = Rapport.objects.create(jaar=JAAR, aangevraagd_door=beleid, pogingen=1)
        rapport.status = Rapport.Status.BEZIG  # a worker started it and died
        rapport.save()
    with acting_as(beleid):
        assert services.rapport_genereren(rapport_id=rapport.pk, door=beleid).status == Rapport.Status.KLAAR

    with acting_as(beleid):
        rapport = Rapport.objects.create(jaar=JAAR, aangevraagd_door=beleid, pogingen=1)
        for _ in range(2):  # started twice, both runs lost
            rapport.status = Rapport.Status.BEZIG
            rapport.save()
        assert services.rapport_genereren(rapport_id=rapport.pk, door=beleid) is None
    rapport.refresh_from_db()
    assert rapport.status == Rapport.Status.MISLUKT and "onderbroken" in rapport.fout


def test_only_the_beleidsambtenaar_may_request_a_report(demo):
    for username in ("meldpunt", "procesmanager", "regisseur_dimence", "coordinator", "wethouder", "beheer"):
        with pytest.raises(PermissionDenied):
            services.rapport_aanvragen(door=demo[username], jaar=JAAR)
    assert not Rapport.objects.exists()


@pytest.mark.parametrize("jaar", [1999, timezone.localdate().year + 1, "abc"])
def test_a_year_outside_the_range_is_refused_in_dutch(demo, jaar):
    with pytest.raises(ValidationError) as error:
        services.rapport_aanvragen(door=demo["beleid"], jaar=jaar)
    assert "Kies een jaar" in error.value.message_dict["jaar"][0]


def test_the_beat_schedule_requests_last_years_report_on_2_january():
    entry = settings.CELERY_BEAT_SCHEDULE["jaarmonitor-vorig-jaar"]
    assert entry["task"] == "monitor.tasks.rapport_vorig_jaar"
    schedule = entry["schedule"]
    assert schedule.month_of_year == {1} and schedule.day_of_month == {2}
    assert schedule.hour == {3} and schedule.minute == {0}


def test_the_scheduled_task_requests_last_year_as_the_system_user(
    demo, media, fake_pdf, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pk = tasks.rapport_vorig_jaar.delay().get()  # as celery beat sends it: no acting user
    rapport = Rapport.objects.get(pk=pk)
    assert rapport.jaar == timezone.localdate().year - 1
    assert rapport.aangevraagd_door == system_user()
    assert rapport.status == Rapport.Status.KLAAR
    assert rapport.history.latest("history_id").history_user == system_user()


# --- budget ----------------------------------------------------------------------------------------------------


def test_budget_lines_are_saved_changed_and_deleted_with_history(demo):
    beheer = demo["beheer"]
    regel = services.budgetregel_opslaan(
        door=beheer, jaar=JAAR, categorie="maatwerk", omschrijving=" Doorbraakfonds ", bedrag=Decimal("2500.50")
    )
    assert (regel.omschrijving, regel.bedrag) == ("Doorbraakfonds", Decimal("2500.50"))
    with pytest.raises(ValidationError) as error:  # a change asks a reason
        services.budgetregel_opslaan(
            door=beheer, jaar=JAAR, regel=regel, categorie="maatwerk", omschrijving="Doorbraakfonds", bedrag=3000
        )
    assert "reden" in error.value.message_dict
    services.budgetregel_opslaan(
        door=beheer, jaar=JAAR, regel=regel, categorie="maatwerk", omschrijving="Doorbraakfonds", bedrag=3000,
        reden="begroting bijgesteld",
    )  # fmt: skip
    assert BudgetRegel.objects.get().bedrag == Decimal("3000.00")
    with pytest.raises(ValidationError):
        services.budgetregel_verwijderen(door=beheer, regel=regel, reden="")
    services.budgetregel_verwijderen(door=beheer, regel=regel, reden="dubbel ingevoerd")
    assert not BudgetRegel.objects.exists()
    history = list(BudgetRegel.history.order_by("history_id"))
    assert [h.history_user for h in history] == [beheer, beheer, beheer]
    assert "begroting bijgesteld" in history[1].history_change_reason
    assert "dubbel ingevoerd" in history[2].history_change_reason


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"categorie": "iets"}, "categorie", "Kies een categorie."),
        ({"omschrijving": "  "}, "omschrijving", "Vul een omschrijving in."),
        ({"omschrijving": "x" * 201}, "omschrijving", "te lang"),
        ({"bedrag": None}, "bedrag", "Vul een bedrag in."),
        ({"bedrag": Decimal("0")}, "bedrag", "groter zijn dan"),
        ({"bedrag": Decimal("-5")}, "bedrag", "groter zijn dan"),
        ({"bedrag": Decimal("1.005")}, "bedrag", "twee cijfers achter de komma"),
        ({"jaar": 1990}, "jaar", "Kies een jaar"),
    ],
)
def test_budget_validation_is_in_dutch(demo, changes, field, message):
    data = {"jaar": JAAR, "categorie": "overig", "omschrijving": "Iets", "bedrag": Decimal("10"), **changes}
    with pytest.raises(ValidationError) as error:
        services.budgetregel_opslaan(door=demo["beheer"], **data)
    assert message in error.value.message_dict[field][0]


def test_only_functioneel_beheer_may_enter_the_budget_the_beleidsambtenaar_reads_it(demo):
    for username in ("procesmanager", "beleid"):
        with pytest.raises(PermissionDenied):
            services.budgetregel_opslaan(
                door=demo[username], jaar=JAAR, categorie="overig", omschrijving="x", bedrag=Decimal(1)
            )
    regel = services.budgetregel_opslaan(
        door=demo["beheer"], jaar=JAAR, categorie="overig", omschrijving="x", bedrag=Decimal(1)
    )
    with pytest.raises(PermissionDenied):
        services.budgetregel_verwijderen(door=demo["beleid"], regel=regel, reden="mag niet")
    assert list(services.budgetregels(JAAR)) == [regel]


def test_a_line_names_a_subsidy_an_aanmeldroute_and_an_active_organisation(demo):
    from bzt.models import Organisatie

    with pytest.raises(ValidationError) as error:
        services.budgetregel_opslaan(
            door=demo["beheer"], jaar=JAAR, categorie="casusregie", omschrijving="x", bedrag=Decimal(1),
            aanmeldroute="bestaat_niet",
        )  # fmt: skip
    assert "aanmeldroute" in error.value.message_dict
    organisatie = Organisatie.objects.get(naam="Iriszorg")
    Organisatie.objects.filter(pk=organisatie.pk).update(actief=False)
    organisatie.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.budgetregel_opslaan(
            door=demo["beheer"], jaar=JAAR, categorie="casusregie", omschrijving="x", bedrag=Decimal(1),
            organisatie=organisatie,
        )  # fmt: skip
    assert "gedeactiveerd" in error.value.message_dict["organisatie"][0]
