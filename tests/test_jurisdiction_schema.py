"""The profile's JSON Schema (deploy/admin/jurisdiction.schema.json) is
written from the API's own document: each section is the schema of the body
the API takes for it, so an editor checks a profile as the services will.
Run with ``PERMITSUITE_WRITE_SCHEMAS=1`` to write it after an API change."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "deploy/admin/jurisdiction.schema.json"
PROFILES = ROOT / "deploy/embedded/src/permitsuite_embedded/jurisdictions"
J = "/v1/jurisdictions/{jurisdiction_id}"


def _body(doc: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    schema = doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    return dict(schema)


def _rewrite(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: (v.replace("#/components/schemas/", "#/$defs/") if k == "$ref" else _rewrite(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rewrite(v) for v in node]
    return node


def profile_schema(doc: dict[str, Any]) -> dict[str, Any]:
    jurisdiction = {
        "allOf": [
            _body(doc, "post", "/v1/jurisdictions"),
            {"not": {"required": ["first_admin"]}},
        ],
        "description": "identity's profile of the jurisdiction (created if it does not exist)",
    }
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://permitsuite.org/schemas/jurisdiction-profile.v1.json",
        "title": "Permitsuite jurisdiction profile",
        "description": "A jurisdiction as code: `permitsuite jurisdiction apply FILE`",
        "type": "object",
        "additionalProperties": False,
        "required": ["jurisdiction"],
        "properties": {
            "version": {"const": 1},
            "jurisdiction": jurisdiction,
            "payments": _body(doc, "put", f"{J}/payment-settings"),
            "inspections": _body(doc, "put", f"{J}/inspection-settings"),
            "registration": _body(doc, "put", f"{J}/registration-settings"),
            "permit_types": {
                "type": "object",
                "description": "each permit type by its code",
                "additionalProperties": _body(doc, "put", f"{J}/permit-types/{{code}}"),
            },
        },
    }
    return dict(_rewrite({**schema, "$defs": _used(schema, doc["components"]["schemas"])}))


def _used(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """The components the profile's sections refer to, and theirs in turn."""
    found: dict[str, Any] = {}
    waiting = [schema]
    while waiting:
        node = waiting.pop()
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            name = ref.rsplit("/", 1)[-1] if ref.startswith("#/components/schemas/") else None
            if name and name not in found:
                found[name] = components[name]
                waiting.append(components[name])
            waiting.extend(v for k, v in node.items() if k != "$ref")
        elif isinstance(node, list):
            waiting.extend(node)
    return dict(sorted(found.items()))


def test_the_committed_schema_is_the_apis(merged: dict[str, Any]) -> None:
    written = json.dumps(profile_schema(merged), indent=2, sort_keys=True) + "\n"
    if os.environ.get("PERMITSUITE_WRITE_SCHEMAS"):
        SCHEMA.write_text(written)
    assert SCHEMA.read_text() == written, "run with PERMITSUITE_WRITE_SCHEMAS=1"


def test_the_demo_profiles_are_valid_and_a_wrong_one_is_not() -> None:
    schema = json.loads(SCHEMA.read_text())
    for path in PROFILES.glob("*.yaml"):
        jsonschema.validate(yaml.safe_load(path.read_text()), schema)
    wrong = yaml.safe_load((PROFILES / "demo.yaml").read_text())
    wrong["payments"]["methods"][0]["fee_percent"] = "a lot"
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(wrong))
    assert errors and any("fee_percent" in str(e.path) or "a lot" in e.message for e in errors)
