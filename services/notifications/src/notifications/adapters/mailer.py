"""The mailer: render a template with the jurisdiction's branding and record
the delivery in the consumer's transaction; send it right after the commit."""

from __future__ import annotations

from typing import Any

from chassis.consumer import EventContext
from notifications.adapters import branding
from notifications.adapters.deliveries import Deliveries, DeliveryWorker, new_delivery
from notifications.adapters.templates import EmailTemplates


class TransactionMailer:
    def __init__(
        self, templates: EmailTemplates, worker: DeliveryWorker, ctx: EventContext
    ) -> None:
        self.templates = templates
        self.worker = worker
        self.ctx = ctx

    async def __call__(
        self,
        *,
        to: str,
        template: str,
        jurisdiction_name: str,
        part: str | None,
        context: dict[str, Any],
    ) -> None:
        ctx = self.ctx
        jurisdiction_id = ctx.envelope.jurisdiction
        brand = await branding.load(ctx.tx.db, ctx.tx.session, jurisdiction_id, jurisdiction_name)
        rendered = self.templates.render(
            template,
            {"jurisdiction_name": brand.display_name, "when": brand.when, "email": to, **context},
        )
        delivery_id = f"{ctx.envelope.id}:{part}" if part else ctx.envelope.id
        delivery = new_delivery(
            event_id=delivery_id,
            event_type=ctx.envelope.type,
            to=to,
            template=template,
            email=rendered,
            clock=ctx.tx.clock,
            mail_from=brand.from_address,
        )
        await ctx.tx.repo(Deliveries, jurisdiction_id or "_platform").insert_one(delivery)
        worker = self.worker

        async def send_now() -> None:
            await worker.send_now(delivery_id)

        ctx.tx.after_commit(send_now)
