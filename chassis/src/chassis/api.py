"""Request mechanics every service's routes share: paging and the tenant guards.

``Paging`` is the ``limit``/``offset`` query pair, the same on every list
route; ``Page[T]`` is the one list answer. ``Tenant`` and ``Staff(...)`` are
dependencies applying :mod:`chassis.access` to the path's
``jurisdiction_id`` (404 for another jurisdiction, 403 for a missing role).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Path, Query
from pydantic import BaseModel, Field

from chassis.access import require_staff, require_tenant
from chassis.auth import CurrentUser, Principal
from chassis.paging import Offset

T = TypeVar("T")
MAX_LIMIT = 200


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int

    def page(self, items: list[T], total: int, more: bool = False) -> Page[T]:
        return Page[T](
            items=items, total=total, limit=self.limit, offset=self.offset, more_than_total=more
        )


async def paging(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="rows per page")] = 50,
    offset: Offset = 0,
) -> Paging:
    return Paging(limit=limit, offset=offset)


PageQuery = Annotated[Paging, Depends(paging)]


SEARCH_CAP = 500
"""A search reads and counts at most this many rows (then ``more_than_total``)."""


def capped_page(rows: list[T], offset: int, limit: int) -> tuple[list[T], int, bool]:
    """A page of a search read up to ``SEARCH_CAP`` + 1 rows: the page (never
    past the cap), the total counted up to the cap, and whether there are more."""
    more = len(rows) > SEARCH_CAP
    return rows[offset : min(offset + limit, SEARCH_CAP)], min(len(rows), SEARCH_CAP), more


class Page(BaseModel, Generic[T]):
    """One page of a list, and how many rows the whole list has."""

    items: list[T]
    total: int
    limit: int
    offset: int
    more_than_total: bool = Field(
        default=False,
        description="a search counts at most SEARCH_CAP (500) rows: true when it matched more "
        "(narrow it to see the rest)",
    )


JurisdictionId = Annotated[str, Path(min_length=1, max_length=64)]


async def tenant(jurisdiction_id: JurisdictionId, user: CurrentUser) -> Principal:
    return require_tenant(user, jurisdiction_id)


Tenant = Annotated[Principal, Depends(tenant)]


class Staff:
    """``Annotated[Principal, Depends(Staff("admin", "cashier"))]``."""

    def __init__(self, *roles: str) -> None:
        self.roles = roles

    async def __call__(self, jurisdiction_id: JurisdictionId, user: CurrentUser) -> Principal:
        return require_staff(user, jurisdiction_id, *self.roles)
