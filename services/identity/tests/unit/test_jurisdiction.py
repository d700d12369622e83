"""The Jurisdiction aggregate: a tenant's id, its settings checked, every
change announced for the other services' copies (R-ID-3: password rules are
per jurisdiction)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from contracts.identity import JurisdictionCreated, JurisdictionUpdated
from identity.domain.errors import SettingRefused
from identity.domain.jurisdiction import Jurisdiction

AT = datetime(2026, 3, 2, tzinfo=UTC)
SETTINGS = {"name": "Sandy City", "time_zone": "America/Denver", "features": {}}


def _field(exc: pytest.ExceptionInfo[SettingRefused]) -> str:
    return exc.value.parts[0][0]


def test_a_jurisdiction_id_is_a_lowercase_slug() -> None:
    with pytest.raises(SettingRefused) as raised:
        Jurisdiction.new("Sandy City", SETTINGS, at=AT)
    assert _field(raised) == "id"


@pytest.mark.parametrize(
    ("setting", "value"), [("time_zone", "Mars/Olympus"), ("password_policy", "none")]
)
def test_r_id_3_settings_are_checked_when_created_and_configured(setting: str, value: str) -> None:
    with pytest.raises(SettingRefused) as raised:
        Jurisdiction.new("sandy", {**SETTINGS, setting: value}, at=AT)
    assert _field(raised) == setting
    sandy = Jurisdiction.new("sandy", SETTINGS, at=AT)
    with pytest.raises(SettingRefused):
        sandy.configure({setting: value}, by="op", at=AT)


def test_creation_and_configuration_are_announced_with_branding_and_payments() -> None:
    sandy = Jurisdiction.new("sandy", SETTINGS, at=AT)
    assert (sandy.jurisdiction_id, sandy.password_policy) == ("sandy", "asvs")
    [created] = sandy.pull_events()
    assert isinstance(created, JurisdictionCreated)
    assert created.branding is not None and created.branding.display_name == "Sandy City"
    sandy.mark_saved()
    sandy.configure(
        {"features": {"online_payments": True}, "branding": {"display_name": "Sandy"}},
        by="op-1",
        at=AT,
    )
    [updated] = sandy.pull_events()
    assert isinstance(updated, JurisdictionUpdated)
    assert (updated.online_payments, updated.branding.display_name) == (True, "Sandy")
    assert (sandy.version, sandy.history[-1].details) == (2, {"fields": ["branding", "features"]})
