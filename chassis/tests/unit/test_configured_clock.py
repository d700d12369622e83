"""The clock a process runs on: the system's, or shifted for a demo or a test
(the embedded suite at a chosen hour; issue 23's evening dates)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chassis.clock import CLOCK_SHIFT_VARIABLE, ShiftedClock, SystemClock, configured_clock


def test_without_a_shift_it_is_the_system_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CLOCK_SHIFT_VARIABLE, raising=False)
    assert isinstance(configured_clock(), SystemClock)


def test_a_shift_moves_every_reading_by_the_same_amount(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CLOCK_SHIFT_VARIABLE, "57600")  # 16 hours ahead
    clock = configured_clock()
    assert isinstance(clock, ShiftedClock) and clock.shift == timedelta(hours=16)
    before = datetime.now(UTC)
    read = clock.now()
    after = datetime.now(UTC)
    assert before + timedelta(hours=16) <= read <= after + timedelta(hours=16)
    assert read.tzinfo is not None


def test_a_shift_that_is_not_a_number_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CLOCK_SHIFT_VARIABLE, "tomorrow")
    with pytest.raises(ValueError, match=CLOCK_SHIFT_VARIABLE):
        configured_clock()
