"""Vendor the U.S. Web Design System from the npm registry (``make vendor``).

Downloads the tarball pinned in ``uswds.lock.json``, checks its npm
``integrity`` (SHA-512), and extracts the compiled CSS, JS, fonts and images
into ``static/uswds`` — the portal never loads anything from a CDN, so it
works offline once vendored. Does nothing when that version is already there.

    python -m portal.vendor            # what make vendor runs
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

LOCK = Path(__file__).resolve().parents[2] / "uswds.lock.json"
TARGET = Path(__file__).parent / "static" / "uswds"
KEEP = ("package/dist/css/", "package/dist/js/", "package/dist/fonts/", "package/dist/img/")
SKIP = (".map", ".scss")
SKIP_DIRS = ("package/dist/img/material-icons",)


def _verified(data: bytes, integrity: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if digest != expected:
        raise SystemExit(f"USWDS tarball integrity mismatch: {digest} != {expected}")


def vendor(lock: Path = LOCK, target: Path = TARGET) -> bool:
    """Extract the pinned version into ``target``; False when it was there already."""
    pinned = json.loads(lock.read_text())
    stamp = target / "VERSION"
    if stamp.exists() and stamp.read_text().strip() == pinned["version"]:
        return False
    with urllib.request.urlopen(pinned["tarball"], timeout=120) as answer:  # noqa: S310 - pinned https URL
        data = answer.read()
    _verified(data, pinned["integrity"])
    staging = target.with_name(target.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            name = member.name
            if not member.isfile() or not name.startswith(KEEP) or name.endswith(SKIP):
                continue
            if name.startswith(SKIP_DIRS):
                continue
            out = staging / name.removeprefix("package/dist/")
            out.parent.mkdir(parents=True, exist_ok=True)
            extracted = tar.extractfile(member)
            assert extracted is not None
            out.write_bytes(extracted.read())
    (staging / "VERSION").write_text(pinned["version"] + "\n")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return True


if __name__ == "__main__":
    changed = vendor()
    print(f"USWDS {'vendored into' if changed else 'already in'} {TARGET}", file=sys.stderr)
