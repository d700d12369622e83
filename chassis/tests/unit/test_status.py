"""One status-machine helper for every kind of record (issue 24: five tables
written by hand, with four exception types): an allowed move says what it
carries; anything else is one 409, ``illegal-transition``, naming both."""

from __future__ import annotations

import pytest

from chassis.status import IllegalTransition, StatusTable

ROLES = StatusTable("a permit", {("SUBMITTED", "IN_REVIEW"): ("admin",)}, label=str.title)


def test_an_allowed_move_carries_its_value() -> None:
    assert ROLES.check("SUBMITTED", "IN_REVIEW") == ("admin",)
    with pytest.raises(IllegalTransition):  # a move is one way
        ROLES.check("IN_REVIEW", "SUBMITTED")


def test_any_other_move_is_one_conflict_naming_both() -> None:
    with pytest.raises(IllegalTransition) as refused:
        ROLES.check("ISSUED", "SUBMITTED")
    problem = refused.value
    assert (problem.kind, problem.code) == ("conflict", "illegal-transition")
    assert (problem.current, problem.requested) == ("ISSUED", "SUBMITTED")
    assert problem.message == "a permit that is Issued cannot become Submitted"


def test_a_table_of_plain_moves_and_one_of_actions() -> None:
    plain = StatusTable.of("a payment", [("CREATED", "PENDING")])
    assert plain.check("CREATED", "PENDING") is None
    actions = StatusTable("a registration", {("draft", "submit"): "pending"}, refusal="cannot be")
    with pytest.raises(IllegalTransition, match="a registration that is denied cannot be submit"):
        actions.check("denied", "submit")
