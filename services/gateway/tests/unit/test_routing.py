"""The route table: most specific pattern wins."""

from __future__ import annotations

from typing import Any

from gateway.routing import match_route
from gateway.settings import DEFAULT_ROUTES, Route


def test_default_routes_send_skeleton_paths_to_identity() -> None:
    for path in (
        "/v1/auth/token",
        "/v1/me",
        "/v1/enrollments/demo.abc",
        "/v1/jurisdictions",
        "/v1/jurisdictions/demo",
        "/v1/jurisdictions/demo/enrollments",
        "/.well-known/jwks.json",
        "/v1/me/memberships",
        "/v1/invitations/demo.x",
        "/v1/password-resets/demo.x",
        "/v1/jurisdictions/demo/password-resets",
        "/v1/jurisdictions/demo/users",
        "/v1/jurisdictions/demo/users/m1",
        "/v1/jurisdictions/demo/companies/c1/users/a1",
        "/v1/jurisdictions/demo/audit",
    ):
        route = match_route(DEFAULT_ROUTES, path)
        assert route is not None and route.service == "identity", path


def test_unknown_paths_do_not_match() -> None:
    assert match_route(DEFAULT_ROUTES, "/v1/nothing") is None
    assert match_route(DEFAULT_ROUTES, "/v1/jurisdictions/demo/nothing") is None
    assert match_route(DEFAULT_ROUTES, "/v1/auth") is None  # ** needs at least one segment


def test_more_specific_pattern_wins() -> None:
    routes = [
        Route(pattern="/v1/jurisdictions/**", service="identity"),
        Route(pattern="/v1/jurisdictions/*/permits/**", service="permits"),
        Route(pattern="/v1/jurisdictions/*/permits", service="permits"),
    ]
    assert match_route(routes, "/v1/jurisdictions/demo/permits").service == "permits"  # type: ignore[union-attr]
    assert match_route(routes, "/v1/jurisdictions/demo/permits/p1").service == "permits"  # type: ignore[union-attr]
    assert match_route(routes, "/v1/jurisdictions/demo/users").service == "identity"  # type: ignore[union-attr]


def test_merged_openapi_keeps_only_routed_service_paths() -> None:
    from gateway.routing import merge_openapi

    own = {"openapi": "3.1.0", "paths": {"/health": {"get": {}}}}
    identity = {
        "paths": {"/v1/me": {"get": {}}, "/health/ready": {"get": {}}, "/internal": {"get": {}}},
        "components": {"schemas": {"Me": {"type": "object"}}},
    }
    merged = merge_openapi(own, {"identity": identity}, DEFAULT_ROUTES)
    assert set(merged["paths"]) == {"/health", "/v1/me"}
    assert merged["components"]["schemas"]["Me"] == {"type": "object"}


def test_registration_paths_go_to_registration() -> None:
    for path in (
        "/v1/jurisdictions/demo/registration-settings",
        "/v1/jurisdictions/demo/registrations",
        "/v1/jurisdictions/demo/registrations/r1/decision",
        "/v1/registrations/confirm/demo.x",
        "/v1/registrations/r1/requirements/insurance/document",
    ):
        route = match_route(DEFAULT_ROUTES, path)
        assert route is not None and route.service == "registration", path


def test_permit_paths_go_to_permits() -> None:
    for path in (
        "/v1/jurisdictions/demo/permit-types",
        "/v1/jurisdictions/demo/permit-types/RES",
        "/v1/jurisdictions/demo/permits",
        "/v1/jurisdictions/demo/permits/p1/transitions",
    ):
        route = match_route(DEFAULT_ROUTES, path)
        assert route is not None and route.service == "permits", path


def test_two_services_models_of_one_name_both_stay_in_the_merged_document() -> None:
    """Found by schemathesis: permits' and inspections' ``HistoryOut`` differ; the
    first won and inspections' answers were documented with permits' model."""
    from gateway.routing import merge_openapi
    from gateway.settings import Route

    def doc(path: str, fields: list[str]) -> dict[str, Any]:
        return {
            "paths": {
                path: {
                    "get": {
                        "responses": {
                            "200": {
                                "content": {
                                    "application/json": {
                                        "schema": {"$ref": "#/components/schemas/HistoryOut"}
                                    }
                                }
                            }
                        }
                    }
                }
            },
            "components": {
                "schemas": {"HistoryOut": {"properties": {f: {"type": "string"} for f in fields}}}
            },
        }

    routes = [
        Route(pattern="/v1/permits", service="permits"),
        Route(pattern="/v1/inspections", service="inspections"),
    ]
    merged = merge_openapi(
        {"paths": {}},
        {
            "permits": doc("/v1/permits", ["from", "to"]),
            "inspections": doc("/v1/inspections", ["what"]),
        },
        routes,
    )
    schemas = merged["components"]["schemas"]
    ref = merged["paths"]["/v1/inspections"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]["$ref"]
    assert ref == "#/components/schemas/InspectionsHistoryOut"
    assert list(schemas["InspectionsHistoryOut"]["properties"]) == ["what"]
    assert list(schemas["HistoryOut"]["properties"]) == ["from", "to"]
