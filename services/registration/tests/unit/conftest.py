"""Unit tests of registration's rules: the handlers on the fakes, milliseconds each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest

from chassis.clock import ManualClock
from chassis.principal import Principal
from chassis.testing.fakes import FakeUnitOfWork
from registration.domain.registration import Registration
from registration.service_layer import flow, links, review
from registration.service_layer.commands import (
    AnswerField,
    Decide,
    MarkRequirement,
    PutConfig,
    Resubmit,
    UpdateDraft,
)
from registration.service_layer.unit_of_work import RegistrationService

from .fakes import FakeIdentity, fake_units

JID = "alpha"
CONFIG = {
    "enabled": True,
    "acceptance_mode": "staff_review",
    "trades": ["ELECTRICAL", "PLUMBING"],
    "license_types": [{"code": "EC", "label": "Electrical contractor"}],
    "requirements": [
        {"id": "coi", "label": "Certificate of insurance", "kind": "document"},
        {
            "id": "expiry",
            "label": "Insurance expiry",
            "kind": "field",
            "field_type": "insurance_expiry",
        },
        {
            "id": "elic",
            "label": "Electrical license",
            "kind": "field",
            "field_type": "license_number",
            "trades": ["ELECTRICAL"],
        },
    ],
}
ADMIN = Principal(account_id="admin", email="", jurisdiction_id=JID, kind="staff", roles=["admin"])
TECH = Principal(
    account_id="tech", email="", jurisdiction_id=JID, kind="staff", roles=["permit_technician"]
)


# the seeds' profile: address, city, state, zip and phone required
PROFILE = {
    "address": "1502 E Falcon Dr",
    "city": "Meridian",
    "state": "ID",
    "zip": "83642",
    "phone": "208-555-0100",
}


@dataclass
class World:
    uow: FakeUnitOfWork
    svc: RegistrationService
    identity: FakeIdentity

    async def configure(self, **over: Any) -> None:
        cmd = PutConfig(jurisdiction_id=JID, actor=ADMIN, config={**CONFIG, **over})
        await self.svc.units.handle(cmd, review.put_config)

    def _draft(self, rid: str, token: str | None) -> dict[str, Any]:
        return {"jurisdiction_id": JID, "registration_id": rid, "token": token}

    async def update(self, rid: str, token: str | None, changes: Any) -> Registration:
        cmd = UpdateDraft(**self._draft(rid, token), changes=changes)
        return await self.svc.units.handle(cmd, flow.update)  # type: ignore[no-any-return]

    async def answer(
        self, rid: str, token: str | None, requirement: str, value: str
    ) -> Registration:
        cmd = AnswerField(**self._draft(rid, token), requirement_id=requirement, value=value)
        return await self.svc.units.handle(cmd, flow.answer_field)  # type: ignore[no-any-return]

    async def resubmit(self, rid: str, token: str | None) -> Registration:
        cmd = Resubmit(**self._draft(rid, token))
        return await self.svc.units.handle(cmd, flow.resubmit)  # type: ignore[no-any-return]

    async def mark(
        self, actor: Principal, rid: str, requirement: str, decision: Any, comment: str | None
    ) -> Registration:
        cmd = MarkRequirement(
            jurisdiction_id=JID,
            actor=actor,
            registration_id=rid,
            requirement_id=requirement,
            decision=decision,
            comment=comment,
        )
        return await self.svc.units.handle(cmd, review.mark)  # type: ignore[no-any-return]

    async def decide(
        self, actor: Principal, rid: str, decision: Any, reason: str | None, version: int
    ) -> Registration:
        cmd = Decide(
            jurisdiction_id=JID,
            actor=actor,
            registration_id=rid,
            decision=decision,
            reason=reason,
            version=version,
            resume_link_days=self.svc.resume_link_days,
        )
        return await self.svc.units.handle(cmd, review.decide)  # type: ignore[no-any-return]

    def links(self) -> list[str]:
        return [e.token for e in self.events("RegistrationEmailConfirmationRequested")]

    def events(self, name: str) -> list[Any]:
        return [e for e, _ in self.uow.events if type(e).__name__ == name]

    async def draft(self, email: str = "rich@example.org") -> tuple[Registration, str]:
        await links.start(self.svc, JID, email)
        return await links.confirm(self.svc, self.links()[-1])

    async def run(self, fn: Any, *args: Any) -> Registration:
        return await self.svc.units.run(JID, partial(fn, *args))  # type: ignore[no-any-return]

    async def complete(self, registration: Registration, token: str) -> Registration:
        rid = registration.id
        changes = {
            "company_name": "Rich Electric",
            "registrant_name": "Rich",
            "trades": ["ELECTRICAL"],
            "profile": dict(PROFILE),
        }
        await self.update(rid, token, changes)
        await self.answer(rid, token, "expiry", "2027-06-30")
        await self.answer(rid, token, "elic", "ec-12345")
        coi = await self.svc.units.run(JID, lambda uow: flow.mine(uow, rid, token))
        requirement = coi.requirement(_requirements(), "coi")
        coi.answer(
            requirement,
            value=None,
            document={"file_id": "f1", "sha256": "x"},
            at=self.uow.clock.now(),
        )
        await self.svc.units.run(JID, lambda uow: uow.registrations.save(coi))
        return await self.svc.units.run(JID, lambda uow: flow.mine(uow, rid, token))  # type: ignore[no-any-return]


def _requirements() -> list[Any]:
    from registration.service_layer.unit_of_work import requirements_of

    return requirements_of(CONFIG)


@pytest.fixture
async def world() -> World:
    uow = FakeUnitOfWork(ManualClock(datetime(2026, 3, 2, 15, 0, tzinfo=UTC)))
    identity = FakeIdentity()
    svc = RegistrationService(
        units=fake_units(uow),
        identity=identity,
        files=None,  # type: ignore[arg-type]  # uploads are tested against the real store
        start_link_hours=24,
        resume_link_days=14,
        default_max_document_bytes=1_000_000,
    )
    w = World(uow, svc, identity)
    await w.configure()
    return w
