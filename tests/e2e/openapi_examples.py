"""A valid request for an OpenAPI operation: required fields only, each from
its example, default, enum, format or bounds — so that a request is refused
for who sends it, not for what it holds."""

from __future__ import annotations

from typing import Any

FORMATS = {
    "email": "someone@example.org",
    "date": "2026-12-01",
    "date-time": "2026-12-01T10:00:00Z",
    "uri": "https://example.org/",
    "binary": "x",
}


def resolve(schema: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc["components"]["schemas"][name]
    return schema


def example(schema: dict[str, Any], doc: dict[str, Any]) -> Any:
    schema = resolve(schema, doc)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [o for o in schema[key] if resolve(o, doc).get("type") != "null"]
            return example(options[0], doc)
    if "allOf" in schema:
        return example(schema["allOf"][0], doc)
    if schema.get("examples"):
        return schema["examples"][0]
    if "example" in schema:
        return schema["example"]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type", "object")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: example(props[name], doc) for name in schema.get("required", [])}
    if kind == "array":
        return [example(schema.get("items", {}), doc) for _ in range(schema.get("minItems", 0))]
    if kind == "string":
        if schema.get("format") in FORMATS:
            return FORMATS[schema["format"]]
        return "x" * max(3, schema.get("minLength", 1))
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    return None


def request_body(operation: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    """httpx keyword arguments carrying a valid body for ``operation``."""
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        return {"json": example(content["application/json"].get("schema", {}), doc)}
    if "multipart/form-data" in content:
        return {"files": {"file": ("plans.pdf", b"%PDF-1.7\n" + b"1" * 2000, "application/pdf")}}
    if "application/x-www-form-urlencoded" in content:
        return {"data": example(content["application/x-www-form-urlencoded"]["schema"], doc)}
    return {}


def required_query(operation: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    return {
        p["name"]: example(p.get("schema", {}), doc)
        for p in operation.get("parameters", [])
        if p.get("in") == "query" and p.get("required")
    }
