"""The caller's own account (R-ID-5)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from chassis.problems import as_problem
from identity.domain.errors import PasswordRefused
from identity.entrypoints.dependencies import PROBLEMS, CallerDep, SetupPrincipal, Units
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
from identity.service_layer.commands import (
    ChangePassword,
    ChangeSecurityQuestion,
    CompleteSetup,
    LoadCaller,
    ShowMe,
    UpdateProfile,
    by,
)

router = APIRouter(prefix="/v1/me", tags=["me"], responses=PROBLEMS)


@router.get("", response_model=Me, summary="The caller's account and membership")
async def me(caller: CallerDep, units: Units) -> Me:
    return Me(**await units.ask(ShowMe(**by(caller)), tokens.me))


@router.patch("", response_model=Me, summary="Edit own profile")
async def update_me(body: ProfilePatch, caller: CallerDep, units: Units) -> Me:
    await units.handle(UpdateProfile(**by(caller), fields=body.changes()), profile.update_profile)
    now = await units.ask(LoadCaller(principal=caller.principal), tokens.load_caller)
    return Me(**await units.ask(ShowMe(**by(now)), tokens.me))


@router.get(
    "/memberships",
    response_model=list[MembershipSummary],
    summary="Every jurisdiction this login belongs to",
)
async def memberships(caller: CallerDep, units: Units) -> list[MembershipSummary]:
    found = await units.ask(ShowMe(**by(caller)), tokens.memberships)
    return [MembershipSummary(**m) for m in found]


@router.post(
    "/password",
    response_model=TokenResponse,
    summary="Change password (needs the current one); other sessions end",
)
async def change_password(body: PasswordChange, caller: CallerDep, units: Units) -> TokenResponse:
    cmd = ChangePassword(
        **by(caller), current_password=body.current_password, new_password=body.new_password
    )
    try:
        return TokenResponse(**await units.handle(cmd, profile.change_password))
    except PasswordRefused as refused:  # this body names the new one new_password
        raise as_problem(refused, part="new_password") from refused


@router.put(
    "/security-question",
    status_code=204,
    summary="Change the security question (needs the current answer)",
)
async def change_security_question(
    body: SecurityQuestionChange, caller: CallerDep, units: Units
) -> Response:
    cmd = ChangeSecurityQuestion(
        **by(caller), current_answer=body.current_answer, question=body.question, answer=body.answer
    )
    await units.handle(cmd, profile.change_security_question)
    return Response(status_code=204)


@router.post(
    "/setup",
    response_model=TokenResponse,
    summary="First login with a PIN: set password and security question (R-ID-2)",
    description="Takes the setup token from a PIN login; afterwards the PIN is dead.",
)
async def setup(body: FirstLoginSetup, principal: SetupPrincipal, units: Units) -> TokenResponse:
    cmd = CompleteSetup(
        principal=principal,
        new_password=body.new_password,
        security_question=body.security_question,
        security_answer=body.security_answer,
    )
    try:
        return TokenResponse(**await units.handle(cmd, users.complete_setup))
    except PasswordRefused as refused:  # this body names the new one new_password
        raise as_problem(refused, part="new_password") from refused
