"""The read side's port: one collection's documents in one jurisdiction.

Read views (dashboards, searches, lists) take this, through their service's
unit of work (``uow.permit_docs``…), not a database handle: the Mongo
implementation is a :class:`chassis.mongo.TenantRepository` built by
:func:`chassis.repository.documents` (every filter scoped to the
jurisdiction and checked for its shape, ARCHITECTURE.md's flat reads); unit
tests use :class:`chassis.testing.fakes.FakeDocuments`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

Doc = dict[str, Any]


class Documents(Protocol):
    async def find_one(
        self, filter_: Mapping[str, Any] | None = None, *, bounded: str | None = None, **kw: Any
    ) -> Doc | None: ...

    async def find(
        self,
        filter_: Mapping[str, Any] | None = None,
        *,
        sort: list[tuple[str, int]] | None = None,
        skip: int = 0,
        limit: int = 0,
        projection: Mapping[str, Any] | None = None,
        bounded: str | None = None,
    ) -> list[Doc]: ...

    async def page(
        self,
        filter_: Mapping[str, Any],
        *,
        order: Callable[[Doc], Any],
        offset: int,
        limit: int,
        bounded: str,
        projection: Mapping[str, Any] | None = None,
    ) -> tuple[list[Doc], int]: ...

    async def newest_in_window(
        self,
        filter_: Mapping[str, Any],
        field: str,
        start: datetime,
        end: datetime,
        *,
        want: int,
        projection: Mapping[str, Any] | None = None,
        step: timedelta = timedelta(days=1),
    ) -> list[Doc]: ...
