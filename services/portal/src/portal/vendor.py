"""Vendor the portal's third-party assets from the npm registry (``make vendor``).

- the U.S. Web Design System (``uswds.lock.json``): compiled CSS, JS, fonts
  and images into ``static/uswds``;
- DejaVu Sans (``fonts.lock.json``), regular and bold with its licence, into
  ``static/dejavu``: the printed permit card's and receipt's fallback for
  the letters Source Sans lacks (Cyrillic, Greek, many accents).

Each tarball is the one pinned in its lock file, checked against its npm
``integrity`` (SHA-512) — the portal never loads anything from a CDN, so it
works offline once vendored. Does nothing for a version already there.

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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATIC = Path(__file__).parent / "static"


@dataclass(frozen=True)
class Asset:
    lock: Path
    target: Path
    keep: tuple[str, ...]  # tarball paths (prefixes) to extract
    strip: str  # the prefix removed from each extracted path
    skip: tuple[str, ...] = ()  # endings and prefixes left out


USWDS = Asset(
    lock=ROOT / "uswds.lock.json",
    target=STATIC / "uswds",
    keep=("package/dist/css/", "package/dist/js/", "package/dist/fonts/", "package/dist/img/"),
    strip="package/dist/",
    skip=(".map", ".scss", "package/dist/img/material-icons"),
)
DEJAVU = Asset(
    lock=ROOT / "fonts.lock.json",
    target=STATIC / "dejavu",
    keep=("package/ttf/DejaVuSans.ttf", "package/ttf/DejaVuSans-Bold.ttf", "package/LICENSE"),
    strip="package/",
)
ASSETS = (USWDS, DEJAVU)


def _verified(data: bytes, integrity: str, package: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if digest != expected:
        raise SystemExit(f"{package} tarball integrity mismatch: {digest} != {expected}")


def _wanted(asset: Asset, member: tarfile.TarInfo) -> bool:
    name = member.name
    return (
        member.isfile()
        and name.startswith(asset.keep)
        and not name.endswith(asset.skip)
        and not name.startswith(asset.skip)
    )


def vendor(asset: Asset = USWDS) -> bool:
    """Extract the pinned version into its target; False when it was there already."""
    pinned = json.loads(asset.lock.read_text())
    stamp = asset.target / "VERSION"
    if stamp.exists() and stamp.read_text().strip() == pinned["version"]:
        return False
    with urllib.request.urlopen(pinned["tarball"], timeout=120) as answer:  # noqa: S310 - pinned https URL
        data = answer.read()
    _verified(data, pinned["integrity"], pinned["package"])
    staging = asset.target.with_name(asset.target.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            if not _wanted(asset, member):
                continue
            out = staging / member.name.removeprefix(asset.strip)
            out.parent.mkdir(parents=True, exist_ok=True)
            extracted = tar.extractfile(member)
            assert extracted is not None
            out.write_bytes(extracted.read())
    (staging / "VERSION").write_text(pinned["version"] + "\n")
    shutil.rmtree(asset.target, ignore_errors=True)
    staging.rename(asset.target)
    return True


if __name__ == "__main__":
    for asset in ASSETS:
        changed = vendor(asset)
        print(
            f"{asset.lock.stem} {'vendored into' if changed else 'already in'} {asset.target}",
            file=sys.stderr,
        )
