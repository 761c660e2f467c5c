"""Reading mail caught by the local SMTP sink (development): one .eml file per message in a directory."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

MAIL_ID = re.compile(r"^[A-Za-z0-9._-]{1,120}$")


@dataclass(frozen=True)
class CaughtMail:
    """A caught message's summary."""

    id: str
    received_at: datetime
    subject: str
    sender: str
    recipients: str
    size: int


def _parse(path: Path) -> EmailMessage:
    with path.open("rb") as fh:
        return BytesParser(policy=policy.default).parse(fh)


def list_caught(directory: Path, limit: int = 200) -> list[CaughtMail]:
    """The newest caught messages first."""
    if not directory.is_dir():
        return []
    files = sorted(directory.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True)[:limit]
    out = []
    for path in files:
        message = _parse(path)
        out.append(CaughtMail(
            id=path.stem,
            received_at=datetime.fromtimestamp(path.stat().st_mtime, tz=UTC),
            subject=str(message.get("Subject", "")),
            sender=str(message.get("From", "")),
            recipients=str(message.get("To", "")),
            size=path.stat().st_size,
        ))
    return out


def read_caught(directory: Path, mail_id: str) -> EmailMessage | None:
    """One caught message by id (a plain file stem: anything else is refused)."""
    if not MAIL_ID.match(mail_id or "") or mail_id.startswith("."):
        return None
    path = directory / f"{mail_id}.eml"
    if path.parent.resolve() != directory.resolve() or not path.is_file():
        return None
    return _parse(path)


def message_parts(message: EmailMessage) -> dict:
    """The plain text, the HTML and the attachment names of a message."""
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
