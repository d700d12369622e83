"""Service-to-service routes (not routed by the gateway; shared-secret header)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Header
from pydantic import BaseModel, EmailStr, Field

from chassis.errors import NotFound
from identity.entrypoints.dependencies import PROBLEMS, Settings, Units
from identity.service_layer import registrants
from identity.service_layer.commands import EnsureRegistrant

router = APIRouter(prefix="/internal/v1", tags=["internal"], responses=PROBLEMS)


class RegistrantIn(BaseModel):
    email: EmailStr
    display_name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1024)


class RegistrantOut(BaseModel):
    account_id: str
    membership_id: str


def _check(settings: Settings, token: str | None) -> None:
    expected = settings.internal_token
    if (
        expected is None
        or token is None
        or not hmac.compare_digest(token.encode(), expected.get_secret_value().encode())
    ):
        raise NotFound("not found")  # internal routes do not exist for outsiders


@router.post(
    "/jurisdictions/{jurisdiction_id}/registrants",
    response_model=RegistrantOut,
    summary="Create or check a registrant's login (the registration service)",
)
async def ensure_registrant(
    jurisdiction_id: str,
    body: RegistrantIn,
    units: Units,
    settings: Settings,
    x_internal_token: Annotated[str | None, Header()] = None,
) -> RegistrantOut:
    _check(settings, x_internal_token)
    cmd = EnsureRegistrant(
        jurisdiction_id=jurisdiction_id,
        email=str(body.email),
        display_name=body.display_name,
        password=body.password,
    )
    return RegistrantOut(**await units.handle(cmd, registrants.ensure_registrant))
