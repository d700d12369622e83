"""Webhook signing secrets at rest (integrations' sealing): sealed with the
installation's key, so a copy of the database cannot sign events as the
suite; opened only to sign; several keys to replace one; a secret stored
before sealing read as it is; a key that opens nothing said as such; and
production refuses to start without a key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from pydantic import ValidationError

from integrations.adapters.sealing import Sealer, SecretsKeyWrong
from integrations.domain.webhooks import new_secret, rotated, signing_secrets
from integrations.settings import IntegrationsSettings

NOW = datetime(2026, 12, 5, 20, 0, tzinfo=UTC)


def test_a_sealed_secret_is_not_stored_and_opens_to_sign() -> None:
    sealer, secret = Sealer(Fernet.generate_key().decode()), new_secret()
    stored = sealer.seal(secret)
    assert set(stored) == {"sealed"} and secret not in str(stored)
    held = [{**stored, "until": None}]
    assert signing_secrets(sealer.opened(held), NOW) == [secret]


def test_a_rotation_keeps_the_old_secret_sealed_through_its_overlap() -> None:
    sealer = Sealer(Fernet.generate_key().decode())
    old, fresh = new_secret(), new_secret()
    held = rotated([{**sealer.seal(old), "until": None}], sealer.seal(fresh), NOW, timedelta(1))
    assert all("secret" not in item for item in held)
    assert signing_secrets(sealer.opened(held), NOW) == [fresh, old]


def test_a_new_key_first_seals_and_the_old_one_still_opens() -> None:
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    secret = new_secret()
    stored = Sealer(old_key).seal(secret)
    both = Sealer(f"{new_key}, {old_key}")
    assert both.opened([stored]) == [{"secret": secret}]
    assert Sealer(new_key).opened([both.seal(secret)]) == [{"secret": secret}]


def test_a_secret_stored_before_sealing_is_read_as_it_is() -> None:
    legacy = [{"secret": "whsec_plain", "until": None}]
    assert Sealer(Fernet.generate_key().decode()).opened(legacy) == legacy
    assert Sealer(None).seal("whsec_x") == {"secret": "whsec_x"}  # development without a key


@pytest.mark.parametrize("keys", [None, "k"])
def test_a_key_that_opens_nothing_is_said(keys: str | None) -> None:
    stored = Sealer(Fernet.generate_key().decode()).seal(new_secret())
    other = Sealer(Fernet.generate_key().decode() if keys else None)
    with pytest.raises(SecretsKeyWrong, match="INTEGRATIONS_SECRETS_KEY"):
        other.opened([stored])


def test_production_refuses_to_start_without_a_key() -> None:
    with pytest.raises(ValidationError, match="INTEGRATIONS_SECRETS_KEY is required"):
        IntegrationsSettings(deployment="production", _env_file=None)  # type: ignore[call-arg]
