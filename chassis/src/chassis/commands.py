"""The base of every service's commands: who asks, in which jurisdiction.

A command is a frozen dataclass named in the imperative (``AssessFees``,
``Schedule``); its handler loads the aggregate, calls the method named after
the rule, and saves it (``docs/architecture.md``, one layout).
"""

from __future__ import annotations

from dataclasses import dataclass

from chassis.principal import Principal


@dataclass(frozen=True, kw_only=True)
class Command:
    jurisdiction_id: str
    actor: Principal
