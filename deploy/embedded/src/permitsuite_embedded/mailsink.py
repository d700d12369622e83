"""A local SMTP server that captures mail, with a small JSON API to read it
(and the embedded stack's webhook receiver: :mod:`permitsuite_embedded.webhooksink`).

``python -m permitsuite_embedded.mailsink --smtp-port 1025 --http-port 8025
--store DIR/mail.jsonl``. Messages are appended to a JSON-lines file, so
captured mail survives a restart of the embedded suite.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import email
import email.policy
import json
import re
import signal
import threading
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from uuid import uuid4

import uvicorn
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from fastapi import FastAPI

from chassis.clock import SystemClock
from permitsuite_embedded import webhooksink
from permitsuite_embedded.webhooksink import WebhookSink

LINK = re.compile(r"https?://[^\s<>\"')]+")


class MailStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._messages: list[dict[str, Any]] = []
        if path is not None and path.exists():
            for line in path.read_text().splitlines():
                if line.strip():
                    self._messages.append(json.loads(line))

    def add(self, message: dict[str, Any]) -> None:
        with self._lock:
            self._messages.append(message)
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a") as f:
                    f.write(json.dumps(message) + "\n")

    def all(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._messages)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()
            if self.path is not None:
                self.path.write_text("")


def parse_message(raw: bytes, envelope_to: list[str]) -> dict[str, Any]:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    text_part = msg.get_body(preferencelist=("plain",))
    html_part = msg.get_body(preferencelist=("html",))
    text = text_part.get_content().replace("\r\n", "\n") if text_part is not None else ""
    html = html_part.get_content().replace("\r\n", "\n") if html_part is not None else ""
    return {
        "id": str(uuid4()),
        "received_at": SystemClock().now().isoformat(),
        "message_id": msg.get("Message-ID"),
        "from": msg.get("From"),
        "to": envelope_to,
        "subject": msg.get("Subject"),
        "text": text,
        "html": html,
        "links": LINK.findall(text),
    }


class _Handler:
    def __init__(self, store: MailStore) -> None:
        self.store = store

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        raw = envelope.original_content or b""
        self.store.add(parse_message(raw, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SmtpSink:
    """aiosmtpd in a background thread (used in-process by tests)."""

    def __init__(self, store: MailStore, host: str, port: int) -> None:
        self.store = store
        self.controller = Controller(_Handler(store), hostname=host, port=port)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def http_app(store: MailStore, hooks: WebhookSink | None = None) -> FastAPI:
    app = FastAPI(title="Permitsuite dev mailbox")
    app.include_router(webhooksink.router(hooks or WebhookSink(None)))

    @app.get("/messages")
    async def messages() -> list[dict[str, Any]]:
        return store.all()

    @app.delete("/messages", status_code=204)
    async def clear() -> None:
        store.clear()

    @app.get("/health/ready")
    async def ready() -> dict[str, bool]:
        return {"ready": True}

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=8025)
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--webhook-secrets", type=Path, default=None)
    args = parser.parse_args()
    store = MailStore(args.store)
    hooks = WebhookSink(args.webhook_secrets)
    with SmtpSink(store, args.host, args.smtp_port):
        server = uvicorn.Server(
            uvicorn.Config(
                http_app(store, hooks), host=args.host, port=args.http_port, log_level="warning"
            )
        )
        loop = asyncio.new_event_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, lambda: setattr(server, "should_exit", True))
        loop.run_until_complete(server.serve())


if __name__ == "__main__":
    main()
