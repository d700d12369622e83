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

    def is_operator(self) -> bool:
        return self.kind == "operator"

    def has_role(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    def require_admin_of(self, jurisdiction_id: str) -> None:
        """The hosting operator, or the jurisdiction's staff with the admin role.
        Anyone else from another jurisdiction gets 404 (it is not theirs to see)."""
        from chassis.errors import Forbidden, NotFound

        if self.is_operator():
            return
        if self.jurisdiction_id != jurisdiction_id or self.kind != "staff":
            raise NotFound("not found")
        if not self.has_role("admin"):
            raise Forbidden("this needs the admin role")
