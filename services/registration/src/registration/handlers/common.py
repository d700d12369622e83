"""Dependencies and helpers shared by registration's handlers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chassis.app import ServiceRuntime
from chassis.auth import Principal
from chassis.documents import DocumentStore
from chassis.errors import Conflict, Forbidden, NotFound
from chassis.links import new_scoped_token, split_scoped_token, token_hash
from registration.adapters.identity_client import IdentityClient
from registration.adapters.repositories import RegistrationSettingsRepo
from registration.domain.model import IllegalTransition, Requirement
from registration.settings import RegistrationSettings

Doc = dict[str, Any]
__all__ = ["new_token", "split_token", "token_hash"]
REVIEWER_ROLES = ("admin", "permit_technician")
LINKS_PER_EMAIL_PER_HOUR = 5

DEFAULT_CONFIG: Doc = {
    "enabled": False,
    "acceptance_mode": "staff_review",
    "trades": [],
    "license_types": [],
    "requirements": [],
}


@dataclass
class Reg:
    runtime: ServiceRuntime
    settings: RegistrationSettings
    documents: DocumentStore
    identity: IdentityClient

    @property
    def now(self) -> datetime:
        return self.runtime.clock.now()


new_token = new_scoped_token
split_token = split_scoped_token


async def load_config(reg: Reg, jurisdiction_id: str) -> Doc:
    doc = await RegistrationSettingsRepo(reg.runtime.db, jurisdiction_id).find_one(
        {"_id": jurisdiction_id}
    )
    return {**DEFAULT_CONFIG, **(doc or {})}


def requirements_of(config: Doc) -> list[Requirement]:
    return [Requirement.from_doc(r) for r in config.get("requirements", [])]


def require_staff(principal: Principal, jurisdiction_id: str, *roles: str) -> None:
    """Another jurisdiction's registrations do not exist for the caller (404)."""
    if principal.is_operator():
        return
    if principal.jurisdiction_id != jurisdiction_id or principal.kind != "staff":
        raise NotFound("not found")
    if roles and not principal.has_role(*roles):
        raise Forbidden(f"this needs the {' or '.join(roles)} role")


def conflict(exc: IllegalTransition) -> Conflict:
    return Conflict(
        str(exc), slug="illegal-transition", current=exc.current, requested=exc.requested
    )
