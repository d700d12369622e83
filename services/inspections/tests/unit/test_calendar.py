"""The calendar's cut-offs in local time, across zones and DST (R-INS-2, R-INS-5)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from inspections.domain.calendar import Calendar

DENVER = Calendar(time_zone="America/Denver")
NEW_YORK = Calendar(time_zone="America/New_York")


def local(cal: Calendar, y: int, m: int, d: int, hh: int, mm: int) -> datetime:
    """A local wall-clock time as the UTC instant the clock would report."""
    from zoneinfo import ZoneInfo

    return datetime(y, m, d, hh, mm, tzinfo=ZoneInfo(cal.time_zone)).astimezone(UTC)


def days_offered(cal: Calendar, *args: Any, **kw: Any) -> list[date]:
    """The days ``cal`` offers, in order (R-INS-2)."""
    return list(cal.openings(*args, **kw))


def test_next_day_cutoff_1559_vs_1600_local() -> None:
    """R-INS-2: Tuesday 15:59 → Wednesday offered; 16:00 → Thursday first."""
    assert days_offered(DENVER, local(DENVER, 2026, 11, 17, 15, 59), "X")[0] == date(2026, 11, 18)
    assert days_offered(DENVER, local(DENVER, 2026, 11, 17, 16, 0), "X")[0] == date(2026, 11, 19)


def test_same_instant_two_zones() -> None:
    """At 21:30 UTC it is 16:30 in New York (past the cut-off) and 14:30 in Denver."""
    now = datetime(2026, 11, 17, 21, 30, tzinfo=UTC)
    assert NEW_YORK.first_allowed(now) == date(2026, 11, 19)
    assert DENVER.first_allowed(now) == date(2026, 11, 18)


def test_weekends_and_holidays_are_skipped() -> None:
    cal = Calendar(time_zone="America/Denver", holidays=frozenset({date(2026, 11, 26)}))
    offered = days_offered(cal, local(cal, 2026, 11, 20, 10, 0), "X")  # Friday morning
    assert offered[:5] == [
        date(2026, 11, 23),  # Saturday 21 and Sunday 22 skipped
        date(2026, 11, 24),
        date(2026, 11, 25),
        date(2026, 11, 27),  # Thanksgiving 26 skipped
        date(2026, 11, 30),
    ]
    assert offered[-1] <= date(2026, 12, 4)  # 14-day horizon


def test_full_days_are_not_offered() -> None:
    cal = Calendar(time_zone="UTC", capacity={"BUILDING FINAL": 2})
    now = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # Monday
    booked = {date(2026, 11, 17): 2, date(2026, 11, 18): 1}
    offered = days_offered(cal, now, "BUILDING FINAL", booked)
    assert date(2026, 11, 17) not in offered and date(2026, 11, 18) in offered
    assert date(2026, 11, 17) in days_offered(cal, now, "ADDRESSING", booked)  # no cap


def test_cancel_cutoff_is_0600_local_across_dst() -> None:
    """R-INS-5: 06:00 local is 13:00 UTC in MST and 12:00 UTC in MDT."""
    assert DENVER.cancel_until(date(2026, 3, 6)) == datetime(2026, 3, 6, 13, 0, tzinfo=UTC)
    assert DENVER.cancel_until(date(2026, 3, 9)) == datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
    assert DENVER.cancel_until(date(2026, 11, 2)) == datetime(2026, 11, 2, 13, 0, tzinfo=UTC)


def test_next_day_cutoff_on_the_dst_change_day() -> None:
    """Sunday 8 March 2026, clocks jump at 02:00 in Denver: 15:59 MDT is 21:59 UTC."""
    cal = Calendar(time_zone="America/Denver", working_days=frozenset(range(7)))
    assert cal.first_allowed(datetime(2026, 3, 8, 21, 59, tzinfo=UTC)) == date(2026, 3, 9)
    assert cal.first_allowed(datetime(2026, 3, 8, 22, 0, tzinfo=UTC)) == date(2026, 3, 10)
    # the day before (MST) the same wall time was an hour later in UTC
    assert cal.first_allowed(datetime(2026, 3, 7, 22, 59, tzinfo=UTC)) == date(2026, 3, 8)


def test_custom_cutoffs() -> None:
    cal = Calendar(time_zone="UTC", next_day_cutoff=time(12, 0), cancel_cutoff=time(7, 30))
    assert cal.first_allowed(datetime(2026, 11, 16, 11, 59, tzinfo=UTC)) == date(2026, 11, 17)
    assert cal.first_allowed(datetime(2026, 11, 16, 12, 0, tzinfo=UTC)) == date(2026, 11, 18)
    assert cal.cancel_until(date(2026, 11, 17)) == datetime(2026, 11, 17, 7, 30, tzinfo=UTC)


def test_area_capacity_counts_every_type() -> None:
    cal = Calendar(time_zone="UTC", area_capacity={"83642": 4})
    now = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    full = {date(2026, 11, 17): 4}
    assert date(2026, 11, 17) not in days_offered(cal, now, "X", area="83642", area_booked=full)
    assert date(2026, 11, 17) in days_offered(cal, now, "X", area="83700", area_booked=full)


def test_r_ins_2_each_offered_day_says_how_many_inspections_it_can_still_take() -> None:
    """The lesser of the type's and the area's capacity left; None when unlimited."""
    cal = Calendar(time_zone="UTC", capacity={"FINAL": 3}, area_capacity={"83642": 5})
    now = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # Monday
    booked = {date(2026, 11, 17): 1, date(2026, 11, 18): 3}
    area = {date(2026, 11, 17): 4}
    left = cal.openings(now, "FINAL", booked, area="83642", area_booked=area)
    assert left[date(2026, 11, 17)] == 1  # the area's 5 - 4, under the type's 3 - 1
    assert date(2026, 11, 18) not in left  # the type's 3 are taken
    assert left[date(2026, 11, 19)] == 3
    assert set(Calendar(time_zone="UTC").openings(now, "FINAL").values()) == {None}
