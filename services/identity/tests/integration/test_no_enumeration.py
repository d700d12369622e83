"""Issue 22, defect 11: password reset and enrollment answered identical
bodies, but two to three times apart in latency for known and unknown emails
(account enumeration by timing). Now the answer does the same work whatever
the email: it records the request (one insert) and answers; the lookup, the
link and the email come after the answer (chassis.deferred). These tests hold
what is done before the answer; ``benchmarks/enumeration_timing.py`` reports
the remaining gap."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

pytestmark = pytest.mark.integration

RESET = "permitsuite.identity.PasswordResetRequested.v1"
ENROLL = "permitsuite.identity.EmailVerificationRequested.v1"


class Held:
    """Holds back the work after the answer, to look at what the answer did."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    async def __call__(self, request_id: str) -> None:
        self.ids.append(request_id)


async def _before_the_answer(harness: Any, path: str, bodies: list[dict[str, Any]]) -> Held:
    deferred = harness.identity.runtime.deferred
    held = Held()
    deferred.process = held  # the background step, held back
    outbox_before = await harness.identity.runtime.db["outbox"].count_documents({})
    answers = [await harness.http.post(path, json=body) for body in bodies]
    assert {a.status_code for a in answers} == {202}
    assert len({a.text for a in answers}) == 1  # the same words
    # the same work: one request recorded each, nothing looked up or written yet
    recorded = [d async for d in deferred.collection.find({}, {"payload": 0, "_id": 0})]
    assert len(recorded) == len(bodies)
    assert len({tuple(sorted(d)) for d in recorded}) == 1
    assert await harness.identity.runtime.db["outbox"].count_documents({}) == outbox_before
    return held


async def test_r_id_4_a_reset_answers_before_it_looks_the_email_up(harness: Any) -> None:
    await harness.create_jurisdiction("alpha")
    await harness.enroll("alpha", "pat@example.org")
    held = await _before_the_answer(
        harness,
        "/v1/jurisdictions/alpha/password-resets",
        [{"email": "pat@example.org"}, {"email": "nobody@example.org"}],
    )
    deferred = harness.identity.runtime.deferred
    for request_id in held.ids:  # what the background step does after the answer
        await type(deferred).process(deferred, request_id)
    assert [e["email"] for e in await harness.outbox_events(RESET)] == ["pat@example.org"]
    assert await deferred.collection.count_documents({}) == 0  # each done once


async def test_r_id_1_an_enrollment_answers_before_it_looks_the_email_up(harness: Any) -> None:
    await harness.create_jurisdiction("alpha")
    await harness.enroll("alpha", "pat@example.org")
    before = len(await harness.outbox_events(ENROLL))
    held = await _before_the_answer(
        harness,
        "/v1/jurisdictions/alpha/enrollments",
        [{"email": "pat@example.org"}, {"email": "new@example.org"}],
    )
    deferred = harness.identity.runtime.deferred
    for request_id in held.ids:
        await type(deferred).process(deferred, request_id)
    sent = [e["email"] for e in await harness.outbox_events(ENROLL)][before:]
    assert sent == ["new@example.org"]  # a member already is sent nothing


async def test_an_answered_request_whose_process_died_is_done_by_the_sweep(harness: Any) -> None:
    """Nothing answered 202 is lost: the record outlives the process."""
    await harness.create_jurisdiction("alpha")
    await harness.enroll("alpha", "pat@example.org")
    deferred = harness.identity.runtime.deferred
    held = Held()
    deferred.process = held  # the process dies before its background step
    r = await harness.http.post(
        "/v1/jurisdictions/alpha/password-resets", json={"email": "pat@example.org"}
    )
    assert r.status_code == 202
    assert await deferred.sweep_once() == 0  # still leased by the process that answered
    harness.clock.advance(timedelta(minutes=2))
    assert await deferred.sweep_once() == 1
    assert [e["email"] for e in await harness.outbox_events(RESET)] == ["pat@example.org"]
    assert await deferred.sweep_once() == 0
