"""A jurisdiction's own merchant account (issue 25): its admin (or the
hosting operator) sets the provider keys its payments are paid with; new
payments go there, and to the installation's account once it is removed.
The keys are never shown again: what is shown is the account's id, provider,
label, the key's last four characters and the webhook address to give the
provider."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chassis.access import require_staff
from chassis.principal import Principal
from chassis.refusals import Missing, Refused
from payments.service_layer.unit_of_work import PaymentsService

Doc = dict[str, Any]


class ProviderNotAllowed(Refused):
    part = "provider"

    def __init__(self, provider: str, allowed: tuple[str, ...]) -> None:
        super().__init__(
            f"{provider} is not a provider of this installation",
            reason=f"choose from {list(allowed)}",
        )


@dataclass(frozen=True)
class SetMerchantAccount:
    actor: Principal
    jurisdiction_id: str
    provider: str
    api_key: str
    webhook_secret: str
    label: str | None = None


def public_view(jurisdiction_id: str, account: Doc) -> Doc:
    """What may be shown of an account: never a key or a secret."""
    provider = account["provider"]
    return {
        "account_id": account["id"],
        "provider": provider,
        "label": account.get("label"),
        "api_key_hint": account["api_key_hint"],
        "webhook_path": f"/v1/webhooks/payments/{provider}/{jurisdiction_id}",
        "created_at": account["created_at"],
        "created_by": account["created_by"],
    }


async def set_account(svc: PaymentsService, cmd: SetMerchantAccount) -> Doc:
    require_staff(cmd.actor, cmd.jurisdiction_id, "admin")
    if cmd.provider not in svc.providers:
        raise ProviderNotAllowed(cmd.provider, svc.providers)
    account = await svc.accounts.replace(
        cmd.jurisdiction_id,
        provider=cmd.provider,
        api_key=cmd.api_key,
        webhook_secret=cmd.webhook_secret,
        label=cmd.label,
        by=cmd.actor.account_id,
        at=svc.clock.now(),
    )
    return public_view(cmd.jurisdiction_id, account)


async def account_of(svc: PaymentsService, actor: Principal, jurisdiction_id: str) -> Doc:
    require_staff(actor, jurisdiction_id, "admin")
    account = await svc.accounts.current(jurisdiction_id)
    if account is None:
        raise Missing("this jurisdiction is paid into the installation's account")
    return public_view(jurisdiction_id, account)


async def remove_account(svc: PaymentsService, actor: Principal, jurisdiction_id: str) -> None:
    require_staff(actor, jurisdiction_id, "admin")
    if not await svc.accounts.retire(jurisdiction_id, by=actor.account_id, at=svc.clock.now()):
        raise Missing("this jurisdiction is paid into the installation's account")
