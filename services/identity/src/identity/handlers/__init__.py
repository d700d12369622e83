"""Identity use cases: one short async function each (load, decide, save)."""

from identity.handlers.admin import ensure_account, ensure_membership
from identity.handlers.common import Identity
from identity.handlers.enrollment import (
    complete_enrollment,
    describe_enrollment,
    request_enrollment,
)
from identity.handlers.jurisdictions import create_jurisdiction, get_jurisdiction
from identity.handlers.tokens import login, me, refresh

__all__ = [
    "Identity",
    "complete_enrollment",
    "create_jurisdiction",
    "describe_enrollment",
    "ensure_account",
    "ensure_membership",
    "get_jurisdiction",
    "login",
    "me",
    "refresh",
    "request_enrollment",
]
