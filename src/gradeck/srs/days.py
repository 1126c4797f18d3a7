"""Study days: times are UTC inside, but "today" is the learner's local day.

As in Anki, a study day starts at a set hour (4 am by default), so a session that runs past
midnight still counts as the evening's day. `tz=None` means the machine's local time zone; tests
pass a fixed zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

DAY_MS = 86_400_000


def to_ms(moment: datetime) -> int:
    """Milliseconds since the epoch: how the store keeps every time."""
    return int(moment.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def study_date(now: datetime, start_hour: int, tz: tzinfo | None = None) -> date:
    """The study day that `now` belongs to."""
    local = now.astimezone(tz)
    return (local - timedelta(hours=start_hour)).date()


def day_start(day: date, start_hour: int, tz: tzinfo | None = None) -> datetime:
    """The UTC moment at which study day `day` begins."""
    local = datetime.combine(day, time(start_hour), tzinfo=tz)
    return local.astimezone(UTC)


def today_bounds(now: datetime, start_hour: int, tz: tzinfo | None = None) -> tuple[int, int]:
    """Start and end of the current study day, in ms UTC (end exclusive)."""
    day = study_date(now, start_hour, tz)
    start = day_start(day, start_hour, tz)
    end = day_start(day + timedelta(days=1), start_hour, tz)
    return to_ms(start), to_ms(end)
