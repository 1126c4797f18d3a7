"""Text charts for the stats screen: a due forecast as bars and a calendar heatmap of reviews."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from rich.text import Text

_EIGHTHS = " ▁▂▃▄▅▆▇█"
_SHADES = ("grey23", "green4", "green3", "green1", "bright_green")


def bar_chart(values: Sequence[int], height: int = 6, label_every: int = 7) -> Text:
    """Vertical bars, one column per value, eighth-block precise; day offsets labelled below."""
    top = max(values, default=0) or 1
    text = Text()
    for row in range(height, 0, -1):
        for value in values:
            filled = value / top * height
            level = max(0.0, min(1.0, filled - (row - 1)))
            text.append(_EIGHTHS[round(level * 8)] * 2, style="cyan")
        if row == height:
            text.append(f" {top}", style="dim")
        text.append("\n")
    axis = "".join(
        f"{i:<2}"[:2] if i % label_every == 0 else "  " for i in range(len(values))
    ).rstrip()
    text.append(axis, style="dim")
    return text


def heatmap(counts: Sequence[int], today: date) -> Text:
    """A year of daily counts (oldest first, ending today) as weeks in columns, days in rows."""
    start = today - timedelta(days=len(counts) - 1)
    start -= timedelta(days=start.weekday())  # align columns to Monday
    by_day = {today - timedelta(days=len(counts) - 1 - i): n for i, n in enumerate(counts)}
    weeks = (today - start).days // 7 + 1
    peak = max(counts, default=0) or 1
    text = Text()
    for weekday, name in enumerate(("Mon", "", "Wed", "", "Fri", "", "Sun")):
        text.append(f"{name:<4}", style="dim")
        for week in range(weeks):
            day = start + timedelta(days=week * 7 + weekday)
            if day > today or day not in by_day:
                text.append(" ")
                continue
            n = by_day[day]
            shade = 0 if n == 0 else 1 + min(3, int(n / peak * 4 - 1e-9))
            text.append("■", style=_SHADES[shade])
        text.append("\n")
    text.append("    less ", style="dim")
    for shade in _SHADES:
        text.append("■", style=shade)
    text.append(" more", style="dim")
    return text
