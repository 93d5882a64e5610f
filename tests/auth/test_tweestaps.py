"""Two-factor authentication: who needs it, the gate, verifying, enrolling, resetting, the demo devices."""

import time
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from bzt.audit import system_user
from bzt.auth.services import DEMO_APPARAAT_NAAM, DemoCode, demo_code, hex_sleutel, tweestaps_verplicht
from bzt.models import User
from bzt.services import gebruiker_opslaan
from tests.helpers import force_login_without_2fa, totp_code

PASSWORD = "Lange-Testzin-Voor-BZT-2025"


def password_login(client, username, password=None, **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password or settings.DEMO_PASSWORD}, **extra
    )


def new_user(demo, username, rol="meldpunt"):
    return gebruiker_opslaan(
        door=system_user(),
        username=username,
        organisatie=demo["meldpunt"].organisatie,
        rol=rol,
        email=f"{username}@bzt.example",
        password=PASSWORD,
    )


@pytest.mark.parametrize(
    ("username", "needed"),
    [
        ("meldpunt", True),
        ("procesmanager", True),
        ("regisseur_dimence", True),
        ("coordinator", True),
        ("wethouder", True),
        ("burgemeester", True),
        ("mandaatcommissie", True),
        ("beleid", False),
        # functioneel beheer makes accounts and resets second factors: it passes the second factor itself
        ("beheer", True),
    ],
)
def test_every_account_that_can_see_personal_data_needs_2fa(demo, username, needed):
    assert tweestaps_verplicht(User.objects.get(username=username)) is needed


def test_a_superuser_needs_2fa_too(db):
    from bzt.audit import acting_as

    with acting_as(system_user()):
        admin = User.objects.create_superuser("operator", "op@bzt.example", PASSWORD)
    assert tweestaps_verplicht(admin)


def test_after_the_password_every_page_sends_to_the_code_step(client, demo):
    response = password_login(client, "procesmanager")
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.status_code == 302 and response.url == reverse("tweestaps_controleren")

    response = client.get("/meldpunt/")
    assert response.status_code == 302
    assert response.url == reverse("tweestaps_controleren") + "?next=%2Fmeldpunt%2F"
    assert client.get("/casussen/").status_code == 302
    assert client.get("/operator/").status_code == 302

    # What the login and code pages need stays reachable.
    assert client.get(reverse("tweestaps_controleren")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("huisstijl_css")).status_code == 200


def test_htmx_requests_get_a_redirect_header_instead_of_a_page(client, demo):
    password_login(client, "meldpunt")
    response = client.get("/meldpunt/", headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/meldpunt/"})
    assert response.status_code == 401
    assert response["HX-Redirect"] == reverse("tweestaps_controleren") + "?next=%2Fmeldpunt%2F"


def test_accounts_without_personal_data_need_no_second_step(client, demo):
    response = password_login(client, "beleid")
    assert client.get(response.url).status_code == 200


def test_a_wrong_code_is_refused_in_dutch_and_counts_towards_throttling(client, demo):
    password_login(client, "procesmanager")
    response = client.post(reverse("tweestaps_controleren"), {"code": "000000"})
    assert response.status_code == 200
    assert "De code is onjuist of verlopen" in response.content.decode()
    assert client.get("/").status_code == 302

    device = TOTPDevice.objects.get(user=demo["procesmanager"])
    response = client.post(reverse("tweestaps_controleren"), {"code": totp_code(device)})
    assert "Te veel onjuiste codes achter elkaar. Wacht 1 seconde" in response.content.decode()
    record = device.history.first()
    assert record.throttling_failure_count == 1 and record.history_user == demo["procesmanager"]


def test_not_six_digits_is_a_form_error(client, demo):
    password_login(client, "procesmanager")
    response = client.post(reverse("tweestaps_controleren"), {"code": "12ab"})
    assert "De code bestaat uit zes cijfers." in response.content.decode()


def test_the_right_code_lets_the_user_in_with_a_new_session_key_and_is_audited(client, demo):
    password_login(client, "procesmanager")
    key_after_password = client.session.session_key
    device = TOTPDevice.objects.get(user=demo["procesmanager"])

    response = client.post(reverse("tweestaps_controleren"), {"code": totp_code(device), "next": "/meldpunt/"})
    assert response.status_code == 302 and response.url == "/meldpunt/"
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.session.session_key != key_after_password
    assert client.get("/meldpunt/").status_code == 200

    record = device.history.first()
    assert record.history_user == demo["procesmanager"]
    assert record.history_change_reason == "tweestapsverificatie"
    assert not hasattr(record, "key")  # the secret is not copied into the history


def test_a_code_is_accepted_only_once(client, demo):
    device = TOTPDevice.objects.get(user=demo["procesmanager"])
    totp = TOTP(device.bin_key)
    code = f"{totp.token():06d}"
    password_login(client, "procesmanager")
    client.post(reverse("tweestaps_controleren"), {"code": code})
    client.post(reverse("logout"))

    password_login(client, "procesmanager")
    response = client.post(reverse("tweestaps_controleren"), {"code": code})
    assert "De code is onjuist of verlopen" in response.content.decode()


def test_next_never_leaves_the_site(client, demo):
    password_login(client, "procesmanager")
    device = TOTPDevice.objects.get(user=demo["procesmanager"])
    response = client.post(
        reverse("tweestaps_controleren"), {"code": totp_code(device), "next": "https://kwaadaardig.example/"}
    )
    assert response.url == reverse("home")


def test_a_user_without_a_device_enrols_with_a_qr_code_and_confirms(client, demo):
    user = new_user(demo, "nieuwe_collega")
    password_login(client, "nieuwe_collega", PASSWORD)
    response = client.get("/meldpunt/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("tweestaps_instellen") + "?next=%2Fmeldpunt%2F"
    html = response.content.decode()
    assert '<img class="bzt-qr" src="data:image/svg+xml' in html
    assert "style=" not in html  # the CSP allows no inline style

    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = html.split('id="tweestaps-sleutel">')[1].split("<")[0].replace(" ", "")
    assert hex_sleutel(secret) == device.key  # the key for typing in is the device's secret
    assert client.get(reverse("tweestaps_instellen")).status_code == 200
    assert TOTPDevice.objects.filter(user=user).count() == 1  # a reload shows the same secret

    response = client.post(reverse("tweestaps_instellen"), {"code": "123456", "next": "/meldpunt/"})
    assert "De code is onjuist of verlopen" in response.content.decode()
    # Skip the one-second wait after a wrong code (update(): no history, this is not a user's action).
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)

    response = client.post(reverse("tweestaps_instellen"), {"code": totp_code(device), "next": "/meldpunt/"})
    assert response.status_code == 302 and response.url == "/meldpunt/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/meldpunt/").status_code == 200
    assert {record.history_user for record in device.history.all()} == {user}
    assert device.history.last().history_change_reason == "tweestapsverificatie instellen"


