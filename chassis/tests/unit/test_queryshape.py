"""The flat-read guard (issue 14; docs/architecture.md, reads stay flat):
every rule refuses the shape it names, and a flat read passes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chassis import queryshape
from chassis.queryshape import UnflatQuery, violation

J = {"jurisdiction_id": "alpha"}


@pytest.mark.parametrize(
    ("filter_", "kw", "rule"),
    [
        ({**J, "$or": [{"a": 1}, {"b": 2}]}, {}, "flat-or"),
        ({**J, "$and": [{"a": 1}]}, {}, "flat-or"),
        ({**J, "a": {"$in": [1, 2]}, "b": {"$in": [3]}}, {}, "flat-one-operator"),
        ({**J, "a": {"$gt": 1}, "b": {"$lt": 3}}, {}, "flat-one-operator"),
        ({**J, "status": {"$ne": "draft"}}, {}, "flat-operator"),
        ({**J, "street": {"$regex": "^Main"}}, {}, "flat-operator"),
        ({**J, "x": {"$exists": False}}, {}, "flat-operator"),
        (J, {}, "flat-whole-tenant"),
        ({**J, "status": "ISSUED"}, {"skip": 20}, "flat-skip"),
        ({**J, "status": "ISSUED"}, {"sort": [("applied_at", -1)]}, "flat-sort"),
        ({**J, "status": "ISSUED"}, {"count": True}, "flat-count"),
    ],
)
def test_each_rule_names_the_shape_it_refuses(
    filter_: dict[str, Any], kw: dict[str, Any], rule: str
) -> None:
    found = violation(filter_, **kw)
    assert found is not None and found.rule == rule
    assert rule in str(found)


@pytest.mark.parametrize(
    ("filter_", "kw"),
    [
        ({**J, "_id": "p-1"}, {}),
        ({**J, "viewer": "email:pat@example.org", "status": "ACTIVE"}, {}),
        ({**J, "company_ids": "c-1", "status": {"$in": ["ISSUED", "FINAL"]}}, {}),
        ({**J, "date": {"$gte": "2026-03-01", "$lt": "2026-03-08"}}, {}),
        ({**J, "permit_id": "p-1"}, {"sort": [("date", 1)], "bounded": "one permit's visits"}),
        ({**J, "email": "a@b", "created_at": {"$gt": 1}}, {"count": True, "bounded": "an hour"}),
    ],
)
def test_flat_reads_pass(filter_: dict[str, Any], kw: dict[str, Any]) -> None:
    assert violation(filter_, **kw) is None


@pytest.fixture
def refusing() -> Iterator[None]:
    previous = queryshape.set_mode("refuse")
    yield
    queryshape.set_mode(previous)


def test_refuse_mode_raises_and_log_mode_warns(
    refusing: None, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(UnflatQuery, match="flat-or"):
        queryshape.check({**J, "$or": []}, collection="permits")
    queryshape.set_mode("log")
    queryshape.check({**J, "$or": []}, collection="permits")
    assert "flat-or" in caplog.text and "permits" in caplog.text
    queryshape.set_mode("off")
    queryshape.check({**J, "$or": []}, collection="permits")
