"""The authenticated caller: who, of which jurisdiction, with which roles.

A plain value (no I/O), so domain rules may take it; :mod:`chassis.auth`
builds it from a verified token.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class Principal(BaseModel):
    """The authenticated caller, scoped to one jurisdiction."""

    account_id: str
    email: str
    jurisdiction_id: str | None = Field(description="None only for platform operators")
    kind: str
    roles: list[str] = Field(default_factory=list)
    company_ids: list[str] = Field(default_factory=list)
    token_version: int = 0
    token_id: str | None = None
    scopes: list[str] = Field(
        default_factory=list, description="an API client's scopes (contracts.scopes); people none"
    )

    def is_operator(self) -> bool:
        return self.kind == "operator"

    def is_client(self) -> bool:
        """Another system of the jurisdiction, with an API client's token."""
        return self.kind == "client"

    def acts_as_staff(self) -> bool:
        """Staff of its jurisdiction, or an API client (which acts as staff
        within its scopes, checked at the route: :mod:`chassis.auth`)."""
        return self.kind in ("staff", "client")

    def has_role(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)
