"""Jurisdictions as code (issue 25): a profile is compared section by
section with what the API has, only what differs is written, applying twice
changes nothing, and a refused section leaves everything as it was."""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path
from typing import Any

import pytest
from permitsuite_admin.api import Refused
from permitsuite_admin.apply import apply, differences, export, plan
from permitsuite_admin.profile import Profile, dump, load
from pydantic import ValidationError

Doc = dict[str, Any]
PROFILE: Doc = {
    "version": 1,
    "jurisdiction": {"id": "ada", "name": "Ada County", "time_zone": "America/Boise"},
    "payments": {"online_payments": True, "methods": [{"code": "card", "fee_percent": "3"}]},
    "permit_types": {"RES": {"name": "RESIDENTIAL", "number_format": "RES{yy}-{seq:04}"}},
}


class FakeApi:
    """The API's sections in memory; ``refuse``: a section it refuses."""

    def __init__(self, have: dict[str, Doc] | None = None, refuse: str | None = None) -> None:
        self.jid = "ada"
        self.have = deepcopy(have or {})
        self.refuse = refuse
        self.writes: list[str] = []

    def read(self, section: str) -> Doc | None:
        return deepcopy(self.have.get(section))

    def permit_type_codes(self) -> list[str]:
        return [s.split(".", 1)[1] for s in self.have if s.startswith("permit_types.")]

    def write(self, section: str, body: Doc, *, exists: bool) -> None:
        if section == self.refuse:
            raise Refused(
                section, 422, {"detail": "refused", "errors": [{"field": "x", "msg": "no"}]}
            )
        assert exists == (section in self.have)
        self.have[section] = {**self.have.get(section, {}), **deepcopy(body)}
        self.writes.append(section)


def test_a_new_jurisdiction_is_created_and_applying_again_changes_nothing() -> None:
    profile = Profile.model_validate(PROFILE)
    api = FakeApi()
    assert [c.section for c in plan(api, profile)] == [  # type: ignore[arg-type]
        "jurisdiction",
        "payments",
        "permit_types.RES",
    ]
    assert api.writes == []  # a plan (the dry run) writes nothing
    apply(api, profile)  # type: ignore[arg-type]
    assert api.writes == ["jurisdiction", "payments", "permit_types.RES"]
    assert apply(api, profile) == []  # type: ignore[arg-type]
    assert len(api.writes) == 3


def test_only_what_differs_is_written_amounts_by_value_and_the_rest_left_alone() -> None:
    have = {
        "jurisdiction": {
            "id": "ada",
            "name": "Ada County",
            "time_zone": "America/Boise",
            "branding": {"notice": "kept"},
        },
        "payments": {
            "online_payments": True,
            "currency": "USD",
            "methods": [{"code": "card", "fee_percent": "3.00", "fee_flat": "0.00"}],
        },
        "permit_types.RES": {"name": "RESIDENTIAL", "number_format": "RES{yy}-{seq:04}"},
    }
    api = FakeApi(have)
    profile = Profile.model_validate(PROFILE)
    assert plan(api, profile) == []  # type: ignore[arg-type]  # "3" is "3.00"; unsaid fields stay
    changed = deepcopy(PROFILE)
    changed["payments"]["methods"][0]["fee_percent"] = "2.5"
    [change] = plan(api, Profile.model_validate(changed))  # type: ignore[arg-type]
    assert change.section == "payments"
    assert change.differences == [
        "methods: [{'code': 'card', 'fee_percent': '3.00', "
        "'fee_flat': '0.00'}] → [{'code': 'card', 'fee_percent': '2.5'}]"
    ]


def test_a_refused_section_leaves_the_jurisdiction_as_it_was() -> None:
    have = {
        "jurisdiction": {"id": "ada", "name": "Old name", "time_zone": "America/Boise"},
        "payments": {"online_payments": False, "methods": []},
    }
    api = FakeApi(have, refuse="permit_types.RES")
    with pytest.raises(Refused, match=r"permit_types.RES: refused\npermit_types.RES.x: no"):
        apply(api, Profile.model_validate(PROFILE))  # type: ignore[arg-type]
    assert api.have == have  # the jurisdiction and payments were set back


def test_export_round_trips(tmp_path: Path) -> None:
    api = FakeApi(
        {f"permit_types.{c}": {"name": c} for c in ("RES", "MECH")}
        | {
            "jurisdiction": {"id": "ada", "name": "Ada County", "time_zone": "America/Boise"},
            "payments": {"online_payments": True},
        }
    )
    profile = export(api)  # type: ignore[arg-type]
    path = tmp_path / "ada.yaml"
    path.write_text(dump(profile))
    assert plan(api, load(path)) == []  # type: ignore[arg-type]
    assert set(profile.permit_types or {}) == {"RES", "MECH"} and profile.inspections is None


def test_a_profile_that_is_not_one_is_refused_before_anything_is_asked() -> None:
    for wrong in (
        {**PROFILE, "version": 2},
        {**PROFILE, "jurisdiction": {"id": "Ada County!", "name": "x", "time_zone": "UTC"}},
        {**PROFILE, "fees": {}},  # not a section of a profile
    ):
        with pytest.raises(ValidationError):
            Profile.model_validate(wrong)
    assert differences({"a": {"b": 1}}, {"a": {"b": 2, "c": 3}}) == ["a.b: 2 → 1"]
