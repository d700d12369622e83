"""Identity rules with no I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from identity.adapters.jwt_keys import generate_private_key_pem
from identity.domain import secrets
from identity.domain.account import Account
from identity.domain.model import JurisdictionFeatures, normalize_email
from identity.domain.passwords import DEFAULT_POLICY, POLICIES, PasswordRejected, policy_named
from identity.settings import IdentitySettings

AT = datetime(2026, 3, 2, tzinfo=UTC)


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
    [
        ("short", "min_length"),
        ("x" * 129, "max_length"),
        ("pat@example.org", "not_personal"),
        ("password1", "too_common"),
        ("Summer2024", "too_common"),
    ],
)
def test_default_password_policy_names_the_rule_broken(password: str, rule: str) -> None:
    """R-ID-3 (ASVS default): 8-128 characters, not personal, not common."""
    with pytest.raises(PasswordRejected) as err:
        DEFAULT_POLICY.check(password, user_inputs=["pat@example.org", "Pat Public"])
    assert err.value.rule == rule


def test_long_passphrases_without_composition_rules_pass() -> None:
    DEFAULT_POLICY.check("correct horse battery staple", user_inputs=["pat@example.org"])


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("ab1", "min_length"),
        ("abcdefghijklmnopqrstuvwxy1z", "max_length"),
        ("onlyletters", "letter_and_digit"),
        ("12345678", "letter_and_digit"),
        ("abc123", "too_common"),
    ],
)
def test_etrakit_policy_rules(password: str, rule: str) -> None:
    """R-ID-3: the eTRAKIT rules, 6-25 characters, a letter and a digit."""
    with pytest.raises(PasswordRejected) as err:
        POLICIES["etrakit"].check(password)
    assert err.value.rule == rule


def test_etrakit_policy_accepts_what_it_should_and_is_case_sensitive_by_nature() -> None:
    POLICIES["etrakit"].check("Boise2Idaho")
    POLICIES["etrakit"].check("boise2idaho")  # case is not a rule, but passwords compare exactly
    assert policy_named(None) is DEFAULT_POLICY and policy_named("etrakit").max_length == 25


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
    from chassis.links import link_usable
    from identity.domain.model import enrollment_expiry

    now = datetime(2026, 1, 1, tzinfo=UTC)
    expires = enrollment_expiry(now, 24)
    assert link_usable(used_at=None, expires_at=expires, now=now + timedelta(hours=23))
    assert not link_usable(used_at=None, expires_at=expires, now=now + timedelta(hours=24))
    assert not link_usable(used_at=now, expires_at=expires, now=now + timedelta(hours=1))


def test_throttle_grows_delays_then_locks_out_and_forgets_after_the_window() -> None:
    from identity.domain.throttle import (
        AttemptState,
        ThrottlePolicy,
        after_failure,
        blocked_until,
        just_locked,
    )

    policy = ThrottlePolicy(free_failures=3, lockout_after=6, lockout=timedelta(minutes=15))
    now = datetime(2026, 1, 1, tzinfo=UTC)
    state = AttemptState()
    delays = []
    for _ in range(5):
        before = state
        state = after_failure(state, now, policy)
        until = blocked_until(state, now)
        delays.append((until - now).total_seconds() if until else 0)
        assert not just_locked(before, state)
    assert delays == [0, 0, 0, 1, 2]  # free, free, free, then growing
    locked = after_failure(state, now, policy)
    assert just_locked(state, locked)
    assert blocked_until(locked, now + timedelta(minutes=14)) is not None
    assert blocked_until(locked, now + timedelta(minutes=15, seconds=1)) is None
    later = after_failure(locked, now + timedelta(hours=2), policy)
    assert later.failures == 1  # the window passed: counting starts again


def test_login_throttle_keys_and_which_of_them_hold_an_attempt_back() -> None:
    """Issue 12.14: the account-wide key only delays; the address key spares known pairs."""
    from identity.domain.throttle import (
        AttemptState,
        LoginKeys,
        LoginThrottlePolicy,
        after_failure,
        blocked_until,
        is_known,
    )

    policy = LoginThrottlePolicy()
    keys = LoginKeys.of(" Pat@Example.org ", "203.0.113.9")
    assert keys.pair == "pair:pat@example.org|203.0.113.9"
    assert [k for k, _ in keys.checked(policy, known_pair=True)] == [keys.pair, keys.account]
    assert [k for k, _ in keys.checked(policy, known_pair=False)][-1] == keys.address
    assert [k for k, _ in keys.counted(policy)] == [keys.pair, keys.account, keys.address]

    now = datetime(2026, 1, 1, tzinfo=UTC)
    state = AttemptState()
    for _ in range(1000):
        state = after_failure(state, now, policy.account)
    assert state.locked_until is None
    assert blocked_until(state, now + policy.account.max_delay) is None

    assert is_known(now - timedelta(days=89), now, policy)
    assert not is_known(now - timedelta(days=91), now, policy)
    assert not is_known(None, now, policy)


def test_r_id_1_an_existing_login_keeps_its_password_a_change_ends_every_session() -> None:
    account = Account.new(email="pat@example.org", display_name="Pat", at=AT)
    assert not account.has_login
    assert account.first_password("hash-1") and account.token_version == 0
    assert not account.first_password("hash-2")  # one account per email, its own password
    assert account.password_hash == "hash-1"
    account.change_password("hash-3")  # R-ID-4/5: a reset or change ends every session
    assert (account.password_hash, account.token_version) == ("hash-3", 1)


def test_r_id_2_accepting_an_invitation_sets_only_what_was_given() -> None:
    account = Account.new(email="pat@example.org", display_name="Pat", at=AT)
    account.accept_invitation(
        password_hash="h", display_name=None, security_question=None, security_answer_hash=None
    )
    assert (account.password_hash, account.display_name, account.security_question) == (
        "h",
        "Pat",
        None,
    )
    account.accept_invitation(
        password_hash=None,
        display_name="Pat Q.",
        security_question="Pet?",
        security_answer_hash="a",
    )
    assert (account.password_hash, account.display_name, account.security_question) == (
        "h",
        "Pat Q.",
        "Pet?",
    )
    assert account.answers_needed_for_reset(True) and not account.answers_needed_for_reset(False)
