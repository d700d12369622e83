"""R-ID-6: who sees a permit, linking by number and a second fact, parties; on the fakes."""

from __future__ import annotations

from functools import partial

import pytest

from chassis.refusals import Denied, Missing
from contracts.permits import PermitLinked, PermitPartiesChanged, PermitUnlinked
from permits.domain.errors import NoOwner
from permits.service_layer import parties
from permits.service_layer.commands import AddComment, ChangeParties, LinkPermit, UnlinkPermit

from .conftest import ADMIN, JID, PAT, RICH, STRANGER, World, person

SAM = person("public", email="sam@example.org", account_id="sam")


def _link(number: str, fact: str, actor: object = SAM) -> LinkPermit:
    return LinkPermit(jurisdiction_id=JID, actor=actor, number=number, second_fact=fact)  # type: ignore[arg-type]


async def test_r_id_6_who_sees_a_permit(world: World) -> None:
    await world.permit_type()
    permit = await world.apply(company_ids=["c1"])
    seen_by = {
        "applicant": PAT,
        "owner": person("public", email="OLIVE@example.org"),
        "company user": RICH,
        "staff": ADMIN,
        "operator": person("operator", jid=None),  # type: ignore[arg-type]
    }
    for who, actor in seen_by.items():
        assert permit.visible_to(actor), who
    for actor in (STRANGER, SAM, person("staff", roles=["admin"], jid="beta")):
        assert not permit.visible_to(actor)


async def test_r_id_6_linking_needs_the_number_and_a_second_fact(world: World) -> None:
    await world.permit_type()
    permit = await world.apply()
    for fact in ("1968", "83642", permit.access_code or ""):
        linked = await parties.link(_link(permit.number.lower(), fact), world.units)
        assert "sam" in linked.linked_accounts
        await world.units.run(
            JID,
            partial(
                parties.unlink, UnlinkPermit(jurisdiction_id=JID, actor=SAM, permit_id=permit.id)
            ),
        )
    assert len(world.uow.published(PermitLinked)) == len(world.uow.published(PermitUnlinked)) == 3
    with pytest.raises(Missing):
        await world.units.run(
            JID,
            partial(
                parties.unlink, UnlinkPermit(jurisdiction_id=JID, actor=SAM, permit_id=permit.id)
            ),
        )


async def test_r_id_6_failed_links_are_counted_and_throttled(world: World) -> None:
    await world.permit_type()
    permit = await world.apply()
    for attempt in range(5):
        with pytest.raises(Missing) as failed:
            await parties.link(
                _link(permit.number if attempt % 2 else "RES26-9999", "1"), world.units
            )
        assert failed.value.code == "link-failed"  # a wrong number and a wrong fact look alike
    with pytest.raises(parties.TooManyAttempts):
        await parties.link(_link(permit.number, "1968"), world.units)  # even the right one
    await parties.link(_link(permit.number, "1968", PAT), world.units)  # per account


async def test_r_id_6_linking_twice_changes_nothing(world: World) -> None:
    await world.permit_type()
    permit = await world.apply()
    await parties.link(_link(permit.number, "1968"), world.units)
    events = len(world.uow.events)
    await parties.link(_link(permit.number, "1968"), world.units)
    assert len(world.uow.events) == events


async def test_seed_000_staff_or_the_applicant_change_the_parties(world: World) -> None:
    await world.permit_type()
    permit = await world.apply(company_ids=["c1"])

    def change(actor: object, **kw: object) -> ChangeParties:
        return ChangeParties(jurisdiction_id=JID, actor=actor, permit_id=permit.id, **kw)  # type: ignore[arg-type]

    await world.units.run(
        JID,
        partial(parties.change_parties, change(PAT, add_companies=["c2"], remove_companies=["c1"])),
    )
    [event] = world.uow.published(PermitPartiesChanged)
    assert event.company_ids == ["c2"]
    assert (await world.get(permit.id)).history[
        -1
    ].comment == "parties changed: {'companies': ['c2']}"
    with pytest.raises(Denied):
        await world.units.run(
            JID,
            partial(parties.change_parties, change(person("public", email="olive@example.org"))),
        )
    no_owner = await world.apply(owner=None)
    with pytest.raises(NoOwner):
        await world.units.run(
            JID,
            partial(
                parties.change_parties,
                ChangeParties(
                    jurisdiction_id=JID, actor=ADMIN, permit_id=no_owner.id, owner_email="o@x.org"
                ),
            ),
        )


async def test_r_per_4_review_comments_come_from_staff(world: World) -> None:
    await world.permit_type()
    permit = await world.apply()
    comment = AddComment(
        jurisdiction_id=JID, actor=ADMIN, permit_id=permit.id, text="Add a site plan"
    )
    await world.units.run(JID, partial(parties.add_comment, comment))
    assert [c["text"] for c in (await world.get(permit.id)).comments] == ["Add a site plan"]
    with pytest.raises(Denied):
        await world.units.run(
            JID,
            partial(
                parties.add_comment,
                AddComment(jurisdiction_id=JID, actor=PAT, permit_id=permit.id, text="hi"),
            ),
        )
