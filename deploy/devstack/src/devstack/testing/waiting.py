"""Wait for a condition (never for a deadline: deadlines use the ManualClock)."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable

POLL_SECONDS = 0.05


async def eventually(
    condition: Callable[[], bool | Awaitable[bool]], *, timeout: float = 30.0, what: str = ""
) -> None:
    """Return once ``condition()`` is true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        await asyncio.sleep(POLL_SECONDS)
    raise AssertionError(f"not reached within {timeout}s: {what or condition}")


def eventually_sync(
    condition: Callable[[], bool], *, timeout: float = 30.0, what: str = ""
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(POLL_SECONDS)
    raise AssertionError(f"not reached within {timeout}s: {what or condition}")
