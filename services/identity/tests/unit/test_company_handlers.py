"""R-ID-4/5 through identity's company handlers on the fakes (issue 24: the
first slice of identity on the shared layout — commands, a unit-of-work
port, handlers ``(cmd, uow)``)."""

from __future__ import annotations

import pytest

from chassis.refusals import Conflicting, Denied, Missing
from identity.domain.company import LicenseTaken
from identity.service_layer import companies
from identity.service_layer.commands import CreateCompany, RemoveCompanyUser, UpdateCompany

from .conftest import JID, World, caller

PROFILE = {"name": "Sparky Electric", "license_number": "ec-4411", "trades": ["Electrical"]}


def _create(who: object, profile: dict[str, object] = PROFILE) -> CreateCompany:
    return CreateCompany(
        jurisdiction_id=JID,
        actor=who.principal,
        caller=who,
        profile=dict(profile),  # type: ignore[attr-defined]
    )


async def test_r_id_4_staff_who_manage_companies_create_them(world: World) -> None:
    admin = caller(roles=["admin"])
    made = await world.units.run(JID, lambda uow: companies.create_company(_create(admin), uow))
    assert (made.name, made.license_number) == ("Sparky Electric", "EC-4411")
    assert world.audit() == ["company_created"]
    technician = caller(account_id="acct-tech", roles=["permit_technician"])
    other = {**PROFILE, "license_number": "EC-5000"}
    await world.units.run(
        JID, lambda uow: companies.create_company(_create(technician, other), uow)
    )
    for refused, error in (
        (caller(account_id="acct-cash", roles=["cashier"]), Denied),
        (caller("contractor", account_id="acct-rich"), Denied),
        (caller(account_id="acct-beta", roles=["admin"], jid="beta"), Missing),
    ):
        with pytest.raises(error):
            await world.units.run(
                JID, lambda uow, w=refused: companies.create_company(_create(w), uow)
            )  # type: ignore[misc]
    assert len(world.store("companies")) == 2


async def test_r_id_4_a_license_number_is_one_companys_in_a_jurisdiction(world: World) -> None:
    world.company("EC-4411")
    taken = {**PROFILE, "license_number": "  ec-4411 "}
    with pytest.raises(LicenseTaken) as refused:
        await world.units.run(
            JID, lambda uow: companies.create_company(_create(caller(roles=["admin"]), taken), uow)
        )
    assert (refused.value.kind, refused.value.code) == ("conflict", "license-taken")
    assert len(world.store("companies")) == 1 and world.audit() == []


async def test_r_id_5_a_company_admin_edits_its_company_but_not_its_license(world: World) -> None:
    company = world.company()
    boss = caller(
        "contractor",
        account_id="acct-boss",
        company_ids=[company.id],
        company_admin_of=[company.id],
    )
    clerk = caller("contractor", account_id="acct-clerk", company_ids=[company.id])
    stranger = caller("contractor", account_id="acct-x", company_ids=["other"])

    def edit(who: object, **changes: object) -> UpdateCompany:
        return UpdateCompany(
            jurisdiction_id=JID,
            actor=who.principal,
            caller=who,
            company_id=company.id,
            changes=changes,  # type: ignore[attr-defined]
        )

    done = await world.units.run(
        JID, lambda uow: companies.update_company(edit(boss, phone="208-555-0100"), uow)
    )
    assert done.phone == "208-555-0100" and world.audit() == ["company_updated"]
    with pytest.raises(Denied):
        await world.units.run(
            JID, lambda uow: companies.update_company(edit(boss, license_number="X1"), uow)
        )
    with pytest.raises(Denied):  # a user of the company, not its admin
        await world.units.run(
            JID, lambda uow: companies.update_company(edit(clerk, phone="1"), uow)
        )
    with pytest.raises(Missing):  # another company's user: it does not exist for them
        await world.units.run(
            JID, lambda uow: companies.update_company(edit(stranger, phone="1"), uow)
        )
    staff = caller(roles=["admin"])
    await world.units.run(
        JID, lambda uow: companies.update_company(edit(staff, license_number="x1"), uow)
    )
    assert world.store("companies")[company.id]["license_number"] == "X1"


async def test_r_id_5_removing_a_user_revokes_sessions_and_keeps_an_admin(world: World) -> None:
    company = world.company()
    boss = world.member("acct-boss", company.id, admin=True)
    world.member("acct-clerk", company.id)
    world.session("acct-clerk")
    world.session(boss.account_id)
    admin = caller(roles=["admin"])

    def remove(account_id: str) -> RemoveCompanyUser:
        return RemoveCompanyUser(
            jurisdiction_id=JID,
            actor=admin.principal,
            caller=admin,
            company_id=company.id,
            account_id=account_id,
        )

    await world.units.run(JID, lambda uow: companies.remove_company_user(remove("acct-clerk"), uow))
    assert world.sessions_revoked("acct-clerk")
    assert world.audit() == ["authorized_user_removed"]
    with pytest.raises(Conflicting):  # the company's last admin who can act
        await world.units.run(
            JID, lambda uow: companies.remove_company_user(remove(boss.account_id), uow)
        )
    with pytest.raises(Missing):
        await world.units.run(
            JID, lambda uow: companies.remove_company_user(remove("acct-clerk"), uow)
        )
    assert not world.sessions_revoked(boss.account_id)
