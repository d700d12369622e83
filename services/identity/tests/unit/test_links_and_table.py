"""R-ID-1…7: the membership status table, PINs, and the single-use links
(enrollment, invitation) as aggregates; pure, milliseconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product

import pytest

from chassis.status import IllegalTransition
from identity.domain.enrollment import Enrollment
from identity.domain.errors import RolesRefused
from identity.domain.invitation import Invitation
from identity.domain.membership import TRANSITIONS, Membership

AT = datetime(2026, 3, 2, tzinfo=UTC)
STATUSES = ("invited", "active", "disabled")


def _member(status: str = "active", kind: str = "staff") -> Membership:
    return Membership(
        id="m1",
        jurisdiction_id="alpha",
        account_id="acct-1",
        email="pat@example.org",
        kind=kind,  # type: ignore[arg-type]
        status=status,
        roles=["admin"] if kind == "staff" else [],
        created_at=AT,
        version=3,
    )


@pytest.mark.parametrize(("current", "requested"), list(product(STATUSES, STATUSES)))
def test_the_membership_table_decides_every_move(current: str, requested: str) -> None:
    member = _member(current)
    if (current, requested) in TRANSITIONS:
        member._move(requested, at=AT, by="a", why="test")
        assert (member.status, member.version) == (requested, 4)
        assert (member.history[-1].from_status, member.history[-1].to) == (current, requested)
    else:
        with pytest.raises(IllegalTransition):
            member._move(requested, at=AT, by="a", why="test")
        assert member.status == current


@pytest.mark.parametrize("kind", ["community_member", "contractor"])
def test_r_id_2_roles_belong_to_staff_only(kind: str) -> None:
    with pytest.raises(RolesRefused):
        _member(kind=kind).change(
            status=None, roles=["cashier"], other_active_admins=1, by="a", at=AT
        )


@pytest.mark.parametrize(("hours", "usable"), [(0, True), (167, True), (168, False), (200, False)])
def test_r_id_1_a_pin_lasts_its_days(hours: int, usable: bool) -> None:
    member = _member("invited")
    member.issue_pin("hash", AT + timedelta(days=7))
    assert member.pin_usable(AT + timedelta(hours=hours)) is usable


def test_r_id_1_a_pin_is_spent_by_activation() -> None:
    member = _member("invited")
    member.issue_pin("hash", AT + timedelta(days=7))
    member.activate(at=AT, by="acct-1")
    assert not member.pin_usable(AT)


@pytest.mark.parametrize(("minutes", "usable"), [(0, True), (59, True), (60, False)])
def test_r_id_3_an_enrollment_link_works_once_until_it_expires(minutes: int, usable: bool) -> None:
    link = Enrollment.request(
        jurisdiction_id="alpha",
        jurisdiction_name="Alpha",
        email="pat@example.org",
        kind="community_member",
        token="alpha.t",
        token_hash="h",
        at=AT,
        expires_at=AT + timedelta(hours=1),
    )
    assert [type(e).__name__ for e in link.pending_events] == ["EmailVerificationRequested"]
    assert link.usable(AT + timedelta(minutes=minutes)) is usable
    link.use(AT)
    assert not link.usable(AT)


@pytest.mark.parametrize(("days", "usable"), [(0, True), (13, True), (14, False)])
def test_r_id_2_an_invitation_link_works_once_until_it_expires(days: int, usable: bool) -> None:
    member = _member("invited")
    invitation = Invitation.issue(
        member,
        jurisdiction_name="Alpha",
        company_name=None,
        token="alpha.t",
        token_hash="h",
        at=AT,
        expires_at=AT + timedelta(days=14),
    )
    [issued] = invitation.pending_events
    assert (issued.email, issued.kind, issued.roles) == ("pat@example.org", "staff", ["admin"])  # type: ignore[attr-defined]
    assert invitation.usable(AT + timedelta(days=days)) is usable
    invitation.use(AT)
    assert not invitation.usable(AT)
