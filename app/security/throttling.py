"""Per-address throttling of sign-in, two-factor and password-reset POSTs (Flask-Limiter, counters in Redis).

Only POSTs count, per client address (behind a proxy set TRUSTED_PROXY_COUNT so the address is the client's).
The counters live in Redis (REDIS_URL) so every web process shares them. Development without REDIS_URL falls
back to per-process memory with a warning; production refuses to start without Redis (app/security/production.py).

Redis stopping while the tracker runs does not stop sign-in: the limits go on in each web process's memory
(Flask-Limiter's in-memory fallback, logged once as "Rate limit storage unreachable") and move back to Redis when
it answers again. Failing closed would lock every user out for the length of a Redis outage; failing open with
no limit at all would hand guessers the outage. Per-process counters keep a bound (the limit times the number of
web processes), and the per-account lockout (app/people/lockout.py) is in the database and does not change.
"""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# scope: (the config knob holding the limits, the endpoints sharing them)
THROTTLED = {
    "sign-in": ("RATELIMIT_SIGN_IN", ("security.login", "security.verify")),
    "two-factor": ("RATELIMIT_TWO_FACTOR", (
        "security.two_factor_token_validation", "security.two_factor_rescue", "security.two_factor_setup",
        "security.tf_select", "security.mf_recovery", "security.wan_signin", "security.wan_signin_response",
        "security.wan_verify", "security.wan_verify_response")),
    "reset": ("RATELIMIT_RESET", ("security.forgot_password", "security.reset_password")),
}


class ThrottleStorageMissing(RuntimeError):
    """No shared storage for the throttling counters where one is required."""


def limiter_storage_uri(config) -> str:
    """Where the counters live: RATELIMIT_STORAGE_URI, else REDIS_URL, else memory (development only)."""
    uri = config.get("RATELIMIT_STORAGE_URI") or config.get("REDIS_URL")
    if uri:
        return uri
    if config.get("NAME") == "production":
        raise ThrottleStorageMissing("REDIS_URL must be set in production (sign-in throttling counters)")
    return "memory://"


def init_throttling(app: Flask) -> Limiter:
    """Attach a limiter to the app and wrap the throttled Flask-Security-Too views."""
    uri = limiter_storage_uri(app.config)
    if uri == "memory://" and app.config.get("NAME") != "test":
        app.logger.warning("REDIS_URL is not set: sign-in throttling counters are kept in this process only")
    options = {"socket_timeout": 3, "socket_connect_timeout": 3} if uri.startswith("redis") else {}
    limiter = Limiter(get_remote_address, app=app, storage_uri=uri, storage_options=options,
                      key_prefix=app.config["RATELIMIT_KEY_PREFIX"], strategy=app.config["RATELIMIT_STRATEGY"],
                      headers_enabled=app.config["RATELIMIT_HEADERS_ENABLED"],
                      in_memory_fallback_enabled=uri != "memory://")  # Redis down: per-process counters meanwhile
    for scope, (knob, endpoints) in THROTTLED.items():
        shared = limiter.shared_limit(app.config[knob], scope=scope, methods=["POST"],
                                      error_message="Too many attempts from your network: wait a minute and try again.")
        for endpoint in endpoints:
            if endpoint in app.view_functions:
                app.view_functions[endpoint] = shared(app.view_functions[endpoint])
    return limiter
