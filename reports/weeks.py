"""ISO weeks in a store's own calendar.

A week runs from Monday 00:00 to the next Monday 00:00 *in the store's time zone*: a
complaint logged at 23:30 on Sunday in Shanghai belongs to that Sunday's week although it is
15:30 UTC. Across daylight-saving changes a week is 167 or 169 hours long; the boundaries are
computed from local midnights, never by adding 7 × 24 hours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEK_RE = re.compile(r"^(?P<year>\d{4})-W(?P<week>\d{2})$")
# Far enough back for any history, and never past the year 9999 that `date` can hold.
FIRST_YEAR = 2000
LAST_YEAR = 2100


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def parse(cls, value: str) -> IsoWeek:
        """`2026-W47` → IsoWeek(2026, 47); ValueError for anything else or a week that
        does not exist (W53 only in long years)."""
        match = WEEK_RE.match((value or "").strip())
        if not match:
            raise ValueError(value)
        year, week = int(match["year"]), int(match["week"])
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(value)
        monday = date.fromisocalendar(year, week, 1)  # raises ValueError for W00/W54/…
        return cls.containing(monday)

    @classmethod
    def containing(cls, day: date) -> IsoWeek:
        year, week, _ = day.isocalendar()
        return cls(year, week)

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def shift(self, weeks: int) -> IsoWeek:
        return IsoWeek.containing(self.monday + timedelta(weeks=weeks))

    def start_in(self, tz: ZoneInfo) -> datetime:
        """Monday 00:00 local, as an aware UTC instant."""
        return local_midnight(self.monday, tz)

    def end_in(self, tz: ZoneInfo) -> datetime:
        """The next Monday 00:00 local (exclusive end), as an aware UTC instant."""
        return local_midnight(self.monday + timedelta(days=7), tz)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """00:00 of `day` on the wall clocks of `tz`, in UTC."""
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def weeks_ending(week: IsoWeek, count: int) -> list[IsoWeek]:
    """`count` consecutive weeks, oldest first, the last being `week`."""
    return [week.shift(offset) for offset in range(1 - count, 1)]