def test_enrolling_again_needs_a_verified_session_and_replaces_the_old_app(client, demo):
    user = demo["meldpunt"]
    old = TOTPDevice.objects.get(user=user)
    force_login_without_2fa(client, user)
    response = client.get(reverse("tweestaps_instellen"))
    assert response.status_code == 302 and response.url == reverse("tweestaps_controleren")
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()

    client.force_login(user)  # verified
    assert "Uw huidige app blijft werken" in client.get(reverse("tweestaps_instellen")).content.decode()
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post(reverse("tweestaps_instellen"), {"code": totp_code(new)})
    assert list(TOTPDevice.objects.filter(user=user)) == [new]
    assert old.history.first().history_type == "-" and old.history.first().history_user == user


def test_the_header_links_to_the_users_2fa_page(client, demo):
    client.force_login(demo["procesmanager"])
    html = client.get(reverse("home")).content.decode()
    assert 'href="/account/tweestapsverificatie/">Tweestapsverificatie</a>' in html
    assert 'name="bzt-sessie-inactief" content="900"' in html
    assert "Tweestapsverificatie is ingesteld" in client.get(reverse("tweestaps_overzicht")).content.decode()

    client.force_login(demo["beleid"])
    assert "Tweestapsverificatie</a>" not in client.get(reverse("home")).content.decode()


def test_the_operator_resets_2fa_of_a_user_who_lost_their_phone(client, demo):
    user = demo["regisseur_dimence"]
    client.force_login(user)
    out = StringIO()
    call_command("tweestaps_herstellen", "regisseur_dimence", "--reden", "TOPdesk 4711", stdout=out)
    assert "1 authenticator(s) van regisseur_dimence verwijderd" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=user).exists()
    record = TOTPDevice.history.filter(user_id=user.pk, history_type="-").get()
    assert record.history_user.username == "systeem"
    assert record.history_change_reason == "tweestapsverificatie hersteld (beheercommando): TOPdesk 4711"
    # The session verified with the removed device is no longer verified.
    response = client.get("/casussen/")
    assert response.status_code == 302 and response.url.startswith(reverse("tweestaps_controleren"))


def test_a_device_write_without_an_acting_user_is_refused(demo):
    from bzt.audit import AuditError

    with pytest.raises(AuditError):
        TOTPDevice.objects.create(user=demo["beleid"], name="stiekem")


def test_demo_accounts_get_the_public_demo_secret_and_demo_totp_code_prints_its_code(demo):
    key = hex_sleutel(settings.DEMO_TOTP_SECRET)
    with_device = set(
        TOTPDevice.objects.filter(name=DEMO_APPARAAT_NAAM, key=key, confirmed=True).values_list(
            "user__username", flat=True
        )
    )
    assert {"meldpunt", "procesmanager", "regisseur_dimence", "coordinator", "wethouder", "beheer"} <= with_device
    assert "beleid" not in with_device

    device = TOTPDevice.objects.get(user=demo["meldpunt"])
    totp = TOTP(device.bin_key)
    totp.time = 1_750_000_000
    assert demo_code(now=1_750_000_000) == DemoCode(code=f"{totp.token():06d}", seconden_geldig=20)

    before = time.time()
    out = StringIO()
    call_command("demo_totp_code", "--alleen-code", stdout=out)
    expected = set()
    for moment in (before, time.time()):  # the command may run just across a step boundary
        totp.time = moment
        expected.add(f"{totp.token():06d}")
    assert out.getvalue().strip() in expected

    out = StringIO()
    call_command("demo_totp_code", stdout=out)
    assert settings.DEMO_TOTP_SECRET in out.getvalue() and "seconden geldig" in out.getvalue()


def test_seed_demo_devices_are_idempotent(demo):
    from bzt.demo import seed_organisaties_en_accounts

    before = TOTPDevice.objects.count(), TOTPDevice.history.count()
    seed_organisaties_en_accounts(door=system_user(), password=settings.DEMO_PASSWORD)
    assert (TOTPDevice.objects.count(), TOTPDevice.history.count()) == before
