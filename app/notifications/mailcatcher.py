"""Read the mail caught by the local SMTP sink (devtools.smtp_sink) in a directory: the admin "caught mail" page.

One message per file, `<UTC timestamp>-<uuid hex>.eml`, written atomically. The file is the message as
received with two headers prepended: `X-Envelope-From` and `X-Envelope-To` (the SMTP envelope, which is
where Bcc recipients show up).
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses
from pathlib import Path

#: A mail id is exactly a file stem written by the sink: nothing else (no "/", "..", NUL) can pass.
MAIL_ID_RE = re.compile(r"\A\d{8}T\d{6}\.\d{6}Z-[0-9a-f]{32}\Z")
_STAMP_FORMAT = "%Y%m%dT%H%M%S.%fZ"
_HEADER_BYTES = 64 * 1024


@dataclass(frozen=True)
class CaughtMail:
    """One caught message as listed on the caught-mail page."""

    id: str
    received_at: datetime
    subject: str
    sender: str
    recipients: list[str]
    size: int


def mail_id(received_at: datetime, uid: str) -> str:
    """Return the file stem (mail id) for a message received at `received_at` (UTC) with uuid hex `uid`."""
    stem = f"{received_at.astimezone(UTC).strftime(_STAMP_FORMAT)}-{uid}"
    if not MAIL_ID_RE.match(stem):
        raise ValueError(f"not a valid mail id: {stem!r}")
    return stem


def received_at_of(mail_id_: str) -> datetime:
    """Return the UTC time encoded in a mail id."""
    return datetime.strptime(mail_id_.split("-", 1)[0], _STAMP_FORMAT).replace(tzinfo=UTC)


def _open_eml(directory: Path, mail_id_: str) -> int:
    """Open `<directory>/<mail_id>.eml` read-only, refusing ids that are not plain stems and symlinks."""
    if not isinstance(mail_id_, str) or not MAIL_ID_RE.match(mail_id_):
        raise ValueError("not a caught-mail id")
    return os.open(Path(directory) / f"{mail_id_}.eml", os.O_RDONLY | os.O_NOFOLLOW)


def _summary(directory: Path, stem: str) -> CaughtMail | None:
    try:
        received_at = received_at_of(stem)
        fd = _open_eml(directory, stem)
    except (OSError, ValueError):
        return None  # removed meanwhile, a symlink, or an impossible date
    with os.fdopen(fd, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        head = fh.read(_HEADER_BYTES)
    end = min((i for i in (head.find(b"\r\n\r\n"), head.find(b"\n\n")) if i >= 0), default=len(head))
    headers = BytesHeaderParser(policy=policy.default).parsebytes(head[:end] + b"\r\n\r\n")
    subject = sender = ""
    recipients: list[str] = []
    with contextlib.suppress(Exception):  # a malformed header must not break the whole list
        subject = str(headers.get("Subject", ""))
    with contextlib.suppress(Exception):
        sender = str(headers.get("From", "")) or str(headers.get("X-Envelope-From", ""))
    with contextlib.suppress(Exception):
        envelope_to = str(headers.get("X-Envelope-To", ""))
        if envelope_to:
            recipients = [r.strip() for r in envelope_to.split(",") if r.strip()]
        else:
            fields = [str(v) for v in headers.get_all("To", []) + headers.get_all("Cc", [])]
            recipients = [addr for _name, addr in getaddresses(fields) if addr]
    return CaughtMail(stem, received_at, subject, sender, recipients, size)


def list_caught(directory: Path, limit: int = 200) -> list[CaughtMail]:
    """List up to `limit` caught messages in `directory`, newest first ([] if the directory does not exist)."""
    directory = Path(directory)
    if limit <= 0 or not directory.is_dir():
        return []
    stems = sorted(
        (entry.name[:-4] for entry in os.scandir(directory) if entry.name.endswith(".eml")),
        reverse=True,
    )
    mails: list[CaughtMail] = []
    for stem in stems:
        if len(mails) >= limit:
            break
        if MAIL_ID_RE.match(stem) and (mail := _summary(directory, stem)) is not None:
            mails.append(mail)
    return mails


def read_caught(directory: Path, mail_id: str) -> EmailMessage:
    """Parse one caught message; ValueError for an id that is not a plain stem, FileNotFoundError if absent."""
    with os.fdopen(_open_eml(Path(directory), mail_id), "rb") as fh:
        message = BytesParser(policy=policy.default).parse(fh)
    if not isinstance(message, EmailMessage):  # policy.default always builds one; checked, not asserted
        raise ValueError(f"{mail_id} is not an email message")
    return message


def message_parts(message: EmailMessage) -> dict:
    """The plain text, the HTML, the attachments (name, type, size) and the headers of a message."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    attachments = [(part.get_filename() or "attachment", part.get_content_type(), len(part.get_content()))
                   for part in message.iter_attachments()]
    return {
        "text": text.get_content() if text else "",
        "html": html.get_content() if html else "",
        "attachments": attachments,
        "headers": [(k, str(v)) for k, v in message.items()],
    }
