"""Inspections' refusals as problem documents (RFC 9457): one table for the
service. The route says where in its body a refusal is (``at``)."""

from __future__ import annotations

from chassis.errors import Conflict, ProblemError, Unprocessable, field_error
from inspections.domain.errors import InspectionRefused

STATUS: dict[int, type[ProblemError]] = {409: Conflict, 422: Unprocessable}


def problem(refused: InspectionRefused, at: str = "") -> ProblemError:
    """``refused`` as its problem; its field is ``at`` (``requests.2``, or the
    body itself) and the refused part (``ampm``, ``date``)."""
    where = ".".join(p for p in (at, refused.part or "") if p)
    errors = [field_error(where, refused.reason)] if where else None
    cls = STATUS[refused.status]
    return cls(refused.message, slug=refused.slug, errors=errors, **refused.data)


def at_request(refused: InspectionRefused) -> str:
    """Where a submit's refused request is: ``requests.<its index>``."""
    return f"requests.{refused.index}" if refused.index is not None else ""
