"""Run an app with uvicorn, shutting down gracefully on SIGTERM/SIGINT."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI


def serve(app: FastAPI, host: str, port: int) -> None:
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,  # JSON logging is configured by the app factory
        access_log=False,
        timeout_graceful_shutdown=10,
        # longer than any client keeps an idle connection (httpx: 5 s): a server
        # that closes first races a client reusing the connection, and the
        # request fails before it is sent (seen under load as "HTTP 0")
        timeout_keep_alive=65,
        proxy_headers=False,
    )
