"""Attachments on a permit (R-PER-4), for everyone R-ID-6 lets see it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from chassis.auth import Principal
from chassis.documents import DocumentStore
from chassis.errors import Conflict, NotFound
from chassis.uow import Transaction
from permits.adapters.repositories import Permits
from permits.handlers.permits import Doc, PermitsApp, get_permit

ACCEPTED = ("application/pdf", "image/png", "image/jpeg")


async def attach(
    app: PermitsApp,
    principal: Principal,
    jurisdiction_id: str,
    permit_id: str,
    *,
    filename: str,
    chunks: AsyncIterator[bytes],
    max_bytes: int,
) -> Doc:
    doc = await get_permit(app, principal, jurisdiction_id, permit_id)
    store = DocumentStore(app.runtime.db)
    stored = await store.store(
        chunks,
        filename=filename[:200] or "document",
        accepted_types=ACCEPTED,
        max_bytes=max_bytes,
        metadata={"jurisdiction_id": jurisdiction_id, "permit_id": permit_id},
    )
    entry = {**stored.as_doc(), "by": principal.account_id, "at": app.now}

    async def work(tx: Transaction) -> Doc:
        updated = await tx.repo(Permits, jurisdiction_id).find_one_and_update(
            {"_id": doc["_id"]}, {"$push": {"documents": entry}}
        )
        if updated is None:
            raise Conflict("the permit is gone")
        return updated

    try:
        return await app.runtime.uow.run(work)
    except BaseException:
        await store.delete(stored.file_id)  # nothing half-done stays behind
        raise


async def open_document(
    app: PermitsApp, principal: Principal, jurisdiction_id: str, permit_id: str, file_id: str
) -> Any:
    doc = await get_permit(app, principal, jurisdiction_id, permit_id)
    if file_id not in {d["file_id"] for d in doc.get("documents", [])}:
        raise NotFound("no such document")
    return await DocumentStore(app.runtime.db).open(file_id, jurisdiction_id)
