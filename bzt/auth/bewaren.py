"""Never lose typed work: a form posted after the session ended is kept, server-side, until the same user is
logged in again and confirms it (docs/security.md § Nooit getypt werk kwijt).

What is kept: the posted fields (not the CSRF token, no files), the URL they were posted to and the page they
came from, encrypted (Fernet, a key derived from SECRET_KEY) in the session of this browser, bound to the user
who typed them, for BEWAAR_MINUTEN. Never replayed by the server: the user sees it on a page
(`invoer_herstellen`) and sends it again with a fresh CSRF token, or throws it away. Logging out flushes the
session and with it the kept input; another user logging in on the same browser loses it at login
(`bij_inloggen`, called from bzt.auth.signals).
"""

import base64
import json
import secrets
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken
from django.utils import timezone
from django.utils.crypto import salted_hmac

SESSIE_SLEUTEL = "bzt_bewaarde_invoer"
BEWAAR_MINUTEN = 30
MAX_BEWAARD = 5  # per session; the oldest goes first
MAX_TEKENS = 100_000  # a bigger post is not kept (no form of the BZT comes near it)

# Fields the browser or BZT adds, never kept: the old CSRF token (a replay gets a fresh one) and the markers.
NIET_BEWAREN = {"csrfmiddlewaretoken", "_bzt_velden", "_bzt_bewaren", "_bzt_herstel"}


def _fernet():
    sleutel = salted_hmac("bzt.auth.bewaren", "fernet", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(sleutel))


def _labels(request):
    """{name: {"label": ..., "opties": {value: text}}} sent along by static/js/bzt.js; {} without JS."""
    try:
        labels = json.loads(request.POST.get("_bzt_velden") or "{}")
    except ValueError:
        return {}
    return labels if isinstance(labels, dict) else {}


def terugpad(request):
    """The page the form was on (the Referer, only on this host), or ""."""
    deel = urlsplit(request.headers.get("Referer", ""))
    if deel.scheme not in ("http", "https", "") or not deel.path.startswith("/"):
        return ""
    if deel.netloc and deel.netloc != request.get_host():
        return ""
    return deel.path + (f"?{deel.query}" if deel.query else "")


def velden_uit(request):
    """The typed fields of a POST as [[name, value], ...], or None when there is nothing to keep."""
    if request.FILES:
        return None
    velden = [[k, v] for k, waarden in request.POST.lists() if k not in NIET_BEWAREN for v in waarden]
    if not any(str(v).strip() for _, v in velden) or sum(len(k) + len(v) for k, v in velden) > MAX_TEKENS:
        return None
    return velden


def bewaren(session, *, gebruiker_pk, request, velden):
    """Keep the posted fields in `session` for the user `gebruiker_pk`; returns the id."""
    nu = time.time()
    inhoud = {"velden": velden, "labels": _labels(request)}
    item = {
        "id": secrets.token_urlsafe(8),
        "gebruiker": gebruiker_pk,
        "url": request.get_full_path(),
        "pagina": terugpad(request),
        "op": nu,
        "tot": nu + BEWAAR_MINUTEN * 60,
        "inhoud": _fernet().encrypt(json.dumps(inhoud).encode()).decode(),
    }
    lijst = [i for i in session.get(SESSIE_SLEUTEL, []) if i["tot"] > nu][-(MAX_BEWAARD - 1) :]
    session[SESSIE_SLEUTEL] = [*lijst, item]
    return item["id"]


def bij_inloggen(session, gebruiker):
    """At login: keep only what this user typed and what has not expired."""
    if SESSIE_SLEUTEL not in session:
        return
    nu = time.time()
    lijst = [i for i in session[SESSIE_SLEUTEL] if i["gebruiker"] == gebruiker.pk and i["tot"] > nu]
    if lijst:
        session[SESSIE_SLEUTEL] = lijst
    else:
        del session[SESSIE_SLEUTEL]


def aantal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return 0
    nu = time.time()
    return sum(1 for i in request.session.get(SESSIE_SLEUTEL, []) if i["gebruiker"] == user.pk and i["tot"] > nu)


def voor(request):
    """What the logged-in user kept, decrypted, newest first: [{id, url, pagina, op, velden: [(label, tekst)]}]."""
    user = request.user
    nu = time.time()
    resultaat = []
    for item in request.session.get(SESSIE_SLEUTEL, []):
        if item["gebruiker"] != user.pk or item["tot"] <= nu:
            continue
        try:
            inhoud = json.loads(_fernet().decrypt(item["inhoud"].encode(), ttl=BEWAAR_MINUTEN * 60 + 60))
        except (InvalidToken, ValueError):
            continue
        labels = inhoud.get("labels", {})
        getoond = []
        for naam, waarde in inhoud["velden"]:
            info = labels.get(naam) if isinstance(labels.get(naam), dict) else {}
            label = info.get("label") or naam.replace("_", " ").capitalize()
            tekst = (info.get("opties") or {}).get(waarde, waarde)
            getoond.append({"naam": naam, "waarde": waarde, "label": label, "tekst": tekst})
        op = timezone.localtime(datetime.fromtimestamp(item["op"], tz=UTC))
        resultaat.append({**{k: item[k] for k in ("id", "url", "pagina")}, "op": op, "velden": getoond})
    return sorted(resultaat, key=lambda i: i["op"], reverse=True)


def verwijderen(session, item_id):
    lijst = session.get(SESSIE_SLEUTEL, [])
    over = [i for i in lijst if i["id"] != item_id]
    if len(over) != len(lijst):
        if over:
            session[SESSIE_SLEUTEL] = over
        else:
            del session[SESSIE_SLEUTEL]
        return True
    return False
