"""What payments' routes depend on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from chassis.app import ServiceRuntime
from chassis.idempotency import Idempotency, IdempotentCall
from payments.service_layer.unit_of_work import PaymentsService


@dataclass
class PaymentsApp:
    """Built once by :func:`payments.bootstrap.create_app`."""

    runtime: ServiceRuntime
    service: PaymentsService


async def get_app(request: Request) -> PaymentsApp:
    return request.app.state.payments  # type: ignore[no-any-return]


App = Annotated[PaymentsApp, Depends(get_app)]
CheckoutCall = Annotated[IdempotentCall, Depends(Idempotency("payments.checkout"))]
CounterCall = Annotated[IdempotentCall, Depends(Idempotency("payments.counter"))]
RefundCall = Annotated[IdempotentCall, Depends(Idempotency("payments.refund"))]
