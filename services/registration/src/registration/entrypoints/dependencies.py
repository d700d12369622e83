"""What registration's routes depend on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request

from chassis.app import ServiceRuntime
from registration.domain.registration import Registration
from registration.entrypoints.schemas import RegistrationOut, StaffRegistrationOut
from registration.service_layer import views
from registration.service_layer.unit_of_work import RegistrationService


@dataclass
class RegistrationApp:
    """Built once by :func:`registration.bootstrap.create_app`."""

    runtime: ServiceRuntime
    service: RegistrationService

    async def config(self, jurisdiction_id: str) -> dict[str, Any]:
        return await self.service.units.read(jurisdiction_id, lambda uow: uow.config.load())

    async def out(self, registration: Registration) -> RegistrationOut:
        config = await self.config(registration.jurisdiction_id)
        return RegistrationOut(**views.registrant_view(config, registration))

    async def staff_out(self, registration: Registration) -> StaffRegistrationOut:
        config = await self.config(registration.jurisdiction_id)
        return StaffRegistrationOut(**views.staff_view(config, registration))


async def get_app(request: Request) -> RegistrationApp:
    return request.app.state.registration  # type: ignore[no-any-return]


App = Annotated[RegistrationApp, Depends(get_app)]
RegistrationToken = Annotated[
    str | None, Header(alias="X-Registration-Token", description="from the confirmation step")
]
