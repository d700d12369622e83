"""Run a service app with uvicorn, shutting down gracefully on SIGTERM/SIGINT."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from chassis.settings import ServiceSettings


def serve(app: FastAPI, settings: ServiceSettings) -> None:
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,  # our JSON logging, configured by the app factory
        access_log=False,
        timeout_graceful_shutdown=10,
        proxy_headers=False,
    )
