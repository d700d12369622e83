"""R-ID-3/4 through identity's token and reset handlers on the fakes: login
and its throttle, refresh rotation and reuse detection, password resets."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chassis.refusals import Missing, NotAuthenticated
from contracts.identity import PasswordChanged
from identity.domain import secrets
from identity.domain.reset import PasswordReset
from identity.service_layer import resets, tokens
from identity.service_layer.commands import CompleteReset, Login, Refresh
from identity.service_layer.throttling import TooManyAttempts

from .conftest import AT, JID, World
from .fakes import settings

PASSWORD = "kim's long passphrase"


def _login(password: str = PASSWORD, client: str = "203.0.113.9") -> Login:
    return Login(email="KIM@example.org", password=password, jurisdiction=JID, client=client)


@pytest.fixture
def kim(world: World) -> World:
    world.staff(world.account("kim@example.org", PASSWORD), "inspector")
    return world


async def test_r_id_3_a_login_grants_tokens_of_the_membership(kim: World) -> None:
    granted = await kim.units.ask(_login(), tokens.login)
    assert (
        granted["access_token"].startswith("access:")
        and ":alpha:staff:inspector" in (granted["access_token"])
    )
    assert granted["jurisdiction_id"] == JID and granted["refresh_token"].startswith(f"{JID}.")


async def test_r_id_3_failures_are_counted_though_the_answer_is_401_and_then_throttled(
    kim: World,
) -> None:
    """Each refusal is a 401 (or a 429 with the wait); the counts stand
    although nothing of a refused login commits, until the pair is locked out."""
    tries = 0
    while "login_lockout" not in kim.audit():
        tries += 1
        assert tries < 40, "never locked out"
        try:
            await kim.units.ask(_login("wrong"), tokens.login)
        except NotAuthenticated:
            continue
        except TooManyAttempts as delayed:  # a growing delay between failures
            kim.uow.clock.advance(timedelta(seconds=delayed.retry_after))
    assert tries >= settings().login_lockout_after
    with pytest.raises(TooManyAttempts):
        await kim.units.ask(_login(), tokens.login)  # even the right password, for now
    kim.uow.clock.advance(timedelta(minutes=settings().login_lockout_minutes))
    assert (await kim.units.ask(_login(), tokens.login))["token_type"] == "bearer"


async def test_unknown_account_and_wrong_password_look_the_same(kim: World) -> None:
    with pytest.raises(NotAuthenticated) as unknown:
        await kim.units.ask(
            Login(email="nobody@example.org", password=PASSWORD, jurisdiction=JID, client=None),
            tokens.login,
        )
    with pytest.raises(NotAuthenticated) as wrong:
        await kim.units.ask(_login("wrong"), tokens.login)
    assert (unknown.value.message, unknown.value.code) == (wrong.value.message, wrong.value.code)


async def test_r_id_3_a_refresh_rotates_and_a_reused_token_ends_its_family(kim: World) -> None:
    first = (await kim.units.ask(_login(), tokens.login))["refresh_token"]
    second = await kim.units.handle(Refresh(token=first), tokens.refresh)
    assert second is not None and second["refresh_token"] != first
    assert await kim.units.handle(Refresh(token=first), tokens.refresh) is None  # reused
    assert "refresh_token_reuse" in kim.audit()
    # the thief's reuse ended the rightful holder's session too
    assert await kim.units.handle(Refresh(token=second["refresh_token"]), tokens.refresh) is None
    assert await kim.units.handle(Refresh(token="no-scope"), tokens.refresh) is None


async def test_r_id_3_a_refresh_may_exchange_for_another_membership_only(kim: World) -> None:
    refresh_token = (await kim.units.ask(_login(), tokens.login))["refresh_token"]
    elsewhere = Refresh(token=refresh_token, to_jurisdiction="beta")
    assert await kim.units.handle(elsewhere, tokens.refresh) is None  # no membership there


def _reset(world: World, account_id: str) -> str:
    token = secrets.new_scoped_token(JID)
    reset = PasswordReset.request(
        jurisdiction_id=JID,
        jurisdiction_name="Alpha",
        account_id=account_id,
        email="kim@example.org",
        token=token,
        token_hash=secrets.token_hash(token),
        at=AT,
        expires_at=AT + timedelta(minutes=30),
    )
    world.store("password_resets")[reset.id] = {**reset.__dict__, "_id": reset.id}
    return token


async def test_r_id_4_a_reset_sets_the_password_ends_sessions_and_is_single_use(
    world: World,
) -> None:
    account = world.account("kim@example.org", PASSWORD)
    world.staff(account, "inspector")
    token = _reset(world, account.id)
    await world.units.handle(
        CompleteReset(token=token, password="a brand new passphrase", security_answer=None),
        resets.complete_reset,
    )
    stored = world.store("accounts")[account.id]
    assert secrets.verify_password(stored["password_hash"], "a brand new passphrase")
    assert stored["token_version"] == account.token_version + 1  # every session ends
    assert [e.how for e in world.uow.published(PasswordChanged)] == ["reset"]
    with pytest.raises(Missing):
        await world.units.handle(
            CompleteReset(token=token, password="yet another passphrase", security_answer=None),
            resets.complete_reset,
        )


async def test_r_id_4_a_wrong_security_answer_changes_nothing(world: World) -> None:
    account = world.account(
        "kim@example.org",
        PASSWORD,
        security_question="First street?",
        security_answer_hash=secrets.hash_password("main st"),
    )
    world.staff(account, "inspector")
    world.store("jurisdictions")[JID]["reset_requires_security_answer"] = True
    token = _reset(world, account.id)
    with pytest.raises(resets.WrongAnswer) as wrong:
        await world.units.handle(
            CompleteReset(token=token, password="a brand new passphrase", security_answer="elm"),
            resets.complete_reset,
        )
    assert wrong.value.account_id == account.id
    stored = world.store("accounts")[account.id]
    assert secrets.verify_password(stored["password_hash"], PASSWORD)
