"""What inspections' routes depend on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request

from chassis.app import ServiceRuntime
from chassis.idempotency import Idempotency, IdempotentCall
from inspections.adapters.repositories import InspectionRepository
from inspections.domain.inspection import Inspection
from inspections.entrypoints.schemas import InspectionOut, InspectionPage, inspection_out
from inspections.service_layer import views
from inspections.service_layer.unit_of_work import InspectionsUnits


@dataclass
class InspectionsApp:
    """Built once by :func:`inspections.bootstrap.create_app`."""

    runtime: ServiceRuntime
    units: InspectionsUnits

    @property
    def now(self) -> datetime:
        return self.runtime.clock.now()

    async def out(self, jurisdiction_id: str, found: Inspection | dict[str, Any]) -> InspectionOut:
        """An inspection, or the document of one (a read view's)."""
        return (await self.page(jurisdiction_id, [inspection_doc(found)], 1, 1, 0)).items[0]

    async def page(
        self,
        jurisdiction_id: str,
        docs: list[dict[str, Any]],
        total: int,
        limit: int,
        offset: int,
        more: bool = False,
    ) -> InspectionPage:
        """Inspections with their permit's current status (the Record Status column)."""
        permit_ids = {d["permit_id"] for d in docs}
        statuses = await self.units.read(
            jurisdiction_id, lambda uow: views.permit_statuses(uow, permit_ids)
        )
        items = [inspection_out(d, self.now, statuses.get(d["permit_id"])) for d in docs]
        return InspectionPage(
            items=items, total=total, limit=limit, offset=offset, more_than_total=more
        )


def inspection_doc(found: Inspection | dict[str, Any]) -> dict[str, Any]:
    """An inspection as routes render it (and an Idempotency-Key's record keeps it)."""
    return InspectionRepository.to_doc(found) if isinstance(found, Inspection) else found


def inspections_doc(made: list[Inspection]) -> dict[str, Any]:
    """Several, as one submit's answer (and its Idempotency-Key's record)."""
    return {"items": [InspectionRepository.to_doc(i) for i in made]}


async def get_app(request: Request) -> InspectionsApp:
    return request.app.state.inspections  # type: ignore[no-any-return]


App = Annotated[InspectionsApp, Depends(get_app)]
ScheduleCall = Annotated[
    IdempotentCall, Depends(Idempotency("inspections.schedule", required=False))
]
