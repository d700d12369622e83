"""What a caller asks of identity: one typed command per change (the first
slice on the shared layout: contracting companies and their users)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chassis.commands import Command
from identity.service_layer.common import Caller

Doc = dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class IdentityCommand(Command):
    """Identity checks a token against the membership it names, so its
    commands carry that caller (``actor`` is its principal)."""

    caller: Caller


@dataclass(frozen=True, kw_only=True)
class CreateCompany(IdentityCommand):
    profile: Doc


@dataclass(frozen=True, kw_only=True)
class UpdateCompany(IdentityCommand):
    company_id: str
    changes: Doc


@dataclass(frozen=True, kw_only=True)
class RemoveCompanyUser(IdentityCommand):
    company_id: str
    account_id: str
