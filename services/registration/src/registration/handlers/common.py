"""Dependencies and helpers shared by registration's handlers."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chassis.app import ServiceRuntime
from chassis.auth import Principal
from chassis.errors import Conflict, Forbidden, NotFound
from registration.adapters.documents import DocumentStore
from registration.adapters.identity_client import IdentityClient
from registration.adapters.repositories import RegistrationSettingsRepo
from registration.domain.model import IllegalTransition, Requirement
from registration.settings import RegistrationSettings

Doc = dict[str, Any]
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


def new_token(jurisdiction_id: str) -> str:
    """``<jurisdiction>.<secret>``: lookups by token stay tenant-scoped."""
    return f"{jurisdiction_id}.{secrets.token_urlsafe(32)}"


def split_token(token: str) -> tuple[str, str] | None:
    jurisdiction_id, sep, secret = token.partition(".")
    if not sep or not jurisdiction_id or len(secret) < 20:
        return None
    return jurisdiction_id, secret


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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
