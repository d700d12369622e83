"""How the portal writes amounts, codes, dates and times: one format for each,
everywhere, and every date and time in the jurisdiction's own time zone (a
payment at 8:50 PM in Boise on December 5 was received on December 5, not on
the UTC date).

Dates are the seeds' ``Sat 12/5/2026``; a moment adds the local time and zone,
``Sat 12/5/2026 8:50 PM MST``. A plain date (``2026-12-05``: an inspection's
day) is that day wherever one is; an instant (``2026-12-06T03:50:00Z``) is
turned into the jurisdiction's wall-clock time first."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_time
from jinja2 import pass_context
from jinja2.runtime import Context

from chassis.money import Money
from portal import i18n


def money(value: Any, currency: str | None = None) -> str:
    """``1023.98`` → ``$1,023.98`` (the seeds' format) in US dollars, ``€12.00``
    or ``1,234.50 CHF`` in another currency (``chassis.money``)."""
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    return Money.of(amount, currency or "USD").display()


@pass_context
def money_filter(context: Context, value: Any, currency: str | None = None) -> str:
    """Templates' ``| money``: in the currency named, else the page's
    (``currency`` in its context: a cart's, a payment's), else US dollars."""
    return money(value, currency or context.get("currency"))


def label(value: Any) -> str:
    """``READY_TO_ISSUE`` → ``READY TO ISSUE`` (``LISTO PARA EMITIR`` in
    Spanish: the words of :mod:`portal.vocabulary`)."""
    return i18n.gettext(str(value or "").replace("_", " "))


def _zone(time_zone: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(time_zone) if time_zone else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local(value: Any, time_zone: str | None) -> date | datetime | None:
    """A plain date as it is; an instant in ``time_zone`` (UTC if unknown)."""
    if isinstance(value, datetime):
        instant = value
    elif isinstance(value, date):
        return value
    else:
        text = str(value or "").strip()
        if len(text) == 10:
            try:
                return date.fromisoformat(text)
            except ValueError:
                return None
        try:
            instant = datetime.fromisoformat(text)
        except ValueError:
            return None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(_zone(time_zone) or UTC)


DAY_PATTERNS = {"en": "EEE M/d/y", "es": "EEE d/M/y"}
"""A day as each language writes it: ``Sat 12/5/2026``, ``sáb 5/12/2026``."""


def day_text(value: Any, time_zone: str | None) -> str:
    """``Sat 12/5/2026``: the day, in the jurisdiction's zone (in Spanish
    ``sáb 5/12/2026``: the day first)."""
    when = local(value, time_zone)
    if when is None:
        return str(value or "")
    return format_date(when, DAY_PATTERNS[i18n.language()], locale=i18n.format_locale())


def moment_text(value: Any, time_zone: str | None) -> str:
    """``Sat 12/5/2026 8:50 PM MST``: the day and the local time with its zone
    (``sáb 5/12/2026 8:50 p.m. MST``)."""
    when = local(value, time_zone)
    if not isinstance(when, datetime):
        return day_text(value, time_zone)
    clock = format_time(when, "h:mm a", locale=i18n.format_locale())
    return f"{day_text(when, time_zone)} {clock} {when:%Z}"


def _time_zone(context: Context) -> str | None:
    """The page's jurisdiction's zone (``j``, a :class:`portal.answers.Jurisdiction`)."""
    return getattr(context.get("j"), "time_zone", None)


@pass_context
def day(context: Context, value: Any) -> str:
    return day_text(value, _time_zone(context))


@pass_context
def moment(context: Context, value: Any) -> str:
    return moment_text(value, _time_zone(context))


FILTERS = {"money": money_filter, "label": label, "day": day, "moment": moment}
