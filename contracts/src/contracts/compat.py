"""Backward-compatibility check between a published and a new JSON Schema.

Within one event version consumers must keep working: no field may be removed
or renamed, no field may change type, and no new field may become required.
"""

from __future__ import annotations

from typing import Any


def _type_of(schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    if "$ref" in schema:
        ref = schema["$ref"].rsplit("/", 1)[-1]
        return _type_of(defs.get(ref, {}), defs)
    if "anyOf" in schema:
        return sorted(str(_type_of(s, defs)) for s in schema["anyOf"])
    return (schema.get("type"), schema.get("format"), tuple(schema.get("enum", ())) or None)


def incompatibilities(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What in ``new`` would break a consumer written against ``old``."""
    problems: list[str] = []
    old_props: dict[str, Any] = old.get("properties", {})
    new_props: dict[str, Any] = new.get("properties", {})
    old_defs = old.get("$defs", {})
    new_defs = new.get("$defs", {})
    for name, old_schema in old_props.items():
        if name not in new_props:
            problems.append(f"field {name!r} removed or renamed")
            continue
        if _type_of(old_schema, old_defs) != _type_of(new_props[name], new_defs):
            problems.append(f"field {name!r} changed type")
    newly_required = set(new.get("required", ())) - set(old.get("required", ()))
    for name in sorted(newly_required):
        problems.append(f"field {name!r} became required")
    return problems
