"""What permits' routes depend on: the service's parts, the idempotent calls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from chassis.app import ServiceRuntime
from chassis.documents import DocumentStore
from chassis.idempotency import Idempotency, IdempotentCall
from permits.service_layer.unit_of_work import PermitsUnits


@dataclass
class PermitsApp:
    """Built once by :func:`permits.bootstrap.create_app`."""

    runtime: ServiceRuntime
    units: PermitsUnits
    max_document_bytes: int

    @property
    def files(self) -> DocumentStore:
        return DocumentStore(self.runtime.db)


async def get_app(request: Request) -> PermitsApp:
    return request.app.state.permits  # type: ignore[no-any-return]


App = Annotated[PermitsApp, Depends(get_app)]
TransitionCall = Annotated[
    IdempotentCall, Depends(Idempotency("permits.transition", required=False))
]
VoidCall = Annotated[IdempotentCall, Depends(Idempotency("permits.fees.void"))]
AssessCall = Annotated[IdempotentCall, Depends(Idempotency("permits.fees.assess"))]
ApplyCall = Annotated[IdempotentCall, Depends(Idempotency("permits.apply", required=False))]
CommentCall = Annotated[IdempotentCall, Depends(Idempotency("permits.comment", required=False))]
AttachCall = Annotated[
    IdempotentCall, Depends(Idempotency("permits.documents.attach", required=False, form=True))
]
