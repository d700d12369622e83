"""Identity rules with no I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from identity.adapters import secrets
from identity.adapters.jwt_keys import generate_private_key_pem
from identity.domain.model import JurisdictionFeatures, normalize_email
from identity.domain.passwords import DEFAULT_POLICY, PasswordRejected
from identity.settings import IdentitySettings


def test_accounts_are_one_per_email_case_insensitive() -> None:
    assert normalize_email("  Pat@Example.ORG ") == "pat@example.org"


def test_enrollment_kinds_follow_the_feature_flags() -> None:
    """R-ID-1 / R-REG-1: self-enrollment and contractor self-registration are options."""
    default = JurisdictionFeatures()
    assert default.allows_enrollment("community_member")
    assert not default.allows_enrollment("contractor")
    closed = JurisdictionFeatures(public_self_enrollment=False, contractor_self_registration=True)
    assert not closed.allows_enrollment("community_member")
    assert closed.allows_enrollment("contractor")


@pytest.mark.parametrize(
    ("password", "rule"),
    [("short", "min_length"), ("x" * 129, "max_length"), ("pat@example.org", "not_email")],
)
def test_default_password_policy_names_the_rule_broken(password: str, rule: str) -> None:
    """R-ID-3 (ASVS default): length 8-128, not the email."""
    with pytest.raises(PasswordRejected) as err:
        DEFAULT_POLICY.check(password, email="pat@example.org")
    assert err.value.rule == rule


def test_long_passphrases_without_composition_rules_pass() -> None:
    DEFAULT_POLICY.check("correct horse battery staple", email="pat@example.org")


def test_scoped_tokens_carry_their_jurisdiction_and_are_stored_hashed() -> None:
    token = secrets.new_scoped_token("demo")
    assert secrets.split_scoped_token(token) == ("demo", token.split(".", 1)[1])
    assert secrets.split_scoped_token("demo.short") is None
    assert secrets.split_scoped_token("no-separator") is None
    assert secrets.token_hash(token) != token and len(secrets.token_hash(token)) == 64


def test_password_hashes_are_argon2id_and_verify() -> None:
    hashed = secrets.hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert secrets.verify_password(hashed, "correct horse battery")
    assert not secrets.verify_password(hashed, "wrong")
    assert not secrets.verify_password(None, "anything")  # unknown account


def test_settings_fail_fast_without_a_real_signing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IDENTITY_SIGNING_KEY", raising=False)
    with pytest.raises(ValidationError, match="signing_key"):
        IdentitySettings()  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="real secret"):
        IdentitySettings(signing_key="changeme")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="PEM"):
        IdentitySettings(signing_key="a-long-random-but-not-a-key")  # type: ignore[arg-type]
    assert IdentitySettings(signing_key=generate_private_key_pem()).access_token_minutes == 5  # type: ignore[arg-type]


def test_enrollment_link_works_once_and_until_it_expires() -> None:
    from identity.domain.model import enrollment_expiry, link_usable

    now = datetime(2026, 1, 1, tzinfo=UTC)
    expires = enrollment_expiry(now, 24)
    assert link_usable(used_at=None, expires_at=expires, now=now + timedelta(hours=23))
    assert not link_usable(used_at=None, expires_at=expires, now=now + timedelta(hours=24))
    assert not link_usable(used_at=now, expires_at=expires, now=now + timedelta(hours=1))
