"""Secrets a service must read back, kept sealed at rest with the
installation's key (Fernet, from ``cryptography``): a copy of the database
alone opens none of them. Several keys may be given, comma-separated: the
first seals, every one opens — a key is replaced by putting the new one
first (what was sealed with the old one is sealed anew when next written).

Payments seals jurisdictions' merchant-account keys with it, integrations
the webhook endpoints' signing secrets; each names its own refusal for a
missing or wrong key (``refused``)."""

from __future__ import annotations

from collections.abc import Callable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class Sealer:
    def __init__(self, keys: str | None, refused: Callable[[], Exception]) -> None:
        given = [k.strip() for k in (keys or "").split(",") if k.strip()]
        self.cipher = MultiFernet([Fernet(k.encode()) for k in given]) if given else None
        self.refused = refused

    @property
    def sealing(self) -> bool:
        """Whether a key is set (without one, nothing can be sealed or opened)."""
        return self.cipher is not None

    def seal(self, text: str) -> str:
        if self.cipher is None:
            raise self.refused()
        return self.cipher.encrypt(text.encode()).decode()

    def open(self, sealed: str) -> str:
        if self.cipher is None:
            raise self.refused()
        try:
            return self.cipher.decrypt(sealed.encode()).decode()
        except InvalidToken as exc:
            raise self.refused() from exc
