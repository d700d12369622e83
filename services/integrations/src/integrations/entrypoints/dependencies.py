"""What integrations' routes depend on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from chassis.app import ServiceRuntime
from integrations.adapters.sealing import Sealer
from integrations.adapters.sender import Sender
from integrations.domain.webhooks import UrlRules
from integrations.service_layer.unit_of_work import IntegrationsUnits


@dataclass
class IntegrationsApp:
    """Built once by :func:`integrations.bootstrap.create_app`."""

    runtime: ServiceRuntime
    units: IntegrationsUnits
    rules: UrlRules
    sender: Sender  # a test ping's (the worker has its own)
    sealer: Sealer  # opens the endpoints' secrets to sign


async def get_app(request: Request) -> IntegrationsApp:
    return request.app.state.integrations  # type: ignore[no-any-return]


App = Annotated[IntegrationsApp, Depends(get_app)]
