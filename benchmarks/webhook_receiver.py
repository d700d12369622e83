"""The fan-out benchmark's webhook receiver, in a process of its own: answers
every POST with 204 at once and keeps (event id, path, arrival time on the
monotonic clock, which on Linux is the same for every process); ``GET
/arrivals`` lists them, ``DELETE /arrivals`` forgets them. Raw ASGI on
uvicorn, so the receiver is not what is measured."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import uvicorn

ARRIVED: list[dict[str, Any]] = []


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    more = True
    while more:  # drain the body
        message = await receive()
        more = message.get("more_body", False)
    status, body = 204, b""
    if scope["method"] == "POST":
        headers = dict(scope["headers"])
        ARRIVED.append(
            {"id": headers[b"webhook-id"].decode(), "path": scope["path"], "at": time.monotonic()}
        )
    elif scope["method"] == "GET":
        status, body = 200, json.dumps(ARRIVED).encode()
    else:
        ARRIVED.clear()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": body})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8198)
    args = parser.parse_args()
    uvicorn.run(
        app, host="127.0.0.1", port=args.port, log_level="warning", backlog=1024, access_log=False
    )


if __name__ == "__main__":
    main()
