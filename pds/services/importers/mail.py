"""Import who wrote to whom, and when, from an mbox file or a folder of ``.eml`` files.

Only headers are read (``From``, ``To``, ``Cc``, ``Date``, ``Subject``, ``Message-ID``);
each message becomes a ``message`` interaction (channel ``email``) with every person
(matched by address) and vendor (by address, else by the address's domain or a parent of
it) that took part. The owner's own addresses (the profile's and ``me``) tell the
direction: a message from the owner is *sent* (its counterparts are the recipients),
any other is *received* (the sender and the other recipients). The note is
``Sent: <subject>`` or ``Received: <subject>``; bodies are never stored unless
``with_bodies``, which adds the ``text/plain`` part, the whole note cut to
``MAX_NOTE`` characters.

A message's entries have stable ids (from its ``Message-ID``, its date and the
counterpart), so messages already imported are skipped: importing twice changes nothing.
Messages with no known counterpart are skipped with the unknown addresses named. A
message without a readable ``From`` or ``Date`` is an error: nothing is written.
"""

from __future__ import annotations

import hashlib
import mailbox
import os
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import Any

from pds.errors import ValidationFailed
from pds.schemas.interaction import InteractionSchema
from pds.services.container import Services
from pds.services.context import check_actor
from pds.services.importers.outcome import (
    AddressBook,
    ImportReport,
    InteractionPlan,
    owner_addresses,
    read_source,
)

MAX_NOTE: int = InteractionSchema().fields["note"].max_length  # type: ignore[attr-defined]
_PARSER = BytesParser(policy=policy.default)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def import_mail(
    services: Services,
    source: Path | str,
    *,
    dry_run: bool = False,
    with_bodies: bool = False,
    me: Iterable[str] = (),
    actor: str = "owner",
) -> ImportReport:
    """Import the messages of the mbox file or ``.eml`` folder ``source``; see the module doc."""
    check_actor(actor)
    path = Path(source)
    report = ImportReport(source=path.name, what="messages", dry_run=dry_run)
    reader = _Reader(services, report, owner_addresses(services, me), with_bodies, actor)
    for label, message in messages_of(path):
        report.items_read += 1
        reader.add(label, message)
    if dry_run:
        return report
    report.refuse_if_errors()
    reader.plan.write()
    return report


