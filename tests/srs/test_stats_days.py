"""Study days of the hourly answer counts are worked out in SQL: they must round down as
Python's floor division does, before the day's start as well as after it."""

from __future__ import annotations

import sqlite3

import pytest

from gradeck.srs import stats
from gradeck.srs.days import DAY_MS


@pytest.mark.parametrize("start_hour", [0, 4, 23])
def test_the_day_of_an_hour_rounds_down_like_python(start_hour: int) -> None:
    db = sqlite3.connect(":memory:")
    start = 20_000 * DAY_MS + start_hour * stats.HOUR_MS + 1_800_000  # a day starting at :30
    first = start // stats.HOUR_MS - 24 * 400
    hours = range(first, first + 24 * 402)
    sql = f"SELECT {stats._DAY} FROM (SELECT :hour AS hour)"
    got = [db.execute(sql, {"start": start, "day": DAY_MS, "hour": h}).fetchone()[0] for h in hours]
    assert got == [(h * stats.HOUR_MS - start) // DAY_MS for h in hours]
    assert min(got) <= -400 and max(got) >= 1  # days before the start and after it
