"""The inspection calendar (R-INS-2, R-INS-5), in the jurisdiction's local time.

Pure functions over an instant (UTC) and a calendar; ``zoneinfo`` does the
daylight-saving arithmetic. A requested date is a local calendar date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from chassis.clock import zone


@dataclass(frozen=True)
class Calendar:
    time_zone: str = "UTC"
    working_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday = 0
    holidays: frozenset[date] = frozenset()
    horizon_days: int = 14
    next_day_cutoff: time = time(16, 0)  # R-INS-2
    cancel_cutoff: time = time(6, 0)  # R-INS-5
    capacity: Mapping[str, int] = field(default_factory=dict)  # per inspection type
    default_capacity: int | None = None
    area_capacity: Mapping[str, int] = field(default_factory=dict)  # per inspector area

    def local_now(self, now: datetime) -> datetime:
        return now.astimezone(zone(self.time_zone))

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.working_days and day not in self.holidays

    def first_allowed(self, now: datetime) -> date:
        """Tomorrow if it is before the next-day cut-off locally, else the day after."""
        local = self.local_now(now)
        return local.date() + timedelta(days=1 if local.time() < self.next_day_cutoff else 2)

    def capacity_for(self, inspection_type: str) -> int | None:
        return self.capacity.get(inspection_type, self.default_capacity)

    def openings(
        self,
        now: datetime,
        inspection_type: str,
        booked: Mapping[date, int] | None = None,
        *,
        area: str | None = None,
        area_booked: Mapping[date, int] | None = None,
    ) -> dict[date, int | None]:
        """The days offered (R-INS-2): working days from the first allowed date
        up to the horizon, minus holidays and days whose capacity for this type
        (or the permit's inspector area) is taken — each with the inspections
        it can still take: the lesser of what is left of the type's and of the
        area's capacity, None where neither is limited."""
        booked, area_booked = booked or {}, area_booked or {}
        cap = self.capacity_for(inspection_type)
        area_cap = self.area_capacity.get(area) if area else None
        last = self.local_now(now).date() + timedelta(days=self.horizon_days)
        day, out = self.first_allowed(now), {}
        while day <= last:
            left = [
                limit - taken
                for limit, taken in ((cap, booked.get(day, 0)), (area_cap, area_booked.get(day, 0)))
                if limit is not None
            ]
            if self.is_working_day(day) and all(n > 0 for n in left):
                out[day] = min(left) if left else None
            day += timedelta(days=1)
        return out

    def cancel_until(self, day: date) -> datetime:
        """R-INS-5: the cut-off on the inspection day, local time, as UTC."""
        local = datetime.combine(day, self.cancel_cutoff, tzinfo=zone(self.time_zone))
        return local.astimezone(UTC)


def parse_clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def calendar_from(doc: Mapping[str, Any], time_zone: str) -> Calendar:
    holidays: Iterable[str] = doc.get("holidays", []) or []
    return Calendar(
        time_zone=time_zone,
        working_days=frozenset(doc.get("working_days", [0, 1, 2, 3, 4])),
        holidays=frozenset(date.fromisoformat(h) for h in holidays),
        horizon_days=int(doc.get("horizon_days", 14)),
        next_day_cutoff=parse_clock(str(doc.get("next_day_cutoff", "16:00"))),
        cancel_cutoff=parse_clock(str(doc.get("cancel_cutoff", "06:00"))),
        capacity=dict(doc.get("capacity", {}) or {}),
        default_capacity=doc.get("default_capacity"),
        area_capacity=dict(doc.get("area_capacity", {}) or {}),
    )


DEFAULT_SETTINGS: dict[str, Any] = {
    "working_days": [0, 1, 2, 3, 4],
    "holidays": [],
    "horizon_days": 14,
    "next_day_cutoff": "16:00",
    "cancel_cutoff": "06:00",
    "capacity": {},
    "default_capacity": None,
    "area_capacity": {},
    "ampm_allowed": True,
    "block_when_fees_due": False,
    "time_zone": None,
}


def area_key(area: str | None) -> str:
    """The slot counter of an inspector area (the site's zip), across types."""
    return f"area={area or '-'}"
