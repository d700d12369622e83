"""A background job that runs every so often until the service stops."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)


async def every(
    interval: float, stop: asyncio.Event, step: Callable[[], Awaitable[Any]], what: str
) -> None:
    """Run ``step`` every ``interval`` seconds until ``stop`` is set; a step
    that fails is logged (``what`` names it) and the next one runs as planned."""
    while not stop.is_set():
        try:
            await step()
        except Exception:
            log.exception("%s failed; the next round runs as planned", what)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
