"""R-REG-1…5 through the Registration aggregate and its handlers, on the fakes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chassis.principal import Principal
from chassis.refusals import Conflicting, Denied, Missing
from registration.domain.errors import (
    Incomplete,
    NeedsInfoOpen,
    NothingMarked,
    NotOffered,
    ReasonRequired,
    WrongKind,
)
from registration.domain.registration import Registration
from registration.domain.requirements import RuleBroken
from registration.service_layer import flow, links, review

from .conftest import JID, TECH, World


async def test_r_reg_2_a_link_per_request_five_an_hour_single_use(world: World) -> None:
    for _ in range(7):
        await links.start(world.svc, JID, " Rich@Example.org ")
    assert len(world.links()) == 5  # the rest answer the same, silently
    draft, token = await links.confirm(world.svc, world.links()[0])
    assert (draft.status, draft.email, draft.history[0].comment) == (
        "draft",
        "rich@example.org",
        "email_confirmed",
    )
    with pytest.raises(Missing):
        await links.confirm(world.svc, world.links()[0])  # used
    world.uow.clock.advance(timedelta(hours=25))
    with pytest.raises(Missing):
        await links.confirm(world.svc, world.links()[1])  # expired
    with pytest.raises(Missing):
        await world.update(draft.id, "alpha.not-the-token", {"company_name": "X"})
    assert (await world.update(draft.id, token, {"company_name": "X"})).company_name == "X"


async def test_r_reg_2_reading_a_link_does_not_use_it(world: World) -> None:
    """R-REG-2: the portal shows what a confirmation link is for before the
    registrant acts; reading it (or a mail scanner fetching it) spends nothing."""
    await links.start(world.svc, JID, "rich@example.org")
    [link] = world.links()
    for _ in range(2):
        seen = await links.describe_link(world.svc, "confirm", link)
        assert (seen["jurisdiction_id"], seen["email"]) == (JID, "rich@example.org")
    await links.confirm(world.svc, link)
    with pytest.raises(Missing):
        await links.describe_link(world.svc, "confirm", link)  # used
    with pytest.raises(Missing):
        await links.describe_link(world.svc, "resume", link)  # not a resume link
    with pytest.raises(Missing):
        await links.describe_link(world.svc, "confirm", "no-scope")


async def test_r_reg_1_a_jurisdiction_that_does_not_offer_it_refuses(world: World) -> None:
    await world.configure(enabled=False)
    with pytest.raises(Denied):
        await links.start(world.svc, JID, "rich@example.org")


async def test_r_reg_1_answers_are_checked_by_type(world: World) -> None:
    draft, token = await world.draft()
    with pytest.raises(NotOffered) as roofing:
        await world.update(draft.id, token, {"trades": ["ROOFING"]})
    assert roofing.value.parts == [("trades", "choose from ['ELECTRICAL', 'PLUMBING']")]
    await world.update(draft.id, token, {"trades": ["ELECTRICAL"]})
    with pytest.raises(RuleBroken, match="expired"):
        await world.answer(draft.id, token, "expiry", "2026-03-01")
    answered = await world.answer(draft.id, token, "elic", " ec-12345 ")
    assert answered.answers["elic"]["value"] == "EC-12345"
    with pytest.raises(WrongKind, match="document"):
        await world.answer(draft.id, token, "coi", "a value")
    await world.update(draft.id, token, {"trades": ["PLUMBING"]})
    with pytest.raises(Missing):  # a requirement of a trade not chosen does not apply
        await world.answer(draft.id, token, "elic", "EC-1")


async def test_r_reg_3_submit_needs_everything_then_staff_review(world: World) -> None:
    draft, token = await world.draft()
    with pytest.raises(Incomplete) as incomplete:
        await flow.submit(world.svc, draft.id, token, "s3cret-Passw0rd")
    fields = {part for part, _ in incomplete.value.parts}
    assert {"company_name", "registrant_name", "requirements.coi"} <= fields
    # the seeds' profile: address, city, state, zip and phone (issue 23, defect 9)
    assert {f"profile.{f}" for f in ("address", "city", "state", "zip", "phone")} <= fields
    assert world.identity.accounts == []  # nothing handed to identity
    await world.complete(draft, token)
    submitted = await flow.submit(world.svc, draft.id, token, "s3cret-Passw0rd")
    assert (submitted.status, submitted.round, submitted.account_id) == (
        "pending_validation",
        1,
        "acct-rich@example.org",
    )
    assert len(world.events("RegistrationSubmitted")) == 1
    assert not world.events("RegistrationAccepted")
    with pytest.raises(Conflicting):
        await flow.submit(world.svc, draft.id, token, "s3cret-Passw0rd")


async def test_r_reg_3_automatic_acceptance_creates_the_company(world: World) -> None:
    await world.configure(acceptance_mode="automatic")
    draft, token = await world.draft()
    await world.complete(draft, token)
    accepted = await flow.submit(world.svc, draft.id, token, "s3cret-Passw0rd")
    assert accepted.status == "accepted" and accepted.decision["by"] == "automatic"  # type: ignore[index]
    [event] = world.events("RegistrationAccepted")
    assert event.company.name == "Rich Electric"
    assert event.company.license_number == f"REG-{draft.id[:8].upper()}"


async def _pending(world: World) -> tuple[Registration, str]:
    draft, token = await world.draft()
    await world.complete(draft, token)
    return await flow.submit(world.svc, draft.id, token, "s3cret-Passw0rd"), token


async def test_r_reg_4_return_update_only_needs_info_resubmit(world: World) -> None:
    pending, _ = await _pending(world)
    with pytest.raises(ReasonRequired):
        await world.mark(TECH, pending.id, "coi", "needs_info", None)
    with pytest.raises(NothingMarked, match="Needs Info"):
        await world.decide(TECH, pending.id, "return", None, pending.version)
    marked = await world.mark(TECH, pending.id, "coi", "needs_info", "unsigned")
    returned = await world.decide(TECH, pending.id, "return", "see notes", marked.version)
    assert returned.status == "returned"
    [event] = world.events("RegistrationReturned")
    assert [n.requirement_id for n in event.needs_info] == ["coi"]
    seen = await links.describe_link(world.svc, "resume", event.resume_token)
    assert (seen["jurisdiction_id"], seen["email"]) == (JID, pending.email)
    reopened, token2 = await links.resume(world.svc, event.resume_token)
    with pytest.raises(Missing):
        await links.describe_link(world.svc, "resume", event.resume_token)  # used
    with pytest.raises(Missing):
        await links.resume(world.svc, event.resume_token)  # single use
    with pytest.raises(Conflicting, match="Needs Info"):
        await world.answer(pending.id, token2, "expiry", "2027-12-31")
    with pytest.raises(NeedsInfoOpen) as still:
        await world.resubmit(pending.id, token2)
    assert still.value.parts == [("requirements.coi", "needs info")]
    coi = reopened.requirement(_requirements(), "coi")
    reopened.answer(coi, value=None, document={"file_id": "f2"}, at=world.uow.clock.now())
    assert reopened.answers["coi"]["review"]["decision"] == "updated"
    await world.svc.units.run(JID, lambda uow: uow.registrations.save(reopened))
    again = await world.resubmit(pending.id, token2)
    assert (again.status, again.round) == ("pending_validation", 2)


async def test_r_reg_4_a_decision_is_taken_once(world: World) -> None:
    pending, _ = await _pending(world)
    with pytest.raises(ReasonRequired) as why:
        await world.decide(TECH, pending.id, "deny", None, pending.version)
    assert why.value.parts == [("reason", "required")]
    with pytest.raises(Conflicting):
        await world.decide(TECH, pending.id, "accept", None, 1)  # stale
    decided = await world.decide(TECH, pending.id, "accept", None, pending.version)
    again = await world.decide(TECH, pending.id, "accept", None, pending.version)
    assert again.version == decided.version and len(world.events("RegistrationAccepted")) == 1
    with pytest.raises(Conflicting):
        await world.decide(TECH, pending.id, "deny", "late", decided.version)


async def test_staff_see_submitted_registrations_only(world: World) -> None:
    draft, _ = await world.draft()
    with pytest.raises(Missing):  # a draft stays private to its registrant
        await world.svc.units.read(JID, lambda uow: review.for_staff(uow, TECH, draft.id))
    contractor = Principal(account_id="c", email="c@x.org", jurisdiction_id=JID, kind="contractor")
    with pytest.raises(Denied):
        await world.svc.units.read(JID, lambda uow: review.for_staff(uow, contractor, draft.id))
    elsewhere = Principal(
        account_id="s", email="", jurisdiction_id="beta", kind="staff", roles=["admin"]
    )
    with pytest.raises(Missing):
        await world.svc.units.read(JID, lambda uow: review.for_staff(uow, elsewhere, draft.id))


def _requirements() -> list[object]:
    from .conftest import _requirements as reqs

    return reqs()
