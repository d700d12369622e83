"""Where a benchmark's result goes: ``benchmarks/results/<name>.json``, with
the machine it was measured on, and printed."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


def machine() -> dict[str, Any]:
    return {"python": platform.python_version(), "cpus": os.cpu_count()}


def save(path: Path, result: dict[str, Any], *, show: dict[str, Any] | None = None) -> None:
    """Write ``result`` (with the machine) to ``path``; print it, or ``show``."""
    result.setdefault("machine", machine())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(show if show is not None else result, indent=2))
