"""The gateway's own limit: at most ``max_in_flight`` requests at a time;
beyond it, 503 with ``Retry-After`` at once. Health checks and logging in
have a small reserve of their own, so an overloaded suite can still be
watched and entered."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from chassis.errors import problem_response

# served from the reserve when the normal allowance is used up
RESERVED_PATHS = ("/health", "/health/live", "/v1/auth/token")


class LoadShedding:
    def __init__(
        self, app: ASGIApp, max_in_flight: int, reserve: int, retry_after_seconds: int
    ) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.reserve = reserve
        self.retry_after = str(retry_after_seconds)
        self.in_flight = 0
        self.shed = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_in_flight
        if scope.get("path") in RESERVED_PATHS:
            limit += self.reserve
        if self.in_flight >= limit:
            self.shed += 1
            response = problem_response(
                503,
                "Too busy",
                slug="overloaded",
                detail=f"the gateway is at capacity; try again in {self.retry_after} s",
                headers={"Retry-After": self.retry_after},
            )
            await response(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
