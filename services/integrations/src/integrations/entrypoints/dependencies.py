"""What integrations' routes depend on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from chassis.app import ServiceRuntime
from integrations.service_layer.unit_of_work import IntegrationsUnits


@dataclass
class IntegrationsApp:
    """Built once by :func:`integrations.bootstrap.create_app`."""

    runtime: ServiceRuntime
    units: IntegrationsUnits


async def get_app(request: Request) -> IntegrationsApp:
    return request.app.state.integrations  # type: ignore[no-any-return]


App = Annotated[IntegrationsApp, Depends(get_app)]
