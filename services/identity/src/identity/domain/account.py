"""A person's one login across every jurisdiction they belong to (R-ID-1).

Global, not a jurisdiction's aggregate: it carries no tenant and records no
events. What changes on it is announced by the membership (activation) or by
the handler that knows the jurisdiction (``PasswordChanged``). Hashes come in
already hashed (``domain/secrets.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from uuid import uuid4


@dataclass(kw_only=True, eq=False)
class Account:
    id: str
    email: str
    created_at: datetime
    display_name: str = ""
    phone: str | None = None
    password_hash: str | None = None
    operator: bool = False
    token_version: int = 0  # in every token; a bump ends every session
    security_question: str | None = None
    security_answer_hash: str | None = None
    version: int = 0  # the stored version (optimistic concurrency)
    changed: bool = field(default=False, compare=False)

    def as_doc(self) -> dict[str, object]:
        """The account as stored (``id`` → ``_id``)."""
        doc = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "changed"}
        doc["_id"] = doc.pop("id")
        return doc

    @classmethod
    def new(
        cls,
        *,
        email: str,
        display_name: str,
        at: datetime,
        phone: str | None = None,
        password_hash: str | None = None,
        operator: bool = False,
    ) -> Account:
        return cls(
            id=str(uuid4()),
            email=email,
            display_name=display_name,
            phone=phone,
            password_hash=password_hash,
            operator=operator,
            created_at=at,
        )

    @property
    def has_login(self) -> bool:
        return self.password_hash is not None

    def first_password(self, password_hash: str | None) -> bool:
        """Set a password where there is none yet. An existing login keeps its
        own: one account per email, across jurisdictions (R-ID-1)."""
        if not password_hash or self.has_login:
            return False
        self.password_hash = password_hash
        self.changed = True
        return True

    def change_password(self, password_hash: str) -> None:
        """A reset or a change: every session of the account ends (R-ID-4/5)."""
        self.password_hash = password_hash
        self.token_version += 1
        self.changed = True

    def set_security_question(self, question: str, answer_hash: str) -> None:
        """R-ID-2/5: asked before a reset where the jurisdiction requires it."""
        self.security_question, self.security_answer_hash = question, answer_hash
        self.changed = True

    def update_profile(self, changes: dict[str, str | None]) -> None:
        """The person's own details (R-ID-5); a phone may be cleared."""
        if changes.get("display_name"):
            self.display_name = str(changes["display_name"])
        if "phone" in changes:
            self.phone = changes["phone"]
        self.changed = True

    def first_login(self, password_hash: str, question: str, answer_hash: str) -> None:
        """After a staff-issued PIN: the person's own password and security
        question (R-ID-2)."""
        self.change_password(password_hash)
        self.set_security_question(question, answer_hash)

    def accept_invitation(
        self,
        *,
        password_hash: str | None,
        display_name: str | None,
        security_question: str | None,
        security_answer_hash: str | None,
    ) -> None:
        """What accepting an invitation sets: only what was given, and an
        existing login keeps its password (R-ID-1/2)."""
        self.first_password(password_hash)
        self.update_profile({"display_name": display_name})
        if security_question and security_answer_hash:
            self.set_security_question(security_question, security_answer_hash)

    def answers_needed_for_reset(self, jurisdiction_requires: bool) -> bool:
        """A reset asks the security question where the jurisdiction requires it
        and the person has one."""
        return jurisdiction_requires and self.security_answer_hash is not None
