"""Jurisdictions as code against the running suite (issue 25): a new
jurisdiction from a profile file — a dry run first, which changes nothing —,
then applied through the public API as the hosting operator; applying again
changes nothing; a change of one fee is the only change; a profile the
services refuse changes nothing; an export applies as no change. The demo
jurisdictions are themselves profiles, applied at every start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from devstack.testing import eventually_sync
from permitsuite_admin.cli import main

pytestmark = pytest.mark.e2e
OPERATOR = "operator@demo.example.org"
PROFILE = {
    "version": 1,
    "jurisdiction": {
        "id": "coded",
        "name": "Coded County Permits",
        "time_zone": "America/Chicago",
        "branding": {"display_name": "Coded County"},
        "features": {"public_self_enrollment": True},
    },
    "payments": {
        "online_payments": True,
        "currency": "USD",
        "methods": [{"code": "card", "label": "Card - 2.5%", "fee_percent": "2.5"}],
    },
    "inspections": {"working_days": [0, 1, 2, 3, 4], "capacity": {"FINAL": 5}},
    "permit_types": {
        "RES": {
            "name": "RESIDENTIAL",
            "number_format": "CRES{yy}-{seq:04}",
            "fee_schedule": [{"code": "BLDG", "name": "BUILDING PERMIT FEE", "amount": "250.00"}],
        }
    },
}


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_jurisdiction_from_its_profile_file(
    suite: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PERMITSUITE_GATEWAY", suite.gateway)
    monkeypatch.setenv("PERMITSUITE_OPERATOR_EMAIL", OPERATOR)
    monkeypatch.setenv("PERMITSUITE_OPERATOR_PASSWORD", suite.passwords[OPERATOR])
    path = tmp_path / "coded.yaml"
    path.write_text(yaml.safe_dump(PROFILE))
    profile_url = f"{suite.gateway}/v1/jurisdictions/coded"

    code, said = _run(capsys, "jurisdiction", "apply", str(path), "--dry-run")
    assert code == 0 and "would change jurisdiction" in said and "(new)" in said
    assert httpx.get(profile_url, timeout=30).status_code == 404  # a dry run changes nothing

    code, said = _run(capsys, "jurisdiction", "apply", str(path))
    assert code == 0 and "changed permit_types.RES" in said, said
    found = httpx.get(profile_url, timeout=30).json()
    assert (
        found["time_zone"] == "America/Chicago"
        and found["branding"]["display_name"] == "Coded County"
    )
    assert _run(capsys, "jurisdiction", "apply", str(path))[1].startswith("nothing to change")

    # one fee changes: the only change
    changed = yaml.safe_load(path.read_text())
    changed["permit_types"]["RES"]["fee_schedule"][0]["amount"] = "275.00"
    path.write_text(yaml.safe_dump(changed))
    code, said = _run(capsys, "jurisdiction", "apply", str(path), "--dry-run")
    assert said.count("would change") == 1 and "permit_types.RES" in said and "275" in said

    # refused by the services: the error names the field, and nothing changed
    changed["payments"]["methods"][0]["fee_percent"] = "-4"
    changed["jurisdiction"]["name"] = "Renamed, but refused with the rest"
    path.write_text(yaml.safe_dump(changed))
    code, said = _run(capsys, "jurisdiction", "apply", str(path))
    assert code == 2 and "nothing was changed" in said and "payments." in said, said
    assert httpx.get(profile_url, timeout=30).json()["name"] == "Coded County Permits"

    # every change is in the jurisdiction's audit trail: who, what, when, which settings
    operator = suite.login(OPERATOR, jurisdiction=None)
    whats: set[str] = set()

    def audited() -> bool:
        found = httpx.get(f"{profile_url}/audit", headers=operator, timeout=30).json()
        whats.update(
            e["details"].get("what") for e in found if e["action"] == "configuration_changed"
        )
        return {"payment settings", "inspection calendar", "permit type RES"} <= whats

    eventually_sync(audited, timeout=30, what="the configuration changes in the audit trail")

    # the export applies as no change
    code, exported = _run(capsys, "jurisdiction", "export", "coded")
    assert code == 0 and yaml.safe_load(exported)["jurisdiction"]["id"] == "coded"
    again = tmp_path / "exported.yaml"
    again.write_text(exported)
    assert _run(capsys, "jurisdiction", "apply", str(again))[1].startswith("nothing to change")


def test_the_demo_is_its_profile(
    suite: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from permitsuite_embedded.seeding import PROFILES

    monkeypatch.setenv("PERMITSUITE_GATEWAY", suite.gateway)
    monkeypatch.setenv("PERMITSUITE_OPERATOR_EMAIL", OPERATOR)
    monkeypatch.setenv("PERMITSUITE_OPERATOR_PASSWORD", suite.passwords[OPERATOR])
    for name in ("demo", "demo-auto"):
        code, said = _run(
            capsys, "jurisdiction", "apply", str(PROFILES / f"{name}.yaml"), "--dry-run"
        )
        assert code == 0 and said.startswith("nothing to change"), said
