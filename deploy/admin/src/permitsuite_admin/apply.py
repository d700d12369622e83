"""Applying a profile: what would change (the plan, which ``--dry-run``
prints), then each changed section through the API, in order. Applying the
same profile again changes nothing. If the API refuses a section, the
sections already changed are set back to what they were, so a refused
profile leaves the jurisdiction as it found it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from permitsuite_admin.api import Api, Refused
from permitsuite_admin.profile import Profile

Doc = dict[str, Any]


@dataclass
class Change:
    section: str
    before: Doc | None  # None: it does not exist yet
    after: Doc
    differences: list[str]


def _same(want: Any, have: Any) -> bool:
    """Equal as the API means it: ``"3"`` and ``"3.00"`` are one amount."""
    if isinstance(want, dict) and isinstance(have, dict):
        return all(_same(v, have.get(k)) for k, v in want.items())
    if isinstance(want, list) and isinstance(have, list):
        return len(want) == len(have) and all(_same(w, h) for w, h in zip(want, have, strict=True))
    numbers = (str, int, float)
    if (
        isinstance(want, numbers)
        and isinstance(have, numbers)
        and not isinstance(want, bool)
        and not isinstance(have, bool)
    ):
        try:
            return Decimal(str(want)) == Decimal(str(have))
        except InvalidOperation:
            pass
    return bool(want == have)


def differences(want: Any, have: Any, at: str = "") -> list[str]:
    """Where ``have`` differs from ``want`` (what ``want`` says; what it leaves out stays)."""
    if isinstance(want, dict) and isinstance(have, dict):
        found: list[str] = []
        for key, value in want.items():
            found += differences(value, have.get(key), f"{at}.{key}" if at else key)
        return found
    if _same(want, have):
        return []
    return [f"{at or '(all)'}: {have!r} → {want!r}"]


def plan(api: Api, profile: Profile) -> list[Change]:
    """What applying ``profile`` would change, section by section."""
    changes = []
    for section, want in profile.sections().items():
        have = api.read(section)
        found = differences(want, have) if have is not None else ["(new)"]
        if found:
            changes.append(Change(section, have, want, found))
    return changes


def apply(api: Api, profile: Profile) -> list[Change]:
    """Apply ``profile``; the changes made. On a refusal, what was changed is
    set back and the refusal raised."""
    changes = plan(api, profile)
    done: list[Change] = []
    try:
        for change in changes:
            api.write(change.section, change.after, exists=change.before is not None)
            done.append(change)
    except Refused:
        for change in reversed(done):
            if change.before is not None:  # a jurisdiction just created stays (disabled by nothing)
                api.write(change.section, change.before, exists=True)
        raise
    return changes


def export(api: Api) -> Profile:
    """The jurisdiction's profile as the API has it now (applying it changes nothing)."""
    jurisdiction = api.read("jurisdiction")
    if jurisdiction is None:
        raise Refused("jurisdiction", 404, {"detail": f"no jurisdiction {api.jid!r}"})
    found: Doc = {"version": 1, "jurisdiction": jurisdiction}
    for section in ("payments", "inspections", "registration"):
        found[section] = api.read(section)
    types = {code: api.read(f"permit_types.{code}") for code in api.permit_type_codes()}
    found["permit_types"] = types or None
    return Profile.model_validate(found)
