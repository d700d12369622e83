"""Server-side sessions: the browser holds only a random id in an HttpOnly
cookie; the API tokens stay here (the portal's own database).

A visitor gets a cookie before logging in (the forms' CSRF tokens are keyed
by it); a session record exists only from login on, and login always issues
a **new** id, so an id planted before login is worth nothing after it
(session fixation). The record is found by the id's SHA-256, so a leak of the
database does not hand out live cookies. Sessions end after
``session_idle_minutes`` without a request or ``session_max_hours`` in all.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from chassis.clock import Clock, as_utc

SESSIONS = "sessions"


def new_id() -> str:
    return secrets.token_urlsafe(32)


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def csrf_token(secret: str, session_id: str) -> str:
    """The token every form of this cookie's holder carries."""
    return hmac.new(secret.encode(), f"csrf:{session_id}".encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret: str, session_id: str | None, submitted: str | None) -> bool:
    if not session_id or not submitted:
        return False
    return hmac.compare_digest(csrf_token(secret, session_id), submitted)


@dataclass
class Session:
    """A logged-in visitor: whose tokens, in which jurisdiction."""

    jurisdiction_id: str
    access_token: str
    refresh_token: str | None
    access_expires_at: datetime
    email: str = ""
    display_name: str = ""
    kind: str = ""
    roles: list[str] = field(default_factory=list)  # a staff member's, as identity grants them
    company_ids: list[str] = field(default_factory=list)
    company_id: str | None = None  # the company a contractor acts for
    setup_required: bool = False
    created_at: datetime | None = None

    def as_doc(self) -> dict[str, Any]:
        return dict(self.__dict__)


class SessionStore:
    def __init__(
        self,
        db: AsyncDatabase[dict[str, Any]],
        clock: Clock,
        *,
        idle: timedelta,
        lifetime: timedelta,
    ) -> None:
        self.collection = db[SESSIONS]
        self.clock = clock
        self.idle = idle
        self.lifetime = lifetime

    async def ensure_indexes(self) -> None:
        # expired records are removed by the database (TTL on seen_until)
        await self.collection.create_indexes(
            [IndexModel([("seen_until", ASCENDING)], expireAfterSeconds=0, name="idle_ttl")]
        )

    async def start(self, session: Session, *, replacing: str | None = None) -> str:
        """Store ``session`` under a new id (ending ``replacing``); the new id."""
        if replacing:
            await self.end(replacing)
        session_id = new_id()
        now = self.clock.now()
        session.created_at = now
        await self.collection.insert_one(
            {"_id": _key(session_id), **session.as_doc(), "seen_until": now + self.idle}
        )
        return session_id

    async def get(self, session_id: str | None) -> Session | None:
        if not session_id:
            return None
        doc = await self.collection.find_one({"_id": _key(session_id)})
        if doc is None:
            return None
        now = self.clock.now()
        created = as_utc(doc["created_at"])
        if as_utc(doc["seen_until"]) <= now or created + self.lifetime <= now:
            await self.end(session_id)
            return None
        if as_utc(doc["seen_until"]) - now < self.idle / 2:  # write at most twice per idle span
            await self.collection.update_one(
                {"_id": doc["_id"]}, {"$set": {"seen_until": now + self.idle}}
            )
        fields = {k: v for k, v in doc.items() if k in Session.__dataclass_fields__}
        fields["access_expires_at"] = as_utc(fields["access_expires_at"])
        fields["created_at"] = created
        return Session(**fields)

    async def save(self, session_id: str, session: Session) -> None:
        await self.collection.update_one({"_id": _key(session_id)}, {"$set": session.as_doc()})

    async def end(self, session_id: str) -> None:
        await self.collection.delete_one({"_id": _key(session_id)})


DRAFTS = "registration_drafts"


@dataclass
class Draft:
    """A contractor registration this browser is filling in: the API's token
    for it (``X-Registration-Token``) stays here, never in the browser."""

    jurisdiction_id: str
    registration_id: str
    token: str


class DraftStore:
    """Drafts by visitor cookie and jurisdiction, kept ``keep`` after the last
    change (the registrant comes back to see the decision)."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]], clock: Clock, keep: timedelta) -> None:
        self.collection = db[DRAFTS]
        self.clock = clock
        self.keep = keep

    async def ensure_indexes(self) -> None:
        await self.collection.create_indexes(
            [IndexModel([("keep_until", ASCENDING)], expireAfterSeconds=0, name="keep_ttl")]
        )

    @staticmethod
    def _id(visitor: str, jurisdiction_id: str) -> str:
        return f"{_key(visitor)}:{jurisdiction_id}"

    async def put(self, visitor: str, draft: Draft) -> None:
        await self.collection.replace_one(
            {"_id": self._id(visitor, draft.jurisdiction_id)},
            {**draft.__dict__, "keep_until": self.clock.now() + self.keep},
            upsert=True,
        )

    async def get(self, visitor: str, jurisdiction_id: str) -> Draft | None:
        doc = await self.collection.find_one({"_id": self._id(visitor, jurisdiction_id)})
        if doc is None or as_utc(doc["keep_until"]) <= self.clock.now():
            return None
        return Draft(
            jurisdiction_id=doc["jurisdiction_id"],
            registration_id=doc["registration_id"],
            token=doc["token"],
        )


FLASHES = "flashes"
FLASH_KEEP = timedelta(minutes=10)


class FlashStore:
    """Messages for the visitor's next page ("Your inspections are
    scheduled."), kept server-side by the visitor's cookie — logged in or not
    — and shown once, instead of flags in the address."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]], clock: Clock) -> None:
        self.collection = db[FLASHES]
        self.clock = clock

    async def ensure_indexes(self) -> None:
        await self.collection.create_indexes(
            [IndexModel([("keep_until", ASCENDING)], expireAfterSeconds=0, name="keep_ttl")]
        )

    async def add(self, visitor: str, message: dict[str, Any]) -> None:
        await self.collection.update_one(
            {"_id": _key(visitor)},
            {
                "$push": {"messages": message},
                "$set": {"keep_until": self.clock.now() + FLASH_KEEP},
            },
            upsert=True,
        )

    async def peek(self, visitor: str) -> list[dict[str, Any]]:
        """The visitor's messages, kept until a page shows them (:meth:`clear`)."""
        doc = await self.collection.find_one({"_id": _key(visitor)})
        if doc is None or as_utc(doc["keep_until"]) <= self.clock.now():
            return []
        return list(doc.get("messages") or [])

    async def clear(self, visitor: str) -> None:
        await self.collection.delete_one({"_id": _key(visitor)})
