"""The access matrix for EVERY route in the URL map (rules: tests/admin/route_rules.py).

- every route has a rule (a new route without one fails here);
- signed out: every non-public route sends to the sign-in form (or answers 401/403);
- each role: every GET route answers as its rule says (allowed, or 403), every POST-only route a role may not
  use answers 403, and the database is unchanged by all of it (no state change on GET, no write when refused);
- no POST is accepted without a CSRF token;
- routes with a `foreign` sample do not show or touch a review outside the caller's scope.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.extensions import db
from app.people.roles import Permission, role_permissions
from tests.admin.route_rules import (
    GENERATED_SAMPLES,
    NOBODY,
    PUBLIC,
    SIGN_IN_FLOW,
    SIGNED_IN,
    VIEW_PKS,
    Rule,
    rule_for,
)
from tests.support.reviews import make_review
from tests.support.web import csrf_token, sign_in

ROLE_ACCOUNTS = {"national_admin": "national", "regional_lead": "lead_london",
                 "designated_professional": "dp_ncl", "viewer": "viewer_midlands"}
# Rows that record reads or sign-ins (not state a GET may change): the audit trail logs exports and sign-ins.
IGNORED_TABLES = {"audit_event", "sign_in_failure", "alembic_version"}


def _routes(app):
    for url_rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        yield url_rule.endpoint, url_rule, url_rule.methods - {"HEAD", "OPTIONS"}


def _sample(endpoint: str, url_rule, rule: Rule, review_id: int) -> str:
    if rule.sample:
        return rule.sample.format(id=review_id)
    view, _, name = endpoint.partition(".")
    if name in GENERATED_SAMPLES and view in VIEW_PKS:
        return f"/admin/{view}/" + GENERATED_SAMPLES[name].format(pk=VIEW_PKS[view])
    assert "<" not in url_rule.rule, f"{endpoint} needs a sample URL in route_rules.py"
    return url_rule.rule


def _allowed(rule: Rule, role: str) -> bool:
    if rule.access in (PUBLIC, SIGN_IN_FLOW, SIGNED_IN):
        return True
    if rule.access == NOBODY:
        return False
    return Permission(rule.access) in role_permissions(role)


def _to_sign_in(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers.get("Location", "")


def _snapshot() -> dict:
    db.session.expire_all()
    tables = [t for t in db.metadata.sorted_tables if t.name not in IGNORED_TABLES]
    return {t.name: db.session.execute(text(f"SELECT * FROM {t.name} ORDER BY 1")).all() for t in tables}  # noqa: S608


@pytest.fixture
def review(session):
    return make_review(session, organisation_code="93C", local_identifier="ROUTE-MATRIX-1")


def test_every_route_has_a_rule(app):
    """Add a rule to tests/admin/route_rules.py for each new route."""
    missing = [f"{endpoint} ({url_rule.rule})" for endpoint, url_rule, _ in _routes(app) if rule_for(endpoint) is None]
    assert not missing, "routes without an access rule in tests/admin/route_rules.py:\n  " + "\n  ".join(missing)


def test_signed_out_visitors_reach_only_public_routes(app, client, session, review):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    before = _snapshot()
    for endpoint, url_rule, methods in _routes(app):
        rule = rule_for(endpoint)
        url = _sample(endpoint, url_rule, rule, review.id)
        response = client.get(url) if "GET" in methods else client.post(url, data={"csrf_token": token})
        if rule.access in (PUBLIC, SIGN_IN_FLOW):
            assert response.status_code < 500 and response.status_code not in (401, 403), (endpoint, url)
        else:
            assert _to_sign_in(response) or response.status_code in (401, 403), (endpoint, url, response.status_code)
    assert _snapshot() == before


@pytest.mark.parametrize("role", sorted(ROLE_ACCOUNTS))
def test_each_role_gets_what_its_rules_say(app, client, session, review, role):
    sign_in(client, ROLE_ACCOUNTS[role])
    token = csrf_token(client.get("/admin/").get_data(as_text=True))
    before = _snapshot()
    for endpoint, url_rule, methods in _routes(app):
        rule = rule_for(endpoint)
        url = _sample(endpoint, url_rule, rule, review.id)
        allowed = _allowed(rule, role)
        if "GET" in methods:
            response = client.get(url)
            if allowed:
                assert response.status_code < 500 and response.status_code not in (401, 403), (
                    role, endpoint, url, response.status_code)
                if rule.access not in (PUBLIC, SIGN_IN_FLOW):
                    assert not _to_sign_in(response), (role, endpoint, url)
            else:
                assert response.status_code == 403, (role, endpoint, url, response.status_code)
        elif not allowed:
            response = client.post(url, data={"csrf_token": token, "id": str(review.id)})
            assert response.status_code == 403, (role, endpoint, url, response.status_code)
    assert _snapshot() == before, f"{role}: the database changed (a GET changed state, or a refused call wrote)"


def test_no_post_without_a_csrf_token(app, client, session, review):
    sign_in(client, "national")
    before = _snapshot()
    for endpoint, url_rule, methods in _routes(app):
        if "POST" not in methods:
            continue
        url = _sample(endpoint, url_rule, rule_for(endpoint), review.id)
        response = client.post(url, data={"id": str(review.id)})
        assert response.status_code == 400, (endpoint, url, response.status_code)
    assert client.get("/admin/").status_code == 200, "a POST without a token signed the user out"
    assert _snapshot() == before


@pytest.mark.parametrize("who, org", [("dp_notts", "93C"), ("lead_midlands", "93C"), ("dp_ncl", "52R")])
def test_foreign_records_stay_out_of_reach(app, client, session, who, org):
    marker = f"Marker text of the foreign review in {org} only."
    foreign = make_review(session, organisation_code=org, local_identifier=f"FOREIGN-{org}", overview=marker)
    sign_in(client, who)
    for endpoint, _url_rule, _ in _routes(app):
        rule = rule_for(endpoint)
        if not rule or not rule.foreign:
            continue
        url = rule.foreign.format(id=foreign.id, identifier=foreign.local_identifier)
        response = client.get(url)
        assert response.status_code in (200, 403, 404), (who, endpoint, url, response.status_code)
        body = response.get_data(as_text=True) if response.mimetype.startswith("text") else response.data.decode(
            "latin-1")
        if response.status_code == 200:  # the identifier may be echoed in a search box; the record must not show
            assert marker not in body and f"id={foreign.id}&" not in body and f'id={foreign.id}"' not in body, (
                who, endpoint, url)
            if response.mimetype == "text/csv":
                assert foreign.local_identifier not in body, (who, endpoint, url)
