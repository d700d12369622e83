"""Dates and date-times a client sends, as ISO 8601 text only.

pydantic's lax mode reads a bare number as a Unix time (``to=0.5`` became
1970-01-01T00:00:00.5Z and silently widened a search window to all of
history); nobody means a date that way. As a query or body type the failure
is a 422 naming the field.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def _iso_text(value: Any) -> Any:
    if isinstance(value, date):  # already parsed (datetime is a date too)
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value.strip()):
        raise ValueError("must be an ISO 8601 date or date-time, e.g. 2026-12-05T20:50:00-07:00")
    return value.strip()


IsoDateTime = Annotated[datetime, BeforeValidator(_iso_text)]
"""A date-time written as ISO 8601 text (never a Unix time)."""

IsoDate = Annotated[date, BeforeValidator(_iso_text)]
"""A calendar date written as ISO 8601 text (never a Unix time)."""
