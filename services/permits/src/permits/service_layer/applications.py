"""Permit types and applications with gap-free numbers (R-PER-1)."""

from __future__ import annotations

from functools import partial

from chassis.access import require_staff
from chassis.changes import changed_keys
from chassis.clock import local_time
from chassis.principal import Principal
from contracts.permits import PermitsConfigurationChanged
from permits.domain.access_codes import new_access_code
from permits.domain.applying import applying_companies
from permits.domain.errors import NumberFormatRefused, UnknownPermitType
from permits.domain.permit import Doc, Permit
from permits.domain.permit_type import PermitType
from permits.service_layer.access import visible_permit
from permits.service_layer.commands import Apply, PutPermitType
from permits.service_layer.unit_of_work import PermitsUnitOfWork, PermitsUnits


async def put_permit_type(cmd: PutPermitType, uow: PermitsUnitOfWork) -> Doc:
    require_staff(cmd.actor, uow.jurisdiction_id, "admin")
    try:
        new = PermitType.from_doc({**cmd.body, "code": cmd.code})
    except ValueError as exc:
        raise NumberFormatRefused(str(exc)) from exc
    for other in await uow.permit_types.all():
        if new.numbers_like(other):
            msg = f"type {other.code} already numbers {other.number_format.pattern}"
            raise NumberFormatRefused(msg)
    before = next(
        (d for d in await uow.permit_types.documents() if d.get("code") == cmd.code), None
    )
    after = await uow.permit_types.put(cmd.code, cmd.body)
    uow.emit(  # the jurisdiction's audit trail
        PermitsConfigurationChanged(
            jurisdiction_id=uow.jurisdiction_id,
            what=f"permit type {cmd.code}",
            changed_by=cmd.actor.account_id,
            changed=changed_keys(before, after),
        )
    )
    return after


def _companies(cmd: Apply, uow: PermitsUnitOfWork) -> list[str]:
    return applying_companies(
        cmd.actor,
        uow.jurisdiction_id,
        cmd.company_ids,
        applicant_email=cmd.applicant.get("email"),
        owner_email=(cmd.owner or {}).get("email"),
    )


async def _numbering(cmd: Apply, uow: PermitsUnitOfWork) -> tuple[PermitType, int, int]:
    """The type, the local year and the year its counter runs in (0: never resets)."""
    permit_type = await uow.permit_types.get(cmd.type_code)
    if permit_type is None:
        raise UnknownPermitType(cmd.type_code)
    year = local_time(uow.now, await uow.jurisdictions.time_zone()).year
    return permit_type, year, year if permit_type.number_format.yearly else 0


async def _prepare(cmd: Apply, uow: PermitsUnitOfWork) -> None:
    _companies(cmd, uow)
    permit_type, _, counter_year = await _numbering(cmd, uow)
    await uow.counters.ensure(permit_type.code, counter_year)


async def _apply(cmd: Apply, uow: PermitsUnitOfWork) -> Permit:
    companies = _companies(cmd, uow)
    permit_type, year, counter_year = await _numbering(cmd, uow)
    seq = await uow.counters.next(permit_type.code, counter_year)
    permit = Permit.apply(
        jurisdiction_id=uow.jurisdiction_id,
        number=permit_type.number_format.render(year, seq),
        permit_type=permit_type,
        site=cmd.site,
        applicant=cmd.applicant,
        owner=cmd.owner,
        company_ids=companies,
        description=cmd.description,
        valuation=cmd.valuation,
        access_code=new_access_code(),
        at=uow.now,
        by=cmd.actor.account_id,
    )
    await uow.permits.add(permit)
    return permit


async def apply(cmd: Apply, units: PermitsUnits) -> Permit:
    """The counter is created before the transaction, the number taken in it."""
    await units.read(cmd.jurisdiction_id, partial(_prepare, cmd))
    return await units.run(cmd.jurisdiction_id, partial(_apply, cmd))


async def get_permit(actor: Principal, permit_id: str, uow: PermitsUnitOfWork) -> Permit:
    return await visible_permit(uow, actor, permit_id)
