"""Request-body base model shared by every service's HTTP schemas."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """A request body that refuses unknown fields (422 naming the field)."""

    model_config = ConfigDict(extra="forbid")
