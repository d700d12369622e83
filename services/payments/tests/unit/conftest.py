"""Unit tests of payments' rules: the handlers on the fakes, milliseconds each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest

from chassis.auth import Principal
from chassis.clock import ManualClock
from chassis.testing.fakes import FakeUnitOfWork
from contracts.permits import FeeAssessed, FeeLine, SiteAddress
from payments.adapters.repositories import PaymentRepository
from payments.service_layer import cart, checkout, receivables
from payments.service_layer.commands import AddToCart, Checkout, PutSettings
from payments.service_layer.provider import ProviderEvent
from payments.service_layer.unit_of_work import PaymentsService
from payments.service_layer.webhooks import handle_webhook

from .fakes import FakeProvider, fake_service

JID = "alpha"
RES16_0688 = [  # seed 003's cart: $1,023.98
    ("MECHANICAL PERMIT", 9600),
    ("PLAN REVIEW", 6508),
    ("BUILDING PERMIT", 65075),
    ("PLANNING", 3500),
    ("IMPACT FEE", 13015),
    ("STATE SURCHARGE", 4700),
]
SETTINGS = {
    "online_payments": True,
    "fee_label": "Access Idaho Fee",
    "methods": [
        {"code": "card", "label": "Credit Card - 3%", "fee_percent": "3"},
        {"code": "echeck", "label": "Electronic Check - $1.50", "fee_flat": "1.50"},
    ],
}


def person(kind: str, account: str, *, roles: list[str] | None = None, **kw: Any) -> Principal:
    return Principal(
        account_id=account,
        email=kw.pop("email", f"{account}@example.org"),
        jurisdiction_id=kw.pop("jid", JID),
        kind=kind,
        roles=roles or [],
        **kw,
    )


RICH = person("contractor", "rich", company_ids=["c1"])
PAT = person("public", "pat")
SAM = person("public", "sam")
ADMIN = person("staff", "admin", roles=["admin"])
CASHIER = person("staff", "cashier", roles=["cashier"])


@dataclass
class World:
    uow: FakeUnitOfWork
    provider: FakeProvider
    svc: PaymentsService

    @property
    def clock(self) -> ManualClock:
        return self.uow.clock

    async def configure(self, **over: Any) -> None:
        cmd = PutSettings(jurisdiction_id=JID, actor=ADMIN, body={**SETTINGS, **over})
        await self.svc.units.run(JID, partial(cart.put_settings, cmd))

    async def assess(
        self, permit_id: str = "p1", lines: list[tuple[str, int]] = RES16_0688, version: int = 5
    ) -> None:
        event = FeeAssessed(
            permit_id=permit_id,
            jurisdiction_id=JID,
            number=f"RES16-{permit_id}",
            type_name="RESIDENTIAL",
            site=SiteAddress(street="1968 E Dodd Rd"),
            lines=[
                FeeLine(line_id=f"{permit_id}-{n}", name=name, amount_minor=amount)
                for n, (name, amount) in enumerate(lines)
            ],
            balance_minor=sum(a for _, a in lines),
            payer_emails=["Pat@example.org"],
            company_ids=["c1"],
            version=version,
        )
        await self.svc.units.run(JID, partial(receivables.on_fee_assessed, event))

    async def fill_cart(self, actor: Principal, *permit_ids: str) -> None:
        for permit_id in permit_ids or ("p1",):
            cmd = AddToCart(jurisdiction_id=JID, actor=actor, permit_id=permit_id)
            await self.svc.units.run(JID, partial(cart.add_to_cart, cmd))

    async def checkout(self, actor: Principal, method: str = "card") -> dict[str, Any]:
        cmd = Checkout(jurisdiction_id=JID, actor=actor, method=method)
        return PaymentRepository.to_doc(await checkout.start_checkout(self.svc, cmd))

    async def webhook(self, payment: dict[str, Any], outcome: str = "succeeded", **kw: Any) -> str:
        self.provider.events.append(
            ProviderEvent(
                event_id=kw.pop("event_id", f"evt-{len(self.uow.events)}"),
                outcome=outcome,  # type: ignore[arg-type]
                payment_id=payment["_id"],
                provider_ref=f"ref-{payment['_id']}",
                **kw,
            )
        )
        return await handle_webhook(self.svc, self.provider.name, b"{}", {})

    async def load(self, collection: str, key: str) -> dict[str, Any]:
        return dict(self.uow.stores[collection][key])

    def events(self, name: str) -> list[Any]:
        return [e for e, _ in self.uow.events if type(e).__name__ == name]


@pytest.fixture
def world() -> World:
    uow = FakeUnitOfWork(ManualClock(datetime(2026, 3, 2, 15, 0, tzinfo=UTC)))
    provider = FakeProvider()
    return World(uow, provider, fake_service(uow, provider))
