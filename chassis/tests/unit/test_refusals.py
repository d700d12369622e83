"""Refusals as domain data (issue 24): said as problem documents, with the
refused parts where the route's body holds them — or, when no route placed
them, with the domain's own names, never as a 500."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from chassis.errors import Conflict, Unprocessable, install_problem_handlers
from chassis.problems import as_problem, at_index, install_refusal_handler
from chassis.refusals import (
    Conflicting,
    Denied,
    Malformed,
    Missing,
    NarrowTheSearch,
    Refused,
    Unavailable,
)


class DayFull(Refused):
    kind = "conflict"
    code = "day-full"
    part = "date"
    reason = "full"


class Incomplete(Refused):
    code = "incomplete"


def test_one_refused_part_lands_where_the_route_says() -> None:
    problem = as_problem(DayFull("the 18th is full", index=2, day="2026-11-18"), "requests.2")
    assert isinstance(problem, Conflict) and problem.slug == "day-full"
    assert [e["field"] for e in problem.errors or []] == ["requests.2.date"]
    assert problem.extensions["day"] == "2026-11-18"
    assert at_index("requests", DayFull("x", index=2)) == "requests.2"


def test_several_refused_parts_are_each_named() -> None:
    refused = Incomplete(
        "not complete", parts=[("company_name", "required"), ("profile.zip", "required")]
    )
    problem = as_problem(refused)
    assert isinstance(problem, Unprocessable)
    assert [(e["field"], e["msg"]) for e in problem.errors or []] == [
        ("company_name", "required"),
        ("profile.zip", "required"),
    ]


async def test_a_refusal_no_route_placed_is_its_problem_not_a_500() -> None:
    app = FastAPI()
    install_problem_handlers(app)
    install_refusal_handler(app)

    @app.post("/submit")
    async def submit() -> None:
        raise Incomplete("not complete", parts=[("profile.address", "required")])

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        answer = await http.post("/submit")
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body["type"].endswith("/incomplete")
    assert [e["field"] for e in body["errors"]] == ["profile.address"]


def test_a_search_too_wide_says_which_criterion_narrows_it() -> None:
    problem = as_problem(NarrowTheSearch("narrow the search", "from", "at most 92 days"))
    assert isinstance(problem, Unprocessable)
    assert [(e["field"], e["msg"]) for e in problem.errors or []] == [("from", "at most 92 days")]


@pytest.mark.parametrize(
    ("refusal", "status"),
    [
        (Refused("cannot be met as asked"), 422),
        (Conflicting("changed since you loaded it"), 409),
        (Missing("no such permit"), 404),
        (Denied("this needs the cashier role"), 403),
        (Malformed("the signature does not verify"), 400),
        (Unavailable("the provider does not answer"), 503),
    ],
)
def test_one_table_says_each_kind_of_refusal_with_its_status(refusal: Refused, status: int) -> None:
    problem = as_problem(refusal)
    assert problem.status == status and problem.detail == refusal.message
    assert problem.errors is None  # nothing in a body is named


def test_a_refusal_may_carry_its_own_problem_type_and_title() -> None:
    problem = as_problem(Unavailable("no answer", code="provider-unavailable"), part=None)
    assert problem.slug == "provider-unavailable" and problem.title == "Service unavailable"
    titled = type("ProviderDown", (Unavailable,), {"title": "Payment provider unavailable"})
    assert as_problem(titled("no answer")).title == "Payment provider unavailable"
