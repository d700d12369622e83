"""R-REG-1/3: requirements, which apply, how answers are checked, the
configuration's consistency, the single-use link; pure, no fakes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chassis.status import IllegalTransition
from registration.domain.configuration import check_config, check_sections
from registration.domain.confirmation import EmailConfirmation
from registration.domain.errors import ConfigRefused, NotOffered
from registration.domain.requirements import (
    Requirement,
    RuleBroken,
    missing,
    transition,
    validate_field,
)

TODAY = date(2026, 3, 2)


def _req(**kw: object) -> Requirement:
    return Requirement.from_doc({"id": "r", "label": "Thing", "kind": "field", **kw})


def test_r_reg_1_a_requirement_applies_to_its_trades_or_licenses() -> None:
    anyone = _req()
    electric = _req(trades=["ELECTRICAL"], license_types=["EC"])
    assert anyone.applies([], []) and electric.applies(["ELECTRICAL"], [])
    assert electric.applies([], ["EC"]) and not electric.applies(["PLUMBING"], [])


def test_r_reg_3_only_required_applicable_unanswered_requirements_are_missing() -> None:
    reqs = [_req(id="a"), _req(id="b", required=False), _req(id="c", trades=["X"])]
    assert [r.id for r in missing(reqs, {}, [], [])] == ["a"]
    assert missing(reqs, {"a": {"value": "yes"}}, [], []) == []


@pytest.mark.parametrize(
    ("field_type", "raw", "clean"),
    [
        ("number", "12.5", "12.5"),
        ("date", "2027-01-31", "2027-01-31"),
        ("insurance_expiry", "2026-03-03", "2026-03-03"),
        ("license_number", " ab-123 ", "AB-123"),
        ("text", "  Rich  ", "Rich"),
    ],
)
def test_r_reg_1_answers_are_normalised_by_type(field_type: str, raw: str, clean: str) -> None:
    assert validate_field(_req(field_type=field_type), raw, TODAY) == clean


@pytest.mark.parametrize(
    ("field_type", "raw"),
    [
        ("number", "1e3"),
        ("date", "31/01/2027"),
        ("insurance_expiry", "2026-03-02"),  # expires today: not valid any more
        ("license_number", "!"),
        ("text", "   "),
    ],
)
def test_r_reg_1_bad_answers_name_the_field(field_type: str, raw: str) -> None:
    with pytest.raises(RuleBroken) as broken:
        validate_field(_req(field_type=field_type), raw, TODAY)
    assert broken.value.field == "value"


def test_the_status_table_refuses_what_it_does_not_have() -> None:
    assert transition("draft", "submit_review") == "pending_validation"
    assert transition("returned", "resubmit") == "pending_validation"
    with pytest.raises(IllegalTransition):
        transition("accepted", "return")


def test_r_reg_1_a_configuration_names_only_what_it_offers() -> None:
    ok = {"trades": ["ELECTRICAL"], "license_types": [{"code": "EC"}], "requirements": []}
    check_config(ok)
    with pytest.raises(ConfigRefused, match="unique"):
        check_config({**ok, "requirements": [{"id": "a"}, {"id": "a"}]})
    with pytest.raises(ConfigRefused, match="unknown"):
        check_config({**ok, "requirements": [{"id": "a", "trades": ["ROOFING"]}]})
    with pytest.raises(NotOffered):
        check_sections(
            {"trades": [], "license_types": [{"code": "EC", "online": False}]},
            {"license_types": ["EC"]},
        )


def test_r_reg_2_a_confirmation_link_opens_once_before_it_expires() -> None:
    at = datetime(2026, 3, 2, tzinfo=UTC)
    sent = EmailConfirmation.request(
        jurisdiction_id="alpha",
        email="rich@example.org",
        token="alpha.t",
        token_hash="h",
        at=at,
        expires_at=at + timedelta(hours=24),
    )
    assert len(sent.pending_events) == 1
    assert not sent.use(at + timedelta(hours=24))
    assert sent.use(at + timedelta(hours=1)) and not sent.use(at + timedelta(hours=2))
