"""What the notification services read from the configuration, as one plain value (no Flask inside services)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Any


@dataclass(frozen=True)
class NotificationSettings:
    """Clocks, notification knobs, the public base URL and the SMTP connection."""

    clocks: dict
    knobs: dict
    base_url: str = "http://127.0.0.1:5000"
    sender: str = "Safeguarding Case Review Tracker <no-reply@tracker.example.com>"
    smtp: dict = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> NotificationSettings:
        """Build from a Flask config mapping (CLOCKS, NOTIFICATIONS, BASE_URL, MAIL_*)."""
        return cls(
            clocks=config["CLOCKS"],
            knobs=config["NOTIFICATIONS"],
            base_url=(config.get("BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
            sender=config.get("MAIL_DEFAULT_SENDER") or cls.sender,
            smtp={
                "host": config.get("MAIL_SERVER") or "127.0.0.1",
                "port": int(config.get("MAIL_PORT") or 25),
                "use_tls": bool(config.get("MAIL_USE_TLS")),
                "use_ssl": bool(config.get("MAIL_USE_SSL")),
                "username": config.get("MAIL_USERNAME"),
                "password": config.get("MAIL_PASSWORD"),
            },
        )

    @property
    def message_id_domain(self) -> str:
        """The domain of Message-IDs: the sender address's domain."""
        address = parseaddr(self.sender)[1]
        return address.rsplit("@", 1)[-1] if "@" in address else "tracker.invalid"

    def review_url(self, review_id: int) -> str:
        """The link to a review's page."""
        return f"{self.base_url}/admin/review/details/?id={review_id}"

    @property
    def profile_url(self) -> str:
        """The link to the recipient's profile (digest preference)."""
        return f"{self.base_url}/admin/profile/"
