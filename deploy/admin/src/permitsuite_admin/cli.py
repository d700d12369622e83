"""``permitsuite jurisdiction apply FILE [--dry-run]`` and
``permitsuite jurisdiction export JID``: jurisdictions as code, through the
gateway's public API.

The gateway is ``--gateway`` (or ``PERMITSUITE_GATEWAY``); the caller is the
hosting operator: a token in ``PERMITSUITE_TOKEN``, or a login from
``PERMITSUITE_OPERATOR_EMAIL`` and ``PERMITSUITE_OPERATOR_PASSWORD`` (kept out
of the process list)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pydantic import ValidationError

from permitsuite_admin.api import Api, Refused
from permitsuite_admin.apply import Change, apply, export, plan
from permitsuite_admin.profile import dump, load


def _api(args: argparse.Namespace, jurisdiction_id: str) -> Api:
    return Api.logged_in(
        args.gateway,
        jurisdiction_id,
        token=os.environ.get("PERMITSUITE_TOKEN"),
        email=os.environ.get("PERMITSUITE_OPERATOR_EMAIL", ""),
        password=os.environ.get("PERMITSUITE_OPERATOR_PASSWORD", ""),
    )


def _say(changes: list[Change], verb: str) -> None:
    if not changes:
        print("nothing to change: the jurisdiction is as the profile says")
        return
    for change in changes:
        print(f"{verb} {change.section}:")
        for difference in change.differences:
            print(f"  {difference}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="permitsuite")
    parser.add_argument(
        "--gateway", default=os.environ.get("PERMITSUITE_GATEWAY", "http://127.0.0.1:8000")
    )
    top = parser.add_subparsers(dest="what", required=True)
    jurisdiction = top.add_parser("jurisdiction", help="jurisdictions as code")
    sub = jurisdiction.add_subparsers(dest="command", required=True)
    to_apply = sub.add_parser("apply", help="apply a profile file (idempotent)")
    to_apply.add_argument("file", type=Path)
    to_apply.add_argument("--dry-run", action="store_true", help="print what would change")
    to_export = sub.add_parser("export", help="print a jurisdiction's profile (YAML)")
    to_export.add_argument("jurisdiction_id")
    args = parser.parse_args(argv)
    try:
        if args.command == "export":
            print(dump(export(_api(args, args.jurisdiction_id))), end="")
            return 0
        profile = load(args.file)
        api = _api(args, profile.id)
        if args.dry_run:
            _say(plan(api, profile), "would change")
        else:
            _say(apply(api, profile), "changed")
    except ValidationError as exc:
        print(f"error: {args.file} is not a valid profile:\n{exc}", file=sys.stderr)
        return 2
    except Refused as exc:
        print(f"error: nothing was changed — the API refused\n{exc}", file=sys.stderr)
        return 2
    return 0
