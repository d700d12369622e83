"""Route: a jurisdiction's event feed (issue 26)."""

from __future__ import annotations

from fastapi import APIRouter, Query

from chassis.access import require_staff
from chassis.api import Tenant
from chassis.errors import problem_responses
from integrations.domain.feed import MAX_PAGE, cursor_for
from integrations.entrypoints.dependencies import App
from integrations.entrypoints.schemas import FeedEvent, FeedPageOut
from integrations.service_layer import feed

router = APIRouter(tags=["event feed"], responses=problem_responses(401, 403, 404, 422))


@router.get(
    "/events",
    response_model=FeedPageOut,
    summary="The jurisdiction's events in commit order, from a cursor",
    description="Every event of the jurisdiction, kept for the retention (400 days by "
    "default) whatever the broker keeps, in the order they were committed — so in order "
    "per permit, payment or inspection. Start without `after`; keep `next_cursor` and ask "
    "from it. The ids are the events' ids on Kafka (`ce_id`): de-duplicate on them.",
)
async def events(
    jurisdiction_id: str,
    user: Tenant,
    app: App,
    after: str | None = Query(default=None, max_length=64, description="a cursor from a page"),
    limit: int = Query(default=100, ge=1, le=MAX_PAGE),
    types: str | None = Query(
        default=None,
        max_length=2000,
        description="comma-separated CloudEvents types, or prefixes ending in a dot "
        "(permitsuite.permits.); a filtered page may hold fewer than limit",
    ),
) -> FeedPageOut:
    require_staff(user, jurisdiction_id, "admin")
    wanted = frozenset(t.strip() for t in (types or "").split(",") if t.strip())
    query = feed.ReadFeed(jurisdiction_id, after=after, limit=limit, types=wanted)
    page = await app.units.ask(query, feed.read)
    items = [
        FeedEvent(cursor=cursor_for(position), **doc)
        for doc, position in zip(page.items, page.positions, strict=True)
    ]
    return FeedPageOut(
        items=items, next_cursor=page.next_cursor, more=page.more, expired=page.expired
    )
