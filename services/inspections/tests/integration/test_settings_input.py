"""Inspection settings refuse what cannot be stored or counted (issue 12, found
by the fuzz pass: a ``$``-key or a 26-digit capacity was a 500)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.integration


async def test_capacity_maps_take_plain_keys_and_bounded_counts(harness: Any) -> None:
    admin = harness.token("alpha", "staff", roles=["admin"])
    url = "/v1/jurisdictions/alpha/inspection-settings"
    bad: list[tuple[dict[str, Any], str]] = [
        ({"area_capacity": {"$;": 1}}, "area_capacity.$;.[key]"),
        ({"area_capacity": {"a.b": 1}}, "area_capacity.a.b.[key]"),
        ({"capacity": {"": 1}}, "capacity..[key]"),
        ({"area_capacity": {"83642": -50333515049514127713107968}}, "area_capacity.83642"),
        ({"capacity": {"BUILDING FINAL": -1}}, "capacity.BUILDING FINAL"),
        ({"default_capacity": 10_001}, "default_capacity"),
        ({"working_days": [7]}, "working_days.0"),
        # stored, an unknown zone made every date look-up of the jurisdiction a 500
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"time_zone": "../../etc/passwd"}, "time_zone"),
    ]
    for body, field in bad:
        r = await harness.http.put(url, headers=admin, json=body)
        assert r.status_code == 422, (body, r.text)
        assert [e["field"] for e in r.json()["errors"]] == [field], body
    settings = harness.runtime.db["inspection_settings"]
    assert await settings.count_documents({}) == 0
    ok = await harness.http.put(
        url, headers=admin, json={"capacity": {"BUILDING FINAL": 10}, "area_capacity": {"83642": 4}}
    )
    assert ok.status_code == 200, ok.text
    assert (
        await settings.count_documents({}) == 1
    )  # the same collection, so the check above can fail
