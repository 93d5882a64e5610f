"""Optional municipal SSO (OIDC): on only when configured, existing active accounts only, local login stays."""

import pytest
from django.test import override_settings
from django.urls import reverse

from bzt.audit import system_user
from tests.helpers import force_login_without_2fa
from tests.test_settings import run_manage

OIDC_ENV = {
    "OIDC_RP_CLIENT_ID": "bzt",
    "OIDC_RP_CLIENT_SECRET": "geheim",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.gemeente.example/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://login.gemeente.example/token",
    "OIDC_OP_USER_ENDPOINT": "https://login.gemeente.example/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://login.gemeente.example/jwks",
    "OIDC_RP_SIGN_ALGO": "RS256",
}
OIDC_SETTINGS = dict(OIDC_ENV) | {"OIDC_CREATE_USER": False, "BZT_OIDC": True}
BACKEND = "bzt.auth.oidc.GemeenteOIDCBackend"


def test_oidc_is_off_without_configuration(settings):
    assert not settings.BZT_OIDC
    assert BACKEND not in settings.AUTHENTICATION_BACKENDS
    assert "mozilla_django_oidc" not in settings.INSTALLED_APPS


def test_with_the_environment_set_the_backend_and_urls_are_active():
    code = (
        "from django.conf import settings; from django.urls import reverse; "
        "print(settings.AUTHENTICATION_BACKENDS); print('mozilla_django_oidc' in settings.INSTALLED_APPS); "
        "print(settings.OIDC_CREATE_USER); print(reverse('oidc_authentication_init'))"
    )
    result = run_manage("shell", "-c", code, DEBUG="true", **OIDC_ENV)
    assert result.returncode == 0, result.stderr
    backends, installed, create, url = result.stdout.strip().splitlines()[-4:]
    assert backends.startswith("['bzt.auth.backends.LockoutBackend'") and BACKEND in backends
    assert (installed, create, url) == ("True", "False", "/oidc/authenticate/")


@pytest.fixture
def backend():
    with override_settings(**OIDC_SETTINGS):
        from bzt.auth.oidc import GemeenteOIDCBackend

        yield GemeenteOIDCBackend()


def test_users_are_found_by_email_only_when_active(backend, demo):
    from bzt.services import gebruiker_deactiveren

    assert list(backend.filter_users_by_claims({"email": "Procesmanager@BZT.example"})) == [demo["procesmanager"]]
    assert not backend.filter_users_by_claims({"email": "onbekend@gemeente.example"}).exists()
    assert not backend.filter_users_by_claims({"sub": "123"}).exists()

    gebruiker_deactiveren(door=system_user(), gebruiker=demo["wethouder"], reden="test")
    assert not backend.filter_users_by_claims({"email": "wethouder@bzt.example"}).exists()


def test_the_username_claim_can_be_used_instead(backend, demo, settings):
    settings.OIDC_USERNAME_CLAIM = "preferred_username"
    claims = {"preferred_username": "coordinator", "email": "iemand.anders@gemeente.example"}
    assert list(backend.filter_users_by_claims(claims)) == [demo["coordinator"]]


def test_nobody_is_created_and_nothing_is_copied_from_the_identity_provider(backend, demo, monkeypatch):
    from bzt.models import User

    count = User.objects.count()
    monkeypatch.setattr(backend, "get_userinfo", lambda *args: {"email": "nieuw@gemeente.example"})
    assert backend.get_or_create_user("access", "id", {}) is None
    assert User.objects.count() == count

    claims = {"email": "meldpunt@bzt.example", "given_name": "Anders", "family_name": "Genaamd"}
    monkeypatch.setattr(backend, "get_userinfo", lambda *args: claims)
    user = backend.get_or_create_user("access", "id", {})
    assert user == demo["meldpunt"]
    user.refresh_from_db()
    assert user.first_name != "Anders"


@override_settings(ROOT_URLCONF="tests.auth.oidc_urls", **OIDC_SETTINGS)
def test_the_login_page_offers_the_municipal_account_next_to_the_local_login(client, db):
    html = client.get(reverse("login") + "?next=/meldpunt/").content.decode()
    assert 'href="/oidc/authenticate/?next=/meldpunt/">Inloggen met gemeentelijk account</a>' in html
    assert 'name="password"' in html  # the fallback
    html = client.get(reverse("login") + "?sso=mislukt").content.decode()
    assert "Inloggen met uw gemeentelijk account is niet gelukt" in html


@pytest.mark.parametrize("trusted", [False, True])
def test_an_oidc_login_needs_the_bzt_code_unless_the_idp_mfa_is_trusted(client, demo, settings, trusted):
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]
    for key, value in OIDC_SETTINGS.items():
        setattr(settings, key, value)
    settings.OIDC_MFA_TRUSTED = trusted
    force_login_without_2fa(client, demo["procesmanager"], backend=BACKEND)
    response = client.get("/meldpunt/")
    if trusted:
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response.url.startswith(reverse("tweestaps_controleren"))


def test_a_local_login_never_counts_as_a_trusted_idp_login(client, demo, settings):
    for key, value in OIDC_SETTINGS.items():
        setattr(settings, key, value)
    settings.OIDC_MFA_TRUSTED = True
    force_login_without_2fa(client, demo["procesmanager"])
    response = client.get("/meldpunt/")
    assert response.status_code == 302 and response.url.startswith(reverse("tweestaps_controleren"))
