"""R-ID-1…5 through the Membership aggregate: activation, staff changes, the
last admin, companies; pure, milliseconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chassis.refusals import Conflicting
from chassis.status import IllegalTransition
from contracts.identity import AccountActivated, MembershipGranted, MembershipRevoked
from identity.domain.errors import RolesRefused
from identity.domain.membership import Membership

AT = datetime(2026, 3, 2, tzinfo=UTC)


def _member(
    kind: str = "staff", *, active: bool = True, roles: list[str] | None = None
) -> Membership:
    m = Membership.new(
        jurisdiction_id="alpha",
        account_id="acct-1",
        email="pat@example.org",
        display_name="Pat",
        kind=kind,  # type: ignore[arg-type]
        roles=roles if roles is not None else (["admin"] if kind == "staff" else []),
        active=active,
        at=AT,
    )
    m.mark_saved()
    m.pull_events()
    return m


def test_r_id_1_an_invited_member_becomes_active_once_and_is_announced() -> None:
    m = _member(active=False)
    m.issue_pin("hash", AT + timedelta(days=7))
    assert m.pin_usable(AT) and not m.pin_usable(AT + timedelta(days=8))
    assert m.activate(at=AT, by="acct-1", display_name="Pat Q.")
    assert (m.status, m.pin_hash, m.display_name) == ("active", None, "Pat Q.")
    assert [type(e) for e in m.pull_events()] == [AccountActivated, MembershipGranted]
    assert not m.activate(at=AT, by="acct-1")  # already active: nothing announced
    assert m.pull_events() == []


def test_r_id_2_only_staff_have_roles_and_at_least_one() -> None:
    public = _member("community_member")
    with pytest.raises(RolesRefused):
        public.change(status=None, roles=["admin"], other_active_admins=1, by="a", at=AT)
    staff = _member()
    with pytest.raises(RolesRefused):
        staff.change(status=None, roles=[], other_active_admins=1, by="a", at=AT)
    assert staff.change(
        status=None, roles=["admin", "cashier"], other_active_admins=1, by="a", at=AT
    )
    [granted] = staff.pull_events()
    assert isinstance(granted, MembershipGranted) and granted.roles == ["admin", "cashier"]


def test_r_id_2_the_last_active_admin_stays() -> None:
    admin = _member()
    for status, roles in (("disabled", None), (None, ["cashier"])):
        with pytest.raises(Conflicting, match="without an active admin"):
            admin.change(status=status, roles=roles, other_active_admins=0, by="a", at=AT)
    assert admin.change(status="disabled", roles=None, other_active_admins=1, by="a", at=AT)
    assert admin.status == "disabled" and admin.history[-1].to == "disabled"
    assert admin.change(status="active", roles=None, other_active_admins=1, by="a", at=AT)


def test_r_id_2_staff_cannot_activate_an_invitation_for_the_person() -> None:
    invited = _member(active=False)
    with pytest.raises(Conflicting, match="accepting the invitation"):
        invited.change(status="active", roles=None, other_active_admins=1, by="a", at=AT)
    assert not invited.change(status="invited", roles=None, other_active_admins=1, by="a", at=AT)


def test_a_membership_moves_only_as_its_table_allows() -> None:
    m = _member()
    with pytest.raises(IllegalTransition):
        m.change(status="invited", roles=None, other_active_admins=1, by="a", at=AT)


def test_r_id_5_companies_join_announced_leave_last_ends_the_membership() -> None:
    m = _member("contractor")
    m.join_company("c1", admin=True)
    m.join_company("c2", admin=False)
    joined = [(type(e).__name__, getattr(e, "company_admin", None)) for e in m.pull_events()]
    assert joined == [  # each company's user, and an active member's new access
        ("AuthorizedUserAdded", True),
        ("MembershipGranted", None),
        ("AuthorizedUserAdded", False),
        ("MembershipGranted", None),
    ]
    with pytest.raises(Conflicting, match="company admin"):
        m.leave_company("c1", other_company_admins=0, by="a", at=AT)
    assert not m.leave_company("c1", other_company_admins=1, by="a", at=AT)
    assert m.leave_company("c2", other_company_admins=0, by="a", at=AT)
    assert (m.status, m.company_ids, m.company_admin_of) == ("disabled", [], [])
    assert [type(e).__name__ for e in m.pull_events()] == [
        "AuthorizedUserRemoved",
        "AuthorizedUserRemoved",
        "MembershipRevoked",  # the last company left: the membership ended
    ]


def test_r_id_7_a_reset_link_is_single_use_and_survives_four_wrong_answers() -> None:
    from identity.domain.reset import PasswordReset

    reset = PasswordReset.request(
        jurisdiction_id="alpha",
        jurisdiction_name="Alpha",
        account_id="acct-1",
        email="pat@example.org",
        token="alpha.t",
        token_hash="h",
        at=AT,
        expires_at=AT + timedelta(minutes=30),
    )
    assert [type(e).__name__ for e in reset.pending_events] == ["PasswordResetRequested"]
    for _ in range(4):
        reset.wrong_answer()
    assert reset.usable(AT)
    reset.wrong_answer()
    assert not reset.usable(AT)
    fresh = PasswordReset.request(
        jurisdiction_id="alpha",
        jurisdiction_name="Alpha",
        account_id="acct-1",
        email="pat@example.org",
        token="alpha.u",
        token_hash="h2",
        at=AT,
        expires_at=AT + timedelta(minutes=30),
    )
    assert not fresh.usable(AT + timedelta(minutes=30))  # expired
    fresh.use(AT)
    assert not fresh.usable(AT)


def test_r_id_5_disabling_a_member_announces_the_revocation() -> None:
    m = _member("contractor")
    m.change(status="disabled", other_active_admins=0, by="staff-1", at=AT)
    [revoked] = [e for e in m.pull_events() if isinstance(e, MembershipRevoked)]
    assert (revoked.account_id, revoked.reason) == ("acct-1", "disabled by staff")
