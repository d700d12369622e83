"""``permitsuite-identity``: key generation, operator bootstrap, demo seeding.

The CLI uses the same settings (``IDENTITY_*``), handlers and unit of work as
the service, so seeded accounts publish the same events.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from chassis.errors import ProblemError
from chassis.refusals import Conflicting, Refused
from identity.adapters.indexes import create_indexes
from identity.adapters.jwt_keys import generate_private_key_pem
from identity.bootstrap import Identity, build_identity
from identity.domain.model import PLATFORM
from identity.service_layer import admin, jurisdictions
from identity.service_layer.commands import (
    CreateJurisdiction,
    EnsureAccount,
    EnsureCompany,
    EnsureMembership,
)
from identity.settings import IdentitySettings


async def _with_identity(fn: Callable[[Identity], Awaitable[Any]]) -> Any:
    idn = build_identity(IdentitySettings())  # type: ignore[call-arg]
    await create_indexes(idn.runtime.db)
    await idn.runtime.outbox.ensure_indexes()
    await idn.runtime.broker.start()
    try:
        return await fn(idn)
    finally:
        await idn.runtime.broker.stop()
        await idn.runtime.client.close()


async def _create_operator(idn: Identity, email: str, password: str) -> dict[str, Any]:
    cmd = EnsureAccount(
        jurisdiction_id=PLATFORM,
        email=email,
        password=password,
        display_name="Hosting operator",
        operator=True,
    )
    account = await idn.units.handle(cmd, admin.ensure_account)
    return {"account_id": account["_id"], "email": account["email"]}


async def _jurisdiction(idn: Identity, profile: dict[str, Any]) -> None:
    fields = {k: v for k, v in profile.items() if k != "id"}
    cmd = CreateJurisdiction(jurisdiction_id=profile["id"], fields=fields)
    with contextlib.suppress(Conflicting):  # already seeded
        await idn.units.handle(cmd, jurisdictions.create_jurisdiction)


async def _seed_demo(idn: Identity, profile: dict[str, Any]) -> dict[str, Any]:
    """Idempotently create the demo jurisdiction and its demo users."""
    jurisdiction = profile["jurisdiction"]
    jid = jurisdiction["id"]
    await _jurisdiction(idn, jurisdiction)
    operator = profile["operator"]
    await _create_operator(idn, operator["email"], operator["password"])
    for user in profile["users"]:
        login = EnsureAccount(
            jurisdiction_id=jid,
            email=user["email"],
            password=user["password"],
            display_name=user["display_name"],
        )
        account = await idn.units.handle(login, admin.ensure_account)
        member = EnsureMembership(
            jurisdiction_id=jid,
            account_id=account["_id"],
            kind=user["kind"],
            roles=user.get("roles", []),
        )
        await idn.units.handle(member, admin.ensure_membership)
    for extra in profile.get("extra_jurisdictions", []):
        await _jurisdiction(idn, extra)
    for company in profile.get("companies", []):
        await idn.units.handle(
            EnsureCompany(jurisdiction_id=jid, company=company), admin.ensure_company
        )
    return {"jurisdiction": jurisdiction["id"], "users": len(profile["users"]) + 1}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="permitsuite-identity")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("generate-key", help="print a new Ed25519 signing key (PEM)")
    op = sub.add_parser("create-operator", help="create a hosting-operator login")
    op.add_argument("--email", required=True)
    op.add_argument(
        "--password-env",
        default="IDENTITY_OPERATOR_PASSWORD",
        help="environment variable holding the password (kept out of the process list)",
    )
    seed = sub.add_parser(
        "seed-demo", help="create a demo jurisdiction and users from a JSON profile"
    )
    seed.add_argument("profile", help="path to the JSON profile")
    args = parser.parse_args(argv)

    try:
        if args.command == "generate-key":
            print(generate_private_key_pem(), end="")
        elif args.command == "create-operator":
            password = os.environ.get(args.password_env, "")
            result = asyncio.run(
                _with_identity(lambda idn: _create_operator(idn, args.email, password))
            )
            print(json.dumps(result))
        elif args.command == "seed-demo":
            with open(args.profile) as f:
                profile = json.load(f)
            print(json.dumps(asyncio.run(_with_identity(lambda idn: _seed_demo(idn, profile)))))
    except ProblemError as exc:
        print(f"error: {exc.detail or exc.title}", file=sys.stderr)
        return 2
    except Refused as refused:  # a rule's refusal (a password the policy refuses…)
        print(f"error: {refused.message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
