"""Refusals are plain data in the domain; the route says where in its body
they are (issue 24: the service layer wrote ``requests.{n}.ampm`` itself)."""

from __future__ import annotations

from datetime import date

from chassis.problems import as_problem, at_index
from inspections.domain.errors import AmPmNotOffered, DateUnavailable, RequestedTwice


def test_a_submits_refused_request_is_named_by_its_place_and_part() -> None:
    refused = AmPmNotOffered(index=2)
    found = as_problem(refused, at_index("requests", refused))
    assert found.status == 422 and found.errors is not None
    assert [(e["field"], e["msg"]) for e in found.errors] == [("requests.2.ampm", "not offered")]
    twice = as_problem(RequestedTwice(index=0), at_index("requests", RequestedTwice(index=0)))
    assert twice.errors is not None and twice.errors[0]["field"] == "requests.0"


def test_a_day_refused_where_the_body_is_one_date() -> None:
    found = as_problem(DateUnavailable(date(2026, 11, 18), "BUILDING FINAL"))
    assert (found.status, found.slug, found.extensions) == (
        409,
        "date-unavailable",
        {"date": "2026-11-18"},
    )
    assert found.errors is not None and found.errors[0]["field"] == "date"
