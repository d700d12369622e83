"""The envelope and the published event schemas."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from contracts import Envelope, EnvelopeError
from contracts.compat import incompatibilities
from contracts.registry import event_class_for, registered_events
from contracts.schemas import ASYNCAPI_PATH, SCHEMA_DIR, event_schemas, rendered_files

CONTRACTS = Path(__file__).resolve().parents[1]


def _envelope(**over: Any) -> Envelope:
    return Envelope(
        **{
            "source": "/permitsuite/identity",
            "type": "permitsuite.identity.JurisdictionCreated.v1",
            "time": datetime(2026, 1, 1, 12, tzinfo=UTC),
            "subject": "demo",
            "jurisdiction": "demo",
            "correlationid": "c-1",
            "causationid": "e-0",
            "data": {"jurisdiction_id": "demo", "name": "Demo", "time_zone": "UTC"},
            **over,
        }
    )


def test_envelope_round_trips_through_kafka_binary_mode() -> None:
    env = _envelope()
    headers = [(k, v.encode()) for k, v in env.kafka_headers().items()]
    back = Envelope.from_kafka(headers, env.kafka_value())
    assert back == env
    assert env.kafka_key() == b"demo"
    assert dict(headers)["ce_specversion"] == b"1.0"


def test_optional_extensions_are_omitted_when_absent() -> None:
    env = _envelope(jurisdiction=None, causationid=None)
    assert "ce_jurisdiction" not in env.kafka_headers()
    assert "ce_causationid" not in env.kafka_headers()


@pytest.mark.parametrize(
    ("headers", "value"),
    [
        ({}, b"{}"),
        ({"ce_specversion": "0.3"}, b"{}"),
        (
            {
                "ce_specversion": "1.0",
                "ce_id": "1",
                "ce_source": "s",
                "ce_type": "t",
                "ce_time": "now",
                "ce_subject": "x",
            },
            b"{}",
        ),
        (dict(_envelope().kafka_headers()), b"not json"),
        (dict(_envelope().kafka_headers()), b"[1, 2]"),
    ],
)
def test_malformed_records_raise_envelope_error(headers: dict[str, str], value: bytes) -> None:
    with pytest.raises(EnvelopeError):
        Envelope.from_kafka(headers, value)


def test_every_event_type_is_versioned_and_routable() -> None:
    for event_type, cls in registered_events().items():
        assert event_type.startswith("permitsuite.") and event_type.rsplit(".", 1)[1].startswith(
            "v"
        )
        assert event_class_for(event_type) is cls
        assert cls.subject_field in cls.model_fields


def test_checked_in_schemas_and_asyncapi_are_up_to_date() -> None:
    """Run `make schemas` after changing an event model."""
    for path, text in rendered_files().items():
        assert path.exists(), f"{path.name} missing: run `make schemas`"
        assert path.read_text() == text, f"{path.name} is stale: run `make schemas`"
    asyncapi = json.loads(ASYNCAPI_PATH.read_text())
    assert asyncapi["asyncapi"] == "3.0.0"
    assert "identity_events" in asyncapi["channels"]


def test_current_models_are_compatible_with_checked_in_schemas() -> None:
    for event_type, schema in event_schemas().items():
        path = SCHEMA_DIR / f"{event_type}.json"
        if path.exists():
            assert incompatibilities(json.loads(path.read_text()), schema) == [], event_type


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args], cwd=CONTRACTS, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout


def test_no_published_schema_ever_changed_incompatibly() -> None:
    """Every committed version of a schema file stays readable by the current model."""
    if _git("rev-parse", "--is-inside-work-tree") is None:
        pytest.skip("not a git checkout")
    current = event_schemas()
    checked = tracked = 0
    for event_type, schema in current.items():
        rel = f"schemas/{event_type}.json"
        commits = (_git("log", "--format=%H", "--", rel) or "").split()
        tracked += bool(commits)
        for commit in commits:
            old = _git("show", f"{commit}:./{rel}")
            if old:
                problems = incompatibilities(json.loads(old), schema)
                assert problems == [], f"{event_type} vs {commit[:8]}: {problems}; publish a .v2"
                checked += 1
    assert tracked > 0, "no committed schema found to compare with"
    assert checked >= tracked


def test_compat_rules_catch_each_kind_of_break() -> None:
    old = {
        "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
        "required": ["a"],
    }
    assert incompatibilities(old, old) == []
    added_optional = {**old, "properties": {**old["properties"], "c": {"type": "string"}}}
    assert incompatibilities(old, added_optional) == []
    removed = {"properties": {"a": {"type": "string"}}, "required": ["a"]}
    assert incompatibilities(old, removed) == ["field 'b' removed or renamed"]
    retyped = {**old, "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}}
    assert incompatibilities(old, retyped) == ["field 'a' changed type"]
    newly_required = {**added_optional, "required": ["a", "c"]}
    assert incompatibilities(old, newly_required) == ["field 'c' became required"]


def test_the_asyncapi_document_lists_every_webhook_payload() -> None:
    """Issue 26: what a jurisdiction's webhook endpoint receives is documented
    per event type — the Standard Webhooks headers and the CloudEvent body
    whose ``data`` is the event's own schema — and the test ping."""
    doc = json.loads(ASYNCAPI_PATH.read_text())
    hooks = doc["channels"]["webhooks"]["messages"]
    messages = doc["components"]["messages"]
    names = {messages[ref["$ref"].rsplit("/", 1)[1]]["name"] for ref in hooks.values()}
    assert names == set(registered_events()) | {"permitsuite.webhooks.Ping.v1"}
    for ref in hooks.values():
        message = messages[ref["$ref"].rsplit("/", 1)[1]]
        assert {"webhook-id", "webhook-timestamp", "webhook-signature"} <= set(
            message["headers"]["required"]
        )
        assert message["payload"]["properties"]["type"]["const"] == message["name"]
    issued = messages["webhook_permits_PermitIssued_v1"]["payload"]["properties"]["data"]
    assert issued == event_schemas()["permitsuite.permits.PermitIssued.v1"]
    assert doc["operations"]["publish_webhooks"]["bindings"]["http"]["method"] == "POST"
