"""A webhook receiver for the end-to-end tests: a threaded HTTP server on
loopback that keeps every delivery's ``webhook-id`` and body, and can hold
the first request until told to answer (a delivery in flight)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class HookReceiver:
    def __init__(self, *, hold_first: bool = False) -> None:
        self.got: list[tuple[str, dict[str, Any]]] = []
        self.holding = threading.Event()  # the first request is in and held
        self.release = threading.Event()
        if not hold_first:
            self.release.set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                first = not receiver.holding.is_set()
                receiver.holding.set()
                if first:
                    receiver.release.wait(60)
                receiver.got.append((self.headers["webhook-id"], json.loads(body)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def ids(self) -> list[str]:
        return [event_id for event_id, _ in list(self.got)]

    def __enter__(self) -> HookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
