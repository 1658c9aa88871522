"""The reminder e-mail: the due list as a plain-text message in the owner's language,
sent through SMTP.

``MailServer`` is what the settings say about the mail server; ``send`` hands one
message to it (STARTTLS and login as configured) or raises ``DeliveryFailed``.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from pds.errors import ConfigError, DeliveryFailed
from pds.i18n import gettext, ngettext, written_in
from pds.services.relationships.occasions import Occasion, occasion_text
from pds.services.relationships.reminders import Reminder, ReminderService
from pds.services.relationships.wording import every_days

TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class MailServer:
    host: str
    port: int
    sender: str
    recipient: str
    starttls: bool = True
    username: str | None = None
    password: str | None = field(default=None, repr=False)


def mail_server(
    *,
    host: str | None,
    port: int,
    sender: str | None,
    recipient: str | None,
    starttls: bool = True,
    username: str | None = None,
    password: str | None = None,
) -> MailServer:
    """The mail server to use; ``ConfigError`` naming the missing settings if e-mail is off."""
    missing = [
        name
        for name, value in (
            ("PDS_SMTP_HOST", host),
            ("PDS_SMTP_FROM", sender),
            ("PDS_REMINDER_EMAIL_TO", recipient),
        )
        if not value
    ]
    if missing:
        raise ConfigError(f"reminder e-mail is not configured: set {', '.join(missing)}")
    assert host and sender and recipient
    return MailServer(host, port, sender, recipient, starttls, username, password)


def mail_server_from(settings: Any) -> MailServer:
    """The mail server the settings (``pds.config.Settings``) describe."""
    return mail_server(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        recipient=settings.reminder_email_to,
        starttls=settings.smtp_starttls,
        username=settings.smtp_username,
        password=settings.resolve_smtp_password(),
    )


def send_due(reminders: ReminderService, server: MailServer, *, occasion_days: int = 0) -> int:
    """E-mail the list of reminders due today, and the birthdays and anniversaries of
    the next ``occasion_days`` days, in the owner's language; how many reminders it listed."""
    due = reminders.due()
    today = reminders.today()
    occasions = reminders.occasions(occasion_days, today) if occasion_days else []
    with written_in(reminders.language()):
        message = reminder_message(
            due, server, today=today, now=reminders.now(), occasions=occasions
        )
    send(message, server)
    return len(due)


def reminder_message(
    reminders: Sequence[Reminder],
    server: MailServer,
    *,
    today: date,
    now: datetime,
    occasions: Sequence[Occasion] = (),
) -> EmailMessage:
    """The e-mail listing ``reminders`` (names, how overdue, last contact), in the
    language the text is written in (``pds.i18n``)."""
    message = EmailMessage()
    count = len(reminders)
    message["Subject"] = (
        ngettext(
            "pds: %(num)d relationship due for contact",
            "pds: %(num)d relationships due for contact",
            count,
        )
        if count
        else gettext("pds: nobody is due for contact")
    )
    message["From"] = server.sender
    message["To"] = server.recipient
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=server.sender.rpartition("@")[2])
    message.set_content(_body(reminders, today) + _occasions_body(occasions, today))
    return message


def _body(reminders: Sequence[Reminder], today: date) -> str:
    if not reminders:
        return gettext("Nobody is due for contact today.") + "\n"
    lines = [gettext("Due for contact on %(day)s:", day=today.isoformat()), ""]
    lines += [f"- {_line(reminder, today)}" for reminder in reminders]
    lines += ["", gettext("Mark them done or snooze them with `pds remind` or on the portal.")]
    return "\n".join(lines) + "\n"


def _line(reminder: Reminder, today: date) -> str:
    """ "Jonas Becker (every 14 days, 3 days overdue; last contact 2025-02-01)"."""
    rhythm = every_days(reminder.every_days)
    overdue = reminder.overdue_days(today)
    if overdue:
        late = ngettext("%(num)d day overdue", "%(num)d days overdue", overdue)
        rhythm = f"{rhythm}, {late}"
    last = reminder.last_contact.isoformat() if reminder.last_contact else gettext("never")
    return gettext(
        "%(name)s (%(rhythm)s; last contact %(last)s)",
        name=reminder.name,
        rhythm=rhythm,
        last=last,
    )


def _occasions_body(occasions: Sequence[Occasion], today: date) -> str:
    if not occasions:
        return ""
    lines = ["", gettext("Coming up:"), ""]
    lines += [f"- {occasion_text(o, today)}" for o in occasions]
    return "\n".join(lines) + "\n"


def send(message: EmailMessage, server: MailServer) -> None:
    """Hand ``message`` to the mail server; ``DeliveryFailed`` says why it could not."""
    try:
        with smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS) as smtp:
            smtp.ehlo()
            if server.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if server.username:
                smtp.login(server.username, server.password or "")
            smtp.send_message(message)
    except smtplib.SMTPNotSupportedError:
        raise DeliveryFailed(
            f"the mail server {server.host}:{server.port} does not offer STARTTLS "
            "(set PDS_SMTP_STARTTLS=false only for a server on this machine)"
        ) from None
    except smtplib.SMTPAuthenticationError:
        raise DeliveryFailed(
            f"the mail server {server.host}:{server.port} refused the login"
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryFailed(
            f"could not send through {server.host}:{server.port}: {type(exc).__name__}"
        ) from None
