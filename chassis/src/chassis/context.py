"""Request/event context carried across awaits: correlation and causation ids."""

from __future__ import annotations

from contextvars import ContextVar
from uuid import uuid4

correlation_id_var: ContextVar[str | None] = ContextVar("correlation_id", default=None)
causation_id_var: ContextVar[str | None] = ContextVar("causation_id", default=None)

CORRELATION_HEADER = "X-Correlation-ID"


def current_correlation_id() -> str:
    """The correlation id of the current request or event, or a new one."""
    value = correlation_id_var.get()
    if value is None:
        value = str(uuid4())
        correlation_id_var.set(value)
    return value


def current_causation_id() -> str | None:
    return causation_id_var.get()
