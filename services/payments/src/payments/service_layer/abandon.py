"""A payer ends their own open checkout (issue 23, defect 5): the provider's
page is expired first, so it can take no money afterwards, then the payment
fails as cancelled and its fees are free for the cart again. If the provider
says the payer did pay after all, the payment settles instead. Should the
provider not be reachable, nothing changes (503): the page may still take
the money, and releasing its fees then would let them be paid twice."""

from __future__ import annotations

from functools import partial
from typing import Any

from chassis.principal import Principal
from chassis.refusals import Conflicting
from payments.domain.errors import ProviderUnavailable
from payments.domain.payment_status import OPEN
from payments.service_layer.ledger import fail, settle
from payments.service_layer.provider import ProviderError
from payments.service_layer.unit_of_work import PaymentsService
from payments.service_layer.views import get_payment

Doc = dict[str, Any]


async def cancel_checkout(
    svc: PaymentsService, actor: Principal, jurisdiction_id: str, payment_id: str
) -> Doc:
    payment = await svc.units.read(  # the payer's own, else 404
        jurisdiction_id, lambda uow: get_payment(uow, actor, payment_id)
    )
    if payment.get("account_id") != actor.account_id:
        raise Conflicting("only the payer may cancel their checkout", code="not-the-payer")
    if payment["status"] not in OPEN:
        raise Conflicting("this payment is no longer open", code="payment-not-open")
    outcome, method = "canceled", None
    if payment.get("provider_ref"):
        try:
            account = await svc.accounts.by_id(jurisdiction_id, payment.get("merchant_account_id"))
            status = await account.provider.expire(payment["provider_ref"])
        except ProviderError:
            raise ProviderUnavailable(
                "the payment provider did not answer; nothing was changed — try again"
            ) from None
        if status.outcome == "succeeded":
            outcome, method = "succeeded", status.method
    if outcome == "succeeded":
        await svc.units.run(jurisdiction_id, partial(settle, svc, payment_id, method=method))
    else:
        await svc.units.run(jurisdiction_id, partial(fail, payment_id, "canceled"))
    return await svc.units.read(jurisdiction_id, lambda uow: get_payment(uow, actor, payment_id))
