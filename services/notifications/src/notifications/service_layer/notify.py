"""An event's emails: each entry of the table, once per event (R-NOT)."""

from __future__ import annotations

from typing import Any, Protocol

from notifications.domain.email import recipients
from notifications.domain.emails import EMAILS
from notifications.domain.links import PortalLinks


class Mailer(Protocol):
    async def __call__(
        self,
        *,
        to: str,
        template: str,
        jurisdiction_name: str,
        part: str | None,
        context: dict[str, Any],
    ) -> None:
        """Render and record one delivery, in the consumer's transaction."""


async def notify(event: Any, jurisdiction: str | None, mailer: Mailer, links: PortalLinks) -> int:
    """Send what the table says for ``event``; returns how many emails."""
    sent = 0
    for email in EMAILS.get(type(event), []):
        to = recipients(email, event)
        if not to or not email.when(event):
            continue
        name = email.jurisdiction_name(event) if email.jurisdiction_name else jurisdiction or ""
        await mailer(
            to=to,
            template=email.template,
            jurisdiction_name=name,
            part=email.part,
            context=email.context(event, links),
        )
        sent += 1
    return sent