def messages_of(path: Path) -> Iterator[tuple[str, EmailMessage]]:
    """Each message of ``path`` (a folder of ``.eml`` files, one ``.eml`` or an mbox)."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.eml") if p.is_file())
        if not files:
            raise ValidationFailed(
                f"{path.name} holds no .eml files", {"file": [f"{path}: no .eml files."]}
            )
        for file in files:
            yield file.relative_to(path).as_posix(), _parse(read_source(file))
        return
    data = read_source(path)
    if path.suffix.lower() == ".eml":
        yield path.name, _parse(data)
        return
    if not is_mbox(data):
        raise ValidationFailed(
            f"{path.name} is not an mbox file",
            {"file": [f"{path.name}: an mbox file starts with a 'From ' line."]},
        )
    yield from _mbox_messages(path)


def is_mbox(data: bytes) -> bool:
    """Whether ``data`` reads as an mbox file: it starts with a ``From `` line."""
    return data.lstrip(b"\r\n").startswith(b"From ")


def mbox_upload_messages(data: bytes, name: str) -> Iterator[tuple[str, EmailMessage]]:
    """Each message of an uploaded mbox file, read by ``mailbox`` from an anonymous
    in-memory file (``memfd``): the upload never touches the disk."""
    if not hasattr(os, "memfd_create"):
        raise ValidationFailed(
            f"{name}: an uploaded mbox file cannot be read on this system",
            {"file": [f"{name}: upload the messages as a zip of .eml files instead."]},
        )
    descriptor = os.memfd_create("upload.mbox")
    try:
        os.write(descriptor, data)
        yield from _mbox_messages(Path(f"/proc/self/fd/{descriptor}"))
    finally:
        os.close(descriptor)


def _mbox_messages(path: Path) -> Iterator[tuple[str, EmailMessage]]:
    box = mailbox.mbox(path, create=False)
    try:
        for number, key in enumerate(box.keys(), start=1):
            yield f"message {number}", _parse(box.get_bytes(key))
    finally:
        box.close()


def _parse(data: bytes) -> EmailMessage:
    return _PARSER.parsebytes(data)


class _Reader:
    def __init__(
        self,
        services: Services,
        report: ImportReport,
        me: set[str],
        with_bodies: bool,
        actor: str,
    ) -> None:
        self.report = report
        self.me = me
        self.with_bodies = with_bodies
        self.book = AddressBook(services)
        self.plan = InteractionPlan(services, report, actor)

    def add(self, label: str, message: EmailMessage) -> None:
        errors: dict[str, list[str]] = {}
        sender = _addresses(message, "From", errors)
        recipients = _addresses(message, "To", errors) + _addresses(message, "Cc", errors)
        when = _date(message, errors)
        if not sender and "From" not in errors:
            errors["From"] = ["Missing: every message needs a sender."]
        if errors or when is None:
            self.report.errors[label] = errors
            return
        sent = sender[0].casefold() in self.me
        people = recipients if sent else sender + recipients
        counterparts, unknown = self.book.counterparts(people, self.me)
        if not counterparts:
            others = f" ({', '.join(unknown)})" if unknown else ""
            self.report.add(label, "skipped", f"no known person or vendor took part{others}")
            return
        data: dict[str, Any] = {
            "kind": "message",
            "channel": "email",
            "date": when,
            "note": self._note(message, "Sent" if sent else "Received"),
        }
        key = _message_key(message, sender[0], when)
        for counterpart in counterparts:
            self.plan.add(label, data, counterpart, key)

    def _note(self, message: EmailMessage, direction: str) -> str:
        subject = " ".join(str(message.get("Subject", "")).split()) or "(no subject)"
        note = f"{direction}: {subject}"
        if self.with_bodies:
            body = _plain_text(message)
            if body:
                note = f"{note}\n\n{body}"
        return note[:MAX_NOTE]


def _addresses(message: EmailMessage, header: str, errors: dict[str, list[str]]) -> list[str]:
    try:
        values = [str(v) for v in message.get_all(header, [])]
    except (ValueError, IndexError, TypeError) as exc:  # a header the parser cannot read
        errors[header] = [f"Not readable: {exc}."]
        return []
    found = [address for _, address in getaddresses(values) if "@" in address]
    if values and not found and any(v.strip() for v in values):
        errors[header] = ["Holds no e-mail address."]
    return found


def _date(message: EmailMessage, errors: dict[str, list[str]]) -> datetime | None:
    value = message.get("Date")
    if value is None or not str(value).strip():
        errors["Date"] = ["Missing: every message needs a date."]
        return None
    try:
        when = parsedate_to_datetime(str(value))
    except (ValueError, TypeError, IndexError):
        errors["Date"] = [f"Not a date: {str(value)[:80]!r}."]
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _message_key(message: EmailMessage, sender: str, when: datetime) -> str:
    """The ``Message-ID``; for a message without one, a digest of its sender, date, subject."""
    message_id = str(message.get("Message-ID", "")).strip()
    if message_id:
        return message_id
    subject = str(message.get("Subject", ""))
    digest = hashlib.sha256(f"{sender}\x1f{when.isoformat()}\x1f{subject}".encode()).hexdigest()
    return f"no-message-id:{digest}"


def _plain_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    if part is None:
        return ""
    try:
        return _CONTROL.sub("", str(part.get_content())).strip()
    except (LookupError, UnicodeError):  # an unknown or lying charset: leave the body out
        return ""
