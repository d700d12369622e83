"""The query shapes a read may use, checked on every tenant-scoped read.

The embedded database plans an index only for equality fields plus at most
one operator field (``$in`` or a range) on an index prefix; anything else
walks the whole jurisdiction under a server-wide lock, stalling every
service for seconds at 100,000 documents (docs/architecture.md, "Reads stay
flat"). The same shapes are the fast ones on MongoDB. The rules, by name:

``flat-or``            no top-level ``$or``/``$and``/``$nor``/``$expr``/``$where``/``$text``
                       (run one query per branch and merge)
``flat-one-operator``  equality fields and at most one ``$in``/range field
``flat-operator``      an operator field uses ``$in`` or a range (``$gt``, ``$gte``,
                       ``$lt``, ``$lte``); ``$ne``, ``$nin``, ``$exists``, ``$regex``,
                       ``$not``, ``$elemMatch`` and the like are not answered from an index
``flat-whole-tenant``  a read names more than the jurisdiction (never every document of one)
``flat-sort``          no sort, and ``flat-count`` no count, unless the read says why
                       its match is bounded (``bounded="a viewer's own rows"``);
                       keep ordered lists and totals in a read model instead
``flat-skip``          no skip: page by key

``PERMITSUITE_QUERY_SHAPES`` chooses what a violation does: ``refuse``
(raise :class:`UnflatQuery`; the tests run so), ``log`` (the default in
production: a warning naming the rule, and the read goes on) or ``off``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any, Literal

log = logging.getLogger("chassis.queryshape")

Mode = Literal["refuse", "log", "off"]
COMBINATORS = frozenset({"$or", "$and", "$nor", "$expr", "$where", "$text", "$jsonSchema"})
INDEXED = frozenset({"$in", "$gt", "$gte", "$lt", "$lte"})
TENANT = "jurisdiction_id"


class UnflatQuery(AssertionError):
    """A read outside the shapes the database answers from an index; ``rule``
    names the rule broken (see the module's docstring)."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(f"{rule}: {message} (docs/architecture.md, reads stay flat)")
        self.rule = rule


def mode_from_env() -> Mode:
    value = os.environ.get("PERMITSUITE_QUERY_SHAPES", "log").strip().lower()
    return value if value in ("refuse", "log", "off") else "log"  # type: ignore[return-value]


_mode: Mode = mode_from_env()


def set_mode(mode: Mode) -> Mode:
    """Set what a violation does in this process; returns the previous mode."""
    global _mode
    previous, _mode = _mode, mode
    return previous


def mode() -> Mode:
    return _mode


def violation(
    filter_: Mapping[str, Any],
    *,
    sort: Any = None,
    skip: int = 0,
    count: bool = False,
    bounded: str | None = None,
) -> UnflatQuery | None:
    """The first rule the read breaks, or None when it is flat."""
    shown = dict(filter_)
    combinators = sorted(COMBINATORS & set(filter_))
    if combinators:
        return UnflatQuery("flat-or", f"{combinators[0]} in {shown!r}")
    operators = [k for k, v in filter_.items() if isinstance(v, Mapping) and _is_operator(v)]
    if len(operators) > 1:
        return UnflatQuery("flat-one-operator", f"operators on {operators} in {shown!r}")
    for key in operators:
        unindexed = sorted(set(filter_[key]) - INDEXED)
        if unindexed:
            return UnflatQuery("flat-operator", f"{unindexed[0]} on {key!r} in {shown!r}")
    if not set(filter_) - {TENANT} and bounded is None:
        return UnflatQuery("flat-whole-tenant", "every document of a jurisdiction")
    if skip:
        return UnflatQuery("flat-skip", f"skip={skip}; page by key")
    if sort and bounded is None:
        return UnflatQuery("flat-sort", f"sort {sort!r} over {shown!r}; say why it is bounded")
    if count and bounded is None:
        return UnflatQuery("flat-count", f"count over {shown!r}; keep totals in a read model")
    return None


def _is_operator(value: Mapping[str, Any]) -> bool:
    return any(str(k).startswith("$") for k in value)


def check(
    filter_: Mapping[str, Any],
    *,
    collection: str,
    sort: Any = None,
    skip: int = 0,
    count: bool = False,
    bounded: str | None = None,
) -> None:
    """Refuse, log or let pass a read, as the mode says."""
    if _mode == "off":
        return
    found = violation(filter_, sort=sort, skip=skip, count=count, bounded=bounded)
    if found is None:
        return
    if _mode == "refuse":
        raise found
    log.warning("unflat read on %s: %s", collection, found, extra={"rule": found.rule})
