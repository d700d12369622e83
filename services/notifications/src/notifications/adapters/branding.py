"""Notifications' own copy of each jurisdiction's branding and time zone.

Kept current from ``JurisdictionCreated`` / ``JurisdictionUpdated`` (event-carried
state transfer), so an email never needs a call back to identity. Global by
design: it is the list of tenants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from chassis.clock import local_time

COLLECTION = "jurisdictions"


@dataclass(frozen=True)
class Branding:
    display_name: str
    from_address: str | None
    time_zone: str

    def when(self, instant: datetime) -> str:
        """A date and time as the jurisdiction's residents read it."""
        local = local_time(instant, self.time_zone)
        return local.strftime("%B %d, %Y at %I:%M %p %Z").replace(" 0", " ")


async def save(
    db: AsyncDatabase[dict[str, Any]],
    session: AsyncClientSession,
    *,
    jurisdiction_id: str,
    name: str,
    time_zone: str,
    branding: Any | None,
) -> None:
    doc = {
        "name": name,
        "time_zone": time_zone,
        "display_name": (branding.display_name if branding else None) or name,
        "from_address": branding.from_address if branding else None,
        "logo_url": branding.logo_url if branding else None,
    }
    await db[COLLECTION].update_one(
        {"_id": jurisdiction_id}, {"$set": doc}, upsert=True, session=session
    )


async def load(
    db: AsyncDatabase[dict[str, Any]],
    session: AsyncClientSession | None,
    jurisdiction_id: str | None,
    fallback_name: str,
) -> Branding:
    doc = None
    if jurisdiction_id:
        doc = await db[COLLECTION].find_one({"_id": jurisdiction_id}, session=session)
    if doc is None:  # not seen yet (events of different aggregates are not ordered)
        return Branding(display_name=fallback_name, from_address=None, time_zone="UTC")
    return Branding(
        display_name=doc["display_name"],
        from_address=doc.get("from_address"),
        time_zone=doc["time_zone"],
    )
