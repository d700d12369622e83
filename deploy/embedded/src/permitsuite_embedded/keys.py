"""The embedded suite's secrets: the signing key, the shared tokens and the
demo users' passwords, kept in the data folder and reused by the next run."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

from permitsuite_embedded.demo import DEMO_USERS


def load_or_create(path: Path) -> dict[str, Any]:
    """The suite's secrets from ``path``, made (and saved, owner-only) when
    missing; a secret added since a data folder was made is added to it."""
    if path.exists():
        values = dict(json.loads(path.read_text()))
        added = False
        for name in (
            "internal_token",
            "sandbox_api_key",
            "webhook_secret",
            "portal_secret",
            "proxy_secret",
        ):
            if name not in values:  # data folders from before this secret existed
                values[name] = secrets.token_urlsafe(32)
                added = True
        for name in ("accounts_key", "webhook_secrets_key"):
            if name not in values:
                values[name] = Fernet.generate_key().decode()
                added = True
        for _, email, *_ in DEMO_USERS:  # demo users added since
            if email not in values["passwords"]:
                values["passwords"][email] = secrets.token_urlsafe(12)
                added = True
        if added:
            path.write_text(json.dumps(values, indent=2))
        return values
    key = subprocess.run(
        [sys.executable, "-m", "identity.cli", "generate-key"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    values = {
        "identity_signing_key": key,
        "internal_token": secrets.token_urlsafe(32),
        "sandbox_api_key": secrets.token_urlsafe(32),
        "webhook_secret": secrets.token_urlsafe(32),
        "portal_secret": secrets.token_urlsafe(32),
        "proxy_secret": secrets.token_urlsafe(32),
        "accounts_key": Fernet.generate_key().decode(),  # payments' merchant accounts' keys
        "webhook_secrets_key": Fernet.generate_key().decode(),  # integrations' webhook secrets
        "passwords": {email: secrets.token_urlsafe(12) for _, email, *_ in DEMO_USERS},
    }
    path.write_text(json.dumps(values, indent=2))
    path.chmod(0o600)
    return values
