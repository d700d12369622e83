"""R-PER-1 numbering and R-PER-3 transitions, no I/O."""

from __future__ import annotations

import pytest

from chassis.status import IllegalTransition
from permits.domain.numbering import NumberFormat
from permits.domain.workflow import (
    STATUS_LABELS,
    TRANSITIONS,
    NotAllowed,
    check_transition,
)


@pytest.mark.parametrize(
    ("pattern", "year", "seq", "number"),
    [
        ("RES{yy}-{seq:04}", 2017, 150, "RES17-0150"),
        ("WEB{yy}-{seq:04}", 2017, 2, "WEB17-0002"),
        ("CMECH{yy}-{seq:05}", 2023, 7, "CMECH23-00007"),
        ("BRES{yyyy}-{seq:04}", 2018, 0, "BRES2018-0000"),
        ("P-{seq:06}", 2026, 42, "P-000042"),
    ],
)
def test_number_formats_from_the_seeds(pattern: str, year: int, seq: int, number: str) -> None:
    assert NumberFormat(pattern).render(year, seq) == number


@pytest.mark.parametrize(
    "pattern", ["RES{yy}", "RES{seq:04}{seq:03}", "RES{yy}{yyyy}-{seq:04}", "X{zz}-{seq:04}"]
)
def test_bad_number_formats_are_refused(pattern: str) -> None:
    with pytest.raises(ValueError):
        NumberFormat(pattern)


def test_yearly_formats_restart_each_year_others_do_not() -> None:
    assert NumberFormat("RES{yy}-{seq:04}").yearly
    assert not NumberFormat("P-{seq:06}").yearly


@pytest.mark.parametrize(("current", "requested"), sorted(TRANSITIONS))
def test_every_legal_transition_with_an_allowed_role(current: str, requested: str) -> None:
    role = TRANSITIONS[(current, requested)][0]
    check_transition(current, requested, [role])


def test_every_illegal_transition_is_refused() -> None:
    statuses = list(STATUS_LABELS)
    illegal = [(a, b) for a in statuses for b in statuses if (a, b) not in TRANSITIONS]
    assert ("SUBMITTED", "ISSUED") in illegal and ("FINALED", "SUBMITTED") in illegal
    for current, requested in illegal:
        with pytest.raises(IllegalTransition):
            check_transition(current, requested, ["admin", "system"])


def test_a_legal_move_by_the_wrong_role_is_not_allowed() -> None:
    with pytest.raises(NotAllowed):
        check_transition("IN_REVIEW", "PENDING_APPROVAL", ["cashier"])
    with pytest.raises(NotAllowed):
        check_transition("ISSUED", "EXPIRED", ["admin"])  # only the expiry sweep


def test_dashboard_access_paths_are_equality_only() -> None:
    """Issue 12 (performance): the company branch was ``company_ids: {$in}``
    beside ``status: {$in}`` — two operator fields, which the embedded
    database answers by walking every permit of the jurisdiction (R-ID-6)."""
    from chassis.auth import Principal
    from permits.service_layer.views import _visible

    rich = Principal(
        account_id="a1",
        email="Rich@Example.org",
        jurisdiction_id="demo",
        kind="contractor",
        company_ids=["c1", "c2"],
    )
    branches = _visible(rich)
    assert branches == [
        {"linked_accounts": "a1"},
        {"applicant.email": "rich@example.org"},
        {"owner.email": "rich@example.org"},
        {"company_ids": "c1"},
        {"company_ids": "c2"},
    ]


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ("RES{yy}-{seq:04}", "RES{yy}-{seq:04}", True),
        ("RES{yy}-{seq:04}", "RES{yy}-{seq:05}", True),  # RES26-10000 from both
        ("RES{yy}-{seq:04}", "RES{yyyy}-{seq:04}", False),
        ("RES{yy}-{seq:04}", "WEB{yy}-{seq:04}", False),
        ("ELEC{yy}-{seq:04}", "EL{seq:04}", False),
    ],
)
def test_two_types_may_not_share_a_numbering(a: str, b: str, overlap: bool) -> None:
    """R-PER-1: numbers are unique per jurisdiction; a type whose format could
    give out another type's numbers was a 500 on the second application."""
    assert NumberFormat(a).overlaps(NumberFormat(b)) is overlap
    assert NumberFormat(b).overlaps(NumberFormat(a)) is overlap
