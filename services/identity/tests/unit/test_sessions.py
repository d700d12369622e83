"""Who may log in (R-ID-1/2) and refresh-token rotation, as pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from identity.domain.sessions import LoginAttempt, RefreshToken

AT = datetime(2026, 3, 2, tzinfo=UTC)


def _attempt(**overrides: object) -> LoginAttempt:
    values: dict[str, object] = {
        "account_found": True,
        "operator": False,
        "jurisdiction_id": "alpha",
        "membership_status": "active",
        "password_ok": True,
        "pin_ok": False,
    }
    values.update(overrides)
    return LoginAttempt(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("overrides", "allowed"),
    [
        ({}, True),
        ({"account_found": False}, False),
        ({"password_ok": False}, False),
        ({"membership_status": None}, False),  # no membership in this jurisdiction
        ({"membership_status": "invited"}, False),  # invited: the link or a PIN first
        ({"membership_status": "disabled"}, False),
        ({"membership_status": "invited", "password_ok": False, "pin_ok": True}, True),
        ({"membership_status": "disabled", "password_ok": False, "pin_ok": True}, False),
        ({"jurisdiction_id": None}, False),  # the platform is for operators
        ({"jurisdiction_id": None, "operator": True}, True),
    ],
)
def test_r_id_1_2_who_may_log_in(overrides: dict[str, object], allowed: bool) -> None:
    assert _attempt(**overrides).allowed is allowed


def test_a_refresh_token_lives_until_it_expires_is_revoked_or_outlived() -> None:
    token = RefreshToken.new(
        token_hash="h", account_id="a", account_version=2, at=AT, lifetime=timedelta(days=30)
    )
    assert token.live(AT) and not token.live(AT + timedelta(days=30))
    assert not token.reused and not token.outlived(2)
    assert token.outlived(3)  # the password changed since: every session ended
    token.used_at = AT
    assert token.reused  # rotated, then presented again
    token.revoked = True
    assert not token.live(AT)


def test_a_rotation_stays_in_its_family() -> None:
    first = RefreshToken.new(
        token_hash="h1", account_id="a", account_version=0, at=AT, lifetime=timedelta(days=1)
    )
    second = RefreshToken.new(
        token_hash="h2",
        account_id="a",
        account_version=0,
        at=AT,
        lifetime=timedelta(days=1),
        family_id=first.family_id,
    )
    assert second.family_id == first.family_id and second.id != first.id
