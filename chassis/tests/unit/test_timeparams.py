"""Query dates are ISO 8601 text, never a bare number taken as a Unix time
(issue 22, defect 16: ``to=0.5`` was accepted)."""

from __future__ import annotations

from datetime import date, datetime

import httpx
import pytest
from fastapi import FastAPI

from chassis.errors import install_problem_handlers
from chassis.timeparams import IsoDate, IsoDateTime

app = FastAPI()
install_problem_handlers(app)


@app.get("/search")
async def search(
    applied_to: IsoDateTime | None = None, day: IsoDate | None = None
) -> dict[str, str | None]:
    return {
        "applied_to": applied_to.isoformat() if applied_to else None,
        "day": day.isoformat() if day else None,
    }


async def get(query: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        return await c.get(f"/search?{query}")


@pytest.mark.parametrize(
    "query",
    [
        "applied_to=0.5",
        "applied_to=1700000000",
        "applied_to=-1",
        "day=0",
        "day=1700000000",
        "day=x",
    ],
)
async def test_a_bare_number_is_not_a_date_it_is_a_422_naming_the_field(query: str) -> None:
    r = await get(query)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in r.json()["errors"]] == [query.split("=")[0]]


async def test_iso_dates_and_date_times_are_read() -> None:
    r = await get("applied_to=2026-12-05T20:50:00-07:00&day=2026-12-07")
    assert r.status_code == 200
    assert datetime.fromisoformat(r.json()["applied_to"]).utcoffset() is not None
    assert date.fromisoformat(r.json()["day"]) == date(2026, 12, 7)
