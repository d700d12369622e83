"""An aggregate repository against the real database: version-checked saves,
events written to the outbox in the saving transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from devstack.testing import TestScope

from chassis.aggregate import Aggregate
from chassis.app import ServiceRuntime, build_runtime
from chassis.clock import ManualClock
from chassis.repository import MongoAggregateRepository, StaleAggregate
from chassis.settings import ServiceSettings
from contracts.identity import JurisdictionCreated

pytestmark = pytest.mark.integration


@dataclass(kw_only=True, eq=False)
class Sign(Aggregate):
    text: str

    def reword(self, text: str) -> None:
        self._change()
        self.text = text
        self._record(JurisdictionCreated(jurisdiction_id=self.id, name=text, time_zone="UTC"))


class Signs(MongoAggregateRepository[Sign]):
    collection_name: ClassVar[str] = "signs"

    @classmethod
    def to_doc(cls, aggregate: Sign) -> dict[str, Any]:
        return {
            "_id": aggregate.id,
            "jurisdiction_id": aggregate.jurisdiction_id,
            "version": aggregate.version,
            "text": aggregate.text,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Sign:
        return Sign(
            id=doc["_id"],
            jurisdiction_id=doc["jurisdiction_id"],
            version=doc["version"],
            text=doc["text"],
        )


@pytest.fixture
async def runtime(scope: TestScope, manual_clock: ManualClock) -> Any:
    rt = build_runtime(ServiceSettings(**scope.settings_kwargs("aggtest")), manual_clock)
    await rt.outbox.ensure_indexes()
    yield rt
    await rt.client.drop_database(rt.db.name)
    await rt.client.close()


async def _events(rt: ServiceRuntime) -> int:
    return await rt.db["outbox"].count_documents({"event_type": JurisdictionCreated.event_type})


async def test_save_is_version_checked_and_its_events_commit_with_it(
    runtime: ServiceRuntime,
) -> None:
    async def create(tx: Any) -> None:
        sign = Sign(id="s1", jurisdiction_id="alpha", text="OPEN")
        sign.reword("OPEN 9-5")
        await Signs(tx, "alpha").add(sign)

    await runtime.uow.run(create)
    assert await _events(runtime) == 1

    async def reword(tx: Any) -> Sign:
        sign = await Signs(tx, "alpha").require("s1")
        sign.reword("CLOSED")
        await Signs(tx, "alpha").save(sign)
        return sign

    saved = await runtime.uow.run(reword)
    assert (saved.version, saved.changed) == (2, False)
    assert await _events(runtime) == 2

    loaded_early = Signs.from_doc(
        {"_id": "s1", "jurisdiction_id": "alpha", "version": 1, "text": "x"}
    )

    async def stale(tx: Any) -> None:
        loaded_early.reword("LOST UPDATE")
        await Signs(tx, "alpha").save(loaded_early)

    with pytest.raises(StaleAggregate):
        await runtime.uow.run(stale)
    assert await _events(runtime) == 2  # a refused save records no event
    doc = await runtime.db["signs"].find_one({"_id": "s1"})
    assert doc is not None and (doc["text"], doc["version"]) == ("CLOSED", 2)

    async def elsewhere(tx: Any) -> None:
        assert await Signs(tx, "beta").get("s1") is None

    await runtime.uow.run(elsewhere)
