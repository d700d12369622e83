"""What inspections knows of other contexts, from their events (event-carried
state): jurisdictions' time zones, and per permit whether it may be inspected,
its address and types, who may schedule (R-ID-6) and whether fees are due."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from chassis.app import ServiceRuntime
from chassis.auth import Principal
from chassis.mongo import TenantRepository

Doc = dict[str, Any]
INSPECTABLE = ("ISSUED", "TCO")  # R-INS-1


class Zones(TenantRepository):
    collection_name: ClassVar[str] = "zones"


class Permits(TenantRepository):
    collection_name: ClassVar[str] = "permits"


class Settings(TenantRepository):
    collection_name: ClassVar[str] = "inspection_settings"


class Inspections(TenantRepository):
    collection_name: ClassVar[str] = "inspections"


class Slots(TenantRepository):
    """Booked count per (inspection type, local date): ``<jid>:<type>:<date>``."""

    collection_name: ClassVar[str] = "slots"


class IdempotencyKeys(TenantRepository):
    collection_name: ClassVar[str] = "idempotency_keys"


@dataclass
class InspectionsApp:
    runtime: ServiceRuntime


def may_schedule(permit: Doc, principal: Principal) -> bool:
    """R-ID-6 from the data the permit's events carried."""
    if principal.jurisdiction_id != permit["jurisdiction_id"]:
        return False
    if principal.kind == "staff":
        return True
    email = (principal.email or "").lower()
    return bool(
        (email and email in permit.get("party_emails", []))
        or set(principal.company_ids) & set(permit.get("company_ids", []))
        or principal.account_id in permit.get("linked_accounts", [])
    )


def visible_permits_filter(principal: Principal) -> Doc:
    """The permits a non-staff caller may act on (same rule as ``may_schedule``)."""
    return {
        "$or": [
            {"party_emails": (principal.email or "").lower()},
            {"company_ids": {"$in": principal.company_ids}},
            {"linked_accounts": principal.account_id},
        ]
    }
