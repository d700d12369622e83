"""Jurisdictions: the tenant registry."""

from __future__ import annotations

from chassis.clock import zone
from chassis.errors import Conflict, NotFound, Unprocessable, field_error
from chassis.uow import Transaction
from contracts.identity import JurisdictionCreated
from identity.adapters.repositories import (
    JurisdictionRegistry,
)
from identity.domain.model import (
    SLUG,
    JurisdictionFeatures,
)
from identity.handlers.common import (
    Doc,
    Identity,
)


async def create_jurisdiction(
    idn: Identity,
    *,
    jurisdiction_id: str,
    name: str,
    time_zone: str,
    features: JurisdictionFeatures,
) -> Doc:
    if not SLUG.match(jurisdiction_id):
        raise Unprocessable(
            "jurisdiction id must be a lowercase slug",
            errors=[field_error("id", "lowercase letters, digits and dashes, 1-40 characters")],
        )
    try:
        zone(time_zone)
    except ValueError as exc:
        raise Unprocessable(str(exc), errors=[field_error("time_zone", str(exc))]) from exc
    doc = {
        "_id": jurisdiction_id,
        "name": name,
        "time_zone": time_zone,
        "features": features.__dict__,
        "created_at": idn.now,
    }

    async def work(tx: Transaction) -> None:
        registry = JurisdictionRegistry(tx.db, tx.session)
        if await registry.get(jurisdiction_id) is not None:
            raise Conflict(f"jurisdiction {jurisdiction_id!r} already exists")
        await registry.insert(doc)
        tx.emit(
            JurisdictionCreated(jurisdiction_id=jurisdiction_id, name=name, time_zone=time_zone),
            jurisdiction_id=jurisdiction_id,
        )

    await idn.runtime.uow.run(work)
    return doc


async def get_jurisdiction(idn: Identity, jurisdiction_id: str) -> Doc:
    doc = await JurisdictionRegistry(idn.runtime.db).get(jurisdiction_id)
    if doc is None:
        raise NotFound(f"no jurisdiction {jurisdiction_id!r}")
    return doc
