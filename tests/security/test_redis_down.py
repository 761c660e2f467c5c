"""Redis (the throttling counters' store) stopped while the tracker runs: sign-in goes on, still throttled per
address, with the counters kept in each web process until Redis answers again; never a 500."""

from __future__ import annotations

import logging
import time

import pytest

from devtools.redis_server import start_redis
from tests.support.accounts import ACCOUNTS
from tests.support.web import page_token, sign_in


@pytest.fixture
def redis_gone(app_config):
    """The throttling counters in a real Redis of this test's own, which is stopped before the first request."""
    server = start_redis()
    app_config.update(REDIS_URL=server.url, RATELIMIT_STORAGE_URI="", RATELIMIT_SIGN_IN="5 per minute")
    yield server
    server.stop()


def test_sign_in_with_redis_down_works_and_is_still_throttled(redis_gone, app, client, caplog):
    redis_gone.stop()
    with caplog.at_level(logging.WARNING):
        final = sign_in(client, "national")
    assert final.status_code == 200, final.status_code
    assert client.get("/admin/").status_code == 200  # signed in
    assert any("storage unreachable" in r.getMessage().lower() for r in caplog.records), "the outage was not logged"

    guesser = app.test_client()
    token = page_token(guesser, "/login")
    address = {"REMOTE_ADDR": "10.0.0.7"}
    codes = [guesser.post("/login", data={"email": ACCOUNTS["dp_ncl"][0], "password": "wrong", "csrf_token": token},
                          environ_base=address).status_code for _ in range(6)]
    assert 500 not in codes
    assert codes[:5] == [200] * 5 and codes[5] == 429, codes  # the limit holds in this process meanwhile


def test_the_counters_move_back_to_redis_when_it_answers_again(redis_gone, app, client):
    port, password, prefix = redis_gone.port, redis_gone.password, app.config["RATELIMIT_KEY_PREFIX"]
    redis_gone.stop()
    token = page_token(client, "/login")
    client.post("/login", data={"email": "nobody.here@example.com", "password": "wrong", "csrf_token": token})
    back = start_redis(port=port, password=password)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not back.client().keys(f"*{prefix}*"):
            time.sleep(0.5)
            assert client.post("/login", data={"email": "nobody.here@example.com", "password": "wrong",
                                               "csrf_token": token}).status_code in (200, 429)
        assert back.client().keys(f"*{prefix}*"), "the counters stayed in memory"
    finally:
        back.stop()
