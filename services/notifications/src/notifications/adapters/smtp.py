"""SMTP delivery with aiosmtplib."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

import aiosmtplib

from chassis.clock import as_utc
from notifications.settings import NotificationsSettings


def build_message(delivery: dict[str, Any], mail_from: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = delivery.get("from") or mail_from
    msg["To"] = delivery["to"]
    msg["Subject"] = delivery["subject"]
    msg["Date"] = format_datetime(as_utc(delivery["created_at"]))
    # The event id names the message: a resend after a crash carries the same
    # Message-ID, so receiving systems can drop the duplicate.
    msg["Message-ID"] = f"<{delivery['_id']}@permitsuite>"
    msg["X-Permitsuite-Event-Id"] = delivery["_id"]
    msg.set_content(delivery["text"])
    msg.add_alternative(delivery["html"], subtype="html")
    return msg


class SmtpSender:
    def __init__(self, settings: NotificationsSettings) -> None:
        self.settings = settings

    async def send(self, delivery: dict[str, Any]) -> None:
        s = self.settings
        await aiosmtplib.send(
            build_message(delivery, s.mail_from),
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username,
            password=s.smtp_password.get_secret_value() if s.smtp_password else None,
            start_tls=s.smtp_starttls,
            timeout=s.smtp_timeout_seconds,
        )
