"""The `database` and `services` markers say what a test really uses (tests/conftest.py derives them from fixtures).

The PostgreSQL pass (`make test-postgres`, `-m database`) and the far-date pass of `.ci/run` (`-m "not database"`)
split the suite by these markers, so a test that used the database without the marker would never run on
PostgreSQL, and one marked without using it would run there for nothing.
"""

from sqlalchemy import text


def markers(request) -> set[str]:
    return {name for name in ("database", "services") if request.node.get_closest_marker(name) is not None}


def test_a_test_that_uses_the_database_is_marked_database(request, session):
    assert session.execute(text("SELECT 1")).scalar() == 1
    assert markers(request) == {"database"}


def test_a_test_that_reaches_the_database_through_the_web_client_is_marked_too(request, client):
    assert client.get("/healthz").status_code in (200, 503)
    assert "database" in markers(request)


def test_a_test_that_uses_the_smtp_sink_is_marked_services(request, smtp):
    assert smtp.running
    assert markers(request) == {"services"}


def test_a_test_that_uses_neither_has_neither_marker(request):
    assert markers(request) == set()

