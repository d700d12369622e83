"""The access code printed on an application (a second fact for linking)."""

from __future__ import annotations

import secrets


def new_access_code() -> str:
    return secrets.token_hex(4).upper()
