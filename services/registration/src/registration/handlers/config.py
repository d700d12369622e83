"""Per-jurisdiction registration configuration (R-REG-1, R-REG-3)."""

from __future__ import annotations

from chassis.auth import Principal
from chassis.errors import Unprocessable, field_error
from chassis.uow import Transaction
from registration.adapters.repositories import RegistrationSettingsRepo
from registration.handlers.common import Doc, Reg, load_config, require_staff


def _validate(config: Doc) -> None:
    trades = set(config["trades"])
    licenses = {lt["code"] for lt in config["license_types"]}
    ids = [r["id"] for r in config["requirements"]]
    if len(ids) != len(set(ids)):
        raise Unprocessable(
            "requirement ids must be unique", errors=[field_error("requirements", "duplicate id")]
        )
    for r in config["requirements"]:
        unknown = (set(r.get("trades", [])) - trades) | (set(r.get("license_types", [])) - licenses)
        if unknown:
            msg = (
                f"requirement {r['id']!r} names unknown trades or license types: {sorted(unknown)}"
            )
            raise Unprocessable(msg, errors=[field_error("requirements", msg)])


async def put_config(reg: Reg, principal: Principal, jurisdiction_id: str, config: Doc) -> Doc:
    require_staff(principal, jurisdiction_id, "admin")
    _validate(config)

    async def work(tx: Transaction) -> None:
        await tx.repo(RegistrationSettingsRepo, jurisdiction_id).update_one(
            {"_id": jurisdiction_id},
            {"$set": {**config, "updated_at": reg.now, "updated_by": principal.account_id}},
            upsert=True,
        )

    await reg.runtime.uow.run(work)
    return await load_config(reg, jurisdiction_id)
