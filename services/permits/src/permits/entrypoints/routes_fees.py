"""Routes: fee assessment and voiding (R-PAY-1)."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter

from chassis.api import Tenant
from chassis.errors import problem_responses
from chassis.money import amount_text
from chassis.problems import as_problem, at_index
from permits.domain.errors import PermitRefused
from permits.entrypoints.dependencies import App, AssessCall, VoidCall
from permits.entrypoints.schemas import (
    AssessIn,
    FeeQuoteOut,
    PermitOut,
    QuotedLineOut,
    VoidIn,
    permit_doc,
    permit_out,
)
from permits.service_layer import fees
from permits.service_layer.commands import AssessFees, VoidFee

router = APIRouter(tags=["fees"], responses=problem_responses(400, 401, 403, 404, 409, 422))


@router.post(
    "/permits/{permit_id}/fees",
    response_model=PermitOut,
    summary="Assess fees from the schedule or manual lines (R-PAY-1)",
)
async def assess(
    jurisdiction_id: str,
    permit_id: str,
    body: AssessIn,
    user: Tenant,
    app: App,
    call: AssessCall,
) -> PermitOut:
    cmd = AssessFees(
        jurisdiction_id=jurisdiction_id,
        actor=user,
        permit_id=permit_id,
        items=[(i.code, Decimal(i.quantity or "0")) for i in body.items],
        manual=[(m.name, Decimal(m.amount), m.reason) for m in body.manual],
    )
    try:
        assessed = await call.run(
            lambda: app.units.handle(cmd, fees.assess_fees), render=permit_doc
        )
        return permit_out(assessed)
    except PermitRefused as refused:  # one of the body's items
        raise as_problem(refused, at_index("items", refused)) from refused


@router.post(
    "/permits/{permit_id}/fee-quote",
    response_model=FeeQuoteOut,
    summary="The lines an assessment would add, priced now; nothing is saved",
    description="The same body as assessing. The staff console shows these before saving.",
)
async def quote(
    jurisdiction_id: str, permit_id: str, body: AssessIn, user: Tenant, app: App
) -> FeeQuoteOut:
    cmd = AssessFees(
        jurisdiction_id=jurisdiction_id,
        actor=user,
        permit_id=permit_id,
        items=[(i.code, Decimal(i.quantity or "0")) for i in body.items],
        manual=[(m.name, Decimal(m.amount), m.reason) for m in body.manual],
    )
    try:
        lines = await app.units.read(jurisdiction_id, lambda uow: fees.quote_fees(cmd, uow))
    except PermitRefused as refused:
        raise as_problem(refused, at_index("items", refused)) from refused
    total = sum(ln.amount_minor for ln in lines)
    return FeeQuoteOut(
        lines=[
            QuotedLineOut(
                code=ln.code, name=ln.name, amount=amount_text(ln.amount_minor), reason=ln.reason
            )
            for ln in lines
        ],
        total=amount_text(total),
    )


@router.post(
    "/permits/{permit_id}/fees/{line_id}/void",
    response_model=PermitOut,
    summary="Void an open fee line, with a reason",
)
async def void(
    jurisdiction_id: str,
    permit_id: str,
    line_id: str,
    body: VoidIn,
    user: Tenant,
    app: App,
    call: VoidCall,
) -> PermitOut:
    cmd = VoidFee(
        jurisdiction_id=jurisdiction_id,
        actor=user,
        permit_id=permit_id,
        line_id=line_id,
        reason=body.reason,
    )
    voided = await call.run(lambda: app.units.handle(cmd, fees.void_fee), render=permit_doc)
    return permit_out(voided)
