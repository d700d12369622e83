"""What a configuration change changed, for the jurisdiction's audit trail."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def changed_keys(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[str]:
    """The settings whose values differ (all of them for something new)."""
    before = before or {}
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
