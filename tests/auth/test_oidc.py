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
OIDC_SETTINGS = dict(OIDC_ENV) | {
    "OIDC_CREATE_USER": False,
    "BZT_OIDC": True,
    "LOGIN_REDIRECT_URL_FAILURE": "/inloggen/?sso=mislukt",
}
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


def test_users_are_found_by_verified_email_only_when_active(backend, demo):
    from bzt.services import gebruiker_deactiveren

    geverifieerd = {"sub": "s-1", "email_verified": True}
    claims = geverifieerd | {"email": "Procesmanager@BZT.example"}
    assert list(backend.filter_users_by_claims(claims)) == [demo["procesmanager"]]
    assert not backend.filter_users_by_claims(geverifieerd | {"email": "onbekend@gemeente.example"}).exists()
    assert not backend.filter_users_by_claims({"sub": "123"}).exists()

    gebruiker_deactiveren(door=system_user(), gebruiker=demo["wethouder"], reden="test")
    assert not backend.filter_users_by_claims(geverifieerd | {"email": "wethouder@bzt.example"}).exists()


@pytest.mark.parametrize("verified", [False, "false", None, "missing"])
def test_an_email_address_the_idp_has_not_verified_logs_nobody_in(backend, demo, monkeypatch, verified):
    userinfo = {"sub": "s-1", "email": "procesmanager@bzt.example"}
    if verified != "missing":
        userinfo["email_verified"] = verified
    monkeypatch.setattr(backend, "get_userinfo", lambda *args: userinfo)
    assert not backend.filter_users_by_claims(userinfo).exists()
    assert backend.get_or_create_user("access", "id", {"sub": "s-1"}) is None
    demo["procesmanager"].refresh_from_db()
    assert demo["procesmanager"].oidc_subject is None


def test_the_first_login_binds_the_subject_and_after_that_only_that_subject_gets_in(backend, demo, monkeypatch):
    pm = demo["procesmanager"]
    userinfo = {"sub": "s-pm", "email": "procesmanager@bzt.example", "email_verified": True}
    monkeypatch.setattr(backend, "get_userinfo", lambda *args: userinfo)
    assert backend.get_or_create_user("access", "id", {"sub": "s-pm"}) == pm
    pm.refresh_from_db()
    assert pm.oidc_subject == "s-pm"
    assert pm.history.first().history_user == pm  # the binding is audited, as the user themselves

    # The e-mail address changes at the identity provider: the subject still finds the account.
    userinfo = {"sub": "s-pm", "email": "nieuw.adres@gemeente.example", "email_verified": True}
    assert backend.get_or_create_user("access", "id", {"sub": "s-pm"}) == pm
    # Another subject that now carries (verified) the procesmanager's address does not get in.
    userinfo = {"sub": "s-ander", "email": "procesmanager@bzt.example", "email_verified": True}
    assert backend.get_or_create_user("access", "id", {"sub": "s-ander"}) is None


def test_userinfo_of_another_subject_than_the_id_token_is_refused(backend, demo, monkeypatch):
    from django.core.exceptions import SuspiciousOperation

    userinfo = {"sub": "s-ander", "email": "procesmanager@bzt.example", "email_verified": True}
    monkeypatch.setattr(backend, "get_userinfo", lambda *args: userinfo)
    with pytest.raises(SuspiciousOperation):
        backend.get_or_create_user("access", "id", {"sub": "s-pm"})
    with pytest.raises(SuspiciousOperation):
        backend.get_or_create_user("access", "id", {})


def test_the_username_claim_can_be_used_instead(backend, demo, settings):
    settings.OIDC_USERNAME_CLAIM = "preferred_username"
    claims = {"sub": "s-c", "preferred_username": "coordinator", "email": "iemand.anders@gemeente.example"}
    assert list(backend.filter_users_by_claims(claims)) == [demo["coordinator"]]
    # With the username claim set, the e-mail address is not a way in.
    claims = {"sub": "s-c", "email": "coordinator@bzt.example", "email_verified": True}
    assert not backend.filter_users_by_claims(claims).exists()


def test_an_unstable_claim_as_username_claim_is_refused_at_startup():
    result = run_manage("check", DEBUG="true", OIDC_USERNAME_CLAIM="email", **OIDC_ENV)
    assert result.returncode != 0 and "OIDC_USERNAME_CLAIM=email" in result.stderr


def test_nobody_is_created_and_nothing_is_copied_from_the_identity_provider(backend, demo, monkeypatch):
    from bzt.models import User

    count = User.objects.count()
    userinfo = {"sub": "s-n", "email": "nieuw@gemeente.example", "email_verified": True}
    monkeypatch.setattr(backend, "get_userinfo", lambda *args: userinfo)
    assert backend.get_or_create_user("access", "id", {"sub": "s-n"}) is None
    assert User.objects.count() == count

    claims = {"sub": "s-m", "email": "meldpunt@bzt.example", "email_verified": True, "given_name": "Anders"}
    monkeypatch.setattr(backend, "get_userinfo", lambda *args: claims)
    user = backend.get_or_create_user("access", "id", {"sub": "s-m"})
    assert user == demo["meldpunt"]
    user.refresh_from_db()
    assert user.first_name != "Anders"


