"""Jurisdictions: the tenant registry (operators create and configure them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chassis.clock import zone
from chassis.errors import Conflict, Unprocessable, field_error
from chassis.uow import Transaction
from contracts.identity import Branding, JurisdictionCreated, JurisdictionUpdated
from identity.adapters.repositories import JurisdictionRegistry
from identity.domain.model import SLUG
from identity.domain.passwords import POLICIES
from identity.service_layer.common import Caller, Doc, Identity, load_jurisdiction


def _validate(fields: dict[str, Any]) -> None:
    if "time_zone" in fields:
        try:
            zone(fields["time_zone"])
        except ValueError as exc:
            raise Unprocessable(str(exc), errors=[field_error("time_zone", str(exc))]) from exc
    if "password_policy" in fields and fields["password_policy"] not in POLICIES:
        msg = f"password policy must be one of {sorted(POLICIES)}"
        raise Unprocessable(msg, errors=[field_error("password_policy", msg)])


def _branding(doc: Doc) -> Branding:
    branding = doc.get("branding") or {}
    return Branding(
        display_name=branding.get("display_name") or doc["name"],
        from_address=branding.get("from_address"),
        logo_url=branding.get("logo_url"),
    )


def _created(doc: Doc) -> JurisdictionCreated:
    return JurisdictionCreated(
        jurisdiction_id=doc["_id"],
        name=doc["name"],
        time_zone=doc["time_zone"],
        branding=_branding(doc),
        online_payments=bool(doc.get("features", {}).get("online_payments")),
    )


def _tenant(jurisdiction_id: str, fields: Doc, now: datetime) -> Doc:
    if not SLUG.match(jurisdiction_id):
        raise Unprocessable(
            "jurisdiction id must be a lowercase slug",
            errors=[field_error("id", "lowercase letters, digits and dashes, 1-40 characters")],
        )
    _validate(fields)
    return {
        "_id": jurisdiction_id,
        "password_policy": "asvs",
        "reset_requires_security_answer": False,
        "branding": {},
        **fields,
        "created_at": now,
    }


async def create_jurisdiction(
    idn: Identity,
    *,
    jurisdiction_id: str,
    fields: Doc,
    first_admin: Doc | None = None,
    actor: str | None = None,
) -> Doc:
    """Create a tenant; with ``first_admin`` also invite its first staff admin."""
    doc = _tenant(jurisdiction_id, fields, idn.now)

    async def work(tx: Transaction) -> None:
        from identity.service_layer.people import NewPerson, add_person

        registry = JurisdictionRegistry(tx.db, tx.session)
        if await registry.get(jurisdiction_id) is not None:
            raise Conflict(f"jurisdiction {jurisdiction_id!r} already exists")
        await registry.insert(doc)
        tx.emit(_created(doc), jurisdiction_id=jurisdiction_id)
        if first_admin:
            admin = NewPerson(**first_admin, kind="staff", roles=["admin"])
            await add_person(idn, tx, doc, admin, actor)

    await idn.runtime.uow.run(work)
    return doc


async def update_jurisdiction(
    idn: Identity, caller: Caller, jurisdiction_id: str, fields: Doc
) -> Doc:
    _validate(fields)

    async def work(tx: Transaction) -> Doc:
        registry = JurisdictionRegistry(tx.db, tx.session)
        await load_jurisdiction(tx.db, jurisdiction_id, tx.session)
        doc = await registry.update(jurisdiction_id, {**fields, "updated_at": idn.now})
        assert doc is not None
        tx.emit(
            JurisdictionUpdated(
                jurisdiction_id=jurisdiction_id,
                name=doc["name"],
                time_zone=doc["time_zone"],
                branding=_branding(doc),
                online_payments=bool(doc.get("features", {}).get("online_payments")),
            ),
            jurisdiction_id=jurisdiction_id,
        )
        return doc

    return await idn.runtime.uow.run(work)


async def get_jurisdiction(idn: Identity, jurisdiction_id: str) -> Doc:
    return await load_jurisdiction(idn.runtime.db, jurisdiction_id)


async def list_jurisdictions(idn: Identity) -> list[Doc]:
    return await JurisdictionRegistry(idn.runtime.db).list()
