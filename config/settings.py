"""Settings classes. Every knob of the tracker (clocks, schedules, limits, security) lives here."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from kombu import Queue

from config.clocks import CLOCKS
from config.reports import REPORTS
from config.schedule import BEAT_SCHEDULE, NOTIFICATIONS
from config.scrt import SCRT_EXTRACT

REPO_ROOT = Path(__file__).resolve().parent.parent


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"not a yes/no value: {value!r}")


def derived_key(secret: str, label: str) -> bytes:
    """A 32-byte key derived from a master secret for one purpose (so one secret rotates them all)."""
    return hmac.new(secret.encode(), label.encode(), hashlib.sha256).digest()


def _persistent_secret(instance_path: Path, name: str) -> str:
    """A random secret kept in the instance folder, so development sessions survive restarts."""
    instance_path.mkdir(parents=True, exist_ok=True)
    path = instance_path / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


class Settings:
    """Defaults shared by every configuration."""

    # bandit B105 ("hardcoded password") flags setting names and hash names below: none is a secret (# nosec).

    NAME = "base"
    DEBUG = False
    TESTING = False
    DEMO_DATA_ALLOWED = True

    # --- database
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False
    # How long a statement waits for another writer's lock (a large import) before the "busy, try again" page:
    # SQLite's busy timeout, PostgreSQL's lock_timeout (app/database.py). Under gunicorn's --timeout 60.
    DATABASE_LOCK_WAIT_SECONDS = 30

    # --- web
    PREFERRED_URL_SCHEME = "http"
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024  # an upload larger than this is refused by Flask
    WTF_CSRF_TIME_LIMIT = 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "tracker_session"
    REMEMBER_COOKIE_SAMESITE = "Lax"

    # --- Flask-Security-Too
    SECURITY_PASSWORD_HASH = "argon2"  # nosec B105
    SECURITY_REGISTERABLE = False
    SECURITY_RECOVERABLE = True
    SECURITY_CHANGEABLE = True
    SECURITY_TRACKABLE = True
    SECURITY_CONFIRMABLE = False
    SECURITY_SEND_REGISTER_EMAIL = False
    SECURITY_RETURN_GENERIC_RESPONSES = True
    SECURITY_PASSWORD_LENGTH_MIN = 12
    SECURITY_PASSWORD_COMPLEXITY_CHECKER = "zxcvbn"  # nosec B105
    SECURITY_ZXCVBN_MINIMUM_SCORE = 3
    SECURITY_PASSWORD_CHECK_BREACHED = False  # no network: the shipped common-password list is used instead
    SECURITY_EMAIL_VALIDATOR_ARGS = {"check_deliverability": False}
    SECURITY_POST_LOGIN_VIEW = "/admin/"
    SECURITY_POST_LOGOUT_VIEW = "/login"
    SECURITY_LOGIN_URL = "/login"
    SECURITY_LOGOUT_URL = "/logout"
    SECURITY_RESET_URL = "/reset"
    SECURITY_CHANGE_URL = "/change"
    SECURITY_LOGOUT_METHODS = ["POST"]
    SECURITY_USERNAME_ENABLE = False
    SECURITY_EMAIL_SUBJECT_PASSWORD_RESET = "Safeguarding Case Review Tracker: reset your password"  # nosec B105
    SECURITY_RESET_PASSWORD_WITHIN = timedelta(hours=2)
    SECURITY_REDIRECT_ALLOW_SUBDOMAINS = False
    SECURITY_DEFAULT_REMEMBER_ME = False
    SECURITY_SCRIPT_NONCE_KEY = "csp_nonce"  # FST's own templates put g.csp_nonce on their scripts

    # --- two-factor sign-in (docs/SECURITY.md): authenticator app (TOTP) or a security key (WebAuthn)
    SECURITY_TWO_FACTOR = True
    SECURITY_TWO_FACTOR_ENABLED_METHODS = ["authenticator"]
    SECURITY_TWO_FACTOR_AUTHENTICATOR_VALIDITY = 30  # seconds either side of now: one 30-second step
    SECURITY_TWO_FACTOR_ALWAYS_VALIDATE = True  # no "trust this browser" cookie
    SECURITY_TWO_FACTOR_RESCUE_EMAIL = False  # an emailed code would make the mailbox a second factor
    SECURITY_TOTP_ISSUER = "Safeguarding Case Review Tracker"
    SECURITY_WEBAUTHN = True
    SECURITY_WAN_RP_NAME = "Safeguarding Case Review Tracker"
    SECURITY_WAN_ALLOW_AS_FIRST_FACTOR = False
    SECURITY_WAN_ALLOW_AS_MULTI_FACTOR = True
    SECURITY_WAN_ALLOW_AS_VERIFY: list[str] = []  # re-authentication always asks for the password
    SECURITY_MULTI_FACTOR_RECOVERY_CODES = True
    SECURITY_MULTI_FACTOR_RECOVERY_CODES_N = 8
    # Roles that must sign in with a second factor (TWO_FACTOR_REQUIRED_FOR_ALL extends it to everyone).
    TWO_FACTOR_REQUIRED_ROLES = ("national_admin", "regional_lead")

    # --- re-authentication before changing two-factor settings or email
    SECURITY_CHANGE_EMAIL = True
    SECURITY_FRESHNESS = timedelta(minutes=5)
    SECURITY_FRESHNESS_GRACE_PERIOD = timedelta(minutes=5)

    # --- account lockout: LOCKOUT_THRESHOLD failures within LOCKOUT_WINDOW lock for LOCKOUT_PERIOD
    LOCKOUT_THRESHOLD = 10
    LOCKOUT_WINDOW = timedelta(minutes=15)
    LOCKOUT_PERIOD = timedelta(minutes=30)

    # --- sessions: signed out after this long without a request, and this long after signing in
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)

    # --- per-address throttling (Flask-Limiter, storage in Redis: REDIS_URL); only POSTs count
    RATELIMIT_SIGN_IN = "20 per minute;200 per hour"
    RATELIMIT_TWO_FACTOR = "20 per minute;100 per hour"
    RATELIMIT_RESET = "5 per minute;20 per hour"
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_KEY_PREFIX = "tracker-limits"
    RATELIMIT_STORAGE_URI = ""  # empty: REDIS_URL

    # --- response headers (app/security/headers.py)
    HSTS_SECONDS = 0  # production: one year

    # --- logs
    LOG_FORMAT = "text"

    # --- mail
    MAIL_BACKEND = "smtp"
    MAIL_TIMEOUT = 10
    MAIL_DEFAULT_SENDER = "Safeguarding Case Review Tracker <no-reply@tracker.example.com>"

    # --- domain
    TRACKER_TIMEZONE = "Europe/London"
    CLOCKS = CLOCKS
    NOTIFICATIONS = NOTIFICATIONS
    BEAT_SCHEDULE = BEAT_SCHEDULE
    REPORTS = REPORTS
    SCRT_EXTRACT = SCRT_EXTRACT
    LIST_PAGE_SIZE = 50
    EXPORT_MAX_ROWS = 50_000
    DASHBOARD_MAX_AGE_SECONDS = 300  # dashboard figures are kept this long (app/reports/snapshots.py); 0 = never
    LIST_COUNT_CAP = 10_000  # lists count matches up to this many, then say "10,000+" (app/admin/capped_count.py)
    IMPORT_MAX_BYTES = 10 * 1024 * 1024
    IMPORT_MAX_ROWS = 200_000
    IMPORT_MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # an XLSX workbook that unpacks to more is refused (zip bombs)
    IMPORT_UPLOAD_TTL_MINUTES = 120  # an uploaded file waits this long for its commit, then it is deleted

    # --- celery (broker/back end filled from REDIS_URL)
    CELERY: dict[str, Any] = {
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "timezone": "Europe/London",
        "enable_utc": True,
        "broker_connection_timeout": 3,
        "broker_connection_retry_on_startup": True,
        "redis_socket_timeout": 5,
        "redis_socket_connect_timeout": 3,
        "broker_transport_options": {"visibility_timeout": 3600, "socket_timeout": 5, "socket_connect_timeout": 3},
        "task_ignore_result": True,
        # The outbox relay has a queue of its own, so a long scan or digest never holds up the sending of mail:
        # every worker consumes both queues (they are declared here), and the Procfile's `relay` process consumes
        # only `outbox` (docs/OPERATIONS.md).
        "task_queues": (Queue("celery"), Queue("outbox")),
        "task_default_queue": "celery",
        "task_routes": {"workflows.outbox.relay_outbox": {"queue": "outbox"}},
    }

    @classmethod
    def load(cls, environ: Mapping[str, str], instance_path: Path) -> dict[str, Any]:
        """Build the configuration mapping for this class from the environment."""
        values: dict[str, Any] = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        values["CELERY"] = dict(cls.CELERY)
        values["SQLALCHEMY_DATABASE_URI"] = environ.get("DATABASE_URL") or cls.default_database_url(instance_path)
        values["SECRET_KEY"] = environ.get("SECRET_KEY") or cls.default_secret(instance_path, "secret_key")
        values["SECURITY_PASSWORD_SALT"] = environ.get("SECURITY_PASSWORD_SALT") or cls.default_secret(
            instance_path, "password_salt"
        )
        values["REDIS_URL"] = environ.get("REDIS_URL", "")
        values["BASE_URL"] = environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
        values["MAIL_SERVER"] = environ.get("MAIL_SERVER", "127.0.0.1")
        values["MAIL_PORT"] = int(environ.get("MAIL_PORT", "8025"))
        values["MAIL_USE_TLS"] = _bool(environ.get("MAIL_USE_TLS"), False)
        values["MAIL_USERNAME"] = environ.get("MAIL_USERNAME") or None
        values["MAIL_PASSWORD"] = environ.get("MAIL_PASSWORD") or None
        if environ.get("MAIL_DEFAULT_SENDER"):
            values["MAIL_DEFAULT_SENDER"] = environ["MAIL_DEFAULT_SENDER"]
        values["SECURITY_EMAIL_SENDER"] = values["MAIL_DEFAULT_SENDER"]
        values["MAIL_CATCHER_DIR"] = environ.get("MAIL_CATCHER_DIR", "")
        if environ.get("EXPORT_MAX_ROWS"):
            values["EXPORT_MAX_ROWS"] = int(environ["EXPORT_MAX_ROWS"])
        if environ.get("DASHBOARD_MAX_AGE_SECONDS"):
            values["DASHBOARD_MAX_AGE_SECONDS"] = int(environ["DASHBOARD_MAX_AGE_SECONDS"])
        if environ.get("DATABASE_LOCK_WAIT_SECONDS"):
            values["DATABASE_LOCK_WAIT_SECONDS"] = float(environ["DATABASE_LOCK_WAIT_SECONDS"])
        if environ.get("LIST_COUNT_CAP"):
            values["LIST_COUNT_CAP"] = int(environ["LIST_COUNT_CAP"])
        values["LOG_FORMAT"] = environ.get("LOG_FORMAT", cls.LOG_FORMAT)
        if values["LOG_FORMAT"] not in ("json", "text"):
            raise ValueError(f"LOG_FORMAT must be json or text, not {values['LOG_FORMAT']!r}")
        values["LOG_LEVEL"] = environ.get("LOG_LEVEL", "INFO").upper()
        values["TWO_FACTOR_REQUIRED_FOR_ALL"] = _bool(environ.get("TWO_FACTOR_REQUIRED_FOR_ALL"), False)
        values["SECURITY_TWO_FACTOR_RESCUE_MAIL"] = environ.get("SUPPORT_EMAIL", "tracker-support@tracker.example.com")
        values["TRUSTED_PROXY_COUNT"] = int(environ.get("TRUSTED_PROXY_COUNT", "0"))
        # TOTP secrets and recovery codes are stored encrypted with keys derived from SECRET_KEY.
        master = values["SECRET_KEY"]
        values["SECURITY_TOTP_SECRETS"] = {"1": derived_key(master, "totp-secrets").hex()}
        values["SECURITY_MULTI_FACTOR_RECOVERY_CODES_KEYS"] = [
            base64.urlsafe_b64encode(derived_key(master, "recovery-codes")).decode()
        ]
        return values

    @classmethod
    def default_database_url(cls, instance_path: Path) -> str:
        """The database used when DATABASE_URL is not set."""
        instance_path.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{instance_path / 'tracker.db'}"

    @classmethod
    def default_secret(cls, instance_path: Path, name: str) -> str:
        """The secret used when none is given in the environment."""
        return _persistent_secret(instance_path, name)


class Development(Settings):
    """Local use (`make run`): SQLite in instance/, mail to the local catcher, demo data allowed."""

    NAME = "development"


class Test(Settings):
    """The test suite: a cheap password hash, CSRF still on (tests fetch tokens like a browser)."""

    NAME = "test"
    TESTING = True
    SECURITY_PASSWORD_HASH = "pbkdf2_sha512"  # nosec B105
    SECURITY_ZXCVBN_MINIMUM_SCORE = 3
    RATELIMIT_STORAGE_URI = "memory://"  # per app; the limiter's own tests use a real Redis (REDIS_URL)
    DASHBOARD_MAX_AGE_SECONDS = 0  # tests see figures computed at the request (tests/reports/test_snapshots.py
    # checks the kept ones)

    @classmethod
    def default_secret(cls, instance_path: Path, name: str) -> str:
        """Tests use fixed, obviously fake secrets (no files written)."""
        return f"test-only-{name}-not-secret"


class Production(Settings):
    """Production: every secret from the environment; no demo data; secure cookies."""

    NAME = "production"
    DEMO_DATA_ALLOWED = False
    LOG_FORMAT = "json"
    PREFERRED_URL_SCHEME = "https"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS_SECONDS = 365 * 24 * 3600

    @classmethod
    def default_database_url(cls, instance_path: Path) -> str:
        """Production has no default database."""
        raise ValueError("DATABASE_URL must be set in production")

    @classmethod
    def default_secret(cls, instance_path: Path, name: str) -> str:
        """Production never invents a secret."""
        env = {"secret_key": "SECRET_KEY", "password_salt": "SECURITY_PASSWORD_SALT"}[name]  # nosec B105
        raise ValueError(f"{env} must be set in production")
