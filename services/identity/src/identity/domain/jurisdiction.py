"""A jurisdiction: a tenant of the installation, with its name, time zone,
features, branding and password rules. Operators create and configure it;
every change is announced (``JurisdictionCreated``/``Updated``), and the
other services keep their copy of what they need from those events.

Its own tenant: ``jurisdiction_id`` is its id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chassis.aggregate import Aggregate
from chassis.clock import zone
from contracts.identity import Branding, JurisdictionCreated, JurisdictionUpdated
from identity.domain.errors import SettingRefused
from identity.domain.model import SLUG
from identity.domain.passwords import POLICIES

SETTINGS = (
    "name",
    "time_zone",
    "features",
    "branding",
    "password_policy",
    "reset_requires_security_answer",
)


def _invalid(setting: str, msg: str) -> SettingRefused:
    return SettingRefused(setting, msg)


def _check(settings: dict[str, Any]) -> None:
    if "time_zone" in settings:
        try:
            zone(settings["time_zone"])
        except ValueError as exc:
            raise _invalid("time_zone", str(exc)) from exc
    if "password_policy" in settings and settings["password_policy"] not in POLICIES:
        raise _invalid("password_policy", f"password policy must be one of {sorted(POLICIES)}")


@dataclass(kw_only=True, eq=False)
class Jurisdiction(Aggregate):
    name: str
    time_zone: str
    created_at: datetime
    features: dict[str, Any] = field(default_factory=dict)
    branding: dict[str, Any] = field(default_factory=dict)
    password_policy: str = "asvs"
    reset_requires_security_answer: bool = False
    updated_at: datetime | None = None

    @classmethod
    def new(cls, jurisdiction_id: str, settings: dict[str, Any], *, at: datetime) -> Jurisdiction:
        """A tenant's id is a lowercase slug: it appears in every URL."""
        if not SLUG.match(jurisdiction_id):
            msg = "lowercase letters, digits and dashes, 1-40 characters"
            raise SettingRefused("id", msg, summary="jurisdiction id must be a lowercase slug")
        _check(settings)
        values = {k: v for k, v in settings.items() if k in SETTINGS}
        jurisdiction = cls(
            id=jurisdiction_id, jurisdiction_id=jurisdiction_id, created_at=at, **values
        )
        jurisdiction._change()
        jurisdiction._record(JurisdictionCreated(**jurisdiction._announced()))
        return jurisdiction

    def configure(self, changes: dict[str, Any], *, by: str, at: datetime) -> None:
        """An operator's (or the jurisdiction admin's) change of settings."""
        _check(changes)
        changes = {k: v for k, v in changes.items() if k in SETTINGS}
        self._set_fields(changes, at=at, by=by, to="configured")
        self.updated_at = at
        self._record(JurisdictionUpdated(**self._announced()))

    def _announced(self) -> dict[str, Any]:
        return {
            "jurisdiction_id": self.id,
            "name": self.name,
            "time_zone": self.time_zone,
            "branding": Branding(
                display_name=self.branding.get("display_name") or self.name,
                from_address=self.branding.get("from_address"),
                logo_url=self.branding.get("logo_url"),
            ),
            "online_payments": bool(self.features.get("online_payments")),
        }
