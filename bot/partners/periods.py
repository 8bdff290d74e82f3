"""Reporting periods: financial-year quarters and years, as the partnership reports them.

The partnership's year runs April to March (the plan started in April 2021 and progress is
published each April). Quarters: Q1 April-June, Q2 July-September, Q3 October-December,
Q4 January-March. Labels: ``2024-25 Q3`` for a quarter, ``2024-25`` for a whole year.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.errors import SummaryError

_LABEL = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{2}|\d{4})(?:\s*[ _-]?\s*q([1-4]))?\s*$", re.I)
_MONTHS = {1: "April-June", 2: "July-September", 3: "October-December", 4: "January-March"}


@dataclass(frozen=True, order=True)
class Period:
    """A financial year starting in April of ``year``, or one quarter of it."""

    year: int
    quarter: int | None = None

    @property
    def label(self) -> str:
        base = f"{self.year}-{(self.year + 1) % 100:02d}"
        return f"{base} Q{self.quarter}" if self.quarter else base

    @property
    def months(self) -> str:
        """Human description, e.g. ``October-December 2024``."""
        if self.quarter is None:
            return f"April {self.year} to March {self.year + 1}"
        cal_year = self.year + 1 if self.quarter == 4 else self.year
        return f"{_MONTHS[self.quarter]} {cal_year}"

    @property
    def is_year(self) -> bool:
        return self.quarter is None

    def start(self) -> dt.date:
        q = self.quarter or 1
        month = 3 * q + 1 if q < 4 else 1
        return dt.date(self.year + (1 if q == 4 else 0), month, 1)

    def end(self) -> dt.date:
        """Last day of the period."""
        if self.quarter is None:
            return dt.date(self.year + 1, 3, 31)
        nxt = Period(self.year, self.quarter + 1) if self.quarter < 4 else Period(self.year + 1, 1)
        return nxt.start() - dt.timedelta(days=1)

    def quarters(self) -> list[Period]:
        """The quarters a period covers (itself for a quarter)."""
        if self.quarter is not None:
            return [self]
        return [Period(self.year, q) for q in (1, 2, 3, 4)]

    def contains(self, other: Period) -> bool:
        return other.year == self.year and (self.quarter is None or other.quarter == self.quarter)

    def previous(self) -> Period:
        if self.quarter is None:
            return Period(self.year - 1)
        return Period(self.year, self.quarter - 1) if self.quarter > 1 else Period(self.year - 1, 4)

    def next(self) -> Period:
        if self.quarter is None:
            return Period(self.year + 1)
        return Period(self.year, self.quarter + 1) if self.quarter < 4 else Period(self.year + 1, 1)

    def deadline(self, days_after: int) -> dt.date:
        """When a quarter's update is due: ``days_after`` days after it ends."""
        return self.end() + dt.timedelta(days=days_after)

    def __str__(self) -> str:
        return self.label


def parse_period(text: str) -> Period:
    """``2024-25 Q3``, ``2024-25q3``, ``2024/25 Q3`` or ``2024-25``; SummaryError otherwise."""
    m = _LABEL.match(text or "")
    if not m:
        raise SummaryError(f"not a period: {text!r} (use e.g. 2024-25 Q3 or 2024-25)")
    year = int(m.group(1))
    end = m.group(2)
    end_year = int(end) if len(end) == 4 else (year // 100) * 100 + int(end)
    if end_year != year + 1:
        raise SummaryError(f"not a financial year: {text!r} (April to March, e.g. 2024-25)")
    quarter = int(m.group(3)) if m.group(3) else None
    return Period(year, quarter)


def quarter_of(day: dt.date) -> Period:
    """The financial-year quarter a date falls in."""
    if day.month >= 4:
        return Period(day.year, (day.month - 4) // 3 + 1)
    return Period(day.year - 1, 4)


def year_of(day: dt.date) -> Period:
    return Period(quarter_of(day).year)
