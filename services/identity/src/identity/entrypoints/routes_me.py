"""The caller's own account (R-ID-5)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from identity.entrypoints.dependencies import PROBLEMS, CallerDep, Idn, SetupPrincipal
from identity.entrypoints.schemas import (
    FirstLoginSetup,
    Me,
    MembershipSummary,
    PasswordChange,
    ProfilePatch,
    SecurityQuestionChange,
    TokenResponse,
)
from identity.service_layer import profile, tokens, users

router = APIRouter(prefix="/v1/me", tags=["me"], responses=PROBLEMS)


@router.get("", response_model=Me, summary="The caller's account and membership")
async def me(caller: CallerDep, idn: Idn) -> Me:
    return Me(**await tokens.me(idn, caller))


@router.patch("", response_model=Me, summary="Edit own profile")
async def update_me(body: ProfilePatch, caller: CallerDep, idn: Idn) -> Me:
    await profile.update_profile(idn, caller, body.changes())
    return Me(**await tokens.me(idn, await tokens.load_caller(idn, caller.principal)))


@router.get(
    "/memberships",
    response_model=list[MembershipSummary],
    summary="Every jurisdiction this login belongs to",
)
async def memberships(caller: CallerDep, idn: Idn) -> list[MembershipSummary]:
    return [MembershipSummary(**m) for m in await tokens.memberships(idn, caller)]


@router.post(
    "/password",
    response_model=TokenResponse,
    summary="Change password (needs the current one); other sessions end",
)
async def change_password(body: PasswordChange, caller: CallerDep, idn: Idn) -> TokenResponse:
    return TokenResponse(
        **await profile.change_password(
            idn, caller, current_password=body.current_password, new_password=body.new_password
        )
    )


@router.put(
    "/security-question",
    status_code=204,
    summary="Change the security question (needs the current answer)",
)
async def change_security_question(
    body: SecurityQuestionChange, caller: CallerDep, idn: Idn
) -> Response:
    await profile.change_security_question(
        idn, caller, current_answer=body.current_answer, question=body.question, answer=body.answer
    )
    return Response(status_code=204)


@router.post(
    "/setup",
    response_model=TokenResponse,
    summary="First login with a PIN: set password and security question (R-ID-2)",
    description="Takes the setup token from a PIN login; afterwards the PIN is dead.",
)
async def setup(body: FirstLoginSetup, principal: SetupPrincipal, idn: Idn) -> TokenResponse:
    return TokenResponse(
        **await users.complete_setup(
            idn,
            principal,
            new_password=body.new_password,
            security_question=body.security_question,
            security_answer=body.security_answer,
        )
    )
