"""Password rules (the per-jurisdiction policy grows in the identity issue).

Default follows OWASP ASVS 5: at least 8 characters, at least 64 allowed, no
composition rules, and the password may not be the email address.
"""

from __future__ import annotations

from dataclasses import dataclass


class PasswordRejected(ValueError):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


@dataclass(frozen=True)
class PasswordPolicy:
    min_length: int = 8
    max_length: int = 128

    def check(self, password: str, *, email: str) -> None:
        if len(password) < self.min_length:
            raise PasswordRejected(
                "min_length", f"password must have at least {self.min_length} characters"
            )
        if len(password) > self.max_length:
            raise PasswordRejected(
                "max_length", f"password may have at most {self.max_length} characters"
            )
        if password.strip().lower() in {email.strip().lower(), email.split("@")[0].lower()}:
            raise PasswordRejected("not_email", "password may not be your email address")


DEFAULT_POLICY = PasswordPolicy()