@pytest.mark.parametrize(
    ("id_token", "mfa"),
    [
        ({}, False),
        ({"amr": ["pwd"]}, False),
        ({"amr": ["otp"]}, False),  # one factor, whatever kind
        ({"amr": "pwd"}, False),
        ({"amr": ["pwd", "mfa"]}, True),
        ({"amr": ["pwd", "otp"]}, True),
        ({"amr": ["hwk", "pin"]}, True),
        ({"amr": ["swk", "fpt"]}, True),
        ({"acr": "urn:gemeente:loa:midden"}, False),
        ({"acr": "urn:gemeente:loa:hoog"}, True),
    ],
)
def test_mfa_is_what_the_id_token_says(settings, id_token, mfa):
    from bzt.auth.oidc import mfa_gedaan

    settings.OIDC_MFA_ACR_VALUES = ["urn:gemeente:loa:hoog"]
    assert mfa_gedaan(id_token) is mfa


@override_settings(ROOT_URLCONF="tests.auth.oidc_urls", **OIDC_SETTINGS)
def test_the_login_page_offers_the_municipal_account_next_to_the_local_login(client, db):
    html = client.get(reverse("login") + "?next=/meldpunt/").content.decode()
    assert 'href="/oidc/authenticate/?next=/meldpunt/">Inloggen met gemeentelijk account</a>' in html
    assert 'name="password"' in html  # the fallback
    html = client.get(reverse("login") + "?sso=mislukt").content.decode()
    assert "Inloggen met uw gemeentelijk account is niet gelukt" in html


def oidc_login(client, monkeypatch, id_token, userinfo):
    """The whole authorization code flow through mozilla-django-oidc's views; only the calls to the identity
    provider (token, signature check, userinfo) are replaced."""
    from urllib.parse import parse_qs, urlsplit

    from bzt.auth.oidc import GemeenteOIDCBackend

    redirect = client.get("/oidc/authenticate/")
    state = parse_qs(urlsplit(redirect.url).query)["state"][0]
    monkeypatch.setattr(GemeenteOIDCBackend, "get_token", lambda self, payload: {"id_token": "i", "access_token": "a"})
    monkeypatch.setattr(GemeenteOIDCBackend, "verify_token", lambda self, token, **kwargs: id_token)
    monkeypatch.setattr(GemeenteOIDCBackend, "get_userinfo", lambda self, *args: userinfo)
    return client.get("/oidc/callback/", {"code": "c", "state": state})


PM = {"sub": "s-pm", "email": "procesmanager@bzt.example", "email_verified": True}


@pytest.mark.parametrize(
    ("trusted", "id_token", "verified"),
    [
        (False, {"amr": ["pwd", "mfa"]}, False),
        (True, {}, False),
        (True, {"amr": ["pwd"]}, False),
        (True, {"acr": "urn:gemeente:loa:midden"}, False),
        (True, {"amr": ["pwd", "mfa"]}, True),
        (True, {"amr": ["pwd", "otp"]}, True),
        (True, {"acr": "urn:gemeente:loa:hoog"}, True),
    ],
)
def test_an_oidc_login_needs_the_bzt_code_unless_the_idp_did_mfa_and_that_is_trusted(
    client, demo, settings, monkeypatch, trusted, id_token, verified
):
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]
    for key, value in OIDC_SETTINGS.items():
        setattr(settings, key, value)
    settings.ROOT_URLCONF = "tests.auth.oidc_urls"
    settings.OIDC_MFA_TRUSTED = trusted
    settings.OIDC_MFA_ACR_VALUES = ["urn:gemeente:loa:hoog"]
    response = oidc_login(client, monkeypatch, {"sub": "s-pm", **id_token}, PM)
    assert response.status_code == 302 and response.url == "/"
    response = client.get("/meldpunt/")
    if verified:
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response.url.startswith(reverse("tweestaps_controleren"))


@pytest.mark.parametrize(
    "userinfo", [PM | {"email_verified": False}, {k: v for k, v in PM.items() if k != "email_verified"}]
)
def test_an_oidc_login_with_an_unverified_email_address_fails(client, demo, settings, monkeypatch, userinfo):
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]
    for key, value in OIDC_SETTINGS.items():
        setattr(settings, key, value)
    settings.ROOT_URLCONF = "tests.auth.oidc_urls"
    response = oidc_login(client, monkeypatch, {"sub": "s-pm", "amr": ["mfa"]}, userinfo)
    assert response.status_code == 302 and response.url == "/inloggen/?sso=mislukt"
    assert "_auth_user_id" not in client.session


def test_a_local_login_never_counts_as_a_trusted_idp_login(client, demo, settings):
    for key, value in OIDC_SETTINGS.items():
        setattr(settings, key, value)
    settings.OIDC_MFA_TRUSTED = True
    force_login_without_2fa(client, demo["procesmanager"])
    response = client.get("/meldpunt/")
    assert response.status_code == 302 and response.url.startswith(reverse("tweestaps_controleren"))


def test_an_operator_can_undo_the_binding(demo):
    from django.core.management import call_command

    from bzt.auth.services import oidc_subject_koppelen

    pm = demo["procesmanager"]
    assert oidc_subject_koppelen(door=pm, gebruiker=pm, subject="s-oud")
    stale = type(pm).objects.get(pk=pm.pk)
    stale.oidc_subject = None  # as read by a second login at the same moment
    assert not oidc_subject_koppelen(door=stale, gebruiker=stale, subject="s-ander")
    call_command("oidc_ontkoppelen", "procesmanager", "--reden", "ticket 7")
    pm.refresh_from_db()
    assert pm.oidc_subject is None
    assert pm.history.first().history_change_reason.endswith("ticket 7")
    assert pm.history.first().history_user == system_user()
