"""A real SMTP server on loopback (aiosmtpd) that keeps every message: for tests and the `make run` mail catcher."""

from __future__ import annotations

import argparse
import contextlib
import email
import os
import signal
import socket
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller

from app.notifications.mailcatcher import mail_id

HOST = "127.0.0.1"
REFUSAL = "451 4.3.0 Temporary failure: the SMTP sink is refusing mail (SmtpSink.refuse(True))"


@dataclass
class CaughtMessage:
    """One message received by the sink, with its SMTP envelope."""

    id: str
    received_at: datetime
    envelope_from: str
    envelope_to: list[str]
    raw: bytes = field(repr=False)

    def message(self) -> EmailMessage:
        """Parse the raw bytes with email.policy.default."""
        parsed = email.message_from_bytes(self.raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


def _clean(value: str) -> str:
    """An envelope value made safe to write as a header (no CR/LF)."""
    return "".join(ch for ch in value if ch not in "\r\n")


def _write_eml(directory: Path, caught: CaughtMessage) -> Path:
    """Write `<directory>/<id>.eml` atomically (temporary name, then rename)."""
    newline = b"\r\n" if b"\r\n" in caught.raw[:4096] else b"\n"
    head = (
        f"X-Envelope-From: {_clean(caught.envelope_from)}".encode()
        + newline
        + f"X-Envelope-To: {_clean(', '.join(caught.envelope_to))}".encode()
        + newline
    )
    fd, tmp = tempfile.mkstemp(prefix=".incoming-", suffix=".part", dir=directory)  # mode 0600: reset links
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(head + caught.raw)
        final = directory / f"{caught.id}.eml"
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return final


class _Handler:
    """aiosmtpd handler: accept or refuse (451) recipients and data, hand every message to the sink."""

    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list) -> str:
        if self.sink.refusing:
            return REFUSAL
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.sink.refusing:
            return REFUSAL
        raw = envelope.original_content if envelope.original_content is not None else envelope.content
        self.sink._deliver(envelope.mail_from or "", list(envelope.rcpt_tos), bytes(raw))
        return "250 Message accepted for delivery"


class _BoundController(Controller):
    """aiosmtpd's threaded Controller serving on a socket we bound ourselves (so port 0 works, race-free)."""

    def __init__(self, handler: Any, sock: socket.socket, **kwargs: Any) -> None:
        super().__init__(handler, hostname=HOST, port=sock.getsockname()[1], **kwargs)
        self._sock = sock

    def _create_server(self) -> Any:
        return self.loop.create_server(self._factory_invoker, sock=self._sock, ssl=self.ssl_context)


class SmtpSink:
    """An SMTP server on 127.0.0.1 that stores what it receives (in memory, and as .eml files if asked)."""

    host: str = HOST

    def __init__(
        self,
        *,
        port: int | None = None,
        directory: Path | None = None,
        on_message: Callable[[CaughtMessage], None] | None = None,
    ) -> None:
        self.port: int = port or 0
        self.directory = Path(directory) if directory is not None else None
        self.on_message = on_message
        self.refusing = False
        self._messages: list[CaughtMessage] = []
        self._cond = threading.Condition()
        self._controller: Controller | None = None

    # --- lifecycle
    def _listen(self, port: int) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # resume() despite TIME_WAIT
            sock.bind((HOST, port))  # port 0: the kernel picks a free one, no race with other programs
        except BaseException:
            sock.close()
            raise
        controller = _BoundController(_Handler(self), sock, server_hostname="smtp-sink.localhost")
        try:
            controller.start()
        except BaseException:
            controller.stop(no_assert=True)
            sock.close()
            raise
        self.port = controller.port
        self._controller = controller

    def start(self) -> SmtpSink:
        """Start listening (on a free port unless one was given); returns self."""
        if self._controller is None:
            if self.directory is not None:
                self.directory.mkdir(parents=True, exist_ok=True)
            self._listen(self.port)
        return self

    def stop(self) -> None:
        """Stop listening (idempotent); caught messages stay available."""
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    def pause(self) -> None:
        """Really close the listener (connections are refused) while keeping the port number for resume()."""
        self.stop()

    def resume(self) -> None:
        """Listen again on the same port; OSError (address in use) if another program took it meanwhile."""
        if self._controller is None:
            self._listen(self.port)

    @property
    def running(self) -> bool:
        """True while the listener is open."""
        return self._controller is not None

    def refuse(self, on: bool) -> None:
        """While on, answer every RCPT and DATA with a 451 temporary failure (port stays open)."""
        self.refusing = bool(on)

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- messages
    def _deliver(self, envelope_from: str, envelope_to: list[str], raw: bytes) -> None:
        received_at = datetime.now(UTC)
        caught = CaughtMessage(mail_id(received_at, uuid.uuid4().hex), received_at, envelope_from, envelope_to, raw)
        if self.directory is not None:
            _write_eml(self.directory, caught)
        with self._cond:
            self._messages.append(caught)
            self._cond.notify_all()
        if self.on_message is not None:
            try:
                self.on_message(caught)
            except Exception as exc:
                print(f"smtp-sink: on_message failed: {exc!r}", file=sys.stderr)

    @property
    def messages(self) -> list[CaughtMessage]:
        """A copy of the messages received so far, oldest first."""
        with self._cond:
            return list(self._messages)

    def clear(self) -> None:
        """Forget the messages received so far (files already written stay)."""
        with self._cond:
            self._messages.clear()

    def wait_for(self, count: int, timeout: float = 10) -> list[CaughtMessage]:
        """Wait until at least `count` messages arrived and return them all; TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self._messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    state = "refusing (refuse(True))" if self.refusing else ("listening" if self.running else "stopped")
                    raise TimeoutError(
                        f"SMTP sink on {HOST}:{self.port} got {len(self._messages)} of {count} expected message(s)"
                        f" in {timeout:g} s; it is {state}. Is the app's MAIL_PORT {self.port} and its mail backend"
                        " SMTP (not the in-memory test backend)? Is the sending task actually run?"
                    )
                self._cond.wait(remaining)
            return list(self._messages)


def _print_message(caught: CaughtMessage) -> None:
    subject = ""
    with contextlib.suppress(Exception):
        subject = str(caught.message().get("Subject", ""))
    line = f"{caught.received_at:%H:%M:%S} {caught.envelope_from} -> {', '.join(caught.envelope_to)} {subject!r}"
    print(f"{line} ({len(caught.raw)} bytes)", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the sink in the foreground until SIGINT/SIGTERM, printing one line per message received."""
    parser = argparse.ArgumentParser(prog="python -m devtools.smtp_sink", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--directory", type=Path, default=None, help="also write every message as DIR/<id>.eml")
    args = parser.parse_args(argv)
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    with SmtpSink(port=args.port or None, directory=args.directory, on_message=_print_message) as sink:
        where = f", writing to {sink.directory}" if sink.directory else ""
        print(f"smtp-sink listening on {sink.host}:{sink.port}{where}", flush=True)
        while not stopping.wait(0.5):
            pass
    print("smtp-sink stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
