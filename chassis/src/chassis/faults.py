"""Fail points for fault-injection tests.

``PERMITSUITE_FAILPOINTS=after_commit_before_publish`` makes a process exit
hard at that point, like a crash or ``kill -9``, so tests can prove that the
outbox loses nothing; ``after_commit_before_publish:<event type>`` only when a
transaction committed an event of that type. Unset in production; reading it costs one dict lookup.
"""

from __future__ import annotations

import os


def failpoint(name: str) -> None:
    points = os.environ.get("PERMITSUITE_FAILPOINTS", "")
    if points and name in points.split(","):
        os._exit(137)
