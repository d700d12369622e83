"""Identity's HTTP routes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, status

from chassis.auth import CurrentUser, require_operator
from chassis.errors import Problem, Unprocessable, field_error
from identity import handlers
from identity.domain.model import JurisdictionFeatures
from identity.entrypoints.schemas import (
    Accepted,
    Activated,
    EnrollmentComplete,
    EnrollmentIn,
    EnrollmentView,
    JurisdictionIn,
    JurisdictionOut,
    Me,
    TokenResponse,
)
from identity.handlers import Identity

PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}}
    for code in (400, 401, 403, 404, 409, 413, 422)
}


def get_identity(request: Request) -> Identity:
    return request.app.state.identity  # type: ignore[no-any-return]


Idn = Annotated[Identity, Depends(get_identity)]

router = APIRouter(prefix="/v1", responses=PROBLEMS)


def _jurisdiction_out(doc: dict[str, Any]) -> JurisdictionOut:
    return JurisdictionOut(
        id=doc["_id"],
        name=doc["name"],
        time_zone=doc["time_zone"],
        features=doc.get("features", {}),
    )


@router.post(
    "/jurisdictions",
    status_code=status.HTTP_201_CREATED,
    response_model=JurisdictionOut,
    tags=["jurisdictions"],
    summary="Create a jurisdiction (hosting operator only)",
)
async def create_jurisdiction(body: JurisdictionIn, user: CurrentUser, idn: Idn) -> JurisdictionOut:
    require_operator(user)
    doc = await handlers.create_jurisdiction(
        idn,
        jurisdiction_id=body.id,
        name=body.name,
        time_zone=body.time_zone,
        features=JurisdictionFeatures(**body.features.model_dump()),
    )
    return _jurisdiction_out(doc)


@router.get(
    "/jurisdictions/{jurisdiction_id}",
    response_model=JurisdictionOut,
    tags=["jurisdictions"],
    summary="A jurisdiction's public profile",
)
async def get_jurisdiction(jurisdiction_id: str, idn: Idn) -> JurisdictionOut:
    return _jurisdiction_out(await handlers.get_jurisdiction(idn, jurisdiction_id))


@router.post(
    "/jurisdictions/{jurisdiction_id}/enrollments",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    tags=["enrollment"],
    summary="Ask for a confirmation link to enroll (R-ID-1)",
    description="Answers 202 whether or not the email already has an account (no enumeration).",
)
async def request_enrollment(jurisdiction_id: str, body: EnrollmentIn, idn: Idn) -> Accepted:
    await handlers.request_enrollment(
        idn, jurisdiction_id=jurisdiction_id, email=str(body.email), kind=body.kind
    )
    return Accepted(detail="If this address can be enrolled, a confirmation link is on its way.")


@router.get(
    "/enrollments/{token}",
    response_model=EnrollmentView,
    tags=["enrollment"],
    summary="What a confirmation link is for (does not use it up)",
)
async def describe_enrollment(token: str, idn: Idn) -> EnrollmentView:
    return EnrollmentView(**await handlers.describe_enrollment(idn, token))


@router.post(
    "/enrollments/{token}",
    status_code=status.HTTP_201_CREATED,
    response_model=Activated,
    tags=["enrollment"],
    summary="Complete an enrollment with profile and password",
)
async def complete_enrollment(token: str, body: EnrollmentComplete, idn: Idn) -> Activated:
    result = await handlers.complete_enrollment(
        idn, token=token, display_name=body.display_name, password=body.password, phone=body.phone
    )
    return Activated(
        account_id=result["account"]["_id"],
        membership_id=result["membership"]["_id"],
        jurisdiction_id=result["membership"]["jurisdiction_id"],
        kind=result["membership"]["kind"],
    )


@router.post(
    "/auth/token",
    response_model=TokenResponse,
    tags=["auth"],
    summary="OAuth2 token endpoint: password and refresh_token grants",
    description=(
        "Password grant: `username` (email), `password` and `jurisdiction` (omit only for "
        "hosting operators). The access token is scoped to that one jurisdiction."
    ),
)
async def token(
    idn: Idn,
    grant_type: Annotated[str, Form(pattern="^(password|refresh_token)$")] = "password",
    username: Annotated[str | None, Form(max_length=320)] = None,
    password: Annotated[str | None, Form(max_length=1024)] = None,
    jurisdiction: Annotated[str | None, Form(max_length=40)] = None,
    refresh_token: Annotated[str | None, Form(max_length=200)] = None,
) -> TokenResponse:
    if grant_type == "refresh_token":
        if not refresh_token:
            raise Unprocessable(
                "refresh_token is required", errors=[field_error("refresh_token", "required")]
            )
        return TokenResponse(**await handlers.refresh(idn, refresh_token=refresh_token))
    missing = [f for f, v in (("username", username), ("password", password)) if not v]
    if missing:
        raise Unprocessable(
            f"required: {', '.join(missing)}", errors=[field_error(f, "required") for f in missing]
        )
    assert username is not None and password is not None
    return TokenResponse(
        **await handlers.login(
            idn, email=username, password=password, jurisdiction_id=jurisdiction or None
        )
    )


@router.get("/me", response_model=Me, tags=["auth"], summary="The caller's account and membership")
async def me(user: CurrentUser, idn: Idn) -> Me:
    return Me(**await handlers.me(idn, user))


well_known = APIRouter(tags=["auth"])


@well_known.get("/.well-known/jwks.json", summary="Public keys that verify access tokens")
async def jwks(idn: Idn) -> dict[str, Any]:
    return idn.signer.jwks()
