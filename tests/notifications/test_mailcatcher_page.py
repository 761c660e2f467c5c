"""Caught mail (development): national admins read what the tracker sent, HTML shown without running anything."""

import smtplib
from email.message import EmailMessage

import pytest

from devtools.smtp_sink import SmtpSink
from tests.support.web import sign_in


@pytest.fixture
def catcher(tmp_path):
    with SmtpSink(directory=tmp_path / "mail") as sink:
        yield sink


@pytest.fixture
def app_config(app_config, catcher):
    return {**app_config, "MAIL_CATCHER_DIR": str(catcher.directory)}


def send(sink, subject="Reminder: 2 reviews need an update"):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "tracker@example.com", "dp.ncl@example.com", subject
    message.set_content("Plain text part: 2 reviews need an update.")
    message.add_alternative('<p style="color:#005eb8">HTML part</p><script>alert(1)</script>', subtype="html")
    message.add_attachment(b"a,b\n1,2\n", maintype="text", subtype="csv", filename="rows.csv")
    with smtplib.SMTP(sink.host, sink.port) as client:
        client.send_message(message)
    sink.wait_for(1)


def test_a_national_admin_reads_caught_mail(client, catcher):
    send(catcher)
    sign_in(client, "national")
    listing = client.get("/admin/mailcatcher/").get_data(as_text=True)
    assert "Reminder: 2 reviews need an update" in listing and "dp.ncl@example.com" in listing
    mail_id = listing.split("/admin/mailcatcher/message/?id=")[1].split('"')[0]
    page = client.get(f"/admin/mailcatcher/message/?id={mail_id}").get_data(as_text=True)
    assert "Plain text part: 2 reviews need an update." in page and "rows.csv" in page
    assert f'src="/admin/mailcatcher/html/?id={mail_id}"' in page and "<script>alert" not in page
    html = client.get(f"/admin/mailcatcher/html/?id={mail_id}")
    assert html.status_code == 200 and "HTML part" in html.get_data(as_text=True)
    policy = html.headers["Content-Security-Policy"]
    assert "script-src" not in policy and "default-src 'none'" in policy and "sandbox" in policy
    assert html.headers["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.parametrize("bad", ["../../etc/passwd", "x", ""])
def test_unknown_or_traversing_ids_are_not_found(client, catcher, bad):
    sign_in(client, "national")
    assert client.get("/admin/mailcatcher/message/", query_string={"id": bad}).status_code == 404
    assert client.get("/admin/mailcatcher/html/", query_string={"id": bad}).status_code == 404


def test_only_national_admins_read_caught_mail(client, catcher):
    send(catcher)
    sign_in(client, "dp_ncl")
    assert client.get("/admin/mailcatcher/").status_code == 403
