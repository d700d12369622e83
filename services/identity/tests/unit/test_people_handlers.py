"""R-ID-1/2/5 through identity's people handlers on the fakes: staff create
users with an invitation or a first-login PIN, change them, and a person
finishes a PIN login."""

from __future__ import annotations

import pytest

from chassis.auth import Principal
from chassis.refusals import Conflicting, Denied, Missing
from contracts.identity import PasswordChanged
from identity.domain import secrets
from identity.domain.errors import PasswordRefused, RolesRefused
from identity.service_layer import people, users
from identity.service_layer.commands import (
    CompleteSetup,
    CreateUser,
    ReissuePin,
    UpdateUser,
    by,
)

from .conftest import JID, World, caller


def _create(who: object, **fields: object) -> CreateUser:
    values = {"email": "Kim@Example.org", "display_name": "Kim", "kind": "staff"}
    values |= {"roles": ["inspector"], **fields}
    return CreateUser(**by(who, JID), **values)  # type: ignore[arg-type]


async def test_r_id_2_a_new_person_is_invited_and_not_active_until_they_accept(
    world: World,
) -> None:
    admin = caller(roles=["admin"])
    created, pin = await world.units.handle(_create(admin), users.create_user)
    membership = created["membership"]
    assert (membership["email"], membership["status"], pin) == ("kim@example.org", "invited", None)
    assert created == {"membership": membership, "pin_issued": False}
    invitation = next(iter(world.store("invitations").values()))
    assert invitation["membership_id"] == membership["_id"]
    assert world.audit() == ["user_created"]


async def test_r_id_1_a_pin_is_answered_once_and_stored_hashed_only(world: World) -> None:
    admin = caller(roles=["admin"])
    created, pin = await world.units.handle(_create(admin, delivery="pin"), users.create_user)
    assert pin is not None and len(pin) == 8 and created["pin_issued"] is True
    stored = world.store("memberships")[created["membership"]["_id"]]
    assert pin not in str(stored) and secrets.verify_password(stored["pin_hash"], pin)
    assert world.store("invitations") == {}
    # a retried creation gets a new PIN; the first stops working
    again = ReissuePin(**by(admin, JID), membership_id=created["membership"]["_id"])
    _, second = await world.units.handle(again, people.reissue_pin)
    stored = world.store("memberships")[created["membership"]["_id"]]
    assert second != pin and not secrets.verify_password(stored["pin_hash"], pin)
    assert world.audit() == ["pin_issued", "user_created", "pin_issued"]


async def test_r_id_1_one_account_per_email_and_one_membership_per_jurisdiction(
    world: World,
) -> None:
    world.staff(world.account("kim@example.org", "an old passphrase"), "cashier")
    with pytest.raises(Conflicting) as exists:
        await world.units.handle(_create(caller(roles=["admin"])), users.create_user)
    assert exists.value.code == "membership-exists"
    assert len(world.store("accounts")) == 1


async def test_only_admins_create_users_and_roles_fit_the_kind(world: World) -> None:
    with pytest.raises(Denied):
        await world.units.handle(_create(caller(roles=["cashier"])), users.create_user)
    with pytest.raises(Missing):  # another jurisdiction's admin
        await world.units.handle(_create(caller(roles=["admin"], jid="beta")), users.create_user)
    for refused in ({"roles": []}, {"kind": "contractor", "roles": ["inspector"]}):
        with pytest.raises(RolesRefused) as bad:
            await world.units.handle(_create(caller(roles=["admin"]), **refused), users.create_user)
        assert bad.value.part == "roles"
    assert world.store("memberships") == {} and world.audit() == []


async def test_r_id_5_disabling_a_person_revokes_their_sessions_and_keeps_an_admin(
    world: World,
) -> None:
    boss = world.staff(world.account("boss@example.org", "boss passphrase"), "admin")
    kim = world.staff(world.account("kim@example.org", "kim passphrase"), "inspector")
    world.session(kim.account_id)
    admin = caller(roles=["admin"], account_id=boss.account_id)
    disable = UpdateUser(**by(admin, JID), membership_id=kim.id, status="disabled", roles=None)
    done = await world.units.handle(disable, users.update_user)
    assert done.status == "disabled" and world.sessions_revoked(kim.account_id)
    last = UpdateUser(**by(admin, JID), membership_id=boss.id, status="disabled", roles=None)
    with pytest.raises(Conflicting):  # the jurisdiction's last active admin
        await world.units.handle(last, users.update_user)
    assert world.audit() == ["user_updated"]


async def test_r_id_2_a_pin_login_ends_in_a_password_and_question_and_the_pin_dies(
    world: World,
) -> None:
    admin = caller(roles=["admin"])
    created, _ = await world.units.handle(_create(admin, delivery="pin"), users.create_user)
    account_id = created["membership"]["account_id"]
    principal = Principal(
        account_id=account_id, email="kim@example.org", jurisdiction_id=JID, kind="staff", roles=[]
    )

    def setup(password: str) -> CompleteSetup:
        return CompleteSetup(
            principal=principal,
            new_password=password,
            security_question="First street?",
            security_answer="  Main   St ",
        )

    with pytest.raises(PasswordRefused) as weak:  # the jurisdiction's password rules hold
        await world.units.handle(setup("short"), users.complete_setup)
    assert weak.value.data["rule"] == "min_length"
    granted = await world.units.handle(setup("a long enough passphrase"), users.complete_setup)
    assert granted["token_type"] == "bearer" and granted["refresh_token"].startswith(f"{JID}.")
    membership = world.store("memberships")[created["membership"]["_id"]]
    assert (membership["status"], membership["pin_hash"]) == ("active", None)
    account = world.store("accounts")[account_id]
    assert secrets.verify_password(account["security_answer_hash"], "main st")
    assert [e.how for e in world.uow.published(PasswordChanged)] == ["first_login"]
    with pytest.raises(Missing):  # spent
        await world.units.handle(setup("another long passphrase"), users.complete_setup)
