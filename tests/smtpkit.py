"""A real SMTP server on loopback for the reminder e-mail tests (aiosmtpd)."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Inbox:
    """What the server received: envelope recipients and parsed messages."""

    host: str = "127.0.0.1"
    port: int = 0
    messages: list[Message] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.recipients.append(list(envelope.rcpt_tos))
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def settings(self) -> dict[str, str]:
        """The ``PDS_*`` environment that sends the reminder e-mail here."""
        return {
            "PDS_SMTP_HOST": self.host,
            "PDS_SMTP_PORT": str(self.port),
            "PDS_SMTP_STARTTLS": "false",
            "PDS_SMTP_FROM": "pds@example.org",
            "PDS_REMINDER_EMAIL_TO": "owner@example.org",
        }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[Inbox]:
    """An SMTP server on 127.0.0.1 (no TLS, no login) for the duration of the block."""
    inbox = Inbox(port=_free_port())
    controller = Controller(inbox, hostname=inbox.host, port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
