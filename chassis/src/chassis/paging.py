"""Query parameters for paged lists, the same on every route.

An offset is bounded: beyond ``MAX_OFFSET`` a list is searched, not paged
(and an unbounded integer used to reach the database as a skip it could not
hold: a 500). Lists that grow without bound page by key instead.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

MAX_OFFSET = 10_000

Offset = Annotated[
    int,
    Query(ge=0, le=MAX_OFFSET, description=f"rows to skip, at most {MAX_OFFSET}"),
]
