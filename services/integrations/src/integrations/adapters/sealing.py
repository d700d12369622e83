"""Webhook signing secrets at rest: sealed with the installation's key
(``INTEGRATIONS_SECRETS_KEY``, Fernet from ``cryptography``), so that a copy
of the database does not let anyone sign events as this suite. Several keys
may be given, comma-separated: the first seals, every one opens (a key is
replaced by putting the new one first; secrets sealed with the old one are
sealed anew at their next rotation).

Without a key (development only: production refuses to start without one)
a secret is stored as it is; a secret stored before sealing was turned on
is read as it is too, and sealed at its next rotation."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from chassis.refusals import Conflicting

Doc = dict[str, Any]


class SecretsKeyWrong(Conflicting):
    code = "secrets-key-missing"

    def __init__(self) -> None:
        super().__init__(
            "this endpoint's secret cannot be opened: INTEGRATIONS_SECRETS_KEY is not set, or "
            "holds none of the keys it was sealed with"
        )


class Sealer:
    def __init__(self, keys: str | None) -> None:
        given = [k.strip() for k in (keys or "").split(",") if k.strip()]
        self.cipher = MultiFernet([Fernet(k.encode()) for k in given]) if given else None

    @property
    def sealing(self) -> bool:
        return self.cipher is not None

    def seal(self, secret: str) -> Doc:
        """How ``secret`` is stored: ``{"sealed": …}``, or as it is without a key."""
        if self.cipher is None:
            return {"secret": secret}
        return {"sealed": self.cipher.encrypt(secret.encode()).decode()}

    def opened(self, held: list[Doc]) -> list[Doc]:
        """``held`` as the signing needs it: each secret in the clear."""
        return [self._open(item) for item in held]

    def _open(self, item: Doc) -> Doc:
        if "sealed" not in item:
            return item
        if self.cipher is None:
            raise SecretsKeyWrong()
        try:
            secret = self.cipher.decrypt(str(item["sealed"]).encode()).decode()
        except InvalidToken as exc:
            raise SecretsKeyWrong() from exc
        return {**{k: v for k, v in item.items() if k != "sealed"}, "secret": secret}
