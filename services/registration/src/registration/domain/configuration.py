"""A jurisdiction's registration configuration and the sections a draft may
choose (R-REG-1): only what the jurisdiction offers."""

from __future__ import annotations

from typing import Any

from registration.domain.errors import ConfigRefused, NotOffered

Doc = dict[str, Any]


def check_sections(config: Doc, changes: Doc) -> None:
    """Trades and license types must be ones the jurisdiction offers online."""
    if "trades" in changes:
        unknown = set(changes["trades"]) - set(config["trades"])
        if unknown:
            raise NotOffered("trades", sorted(unknown), config["trades"])
    if "license_types" in changes:
        online = {lt["code"] for lt in config["license_types"] if lt.get("online", True)}
        unknown = set(changes["license_types"]) - online
        if unknown:
            raise NotOffered("license_types", sorted(unknown), sorted(online))


def check_config(config: Doc) -> None:
    """Requirement ids are unique and name only offered trades and license types."""
    trades = set(config["trades"])
    licenses = {lt["code"] for lt in config["license_types"]}
    ids = [r["id"] for r in config["requirements"]]
    if len(ids) != len(set(ids)):
        raise ConfigRefused("requirement ids must be unique", "duplicate id")
    for r in config["requirements"]:
        unknown = (set(r.get("trades", [])) - trades) | (set(r.get("license_types", [])) - licenses)
        if unknown:
            msg = (
                f"requirement {r['id']!r} names unknown trades or license types: {sorted(unknown)}"
            )
            raise ConfigRefused(msg)
