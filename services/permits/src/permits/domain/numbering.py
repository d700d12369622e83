"""Permit numbers (R-PER-1): a per-type format, gap-free per jurisdiction and year."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"\{(yy|yyyy|seq:0(\d))\}")


@dataclass(frozen=True)
class NumberFormat:
    """``RES{yy}-{seq:04}`` → ``RES17-0150``; ``BRES{yyyy}-{seq:04}`` → ``BRES2018-0000``."""

    pattern: str

    def __post_init__(self) -> None:
        tokens = [m.group(1) for m in _TOKEN.finditer(self.pattern)]
        seqs = [t for t in tokens if t.startswith("seq")]
        years = [t for t in tokens if not t.startswith("seq")]
        leftover = _TOKEN.sub("", self.pattern)
        if len(seqs) != 1 or len(years) > 1 or "{" in leftover or "}" in leftover:
            raise ValueError(
                "a number format has one {seq:0N}, at most one {yy} or {yyyy}, and no other braces"
            )

    @property
    def yearly(self) -> bool:
        return "{yy}" in self.pattern or "{yyyy}" in self.pattern

    def render(self, year: int, seq: int) -> str:
        def sub(m: re.Match[str]) -> str:
            token = m.group(1)
            if token == "yy":
                return f"{year % 100:02d}"
            if token == "yyyy":
                return f"{year:04d}"
            return f"{seq:0{int(m.group(2))}d}"

        return _TOKEN.sub(sub, self.pattern)

    def _regex(self) -> re.Pattern[str]:
        parts, last = [], 0
        for m in _TOKEN.finditer(self.pattern):
            parts.append(re.escape(self.pattern[last : m.start()]))
            token = m.group(1)
            if token == "yy":
                parts.append(r"\d{2}")
            elif token == "yyyy":
                parts.append(r"\d{4}")
            else:
                parts.append(rf"\d{{{int(m.group(2))},}}")
            last = m.end()
        parts.append(re.escape(self.pattern[last:]))
        return re.compile("".join(parts))

    def overlaps(self, other: NumberFormat) -> bool:
        """Whether the two formats could hand out the same number (numbers are
        unique per jurisdiction, so two types may not share a numbering)."""
        samples = [(2026, 1), (2026, 123_456_789)]
        return any(
            a._regex().fullmatch(b.render(year, seq)) is not None
            for a, b in ((self, other), (other, self))
            for year, seq in samples
        )
