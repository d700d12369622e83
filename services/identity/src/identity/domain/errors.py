"""What identity's rules refuse, as plain exceptions with their data (no
HTTP): the service says each as a problem document (``chassis.refusals``);
a route whose body names the refused part otherwise says so
(``as_problem(refused, part="new_password")``)."""

from __future__ import annotations

from chassis.refusals import Refused


class IdentityRefused(Refused):
    """Anything identity's rules refuse."""


class PasswordRefused(IdentityRefused):
    """R-ID-3: a password the jurisdiction's policy refuses, with the rule
    broken and the policy (what the page tells the person)."""

    part = "password"

    def __init__(self, message: str, *, rule: str, policy: str) -> None:
        super().__init__(message, reason=message, rule=rule, policy=policy)
        self.error_type = f"password.{rule}"


class NotTheLogin(IdentityRefused):
    """R-ID-1: one account per email — an email that has a login already is
    joined with that login's password only."""

    part = "password"
    error_type = "password.existing"

    def __init__(self) -> None:
        message = "this email already has a Permitsuite account: enter that account's password"
        super().__init__(message, reason=message)


class WrongSecret(IdentityRefused):
    """The current password (or security answer) a change needs is not right."""

    def __init__(self, which: str, message: str) -> None:
        super().__init__(message, parts=[(which, message)])


class RolesRefused(IdentityRefused):
    """Staff have at least one role; nobody else has any."""

    part = "roles"

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message, reason=reason)


class SettingRefused(IdentityRefused):
    """A jurisdiction's id or setting that cannot be (a time zone no one
    knows, a password policy there is not)."""

    def __init__(self, setting: str, message: str, *, summary: str | None = None) -> None:
        super().__init__(summary or message, parts=[(setting, message)])


class LicenseRequired(IdentityRefused):
    """R-ID-4: a contracting company has a license (or AEC) number."""

    part = "license_number"
    reason = "required"

    def __init__(self) -> None:
        super().__init__("license number is required")
