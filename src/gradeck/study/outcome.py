"""From an answer to what the review log keeps: the one rating rule, and the log entry.

The rating rule (docs/scheduling.md, "Ratings"): an exercise with any part that ended wrong,
given up or revealed suggests Again, since FSRS counts Hard as a successful recall; one whose
parts all ended right (or close: the working was right, the rounding not) but some only after a
retry, a hint, a close answer or with its first steps filled in (a faded worked example) suggests
Hard; right at every first try without help, Good.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gradeck.srs.rows import AttemptRow, LogEntry
from gradeck.srs.scheduler import Rating

if TYPE_CHECKING:
    from gradeck.exercises.attempt import Outcome
    from gradeck.exercises.model import Part, Value

PASSING_ENDINGS = ("right", "carried", "close", "given")


@dataclass(frozen=True)
class CardAnswer:
    """How a choice or typed card was answered: the text given and whether it was right."""

    text: str
    right: bool


def suggest_rating(outcome: Outcome) -> Rating:
    """An exercise's suggested rating, by the rule above."""
    if any(ending not in PASSING_ENDINGS for ending in outcome.endings):
        return Rating.AGAIN
    if outcome.hints or outcome.retried or outcome.closed or outcome.given:
        return Rating.HARD
    return Rating.GOOD


def card_rating(right: bool) -> Rating:
    """A choice or typed card answered right suggests Good, wrong suggests Again."""
    return Rating.GOOD if right else Rating.AGAIN


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


# How each option of an answered choice card fared, and how both front ends mark it: a right
# option chosen, a right option missed (shown apart from those chosen), a wrong one chosen.
OPTION_MARKS = {"picked": "✓", "missed": "○", "wrong": "✗", "": " "}
OPTION_WORDS = {"picked": "", "missed": "(missed)", "wrong": "(wrong)", "": ""}


def option_marks(text: str, options: Sequence[tuple[str, bool]]) -> tuple[str, ...]:
    """Per option of a choice card answered with `text`: "picked" (right and chosen), "missed"
    (right, not chosen), "wrong" (chosen, not right) or "" (neither). An answer that names no
    option chooses nothing, so every right option is missed."""
    picked = chosen(text, options) or set()
    out = []
    for i, (_option, right) in enumerate(options):
        if right:
            out.append("picked" if i in picked else "missed")
        else:
            out.append("wrong" if i in picked else "")
    return tuple(out)


def part_option_marks(part: Part, value: Value | None) -> tuple[str, ...]:
    """`option_marks` for an exercise's choice part closed with `value` (its option numbers,
    from 1; None when given up or revealed: nothing chosen)."""
    expected = part.expected
    right = set(expected) if isinstance(expected, tuple) else {expected}
    numbers = value if isinstance(value, tuple) else (value,)
    chosen_text = " ".join(str(n) for n in numbers) if value is not None else ""
    return option_marks(chosen_text, [(o, n in right) for n, o in enumerate(part.options, 1)])


def log_entry(
    now: int,
    rating: int,
    *,
    practice: bool,
    seed: int | None,
    duration_ms: int,
    outcome: Outcome | CardAnswer | None,
) -> LogEntry:
    """What the review log keeps of one answer: nothing more for a flashcard (no outcome); the
    text and whether it was right for a choice or typed card; for an exercise, every attempt,
    each part's last answer, which parts ended right, the first mistake named and the hints."""
    if rating not in tuple(Rating):
        raise ValueError(f"a rating is 1-4, not {rating!r}")
    answer = mistake = hints = None
    parts_right: Sequence[bool] | None = None
    attempts: tuple[AttemptRow, ...] = ()
    if isinstance(outcome, CardAnswer):
        answer, parts_right = outcome.text, [outcome.right]
    elif outcome is not None:
        answer = " | ".join(outcome.answers) or None
        parts_right = outcome.parts_right
        mistake = outcome.mistake
        hints = outcome.hints
        attempts = tuple(
            AttemptRow(a.part, a.number, a.text, a.verdict, a.mistake) for a in outcome.attempts
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
        hints=hints,
        attempts=attempts,
    )
