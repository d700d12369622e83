"""Secrets at rest (chassis.sealing): sealed text is not the text; it opens
with its key, and with a new key put first; a key missing or wrong is the
service's own refusal."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from chassis.sealing import Sealer


class Refused(Exception):
    pass


def test_sealed_text_opens_with_its_key_and_after_a_new_key_is_put_first() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed = Sealer(old, Refused).seal("sk_live_secret")
    assert "sk_live_secret" not in sealed
    assert Sealer(f"{new},{old}", Refused).open(sealed) == "sk_live_secret"
    assert Sealer(new, Refused).open(Sealer(f"{new},{old}", Refused).seal("x")) == "x"


@pytest.mark.parametrize("keys", [None, ""])
def test_without_a_key_nothing_is_sealed_or_opened(keys: str | None) -> None:
    sealer = Sealer(keys, Refused)
    assert not sealer.sealing
    with pytest.raises(Refused):
        sealer.seal("x")
    with pytest.raises(Refused):
        sealer.open("gAAAA")


def test_a_key_that_did_not_seal_it_is_refused() -> None:
    sealed = Sealer(Fernet.generate_key().decode(), Refused).seal("x")
    with pytest.raises(Refused):
        Sealer(Fernet.generate_key().decode(), Refused).open(sealed)
