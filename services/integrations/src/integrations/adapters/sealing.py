"""Webhook signing secrets at rest: sealed with the installation's key
(``INTEGRATIONS_SECRETS_KEY``, :mod:`chassis.sealing`), so that a copy
of the database does not let anyone sign events as this suite. Several keys
may be given, comma-separated: the first seals, every one opens (a key is
replaced by putting the new one first; secrets sealed with the old one are
sealed anew at their next rotation).

Without a key (development only: production refuses to start without one)
a secret is stored as it is; a secret stored before sealing was turned on
is read as it is too, and sealed at its next rotation."""

from __future__ import annotations

from typing import Any

from chassis.refusals import Conflicting
from chassis.sealing import Sealer as ChassisSealer

Doc = dict[str, Any]


class SecretsKeyWrong(Conflicting):
    code = "secrets-key-missing"

    def __init__(self) -> None:
        super().__init__(
            "this endpoint's secret cannot be opened: INTEGRATIONS_SECRETS_KEY is not set, or "
            "holds none of the keys it was sealed with"
        )


class Sealer:
    """The endpoints' secrets as stored (``{"sealed": …}``, or as they are
    without a key) and as the signing needs them."""

    def __init__(self, keys: str | None) -> None:
        self.keys = ChassisSealer(keys, SecretsKeyWrong)

    def seal(self, secret: str) -> Doc:
        """How ``secret`` is stored: ``{"sealed": …}``, or as it is without a key."""
        if not self.keys.sealing:
            return {"secret": secret}
        return {"sealed": self.keys.seal(secret)}

    def opened(self, held: list[Doc]) -> list[Doc]:
        """``held`` as the signing needs it: each secret in the clear."""
        return [self._open(item) for item in held]

    def _open(self, item: Doc) -> Doc:
        if "sealed" not in item:
            return item
        rest = {k: v for k, v in item.items() if k != "sealed"}
        return {**rest, "secret": self.keys.open(str(item["sealed"]))}
