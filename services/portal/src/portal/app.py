"""The portal's application factory: sessions, the gateway client, security
headers, static USWDS assets, pages, and friendly error pages."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from pymongo import AsyncMongoClient

from chassis.clock import Clock, configured_clock
from chassis.http import ObservabilityMiddleware
from chassis.logging import configure_logging
from chassis.tracing import trace_app
from portal.errors import ERROR_PAGES
from portal.gateway import Gateway
from portal.i18n import LanguageMiddleware
from portal.pages import ROUTERS
from portal.security import content_security_policy, csrf_guard, security_middleware
from portal.sessions import DraftStore, FlashStore, SessionStore
from portal.settings import PortalSettings
from portal.web import Profiles

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"


def create_app(settings: PortalSettings, clock: Clock | None = None) -> FastAPI:
    configure_logging("portal", settings.log_level, settings.log_json)
    clock = clock or configured_clock()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongodb_url)
        gateway = Gateway(
            settings.gateway_url,
            settings.api_timeout_seconds,
            proxy_secret=(
                settings.gateway_proxy_secret.get_secret_value()
                if settings.gateway_proxy_secret
                else None
            ),
        )
        state = app.state
        state.settings, state.clock, state.gateway = settings, clock, gateway
        state.profiles = Profiles(gateway)
        state.sessions = SessionStore(
            client[settings.mongodb_database],
            clock,
            idle=timedelta(minutes=settings.session_idle_minutes),
            lifetime=timedelta(hours=settings.session_max_hours),
        )
        await state.sessions.ensure_indexes()
        state.drafts = DraftStore(
            client[settings.mongodb_database],
            clock,
            keep=timedelta(days=settings.registration_keep_days),
        )
        await state.drafts.ensure_indexes()
        state.flashes = FlashStore(client[settings.mongodb_database], clock)
        await state.flashes.ensure_indexes()
        log.info("portal started, gateway %s", settings.gateway_url)
        try:
            yield
        finally:
            await gateway.close()
            await client.close()

    app = FastAPI(
        title="Permitsuite portal",
        lifespan=lifespan,
        dependencies=[Depends(csrf_guard)],  # every unsafe method, every route
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    for exception, handler in ERROR_PAGES.items():
        app.add_exception_handler(exception, handler)
    app.middleware("http")(_save_refreshed_tokens)
    app.middleware("http")(_clear_shown_flashes)
    csp = content_security_policy(settings.payment_origins)
    app.middleware("http")(security_middleware(csp, settings.secure_cookies))
    app.add_middleware(LanguageMiddleware)  # each page in the visitor's language
    app.add_middleware(ObservabilityMiddleware, service="portal")
    trace_app(app, "portal")  # off unless a collector is configured
    return app


async def _clear_shown_flashes(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """A page that showed the visitor's messages: they are gone (a redirect
    keeps them for the page it leads to)."""
    response = await call_next(request)
    shown = getattr(request.state, "flashes_shown", None)
    if shown is not None:
        await request.app.state.flashes.clear(shown)
    return response


async def _save_refreshed_tokens(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    api = getattr(request.state, "api", None)
    if api is not None and api.changed:
        await request.app.state.sessions.save(request.state.visitor, api.session)
    return response
