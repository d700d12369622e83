"""Attachments on a permit (R-PER-4), for everyone R-ID-6 lets see it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial
from typing import Any

from chassis.documents import DocumentStore
from chassis.principal import Principal
from chassis.refusals import Missing
from permits.domain.permit import Doc, Permit
from permits.service_layer.access import visible_permit
from permits.service_layer.unit_of_work import PermitsUnitOfWork, PermitsUnits

ACCEPTED = ("application/pdf", "image/png", "image/jpeg")


async def _attach(actor: Principal, permit_id: str, entry: Doc, uow: PermitsUnitOfWork) -> Permit:
    permit = await visible_permit(uow, actor, permit_id)
    permit.attach(entry, by=actor.account_id, at=uow.now)
    await uow.permits.save(permit)
    return permit


async def attach(
    units: PermitsUnits,
    files: DocumentStore,
    actor: Principal,
    jurisdiction_id: str,
    permit_id: str,
    *,
    filename: str,
    chunks: AsyncIterator[bytes],
    max_bytes: int,
) -> Permit:
    """The file is stored first (it streams), then recorded on the permit; if
    that fails, the file goes: nothing half-done stays behind."""
    await units.read(jurisdiction_id, partial(visible_permit, actor=actor, permit_id=permit_id))
    stored = await files.store(
        chunks,
        filename=filename[:200] or "document",
        accepted_types=ACCEPTED,
        max_bytes=max_bytes,
        metadata={"jurisdiction_id": jurisdiction_id, "permit_id": permit_id},
    )
    try:
        return await units.run(jurisdiction_id, partial(_attach, actor, permit_id, stored.as_doc()))
    except BaseException:
        await files.delete(stored.file_id)
        raise


async def _document_of(
    actor: Principal, permit_id: str, file_id: str, uow: PermitsUnitOfWork
) -> None:
    permit = await visible_permit(uow, actor, permit_id)
    if not permit.has_document(file_id):
        raise Missing("no such document")


async def open_document(
    units: PermitsUnits,
    files: DocumentStore,
    actor: Principal,
    jurisdiction_id: str,
    permit_id: str,
    file_id: str,
) -> Any:
    await units.read(jurisdiction_id, partial(_document_of, actor, permit_id, file_id))
    return await files.open(file_id, jurisdiction_id)
