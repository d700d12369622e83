"""Generate the JSON Schemas and the AsyncAPI document of every event.

``python -m contracts.schemas`` writes ``contracts/schemas/*.json`` and
``contracts/asyncapi.json``; both are checked in, and a test fails when they
are stale or when a change to a published schema is incompatible.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from contracts.registry import registered_events

CONTRACTS_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = CONTRACTS_ROOT / "schemas"
ASYNCAPI_PATH = CONTRACTS_ROOT / "asyncapi.json"

CE_HEADERS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "CloudEvents 1.0 attributes, Kafka binary content mode",
    "required": [
        "ce_specversion",
        "ce_id",
        "ce_source",
        "ce_type",
        "ce_time",
        "ce_subject",
        "ce_correlationid",
        "content-type",
    ],
    "properties": {
        "ce_specversion": {"type": "string", "const": "1.0"},
        "ce_id": {"type": "string", "format": "uuid"},
        "ce_source": {"type": "string", "examples": ["/permitsuite/identity"]},
        "ce_type": {"type": "string"},
        "ce_time": {"type": "string", "format": "date-time"},
        "ce_subject": {"type": "string", "description": "aggregate id, also the record key"},
        "ce_jurisdiction": {"type": "string"},
        "ce_correlationid": {"type": "string"},
        "ce_causationid": {"type": "string"},
        "content-type": {"type": "string", "const": "application/json"},
    },
}


WEBHOOK_HEADERS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Standard Webhooks headers (https://www.standardwebhooks.com/)",
    "required": ["webhook-id", "webhook-timestamp", "webhook-signature", "content-type"],
    "properties": {
        "webhook-id": {"type": "string", "description": "the event's id: de-duplicate on it"},
        "webhook-timestamp": {"type": "string", "description": "Unix seconds of the attempt"},
        "webhook-signature": {
            "type": "string",
            "description": "space-separated v1,<base64 HMAC-SHA256 of id.timestamp.body>; "
            "two during a secret rotation's overlap",
        },
        "content-type": {"type": "string", "const": "application/json"},
    },
}
PING_TYPE = "permitsuite.webhooks.Ping.v1"


def webhook_body(event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """The body of a webhook delivery: the event as a CloudEvent in JSON."""
    text = {"type": "string"}
    return {
        "type": "object",
        "required": ["id", "type", "source", "time", "subject", "jurisdiction", "data"],
        "properties": {
            "specversion": {"type": "string", "const": "1.0"},
            "id": {"type": "string", "description": "the same as ce_id on Kafka"},
            "type": {"type": "string", "const": event_type},
            "source": text,
            "time": {"type": "string", "format": "date-time"},
            "subject": {"type": "string", "description": "the aggregate's id"},
            "jurisdiction": text,
            "correlationid": text,
            "causationid": {"type": ["string", "null"]},
            "datacontenttype": {"type": "string", "const": "application/json"},
            "data": data,
        },
    }


def event_schemas() -> dict[str, dict[str, Any]]:
    """Event type → JSON Schema of its ``data``."""
    return {
        event_type: cls.model_json_schema(mode="serialization")
        for event_type, cls in registered_events().items()
    }


def asyncapi_document() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for event_type, cls in registered_events().items():
        name = event_type.removeprefix("permitsuite.").replace(".", "_")
        messages[name] = _kafka_message(event_type, cls)
        channel = channels.setdefault(
            cls.topic.replace(".", "_"),
            {"address": cls.topic, "messages": {}},
        )
        channel["messages"][name] = {"$ref": f"#/components/messages/{name}"}
    channels["webhooks"] = _webhooks(messages)
    for channel_id, channel in channels.items():
        operations[f"publish_{channel_id}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "messages": [
                {"$ref": f"#/channels/{channel_id}/messages/{m}"} for m in channel["messages"]
            ],
        }
    operations["publish_webhooks"]["bindings"] = {"http": {"method": "POST"}}
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Permitsuite events",
            "version": "1",
            "description": (
                "Integration events of every Permitsuite context. Record key = aggregate id "
                "(ce_subject); value = the event data as JSON."
            ),
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def _kafka_message(event_type: str, cls: Any) -> dict[str, Any]:
    """One event type as a Kafka record: CloudEvents headers, the data as value."""
    return {
        "name": event_type,
        "title": cls.__name__,
        "summary": ((cls.__doc__ or "").strip().splitlines() or [cls.__name__])[0],
        "contentType": "application/json",
        "headers": {
            **CE_HEADERS_SCHEMA,
            "properties": {
                **CE_HEADERS_SCHEMA["properties"],
                "ce_type": {"type": "string", "const": event_type},
            },
        },
        "payload": cls.model_json_schema(mode="serialization"),
    }


def _webhooks(messages: dict[str, Any]) -> dict[str, Any]:
    """Each event type as a jurisdiction's webhook endpoints receive it (an
    HTTP POST to the endpoint's URL), and the test ping."""
    kafka = [name for name in messages]
    for name in kafka:
        event = messages[name]
        messages[f"webhook_{name}"] = {
            "name": event["name"],
            "title": f"{event['title']} (webhook)",
            "summary": event["summary"],
            "contentType": "application/json",
            "headers": WEBHOOK_HEADERS_SCHEMA,
            "payload": webhook_body(event["name"], event["payload"]),
        }
    messages["webhook_ping"] = {
        "name": PING_TYPE,
        "title": "Ping (webhook)",
        "summary": "A test event an admin sends to one endpoint (not in the feed)",
        "contentType": "application/json",
        "headers": WEBHOOK_HEADERS_SCHEMA,
        "payload": webhook_body(
            PING_TYPE,
            {"type": "object", "properties": {"endpoint_id": {"type": "string"}}},
        ),
    }
    names = [f"webhook_{name}" for name in kafka] + ["webhook_ping"]
    return {
        "address": None,
        "title": "A jurisdiction's webhook endpoint",
        "description": "POSTed to each webhook endpoint of the event's jurisdiction "
        "(docs/integrating-events.md): its URL is the address.",
        "messages": {n: {"$ref": f"#/components/messages/{n}"} for n in names},
    }


def _dump(obj: Any) -> str:
    return json.dumps(obj, indent=2, sort_keys=True) + "\n"


def rendered_files() -> dict[Path, str]:
    files = {SCHEMA_DIR / f"{t}.json": _dump(s) for t, s in event_schemas().items()}
    files[ASYNCAPI_PATH] = _dump(asyncapi_document())
    return files


def main() -> int:
    SCHEMA_DIR.mkdir(exist_ok=True)
    for path, text in rendered_files().items():
        path.write_text(text)
        print(f"wrote {path.relative_to(CONTRACTS_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
