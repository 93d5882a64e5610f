"""Settings, all from environment variables (CONTRACT.md § Environment).

One module, no layered stacks. The embedded default (DEBUG=true, nothing else set) is SQLite with Celery tasks
run in-process; DATABASE_URL and CELERY_BROKER_URL switch to PostgreSQL and Redis with real workers.
DEBUG=false (the default) is production: every `check --deploy` setting is on, and SECRET_KEY and DATABASE_URL
are required.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY ontbreekt: zet de omgevingsvariabele SECRET_KEY (productie).")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-bzt-0123456789"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "simple_history",
    "csp",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "bzt",
    "bzt.auth",
    "meldpunt",
    "mdo",
    "casusregie",
    "monitor",
    "keten",  # what reads or writes across the apps above (docs/architecture.md)
    "avg",  # the client's AVG requests, above keten (it calls keten.retention); docs/avg.md
    # rest_framework is deliberately not an installed app: its Dutch catalogue would replace Django's own
    # messages on every form ("Dit veld is vereist."); the API uses only its JSON renderer and parser.
    "drf_spectacular",
    "partners",  # the top layer: partners file meldingen on the web and through API v1 (docs/api.md)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "bzt.middleware.GeenCacheMiddleware",  # outside everything that answers with personal data, after static files
    "partners.api.middleware.ApiMiddleware",  # /api/: API-Version, size limit, every error as problem+json
    "bzt.middleware.FoutpaginaMiddleware",  # a bare 405 becomes the Dutch page (inside GeenCache: no-store too)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): right after authentication
    "bzt.audit.ActingUserMiddleware",
    "bzt.instellingen.InstellingenMiddleware",  # the settings of functioneel beheer, read once per request
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "bzt.auth.middleware.SessieTimeoutMiddleware",  # after messages: it says why the user was logged out
    "bzt.auth.middleware.TweestapsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, per django-axes: turns a lockout into the lockout page
]

ROOT_URLCONF = "bzt.urls"
WSGI_APPLICATION = "bzt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "bzt.context_processors.branding",
                "bzt.context_processors.notificaties",
                "bzt.auth.context_processors.bewaarde_invoer",
                "keten.context_processors.zoekveld",
            ],
        },
    },
]

database_url = env("DATABASE_URL", default="")  # lower case: not a setting, never on a debug page
if not database_url:
    # Production never falls back to the SQLite file silently: a forgotten variable would start an empty database.
    if not DEBUG:
        raise ImproperlyConfigured(
            "DATABASE_URL ontbreekt: zet de omgevingsvariabele DATABASE_URL (productie, bv. postgres://...). "
            "Zonder DEBUG=true valt BZT niet terug op SQLite."
        )
    database_url = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": env.db_url_config(database_url)}
# A restarted PostgreSQL must heal by itself: reuse connections, but check them before use.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # JIT never pays off for these short queries and compiling cost seconds per report (bench/README.md § 1).
    # No parallel workers per query: page queries take milliseconds and starting workers made them slower; the
    # jaarmonitor, which would gain a little from them, runs in a background job (figures: bench/README.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off -c max_parallel_workers_per_gather=0"
    # A database that does not answer: the request fails after this many seconds with the 500 page instead of
    # hanging a worker for the OS's TCP timeout (minutes). `?connect_timeout=N` in DATABASE_URL overrides it.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "bzt.User"
AUTHENTICATION_BACKENDS = [
    "bzt.auth.backends.LockoutBackend",  # first, per django-axes: refuses a locked-out username+IP
    "django.contrib.auth.backends.ModelBackend",
    "casusregie.backends.CasusObjectPermissionBackend",  # guardian, counting a grant only while its reason holds
]
# guardian.W001 looks for guardian's own backend by name; CasusObjectPermissionBackend subclasses it.
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "bzt.validators.MinimumLengteValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
CSRF_FAILURE_VIEW = "bzt.views.csrf_fout"  # Dutch, on the product's layout (templates/403_csrf.html)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Anonymous visitors never get object permissions: no guardian anonymous user.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = True

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Backups (keten/backup.py, docs/operations.md): where, and how many runs are kept. The passphrase
# (BACKUP_SLEUTEL) is read from the environment by the commands only, so it is never a setting.
BACKUP_MAP = env.path("BACKUP_MAP", default=str(BASE_DIR / "backups"))
BACKUP_BEWAREN = env.int("BACKUP_BEWAREN", default=14)

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Behind the reverse proxy (docker-compose, gunicorn) TLS ends at the proxy.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# --- Celery -----------------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
# No broker: the embedded default runs every task in-process, at once.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Without a broker the long jobs (jaarmonitor, every PDF: tasks with achtergrond=True) run in one thread of the
# web process (bzt.tasks.InProcessWorker), so the page returns at once and shows their progress.
BZT_TAKEN_IN_THREAD = env.bool("BZT_TAKEN_IN_THREAD", default=CELERY_TASK_ALWAYS_EAGER)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
# acks_late alone does not redeliver a task whose worker was killed.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="bzt")
# Above the longest task (the jaarmonitor PDF), so Redis does not hand a running task out twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 60 * 60)}
CELERY_TASK_SOFT_TIME_LIMIT = 30 * 60
CELERY_TASK_TIME_LIMIT = 35 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# A report or file job whose job never reached the broker is sent again by beat after waiting this long; beat looks
# as often (bzt.achtergrond.wachtende_versturen). Shorter only on a test stack (bench/faults: beat really runs).
BZT_RAPPORT_HERSTART_SECONDEN = env.int("BZT_RAPPORT_HERSTART_SECONDEN", default=5 * 60)
CELERY_BEAT_SCHEDULE = {
    "jaarmonitor-vorig-jaar": {
        "task": "monitor.tasks.rapport_vorig_jaar",
        "schedule": crontab(month_of_year=1, day_of_month=2, hour=3, minute=0),
    },
    "jaarmonitor-standen": {  # the month's stand of every gemeente, before the first page of the month asks
        "task": "monitor.tasks.standen_berekenen",
        "schedule": crontab(hour=0, minute=40),
    },
    "jaarmonitor-wachtrij-herstarten": {
        "task": "monitor.tasks.wachtende_rapporten_versturen",
        "schedule": crontab(minute="*/5")
        if BZT_RAPPORT_HERSTART_SECONDEN == 5 * 60
        else timedelta(seconds=BZT_RAPPORT_HERSTART_SECONDEN),
        # The waiting time travels with the message: the worker must not read its own (possibly different)
        # value, or a shortened interval in beat finds nothing old enough in the worker (issue 20, redis-stop).
        "kwargs": {"ouder_dan_seconden": BZT_RAPPORT_HERSTART_SECONDEN},
    },
    # The PDFs of the MDO, the plan van aanpak and the AVG export (bzt.bestandstaken): the same sweep, and the
    # cleanup of their files (personal data, kept one hour).
    "bestandstaken-wachtrij-herstarten": {
        "task": "bzt.tasks.bestandstaken_versturen",
        "schedule": crontab(minute="*/5")
        if BZT_RAPPORT_HERSTART_SECONDEN == 5 * 60
        else timedelta(seconds=BZT_RAPPORT_HERSTART_SECONDEN),
        "kwargs": {"ouder_dan_seconden": BZT_RAPPORT_HERSTART_SECONDEN},
    },
    "bestandstaken-opruimen": {
        "task": "bzt.tasks.bestandstaken_opruimen",
        "schedule": crontab(minute="*/15"),
    },
    "inactieve-accounts-blokkeren": {
        "task": "bzt.tasks.inactieve_accounts_blokkeren",
        "schedule": crontab(hour=2, minute=15),
    },
    "toegang-verlopen-intrekken": {
        "task": "casusregie.tasks.verlopen_toegang_intrekken",
        "schedule": crontab(hour=1, minute=5),
    },
    "stagnatiesignalen-berekenen": {
        "task": "casusregie.tasks.signalen_berekenen",
        "schedule": crontab(hour="*/2", minute=20),
    },
    "bewaartermijn-toepassen": {
        "task": "keten.tasks.bewaartermijn_toepassen",
        "schedule": crontab(hour=3, minute=30),
    },
    "avg-termijnen": {
        "task": "avg.tasks.termijnen_signaleren",
        "schedule": crontab(hour=6, minute=5),
    },
    "avg-exports-opruimen": {
        "task": "avg.tasks.exports_opruimen",
        "schedule": crontab(hour=3, minute=45),
    },
    "attenties-van-vandaag": {
        "task": "keten.tasks.attenties_berekenen",
        "schedule": crontab(hour=6, minute=0),
    },
    "notificaties-dagoverzicht": {
        "task": "bzt.tasks.dagoverzicht_mailen",
        "schedule": crontab(hour=7, minute=0),
    },
    # Access-log rows are written unchained; this bounds how long a row waits for its hash (bzt/inzage.py).
    "inzagelog-ketenen": {
        "task": "bzt.tasks.inzagelog_ketenen",
        "schedule": crontab(minute="*"),
    },
    # The seal bounds how long rows removed from the end of an access-log chain go unnoticed (bzt/inzage.py).
    "inzagelog-zegelen": {
        "task": "bzt.tasks.inzagelog_zegelen",
        "schedule": crontab(minute="*/5"),
    },
    "notificaties-nasturen": {
        "task": "bzt.tasks.notificaties_nasturen",
        "schedule": crontab(minute="*/15"),
    },
    "terugmeldingen-nasturen": {
        "task": "partners.tasks.terugmeldingen_nasturen",
        "schedule": crontab(minute="*/2"),
    },
}

# The Django cache: Redis when CACHE_URL is set (the API's rate limit per key is shared by every worker), else
# memory of one process (development, tests).
cache_url = env("CACHE_URL", default="")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache_url}
    if cache_url
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# --- Partner API v1 (docs/api.md) -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "partners.api.fouten.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "BZT partner-API",
    "DESCRIPTION": "Meldingen indienen en hun status volgen, voor systemen van partnerorganisaties (docs/api.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "APPEND_COMPONENTS": {
        "securitySchemes": {"apiSleutel": {"type": "http", "scheme": "bearer", "description": "API-sleutel"}}
    },
    "SECURITY": [{"apiSleutel": []}],
    "AUTHENTICATION_WHITELIST": [],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "partners.api.schema.api_version_header",
    ],
}
BZT_API_LIMIET = env("BZT_API_LIMIET", default="120/min")  # requests per key
BZT_API_MAX_BYTES = env.int("BZT_API_MAX_BYTES", default=256 * 1024)
BZT_TERUGMELDING_POGINGEN = env.int("BZT_TERUGMELDING_POGINGEN", default=8)  # then mislukt, shown to beheer
BZT_TERUGMELDING_TIMEOUT = env.int("BZT_TERUGMELDING_TIMEOUT", default=10)

# --- E-mail (notifications only; never personal data) -------------------------------------------------------------
# EMAIL_URL e.g. smtp+tls://user:password@smtp.example.nl:587 or smtps://…:465; without it mail goes to the console.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="BZT <noreply@bzt.localhost>")
EMAIL_TIMEOUT = 10
# The address of this installation, for links in e-mails.
BZT_BASIS_URL = env("BZT_BASIS_URL", default="http://127.0.0.1:8000")
BZT_NOTIFICATIEFOUTEN_DOORGEVEN = False  # tests/settings.py: True

# --- The product's own settings (continued below) --------------------------------------------------------------------
BZT_GEMEENTE = env("BZT_GEMEENTE", default="Gemeente Deventer")
# The CBS code of the installation's own gemeente (docs/regio.md): created at migrate with the name of BZT_GEMEENTE
# and the wijken of BZT_WIJKEN; the default of every melding, casus and account. Other gemeenten of a region are
# data, managed by functioneel beheer.
BZT_GEMEENTE_CODE = env("BZT_GEMEENTE_CODE", default="GM0150")
BZT_HUISSTIJL_KLEUR = env("BZT_HUISSTIJL_KLEUR", default="#a4001d")
DEMO_PASSWORD = env("DEMO_PASSWORD", default="demo")
# BIO 9.2.1: accounts not used for this many days are blocked.
BZT_INACTIEF_NA_DAGEN = env.int("BZT_INACTIEF_NA_DAGEN", default=90)
BZT_SYSTEEM_GEBRUIKER = "systeem"
BZT_WIJKEN = env.list(
    "BZT_WIJKEN",
    default=[
        "Binnenstad",
        "Voorstad",
        "Rivierenwijk",
        "Keizerslanden",
        "Colmschate",
        "Zandweerd",
        "Borgele",
        "Platvoet",
        "Holterweg",
        "De Hoven",
        "Tuindorp",
        "Driebergen",
        "Knutteldorp",
        "Vijfhoek",
        "Diepenveen",
        "Schalkhaar",
        "Bathmen",
        "Okkenbroek",
        "Lettele",
        "Buiten de gemeente",
    ],
)
# A melding waiting longer than this many working days for triage is marked in the queue.
BZT_TRIAGE_NORM_WERKDAGEN = env.int("BZT_TRIAGE_NORM_WERKDAGEN", default=5)
# The melder is told the melding is being handled within this many working days.
BZT_TERUGKOPPELING_WERKDAGEN = env.int("BZT_TERUGKOPPELING_WERKDAGEN", default=5)
# Casusregie: the maximum caseload of a casusregisseur (inspection 2013: 15).
BZT_MAX_CASELOAD = env.int("BZT_MAX_CASELOAD", default=15)
# After closing, the casusregisseur keeps read access this many days; betrokkenen lose it at once.
BZT_LEESRECHT_NA_AFSLUITEN_DAGEN = env.int("BZT_LEESRECHT_NA_AFSLUITEN_DAGEN", default=30)
BZT_NAZORG_MAANDEN = env.int("BZT_NAZORG_MAANDEN", default=3)  # nazorg check this many months after closing
# Stagnation signals for the procesmanager.
BZT_SIGNAAL_GEEN_PLAN_WEKEN = env.int("BZT_SIGNAAL_GEEN_PLAN_WEKEN", default=6)
BZT_SIGNAAL_GEEN_JOURNAAL_WEKEN = env.int("BZT_SIGNAAL_GEEN_JOURNAAL_WEKEN", default=4)
# AVG bewaartermijnen (docs/security.md § Bewaartermijnen): a closed casus is anonymised this many years after
# closing; a melding without a casus (geen_actie, advies, regulier, verwezen by the MDO) this many months after
# that decision. Municipal policy: set them to what the privacy regulation of the BZT says.
BZT_BEWAARTERMIJN_CASUS_JAREN = env.int("BZT_BEWAARTERMIJN_CASUS_JAREN", default=5)
BZT_BEWAARTERMIJN_MELDING_MAANDEN = env.int("BZT_BEWAARTERMIJN_MELDING_MAANDEN", default=24)
# Objects per transaction of a bewaartermijn run (keten.retention): a killed run resumes after its last batch.
BZT_BEWAARTERMIJN_BATCH = env.int("BZT_BEWAARTERMIJN_BATCH", default=500)

# --- Authentication (docs/security.md § Authenticatie) ---------------------------------------------
# Sessions: logged out after this many minutes without a request, and this many hours after logging in.
# Typing in a form counts as activity; a warning with "Blijf ingelogd" comes BZT_SESSIE_WAARSCHUWING_SECONDEN
# before the idle timeout (static/js/bzt.js; docs/security.md § Nooit getypt werk kwijt).
BZT_SESSIE_INACTIEF_MINUTEN = env.int("BZT_SESSIE_INACTIEF_MINUTEN", default=15)
BZT_SESSIE_WAARSCHUWING_SECONDEN = env.int("BZT_SESSIE_WAARSCHUWING_SECONDEN", default=120)
BZT_SESSIE_MAXIMAAL_UREN = env.int("BZT_SESSIE_MAXIMAAL_UREN", default=10)
# The stored session never outlives the absolute limit.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=BZT_SESSIE_MAXIMAAL_UREN * 60 * 60)

# Two-factor (TOTP) for every account that can see personal data (bzt.auth.services.tweestaps_verplicht).
OTP_TOTP_ISSUER = f"BZT {BZT_GEMEENTE}"
OTP_TOTP_THROTTLE_FACTOR = 1  # after n wrong codes wait 2^(n-1) seconds
# The fixed, public TOTP secret (base32) of the demo accounts made by seed_demo; never used in production.
DEMO_TOTP_SECRET = env("DEMO_TOTP_SECRET", default="BZTDEMOBZTDEMOBZTDEMOBZTDEMOBZTD")

# Lockout (django-axes): 5 wrong passwords for one username from one IP address block that pair 15 minutes.
AXES_FAILURE_LIMIT = env.int("BZT_BLOKKADE_POGINGEN", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("BZT_BLOKKADE_MINUTEN", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/geblokkeerd.html"
# Behind N trusted reverse proxies the client address is the N-th from the right in X-Forwarded-For.
BZT_PROXY_AANTAL = env.int("BZT_PROXY_AANTAL", default=0)
AXES_CLIENT_IP_CALLABLE = "bzt.auth.backends.client_ip"

# Optional: login with the municipality's account (OIDC), local login stays available.
BZT_OIDC = bool(env("OIDC_RP_CLIENT_ID", default=""))
# Trust the identity provider's MFA for OIDC logins; otherwise they enter the BZT code as well.
OIDC_MFA_TRUSTED = env.bool("OIDC_MFA_TRUSTED", default=False)
# ...and only when the ID token says MFA was done: `amr` (RFC 8176) or one of these `acr` values.
OIDC_MFA_ACR_VALUES = env.list("OIDC_MFA_ACR_VALUES", default=[])
if BZT_OIDC:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.insert(2, "bzt.auth.oidc.GemeenteOIDCBackend")
    OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default=None)
    OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid email profile")
    OIDC_CREATE_USER = False  # only existing, active accounts (bound `sub`, else verified e-mail address)
    # Or match this claim to the username; it must be a stable, IdP-controlled claim (docs/security.md).
    OIDC_USERNAME_CLAIM = env("OIDC_USERNAME_CLAIM", default="")
    if OIDC_USERNAME_CLAIM in {"email", "name", "nickname", "given_name", "family_name"}:
        raise ImproperlyConfigured(
            f"OIDC_USERNAME_CLAIM={OIDC_USERNAME_CLAIM} is geen vaste identiteit; laat leeg (geverifieerd e-mailadres)."
        )
    OIDC_USE_PKCE = True
    LOGIN_REDIRECT_URL_FAILURE = "/inloggen/?sso=mislukt"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
if CELERY_TASK_ALWAYS_EAGER:  # in-process tasks: no "Task … succeeded" line per task in the page's or command's log
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}
