"""Password policy per jurisdiction (R-ID-3).

Two presets:

* ``asvs`` (default, OWASP ASVS 5): 8-128 characters, no composition rules,
  and no common or easily guessed password (zxcvbn score at least 3);
* ``etrakit`` (the legacy portal's rules): 6-25 characters with at least one
  letter and one digit, case-sensitive, and not among the most common
  passwords (zxcvbn score at least 2).

Every refusal names the rule broken.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from zxcvbn import zxcvbn

PolicyName = Literal["asvs", "etrakit"]


class PasswordRejected(ValueError):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


@dataclass(frozen=True)
class PasswordPolicy:
    name: PolicyName
    min_length: int
    max_length: int
    letter_and_digit: bool
    min_strength: int  # zxcvbn score 0-4

    def describe(self) -> str:
        rules = [f"{self.min_length} to {self.max_length} characters"]
        if self.letter_and_digit:
            rules.append("at least one letter and one digit")
        rules.append("not a common or easily guessed password")
        return "; ".join(rules)

    def check(self, password: str, *, user_inputs: list[str] | tuple[str, ...] = ()) -> None:
        if len(password) < self.min_length:
            raise PasswordRejected(
                "min_length", f"password must have at least {self.min_length} characters"
            )
        if len(password) > self.max_length:
            raise PasswordRejected(
                "max_length", f"password may have at most {self.max_length} characters"
            )
        if self.letter_and_digit and not (
            any(c.isalpha() for c in password) and any(c.isdigit() for c in password)
        ):
            raise PasswordRejected(
                "letter_and_digit", "password needs at least one letter and one digit"
            )
        lowered = password.strip().lower()
        for value in user_inputs:
            if value and lowered in {value.lower(), value.split("@")[0].lower()}:
                raise PasswordRejected("not_personal", "password may not be your email or name")
        # zxcvbn looks at the first 100 characters; longer passphrases are fine.
        result = zxcvbn(password[:100], user_inputs=[v for v in user_inputs if v])
        if result["score"] < self.min_strength:
            hint = result["feedback"].get("warning") or "it is too easy to guess"
            raise PasswordRejected("too_common", f"password is too easy to guess: {hint}")


POLICIES: dict[str, PasswordPolicy] = {
    "asvs": PasswordPolicy("asvs", 8, 128, letter_and_digit=False, min_strength=3),
    "etrakit": PasswordPolicy("etrakit", 6, 25, letter_and_digit=True, min_strength=2),
}
DEFAULT_POLICY = POLICIES["asvs"]


def policy_named(name: str | None) -> PasswordPolicy:
    return POLICIES.get(name or "asvs", DEFAULT_POLICY)
