"""Enrollment, invitations, password resets and tokens: the routes without a session."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Response

from chassis.errors import Unauthorized, Unprocessable, field_error
from identity.entrypoints.dependencies import (
    PROBLEMS,
    BasicCredentials,
    ClientAddress,
    Later,
    Units,
)
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
from identity.service_layer import api_clients, enrollment, invitations, resets, tokens
from identity.service_layer.client_commands import (
    ClientCredentials,
)
from identity.service_layer.commands import (
    AcceptInvitation,
    CompleteEnrollment,
    CompleteReset,
    CountWrongAnswer,
    DescribeLink,
    Login,
    Logout,
    Refresh,
    RequestEnrollment,
    RequestReset,
)

router = APIRouter(prefix="/v1", responses=PROBLEMS)


@router.post(
    "/jurisdictions/{jurisdiction_id}/enrollments",
    status_code=202,
    response_model=Accepted,
    tags=["enrollment"],
    summary="Ask for a confirmation link to enroll (R-ID-1)",
    description="Answers 202 whether or not the email already has an account.",
)
async def request_enrollment(
    jurisdiction_id: str, body: EnrollmentIn, units: Units, later: Later
) -> Accepted:
    cmd = RequestEnrollment(jurisdiction_id=jurisdiction_id, email=str(body.email), kind=body.kind)
    later.run(await units.ask(cmd, enrollment.request_enrollment))
    return Accepted(detail="If this address can be enrolled, a confirmation link is on its way.")


@router.get(
    "/enrollments/{token}",
    response_model=EnrollmentView,
    tags=["enrollment"],
    summary="What a confirmation link is for (does not use it up)",
)
async def describe_enrollment(token: str, units: Units) -> EnrollmentView:
    return EnrollmentView(
        **await units.ask(DescribeLink(token=token), enrollment.describe_enrollment)
    )


@router.post(
    "/enrollments/{token}",
    status_code=201,
    response_model=Activated,
    tags=["enrollment"],
    summary="Complete an enrollment with profile and password",
)
async def complete_enrollment(token: str, body: EnrollmentComplete, units: Units) -> Activated:
    cmd = CompleteEnrollment(
        token=token, display_name=body.display_name, password=body.password, phone=body.phone
    )
    result = await units.handle(cmd, enrollment.complete_enrollment)
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
async def describe_invitation(token: str, units: Units) -> InvitationView:
    query = DescribeLink(token=token)
    return InvitationView(**await units.ask(query, invitations.describe_invitation))


@router.post(
    "/invitations/{token}",
    response_model=UserOut,
    tags=["invitations"],
    summary="Accept an invitation: set a password (or give the existing one)",
)
async def accept_invitation(token: str, body: InvitationAccept, units: Units) -> UserOut:
    cmd = AcceptInvitation(
        token=token,
        password=body.password,
        display_name=body.display_name,
        security_question=body.security_question,
        security_answer=body.security_answer,
    )
    return UserOut(**user_out(await units.handle(cmd, invitations.accept_invitation)))


@router.post(
    "/jurisdictions/{jurisdiction_id}/password-resets",
    status_code=202,
    response_model=Accepted,
    tags=["password reset"],
    summary="Forgot password, by email or contractor license / AEC number (R-ID-4)",
    description="Answers 202 whether or not anything matched.",
)
async def request_reset(
    jurisdiction_id: str, body: ResetRequest, units: Units, later: Later
) -> Accepted:
    if bool(body.email) == bool(body.license_number):
        msg = "give either email or license_number"
        raise Unprocessable(
            msg, errors=[field_error("email", msg), field_error("license_number", msg)]
        )
    cmd = RequestReset(
        jurisdiction_id=jurisdiction_id,
        email=str(body.email) if body.email else None,
        license_number=body.license_number,
    )
    later.run(await units.ask(cmd, resets.request_reset))
    return Accepted(detail="If this matches an account, a reset link is on its way.")


@router.get(
    "/password-resets/{token}",
    response_model=ResetView,
    tags=["password reset"],
    summary="What a reset link is for; the security question if one is required",
)
async def describe_reset(token: str, units: Units) -> ResetView:
    return ResetView(**await units.ask(DescribeLink(token=token), resets.describe_reset))


@router.post(
    "/password-resets/{token}",
    status_code=204,
    tags=["password reset"],
    summary="Set a new password; every session of the account ends",
)
async def complete_reset(token: str, body: ResetComplete, units: Units) -> Response:
    cmd = CompleteReset(token=token, password=body.password, security_answer=body.security_answer)
    try:
        await units.handle(cmd, resets.complete_reset)
    except resets.WrongAnswer as wrong:  # counted against the link, in its own transaction
        count = CountWrongAnswer(token=token, account_id=wrong.account_id)
        await units.handle(count, resets.count_wrong_answer)
        raise Unprocessable(
            wrong.message, errors=[field_error(wrong.field, wrong.message)]
        ) from None
    return Response(status_code=204)


@router.post(
    "/auth/token",
    response_model=TokenResponse,
    tags=["auth"],
    summary="OAuth2 token endpoint: password, refresh_token and client_credentials grants",
    description=(
        "Password grant: `username` (email), `password` (or a staff-issued PIN at the first "
        "login) and `jurisdiction` (omit only for hosting operators). Refresh grant: "
        "`refresh_token`, and optionally `jurisdiction` to exchange it for a token of another "
        "jurisdiction the account is a member of. Repeated failures are throttled (429). "
        "Client credentials grant (an API client, RFC 6749 §4.4): `client_id` and "
        "`client_secret` in the body or as HTTP Basic, and optionally `scope` (some of the "
        "client's scopes, space-separated); no refresh token: ask again when it expires."
    ),
)
async def token(
    units: Units,
    client: ClientAddress,
    basic: BasicCredentials,
    grant_type: Annotated[
        str, Form(pattern="^(password|refresh_token|client_credentials)$")
    ] = "password",
    username: Annotated[str | None, Form(max_length=320)] = None,
    password: Annotated[str | None, Form(max_length=1024)] = None,
    jurisdiction: Annotated[str | None, Form(max_length=40)] = None,
    refresh_token: Annotated[str | None, Form(max_length=200)] = None,
    client_id: Annotated[str | None, Form(max_length=120)] = None,
    client_secret: Annotated[str | None, Form(max_length=200)] = None,
    scope: Annotated[str | None, Form(max_length=1000)] = None,
) -> TokenResponse:
    if grant_type == "client_credentials":
        client_id, client_secret = basic or (client_id, client_secret)
        given = {"client_id": client_id, "client_secret": client_secret}
        _required(*(f for f, v in given.items() if not v))
        assert client_id is not None and client_secret is not None
        cmd = ClientCredentials(client_id=client_id, client_secret=client_secret, scope=scope)
        return TokenResponse(**await units.ask(cmd, api_clients.grant))
    if grant_type == "refresh_token":
        if not refresh_token:
            raise Unprocessable(
                "refresh_token is required", errors=[field_error("refresh_token", "required")]
            )
        exchange = Refresh(token=refresh_token, to_jurisdiction=jurisdiction or None)
        granted = await units.handle(exchange, tokens.refresh)
        if granted is None:
            raise Unauthorized(tokens.INVALID_REFRESH, slug="invalid-grant")
        return TokenResponse(**granted)
    _required(*(f for f, v in (("username", username), ("password", password)) if not v))
    assert username is not None and password is not None
    login = Login(
        email=username, password=password, jurisdiction=jurisdiction or None, client=client
    )
    return TokenResponse(**await units.ask(login, tokens.login))


def _required(*missing: str) -> None:
    if missing:
        raise Unprocessable(
            f"required: {', '.join(missing)}", errors=[field_error(f, "required") for f in missing]
        )


@router.post(
    "/auth/logout",
    status_code=204,
    tags=["auth"],
    summary="Revoke a refresh token and its whole family",
)
async def logout(units: Units, refresh_token: Annotated[str, Form(max_length=200)]) -> Response:
    await units.handle(Logout(token=refresh_token), tokens.logout)
    return Response(status_code=204)
