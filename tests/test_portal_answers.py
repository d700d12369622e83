"""The portal's answers against the API document (issue 24): every field a
portal answer model declares is one the gateway's merged OpenAPI says the
call answers, with the same name, never null where the portal expects a
value — so a renamed or dropped field fails here, not in a visitor's page.

A field the portal requires must be in the answer of every call mapped to
its model; a field it may do without must be in at least one of them (else
it is a misspelling)."""

from __future__ import annotations

from typing import Any, Union, get_args, get_origin

import pytest
from pydantic import BaseModel

from portal import answers as a

J = "/v1/jurisdictions/{jurisdiction_id}"
CALLS: dict[type[BaseModel], list[tuple[str, str]]] = {
    a.Tokens: [("post", "/v1/auth/token"), ("post", "/v1/me/password"), ("post", "/v1/me/setup")],
    a.Me: [("get", "/v1/me"), ("patch", "/v1/me")],
    a.Company: [
        ("get", J + "/companies/{company_id}"),
        ("get", J + "/public-companies/{company_id}"),
    ],
    a.DirectoryEntry: [("get", "/v1/jurisdiction-directory")],
    a.Jurisdiction: [("get", J)],
    a.PermitType: [("get", J + "/permit-types")],
    a.Permit: [
        ("get", J + "/permits/{permit_id}"),
        ("post", J + "/permits"),
        ("post", J + "/permit-links"),
    ],
    a.PublicPermit: [("get", J + "/public-permits")],
    a.PublicPermitPage: [("get", J + "/public-permits/{number}")],
    a.Payment: [
        ("get", J + "/payments/{payment_id}"),
        ("get", J + "/payments/{payment_id}/receipt"),
        ("post", J + "/checkout"),
    ],
    a.Cart: [("get", J + "/cart")],
    a.InspectionDates: [("get", J + "/inspection-dates")],
    a.Inspection: [("get", J + "/inspections/{inspection_id}")],
    a.PublicInspection: [("get", J + "/public-inspections")],
    a.RegistrationSettings: [("get", J + "/registration-settings")],
    a.Registration: [("get", "/v1/registrations/{registration_id}")],
    a.OpenedRegistration: [
        ("post", "/v1/registrations/confirm/{token}"),
        ("post", "/v1/registrations/resume/{token}"),
    ],
    a.LinkView: [
        ("get", "/v1/enrollments/{token}"),
        ("get", "/v1/invitations/{token}"),
        ("get", "/v1/password-resets/{token}"),
        ("get", "/v1/registrations/confirm/{token}"),
    ],
}
LISTS: dict[str, tuple[str, str]] = {  # Listed[...] answers: their rows' model
    "PermitRow": ("get", J + "/dashboard/permits"),
    "Payment": ("get", J + "/payments"),
    "Inspection": ("get", J + "/my-inspections"),
}
ROWS: dict[str, type[BaseModel]] = {
    "PermitRow": a.PermitRow,
    "Payment": a.Payment,
    "Inspection": a.Inspection,
}


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The schema itself: its $ref followed, a nullable's non-null branch, a list's rows."""
    while True:
        if "$ref" in schema:
            schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        elif "anyOf" in schema:
            schema = next(s for s in schema["anyOf"] if s.get("type") != "null")
        elif schema.get("type") == "array":
            schema = schema["items"]
        else:
            return schema


def _nullable(schema: dict[str, Any]) -> bool:
    return any(s.get("type") == "null" for s in schema.get("anyOf", []))


def _answer(doc: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    responses = doc["paths"][path][method]["responses"]
    ok = next(r for code, r in responses.items() if code.startswith("2"))
    return _resolve(doc, ok["content"]["application/json"]["schema"])


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The answer model a field holds (itself, in a list, or nullable)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def _accepts_none(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, type(int | None)) and type(None) in get_args(
        annotation
    )


def _mismatches(
    doc: dict[str, Any], model: type[BaseModel], schemas: list[dict[str, Any]], where: str
) -> list[str]:
    found: list[str] = []
    for name, info in model.model_fields.items():
        holding = [s for s in schemas if name in s.get("properties", {})]
        if info.is_required() and len(holding) < len(schemas):
            found.append(f"{where}.{name}: required by the portal, not in every answer")
        if not holding:
            found.append(f"{where}.{name}: in no answer of the API")
            continue
        properties = [s["properties"][name] for s in holding]
        if not _accepts_none(info.annotation) and any(_nullable(p) for p in properties):
            found.append(f"{where}.{name}: the API may send null")
        inner = _model_of(info.annotation)
        if inner is not None:
            nested = [_resolve(doc, p) for p in properties]
            found += _mismatches(doc, inner, nested, f"{where}.{name}")
    return found


@pytest.mark.parametrize("model", list(CALLS), ids=lambda m: m.__name__)
def test_each_portal_answer_is_what_the_api_answers(
    merged: dict[str, Any], model: type[BaseModel]
) -> None:
    schemas = [_answer(merged, method, path) for method, path in CALLS[model]]
    assert _mismatches(merged, model, schemas, model.__name__) == []


@pytest.mark.parametrize("row", list(LISTS))
def test_each_listed_answer_is_a_page_of_its_rows(merged: dict[str, Any], row: str) -> None:
    page = _answer(merged, *LISTS[row])
    assert {"items", "total", "limit", "offset"} <= set(page["properties"])
    rows = _resolve(merged, page["properties"]["items"])
    assert _mismatches(merged, ROWS[row], [rows], row) == []


def test_a_misnamed_field_is_caught(merged: dict[str, Any]) -> None:
    """The check itself: a field the API does not answer is named."""

    class Misnamed(a.Answer):
        id: str
        permit_number: str

    schema = _answer(merged, "get", J + "/permits/{permit_id}")
    assert _mismatches(merged, Misnamed, [schema], "Misnamed") == [
        "Misnamed.permit_number: required by the portal, not in every answer",
        "Misnamed.permit_number: in no answer of the API",
    ]
