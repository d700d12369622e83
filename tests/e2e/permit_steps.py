"""Steps the end-to-end tests share: a RESIDENTIAL permit type, applications
moved along the workflow, fees assessed, an inspection scheduled on the first
date offered — each through the services' APIs."""

from __future__ import annotations

from typing import Any

import httpx
from devstack.testing import eventually_sync

SITE = {"street": "1968 E Dodd Rd", "city": "Meridian", "state": "ID", "zip": "83642"}


def put_residential_type(permits_url: str, jid: str, staff: dict[str, str]) -> None:
    r = httpx.put(
        f"{permits_url}/v1/jurisdictions/{jid}/permit-types/RES",
        headers=staff,
        json={
            "name": "RESIDENTIAL",
            "number_format": "RES{yy}-{seq:04}",
            "inspection_types": ["BUILDING FINAL"],
            "fee_schedule": [{"code": "PLAN", "name": "PLANNING", "amount": "35.00"}],
        },
    )
    assert r.status_code == 200, r.text


def apply(base: str, staff: dict[str, str], steps: list[str], fees: bool = False) -> dict[str, Any]:
    """Rich's application (Pat owns the site, company c1), moved through ``steps``."""
    permit = httpx.post(
        f"{base}/permits",
        headers=staff,
        json={
            "type_code": "RES",
            "site": SITE,
            "applicant": {"name": "Rich", "email": "rich@example.org"},
            "owner": {"name": "Pat", "email": "pat@example.org"},
            "company_ids": ["c1"],
        },
    ).json()
    for step in steps:
        permit = httpx.post(
            f"{base}/permits/{permit['id']}/transitions",
            headers=staff,
            json={"to": step, "version": permit["version"]},
        ).json()
    if fees:
        r = httpx.post(
            f"{base}/permits/{permit['id']}/fees",
            headers={**staff, "Idempotency-Key": f"assess-{permit['id']}"},
            json={"items": [{"code": "PLAN"}]},
        )
        assert r.status_code == 200, r.text
    return dict(permit)


def schedule_first_date(
    gw: str, jid: str, who: dict[str, str], permit_id: str, kind: str = "BUILDING FINAL"
) -> str:
    """Once inspections knows the permit, an inspection (a BUILDING FINAL
    unless ``kind`` says otherwise) on the first date offered; returns the date."""

    def dates() -> list[str]:
        r = httpx.get(
            f"{gw}/v1/jurisdictions/{jid}/inspection-dates",
            params={"permit_id": permit_id, "type": kind},
            headers=who,
        )
        return list(r.json()["dates"]) if r.status_code == 200 else []

    eventually_sync(lambda: bool(dates()), what="inspections knows the issued permit")
    day = dates()[0]
    r = httpx.post(
        f"{gw}/v1/jurisdictions/{jid}/inspections",
        headers=who,
        json={"requests": [{"permit_id": permit_id, "inspection_type": kind, "date": day}]},
    )
    assert r.status_code == 201, r.text
    return day
