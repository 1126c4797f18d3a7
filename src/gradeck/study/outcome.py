"""From an answer to what the review log keeps: suggested ratings and the log entry."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from gradeck.srs.scheduler import RATINGS
from gradeck.srs.store import LogEntry

if TYPE_CHECKING:
    from gradeck.exercises.check import ExerciseResult

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


def suggest_rating(result: ExerciseResult, *, hinted: bool, retried: bool) -> int:
    """All parts right unaided: Good; partly right, or helped: Hard; nothing right: Again."""
    return result.suggested_rating(retried=retried, hinted=hinted)


def card_rating(right: bool) -> int:
    """A choice or typed card answered right suggests Good, wrong suggests Again."""
    return GOOD if right else AGAIN


def chosen(text: str, options: Sequence[tuple[str, bool]]) -> set[int] | None:
    """The options picked: numbers ("1 3", "1,3") or an option's own text."""
    words = re.split(r"[\s,;]+", text.strip())
    if all(w.isdecimal() for w in words if w) and any(words):  # not isdigit: "²", "①"
        picked = {int(w) - 1 for w in words if w}
        return picked if all(0 <= i < len(options) for i in picked) else None
    wanted = " ".join(text.split()).casefold()
    for i, (option, _ok) in enumerate(options):
        if " ".join(option.split()).casefold() == wanted:
            return {i}
    return None


def log_entry(
    now: int,
    rating: int,
    *,
    practice: bool,
    seed: int | None,
    duration_ms: int,
    answer: str | None,
    parts_right: Sequence[bool] | None,
    mistake: str | None,
    result: ExerciseResult | None,
) -> LogEntry:
    """What the review log keeps of one answer; an exercise's result fills in which parts were
    right and the first diagnosed mistake unless they are given."""
    if rating not in RATINGS:
        raise ValueError(f"a rating is 1-4, not {rating!r}")
    if result is not None:
        parts_right = parts_right or [p.credited for p in result.parts]
        mistake = mistake or next(
            (p.mistake.name for p in result.parts if p.mistake is not None), None
        )
    return LogEntry(
        time=now,
        rating=rating,
        duration_ms=max(0, int(duration_ms)),
        mode="practice" if practice else "scheduled",
        seed=seed,
        answer=answer,
        parts_right="".join("1" if p else "0" for p in parts_right) if parts_right else None,
        mistake=mistake,
    )
