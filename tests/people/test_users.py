"""People: `flask users create`, password reset by email (real SMTP server), user management by national admins."""

import re

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.people.models import User
from devtools.smtp_sink import SmtpSink
from tests.support.web import csrf_token, page_token, sign_in

STRONG = "otter-granite-parsley-9134"


@pytest.fixture
def smtp():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, "MAIL_PORT": smtp.port}


def test_users_create_reads_the_password_from_the_environment(app, session, monkeypatch):
    monkeypatch.setenv("TRACKER_NEW_USER_PASSWORD", STRONG)
    result = app.test_cli_runner().invoke(args=["users", "create", "New.Person@Example.com", "--role",
                                                "designated_professional", "--scope", "93c"])
    assert result.exit_code == 0, result.output
    assert "Created new.person@example.com: designated_professional, scope 93C." in result.output
    user = session.scalar(select(User).where(User.email == "new.person@example.com"))
    assert (user.role_name, user.scope_code, user.active) == ("designated_professional", "93C", True)


@pytest.mark.parametrize(("args", "message"), [
    (["--role", "superuser", "--scope", "ENG"], "'superuser' is not a role (roles: national_admin, regional_lead"),
    (["--role", "viewer", "--scope", "ZZZ"], "ZZZ is not a scope: use ENG, a region code"),
    (["--role", "regional_lead", "--scope", "QMJ"], "A regional lead must have a region as their scope"),
    (["--role", "national_admin", "--scope", "Y56"], "A national admin must have England as their scope"),
])
def test_users_create_refuses_unknown_roles_codes_and_mismatches(app, session, monkeypatch, args, message):
    monkeypatch.setenv("TRACKER_NEW_USER_PASSWORD", STRONG)
    result = app.test_cli_runner().invoke(args=["users", "create", "x@example.com", *args])
    assert result.exit_code != 0 and message in result.output
    assert session.scalar(select(User).where(User.email == "x@example.com")) is None


def test_users_create_refuses_a_weak_or_common_password(app, monkeypatch):
    for weak, message in (("short", "at least 12 characters"), ("password1234", "commonly used"),
                          ("aaaaaaaaaaaa", "too weak")):
        monkeypatch.setenv("TRACKER_NEW_USER_PASSWORD", weak)
        result = app.test_cli_runner().invoke(args=["users", "create", "w@example.com", "--role", "viewer",
                                                    "--scope", "ENG"])
        assert result.exit_code != 0 and message in result.output, (weak, result.output)


def test_users_create_prompts_when_no_password_is_given(app, session, monkeypatch):
    monkeypatch.delenv("TRACKER_NEW_USER_PASSWORD", raising=False)
    result = app.test_cli_runner().invoke(args=["users", "create", "p@example.com", "--role", "viewer", "--scope",
                                                "Y60"], input=f"{STRONG}\n{STRONG}\n")
    assert result.exit_code == 0, result.output
    assert session.scalar(select(User).where(User.email == "p@example.com")) is not None


def test_password_reset_by_email_end_to_end(client, smtp):
    token = page_token(client, "/reset")
    response = client.post("/reset", data={"email": "dp.ncl@example.com", "csrf_token": token})
    assert response.status_code in (200, 302)
    message = smtp.wait_for(1)[0].message()
    assert message["To"] == "dp.ncl@example.com"
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://[^\s]+/reset/[^\s]+", body).group(0)
    path = link.split("localhost", 1)[-1] if "localhost" in link else "/" + link.split("/", 3)[3]
    form = client.get(path)
    assert form.status_code == 200
    response = client.post(path, data={"password": STRONG, "password_confirm": STRONG,
                                       "csrf_token": csrf_token(form.get_data(as_text=True))})
    assert response.status_code in (200, 302)
    assert "Dashboard" in sign_in(client, "dp.ncl@example.com", STRONG).get_data(as_text=True)
    other = client.application.test_client()
    assert "Dashboard" not in sign_in(other, "dp_ncl").get_data(as_text=True)  # the old password is gone


def test_password_reset_does_not_reveal_whether_an_account_exists(client, smtp):
    replies = []
    for email in ("dp.ncl@example.com", "nobody@example.com"):
        token = page_token(client, "/reset")
        response = client.post("/reset", data={"email": email, "csrf_token": token}, follow_redirects=True)
        page = re.sub(r'(value|nonce)="[^"]+"', "", response.get_data(as_text=True)).replace(email, "EMAIL")
        replies.append((response.status_code, page))
    assert replies[0] == replies[1]
    assert len(smtp.wait_for(1)) == 1


def test_there_is_no_self_registration(client):
    assert client.get("/register").status_code == 404


def test_a_national_admin_invites_a_user_who_receives_a_set_password_email(client, session, smtp):
    sign_in(client, "national")
    token = page_token(client, "/admin/users/new/")
    response = client.post("/admin/users/new/", data={"csrf_token": token, "email": "invited@example.com",
                                                     "full_name": "Invited Person", "role": "viewer",
                                                     "scope_code": "QMJ", "active": "y", "digests_enabled": "y"})
    assert response.status_code == 302
    user = session.scalar(select(User).where(User.email == "invited@example.com"))
    assert (user.role_name, user.scope_code) == ("viewer", "QMJ")
    assert smtp.wait_for(1)[0].message()["To"] == "invited@example.com"


def test_changing_role_or_scope_is_audited_and_checked(client, session):
    sign_in(client, "national")
    target = session.scalar(select(User).where(User.email == "viewer.midlands@example.com"))
    url = f"/admin/users/edit/?id={target.id}"
    token = page_token(client, url)
    bad = client.post(url, data={"csrf_token": token, "email": target.email, "role": "regional_lead",
                                 "scope_code": "QMJ", "active": "y"})
    assert "A regional lead must have a region as their scope" in bad.get_data(as_text=True)
    good = client.post(url, data={"csrf_token": token, "email": target.email, "role": "regional_lead",
                                  "scope_code": "Y60", "active": "y"})
    assert good.status_code == 302
    session.expire_all()
    assert session.get(User, target.id).role_name == "regional_lead"
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.edit")).one()
    assert event.changes["role"] == ["viewer", "regional_lead"] and event.actor_email == "national@example.com"
