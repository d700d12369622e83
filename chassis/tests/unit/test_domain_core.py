"""The domain core's pieces: Aggregate, the fakes, Money, the access rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from chassis.access import require_staff, require_tenant, staff_roles
from chassis.aggregate import Aggregate
from chassis.api import Paging, Staff
from chassis.auth import Principal
from chassis.money import HALF_EVEN, Money, total
from chassis.queryshape import UnflatQuery
from chassis.refusals import Denied, Missing
from chassis.repository import DocumentMapper, StaleAggregate
from chassis.testing.fakes import FakeRepository, FakeUnitOfWork, matches
from contracts.identity import JurisdictionCreated

AT = datetime(2026, 5, 1, tzinfo=UTC)


@dataclass(kw_only=True, eq=False)
class Counter(Aggregate):
    count: int = 0

    def bump(self) -> None:
        version = self._change()
        self.count += 1
        self._note(at=AT, by="t", from_status=None, to=str(self.count), comment=None)
        self._record(
            JurisdictionCreated(jurisdiction_id=self.id, name=f"v{version}", time_zone="UTC")
        )


class CounterDocs(DocumentMapper[Counter]):
    @classmethod
    def to_doc(cls, aggregate: Counter) -> dict[str, Any]:
        return {
            "_id": aggregate.id,
            "jurisdiction_id": aggregate.jurisdiction_id,
            "version": aggregate.version,
            "count": aggregate.count,
            "tags": ["a", "b"],
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Counter:
        return Counter(
            id=doc["_id"],
            jurisdiction_id=doc["jurisdiction_id"],
            version=doc["version"],
            count=doc["count"],
        )


def test_an_aggregate_moves_one_version_per_unit_of_work_and_collects_events() -> None:
    counter = Counter(id="c", jurisdiction_id="alpha")
    assert counter.is_new and not counter.changed
    counter.bump()
    counter.bump()
    assert (counter.version, counter.loaded_version, counter.changed) == (1, 0, True)
    assert [e.name for e in counter.pending_events] == ["v1", "v1"]  # events carry the new version
    assert len(counter.history) == 2
    assert len(counter.pull_events()) == 2 and counter.pending_events == []
    counter.mark_saved()
    counter.bump()
    assert (counter.version, counter.loaded_version) == (2, 1)


async def test_the_fake_unit_of_work_is_all_or_nothing() -> None:
    uow = FakeUnitOfWork()

    async def add(tx: Any) -> None:
        repo = FakeRepository(tx, "alpha", CounterDocs, "counters")
        counter = Counter(id="c", jurisdiction_id="alpha")
        counter.bump()
        await repo.add(counter)

    async def add_then_fail(tx: Any) -> None:
        await add(tx)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await uow.run(add_then_fail)
    assert uow.stores.get("counters", {}) == {} and uow.events == [] and uow.commits == 0
    await uow.run(add)
    assert list(uow.stores["counters"]) == ["c"] and uow.event_types() == ["JurisdictionCreated"]


async def test_a_fake_repository_checks_versions_and_tenancy_like_the_real_one() -> None:
    uow = FakeUnitOfWork()

    async def setup(tx: Any) -> None:
        counter = Counter(id="c", jurisdiction_id="alpha")
        counter.bump()
        await FakeRepository(tx, "alpha", CounterDocs, "counters").add(counter)

    await uow.run(setup)

    async def stale(tx: Any) -> None:
        repo = FakeRepository(tx, "alpha", CounterDocs, "counters")
        first, second = await repo.require("c"), await repo.require("c")
        first.bump()
        await repo.save(first)
        second.bump()
        await repo.save(second)  # loaded at the version the first save replaced

    with pytest.raises(StaleAggregate):
        await uow.run(stale)

    async def other_tenant(tx: Any) -> None:
        assert await FakeRepository(tx, "beta", CounterDocs, "counters").get("c") is None
        with pytest.raises(Missing):
            await FakeRepository(tx, "beta", CounterDocs, "counters").require("c")

    await uow.run(other_tenant)


def test_fakes_answer_only_flat_filters() -> None:
    doc = {"a": 1, "tags": ["x", "y"], "site": {"zip": "83642"}}
    assert matches(doc, {"a": 1, "tags": "y", "site.zip": "83642"})
    assert matches(doc, {"a": {"$in": [0, 1]}})
    assert not matches(doc, {"tags": "z"})
    assert matches(doc, {"a": {"$gt": 0, "$lte": 1}}) and not matches(doc, {"a": {"$lt": 1}})
    for unflat in (
        {"$or": [{"a": 1}]},
        {"a": {"$in": [1]}, "tags": {"$in": ["x"]}},
        {"a": {"$ne": 0}},
    ):
        with pytest.raises(UnflatQuery):
            matches(doc, unflat)


def test_money_keeps_minor_units_and_rounds_once_by_a_named_rule() -> None:
    assert Money.of(Decimal("30.7194")) == Money(3072, "USD")  # R-PAY-4's 3% of 1,023.98
    assert Money.of(Decimal("0.125")).minor == 13  # half-up
    assert Money.of(Decimal("0.125"), rule=HALF_EVEN).minor == 12  # banker's
    assert str(Money(102398)) == "1023.98"
    assert Money(102398).display() == "$1,023.98"
    assert Money(-150, "EUR").display() == "-€1.50"
    assert Money(150, "CHF").display() == "1.50 CHF"
    assert total([Money(100), Money(250)]) == Money(350)
    with pytest.raises(ValueError):
        Money(1, "USD") + Money(1, "EUR")


def _principal(kind: str, jid: str | None = "alpha", roles: list[str] | None = None) -> Principal:
    return Principal(account_id="a", email="", jurisdiction_id=jid, kind=kind, roles=roles or [])


async def test_access_is_404_for_another_jurisdiction_and_403_for_a_missing_role() -> None:
    with pytest.raises(Missing):
        require_tenant(_principal("public", "beta"), "alpha")
    with pytest.raises(Missing):
        require_staff(_principal("staff", "beta", ["admin"]), "alpha")
    with pytest.raises(Denied):
        require_staff(_principal("public"), "alpha")
    with pytest.raises(Denied):
        await Staff("cashier")("alpha", _principal("staff", roles=["inspector"]))
    cashier = await Staff("cashier")("alpha", _principal("staff", roles=["cashier"]))
    assert cashier.kind == "staff"
    operator = _principal("operator", None)
    assert require_staff(operator, "alpha", "admin") is operator
    assert staff_roles(operator) == ["admin"]


def test_a_page_says_how_it_was_cut() -> None:
    page = Paging(limit=2, offset=4).page(["e", "f"], total=9)
    assert (page.items, page.total, page.limit, page.offset) == (["e", "f"], 9, 2, 4)
