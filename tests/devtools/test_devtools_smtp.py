"""devtools.smtp_sink and the app's mail catcher reader: a real SMTP server on loopback, driven with smtplib."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from devtools_testutil import REPO_ROOT

from app.notifications.mailcatcher import list_caught, read_caught
from devtools.smtp_sink import SmtpSink


def _mail(subject: str = "Review SAR-1 is due", to: str = "lead@example.com") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Tracker <no-reply@example.com>"
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content("The rapid review is due in 5 working days.\n")
    return msg


def _send(sink: SmtpSink, msg: EmailMessage, to_addrs: list[str] | None = None) -> None:
    with smtplib.SMTP(sink.host, sink.port, timeout=5) as client:
        client.send_message(msg, to_addrs=to_addrs)


def test_receives_message_sent_with_smtplib() -> None:
    with SmtpSink() as sink:
        assert sink.host == "127.0.0.1" and sink.port > 0
        _send(sink, _mail(), to_addrs=["lead@example.com", "hidden@example.com"])
        [caught] = sink.wait_for(1)
    assert caught.envelope_from == "no-reply@example.com"
    assert caught.envelope_to == ["lead@example.com", "hidden@example.com"]
    assert caught.received_at.tzinfo is not None
    assert abs(datetime.now(UTC) - caught.received_at) < timedelta(minutes=1)
    message = caught.message()
    assert isinstance(message, EmailMessage)
    assert message["Subject"] == "Review SAR-1 is due"
    assert "5 working days" in message.get_content()
    assert b"Subject: Review SAR-1 is due" in caught.raw


def test_messages_is_a_copy_and_clear_empties() -> None:
    with SmtpSink() as sink:
        _send(sink, _mail())
        sink.wait_for(1)
        sink.messages.clear()
        assert len(sink.messages) == 1
        sink.clear()
        assert sink.messages == []


def test_wait_for_times_out_with_helpful_message() -> None:
    with SmtpSink() as sink, pytest.raises(TimeoutError, match=rf"got 0 of 1 .*MAIL_PORT {sink.port}"):
        sink.wait_for(1, timeout=0.2)


def test_directory_gets_one_eml_per_message(tmp_path: Path) -> None:
    with SmtpSink(directory=tmp_path / "mail") as sink:
        _send(sink, _mail(), to_addrs=["lead@example.com", "bcc@example.com"])
        [caught] = sink.wait_for(1)
    files = list((tmp_path / "mail").iterdir())
    assert [f.name for f in files] == [f"{caught.id}.eml"]
    stored = read_caught(tmp_path / "mail", caught.id)
    assert stored["Subject"] == "Review SAR-1 is due"
    assert stored["X-Envelope-To"] == "lead@example.com, bcc@example.com"
    assert files[0].stat().st_mode & 0o077 == 0  # password-reset links: owner only


def test_refuse_gives_temporary_failures_then_recovers() -> None:
    with SmtpSink() as sink:
        sink.refuse(True)
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            _send(sink, _mail())
        assert refused.value.recipients["lead@example.com"][0] == 451
        with smtplib.SMTP(sink.host, sink.port, timeout=5) as client:  # refusal switched on mid-transaction
            sink.refuse(False)
            client.ehlo()
            assert client.mail("no-reply@example.com")[0] == 250
            assert client.rcpt("lead@example.com")[0] == 250
            sink.refuse(True)
            code, reply = client.data(_mail().as_bytes())  # sendmail() turns this into SMTPDataError
            assert code == 451 and b"refusing" in reply
        assert sink.messages == []
        sink.refuse(False)
        _send(sink, _mail())
        assert len(sink.wait_for(1)) == 1


def test_pause_closes_the_port_and_resume_reopens_it() -> None:
    with SmtpSink() as sink:
        port = sink.port
        sink.pause()
        assert not sink.running
        with pytest.raises(ConnectionRefusedError):
            smtplib.SMTP(sink.host, port, timeout=2)
        sink.resume()
        assert sink.port == port and sink.running
        _send(sink, _mail())
        assert len(sink.wait_for(1)) == 1


def test_mailbox_lists_newest_first_with_summary(tmp_path: Path) -> None:
    with SmtpSink(directory=tmp_path) as sink:
        for n in range(3):
            _send(sink, _mail(subject=f"Reminder {n}", to=f"user{n}@example.com"), to_addrs=[f"user{n}@example.com"])
            sink.wait_for(n + 1)
    mails = list_caught(tmp_path)
    assert [m.subject for m in mails] == ["Reminder 2", "Reminder 1", "Reminder 0"]
    assert mails[0].sender == "Tracker <no-reply@example.com>"
    assert mails[0].recipients == ["user2@example.com"]
    assert mails[0].size == (tmp_path / f"{mails[0].id}.eml").stat().st_size
    assert mails[0].received_at.tzinfo is not None
    assert [m.subject for m in list_caught(tmp_path, limit=2)] == ["Reminder 2", "Reminder 1"]
    (tmp_path / "notes.eml").write_text("Subject: not from the sink\n\n")
    (tmp_path / ".incoming-x.part").write_text("half written")
    assert len(list_caught(tmp_path)) == 3
    assert list_caught(tmp_path / "missing") == []


@pytest.mark.parametrize(
    "bad_id",
    ["../etc/passwd", "/etc/passwd", "..", "", "notes", "x/../y", "20261125T211055.900813Z-" + "a" * 31 + "/"],
)
def test_read_caught_refuses_anything_but_a_plain_stem(tmp_path: Path, bad_id: str) -> None:
    with pytest.raises(ValueError):
        read_caught(tmp_path, bad_id)


def test_read_caught_refuses_traversal_to_a_real_file(tmp_path: Path) -> None:
    (tmp_path / "secret.eml").write_text("Subject: secret\n\n")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with pytest.raises(ValueError):
        read_caught(inbox, "../secret")
    missing = "20261125T211055.900813Z-" + "0" * 32
    with pytest.raises(FileNotFoundError):
        read_caught(inbox, missing)
    (inbox / f"{missing}.eml").symlink_to(tmp_path / "secret.eml")
    with pytest.raises(OSError):
        read_caught(inbox, missing)
    assert list_caught(inbox) == []


def test_cli_runs_until_sigterm_and_prints_one_line_per_message(tmp_path: Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "devtools.smtp_sink", "--port", "0", "--directory", str(tmp_path)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None
            banner = proc.stdout.readline()
            assert banner.startswith("smtp-sink listening on 127.0.0.1:")
            port = int(banner.split(":")[1].split(",")[0])
            with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
                client.send_message(_mail(subject="From the CLI"))
            line = proc.stdout.readline()
            assert "no-reply@example.com -> lead@example.com 'From the CLI'" in line
            os.kill(proc.pid, signal.SIGTERM)
            assert proc.wait(timeout=10) == 0
            assert [m.subject for m in list_caught(tmp_path)] == ["From the CLI"]
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
