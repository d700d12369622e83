"""Accounts, memberships, jurisdictions and enrollments."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

MembershipKind = Literal["community_member", "contractor", "staff", "operator"]
EnrollmentKind = Literal["community_member", "contractor"]
MembershipStatus = Literal["invited", "active", "disabled"]

PLATFORM = "_platform"
"""Pseudo-jurisdiction of platform-level records (operator sessions)."""

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")


def normalize_email(email: str) -> str:
    """Accounts are one per email, case-insensitive."""
    return email.strip().lower()


@dataclass
class JurisdictionFeatures:
    public_self_enrollment: bool = True
    contractor_self_registration: bool = False
    online_payments: bool = False

    def allows_enrollment(self, kind: EnrollmentKind) -> bool:
        if kind == "contractor":
            return self.contractor_self_registration
        return self.public_self_enrollment


def enrollment_expiry(now: datetime, hours: int) -> datetime:
    return now + timedelta(hours=hours)
