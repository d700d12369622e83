"""Enrollment, invitations, password resets and tokens: the routes without a session."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Response

from chassis.errors import Unprocessable, field_error
from identity.entrypoints.dependencies import PROBLEMS, ClientAddress, Idn
from identity.entrypoints.schemas import (
    Accepted,
    Activated,
    EnrollmentComplete,
    EnrollmentIn,
    EnrollmentView,
    InvitationAccept,
    InvitationView,
    ResetComplete,
    ResetRequest,
    ResetView,
    TokenResponse,
)
from identity.entrypoints.schemas_admin import (
    UserOut,
    user_out,
)
from identity.service_layer import Identity, enrollment, invitations, resets, tokens

router = APIRouter(prefix="/v1", responses=PROBLEMS)


def _after_the_answer(idn: Identity, after: BackgroundTasks, request_id: str) -> None:
    """The request's work runs once its 202 is sent: the answer takes the same
    time whether or not the email is known (chassis.deferred)."""
    assert idn.runtime.deferred is not None
    after.add_task(idn.runtime.deferred.process, request_id)


@router.post(
    "/jurisdictions/{jurisdiction_id}/enrollments",
    status_code=202,
    response_model=Accepted,
    tags=["enrollment"],
    summary="Ask for a confirmation link to enroll (R-ID-1)",
    description="Answers 202 whether or not the email already has an account.",
)
async def request_enrollment(
    jurisdiction_id: str, body: EnrollmentIn, idn: Idn, after: BackgroundTasks
) -> Accepted:
    request_id = await enrollment.request_enrollment(
        idn, jurisdiction_id=jurisdiction_id, email=str(body.email), kind=body.kind
    )
    _after_the_answer(idn, after, request_id)
    return Accepted(detail="If this address can be enrolled, a confirmation link is on its way.")


@router.get(
    "/enrollments/{token}",
    response_model=EnrollmentView,
    tags=["enrollment"],
    summary="What a confirmation link is for (does not use it up)",
)
async def describe_enrollment(token: str, idn: Idn) -> EnrollmentView:
    return EnrollmentView(**await enrollment.describe_enrollment(idn, token))


@router.post(
    "/enrollments/{token}",
    status_code=201,
    response_model=Activated,
    tags=["enrollment"],
    summary="Complete an enrollment with profile and password",
)
async def complete_enrollment(token: str, body: EnrollmentComplete, idn: Idn) -> Activated:
    result = await enrollment.complete_enrollment(
        idn, token=token, display_name=body.display_name, password=body.password, phone=body.phone
    )
    return Activated(
        account_id=result["account_id"],
        membership_id=result["membership"]["_id"],
        jurisdiction_id=result["membership"]["jurisdiction_id"],
        kind=result["membership"]["kind"],
    )


@router.get(
    "/invitations/{token}",
    response_model=InvitationView,
    tags=["invitations"],
    summary="What an invitation link is for (does not use it up)",
)
async def describe_invitation(token: str, idn: Idn) -> InvitationView:
    return InvitationView(**await invitations.describe_invitation(idn, token))


@router.post(
    "/invitations/{token}",
    response_model=UserOut,
    tags=["invitations"],
    summary="Accept an invitation: set a password (or give the existing one)",
)
async def accept_invitation(token: str, body: InvitationAccept, idn: Idn) -> UserOut:
    membership = await invitations.accept_invitation(
        idn,
        token=token,
        password=body.password,
        display_name=body.display_name,
        security_question=body.security_question,
        security_answer=body.security_answer,
    )
    return UserOut(**user_out(membership))


@router.post(
    "/jurisdictions/{jurisdiction_id}/password-resets",
    status_code=202,
    response_model=Accepted,
    tags=["password reset"],
    summary="Forgot password, by email or contractor license / AEC number (R-ID-4)",
    description="Answers 202 whether or not anything matched.",
)
async def request_reset(
    jurisdiction_id: str, body: ResetRequest, idn: Idn, after: BackgroundTasks
) -> Accepted:
    if bool(body.email) == bool(body.license_number):
        msg = "give either email or license_number"
        raise Unprocessable(
            msg, errors=[field_error("email", msg), field_error("license_number", msg)]
        )
    request_id = await resets.request_reset(
        idn,
        jurisdiction_id=jurisdiction_id,
        email=str(body.email) if body.email else None,
        license_number=body.license_number,
    )
    _after_the_answer(idn, after, request_id)
    return Accepted(detail="If this matches an account, a reset link is on its way.")


@router.get(
    "/password-resets/{token}",
    response_model=ResetView,
    tags=["password reset"],
    summary="What a reset link is for; the security question if one is required",
)
async def describe_reset(token: str, idn: Idn) -> ResetView:
    return ResetView(**await resets.describe_reset(idn, token))


@router.post(
    "/password-resets/{token}",
    status_code=204,
    tags=["password reset"],
    summary="Set a new password; every session of the account ends",
)
async def complete_reset(token: str, body: ResetComplete, idn: Idn) -> Response:
    await resets.complete_reset(
        idn, token=token, password=body.password, security_answer=body.security_answer
    )
    return Response(status_code=204)


@router.post(
    "/auth/token",
    response_model=TokenResponse,
    tags=["auth"],
    summary="OAuth2 token endpoint: password and refresh_token grants",
    description=(
        "Password grant: `username` (email), `password` (or a staff-issued PIN at the first "
        "login) and `jurisdiction` (omit only for hosting operators). Refresh grant: "
        "`refresh_token`, and optionally `jurisdiction` to exchange it for a token of another "
        "jurisdiction the account is a member of. Repeated failures are throttled (429)."
    ),
)
async def token(
    idn: Idn,
    client: ClientAddress,
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
        return TokenResponse(
            **await tokens.refresh(
                idn, refresh_token=refresh_token, jurisdiction_id=jurisdiction or None
            )
        )
    missing = [f for f, v in (("username", username), ("password", password)) if not v]
    if missing:
        raise Unprocessable(
            f"required: {', '.join(missing)}", errors=[field_error(f, "required") for f in missing]
        )
    assert username is not None and password is not None
    return TokenResponse(
        **await tokens.login(
            idn,
            email=username,
            password=password,
            jurisdiction_id=jurisdiction or None,
            client=client,
        )
    )


@router.post(
    "/auth/logout",
    status_code=204,
    tags=["auth"],
    summary="Revoke a refresh token and its whole family",
)
async def logout(idn: Idn, refresh_token: Annotated[str, Form(max_length=200)]) -> Response:
    await tokens.logout(idn, refresh_token=refresh_token)
    return Response(status_code=204)
