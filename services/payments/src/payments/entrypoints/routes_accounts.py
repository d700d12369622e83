"""Routes: a jurisdiction's own merchant account (its admin, or the operator)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from chassis.api import Tenant
from chassis.errors import problem_responses
from payments.entrypoints.dependencies import App
from payments.entrypoints.schemas_accounts import MerchantAccountIn, MerchantAccountOut
from payments.service_layer import accounts

router = APIRouter(tags=["payments"], responses=problem_responses(400, 401, 403, 404, 409, 422))


@router.put(
    "/merchant-account",
    response_model=MerchantAccountOut,
    summary="Pay this jurisdiction's fees into its own merchant account (admin)",
)
async def put_account(
    jurisdiction_id: str, body: MerchantAccountIn, user: Tenant, app: App
) -> MerchantAccountOut:
    cmd = accounts.SetMerchantAccount(
        actor=user,
        jurisdiction_id=jurisdiction_id,
        provider=body.provider,
        api_key=body.api_key.get_secret_value().strip(),
        webhook_secret=body.webhook_secret.get_secret_value().strip(),
        label=body.label,
    )
    return MerchantAccountOut(**await accounts.set_account(app.service, cmd))


@router.get(
    "/merchant-account",
    response_model=MerchantAccountOut,
    summary="This jurisdiction's own merchant account (404: the installation's is used)",
)
async def get_account(jurisdiction_id: str, user: Tenant, app: App) -> MerchantAccountOut:
    return MerchantAccountOut(**await accounts.account_of(app.service, user, jurisdiction_id))


@router.delete(
    "/merchant-account",
    status_code=204,
    summary="Pay new payments into the installation's account again (admin)",
)
async def delete_account(jurisdiction_id: str, user: Tenant, app: App) -> Response:
    await accounts.remove_account(app.service, user, jurisdiction_id)
    return Response(status_code=204)
