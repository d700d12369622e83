"""A jurisdiction's profile: everything that configures it, in one reviewed
file (YAML), applied through the public API.

Each section is the body of the API call that sets it, so a profile says
exactly what the API takes: ``jurisdiction`` (identity's profile: name, time
zone, branding, features, password preset), ``payments`` (payment settings),
``inspections`` (the inspection calendar), ``registration`` (registration
settings) and ``permit_types`` (each type by its code). Every section but
``jurisdiction`` may be left out: what a profile leaves out is left as it is.
The services validate every section; ``jurisdiction.schema.json`` (beside
this package) describes them for editors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

Doc = dict[str, Any]


class JurisdictionSection(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1, max_length=200)
    time_zone: str = Field(min_length=1, max_length=64)


class Profile(BaseModel):
    """A jurisdiction as code (version 1)."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    jurisdiction: JurisdictionSection
    payments: Doc | None = None
    inspections: Doc | None = None
    registration: Doc | None = None
    permit_types: dict[str, Doc] | None = None

    @property
    def id(self) -> str:
        return self.jurisdiction.id

    def sections(self) -> dict[str, Doc]:
        """Each section the profile sets, by its name (``permit_types.RES``…)."""
        found: dict[str, Doc] = {"jurisdiction": self.jurisdiction.model_dump()}
        for name in ("payments", "inspections", "registration"):
            value = getattr(self, name)
            if value is not None:
                found[name] = value
        for code, body in (self.permit_types or {}).items():
            found[f"permit_types.{code}"] = body
        return found


def load(path: Path) -> Profile:
    return Profile.model_validate(yaml.safe_load(path.read_text()))


def dump(profile: Profile) -> str:
    found = profile.model_dump(exclude_none=True)
    return str(yaml.safe_dump(found, sort_keys=False, allow_unicode=True))
