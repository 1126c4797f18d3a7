"""What a stored schedule and a logged answer may hold: one definition for three jobs.

A progress import is checked against it before anything is written, a session's queue leaves out
an item whose stored schedule breaks it (a database written by an older gradeck, or by hand), and
`gradeck check` reports and repairs such items. Every bound is one the scheduler and the
statistics compute safely with: fsrs's own stability floor and difficulty range, times that a
`datetime` holds, integers far below SQLite's 64 bits so that sums cannot overflow.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from gradeck.srs.days import DAY_MS, to_ms
from gradeck.srs.scheduler import STATE_NAMES
from gradeck.text import control_chars

MAX_TIME_MS = to_ms(datetime(3000, 1, 1, tzinfo=UTC))
MAX_STABILITY = 1e6  # days; no card reaches it in a lifetime, and fsrs's arithmetic stays finite
MAX_TEXT = 100_000  # characters of a typed answer
MAX_NAME = 500  # characters of a deck, item, sub or family id


@dataclass(frozen=True)
class Field:
    """One value's type and range; `what` completes "must be ..." in a message."""

    kind: type  # int, float (any finite number), str or bool
    low: float = 0
    high: float = 0
    what: str = ""
    nullable: bool = False
    choices: tuple[str, ...] = ()  # a text must be one of these, when given
    alphabet: str = ""  # a text may hold only these characters, when given

    def problem(self, value: object, nullable: bool | None = None, when: str = "") -> str | None:
        """Why `value` does not fit, or None when it does. `nullable` overrides the field's, and
        `when` says why a null is refused (" for an item in review")."""
        nullable = self.nullable if nullable is None else nullable
        if value is None:
            return None if nullable else f"must be {self.what}{when}, not null"
        if isinstance(value, str) and self.kind is str:
            if control_chars(value):
                return "must not hold control characters"
            ok = self.low <= len(value) <= self.high
            ok = ok and (not self.choices or value in self.choices)
            ok = ok and not set(value) - set(self.alphabet or value)
        elif isinstance(value, bool) or self.kind is bool:
            ok = isinstance(value, bool) and self.kind is bool
        elif isinstance(value, int | float) and self.kind in (int, float):
            ok = (self.kind is float or isinstance(value, int)) and math.isfinite(value)
            ok = ok and self.low <= value <= self.high
        else:
            ok = False
        return None if ok else f"must be {self.what}" + (" or null" if nullable else "")


def _name(empty: bool) -> Field:
    what = f"a text of at most {MAX_NAME} characters"
    return Field(str, 0 if empty else 1, MAX_NAME, what if empty else f"a non-empty {what[2:]}")


def _time(nullable: bool) -> Field:
    return Field(int, 0, MAX_TIME_MS, "a time in ms since 1970, before the year 3000", nullable)


STATE = Field(int, 0, 3, "a state from 0 to 3 (new, learning, review, relearning)")
SCHED: dict[str, Field] = {
    "step": Field(int, 0, 99, "a learning step from 0 to 99", True),
    "stability": Field(
        float, 0.001, MAX_STABILITY, "a positive number of days (0.001 to 1e6)", True
    ),
    "difficulty": Field(float, 1, 10, "a difficulty from 1 to 10", True),
    "due": _time(True),
    "last_review": _time(True),
}
# An item's and a review's other fields; their schedules are checked by sched_problems.
ITEM: dict[str, Field] = {
    "deck": _name(False),
    "item": _name(False),
    "sub": _name(True),
    "family": _name(True),
    "suspended": Field(bool, what="true or false"),
    "archived": Field(bool, what="true or false"),
}
REVIEW: dict[str, Field] = {
    "deck": _name(False),
    "item": _name(False),
    "sub": _name(True),
    "time": _time(False),
    "rating": Field(int, 1, 4, "a rating from 1 (Again) to 4 (Easy)"),
    "duration_ms": Field(int, 0, 366 * DAY_MS, "a duration in ms, at most a year"),
    "mode": Field(str, 1, 20, "'scheduled' or 'practice'", choices=("scheduled", "practice")),
    "seed": Field(int, 0, 2**62, "a seed from 0 to 2**62", True),
    "answer": Field(str, 0, MAX_TEXT, f"a text of at most {MAX_TEXT} characters", True),
    "parts_right": Field(str, 0, 1000, "a text of 1s and 0s", True, alphabet="01"),
    "mistake": Field(str, 0, 1000, "a text of at most 1000 characters", True),
    "hints": Field(int, 0, 999, "a count of hints from 0 to 999", True),  # absent before v4
}
# One attempt at a part of an exercise, as `attempts` on a review holds it (absent before v4).
MAX_ATTEMPTS = 1000
VERDICTS = ("right", "carried", "close", "wrong", "unreadable", "given_up", "revealed")
ATTEMPT: dict[str, Field] = {
    "part": Field(int, 0, 999, "a part number from 0 to 999"),
    "try": Field(int, 1, 999, "a try number from 1 to 999"),
    "text": Field(str, 0, MAX_TEXT, f"a text of at most {MAX_TEXT} characters"),
    "verdict": Field(str, 1, 20, "one of " + ", ".join(VERDICTS), choices=VERDICTS),
    "mistake": Field(str, 0, 1000, "a text of at most 1000 characters", True),
}


# The states in which a schedule's field may be null: a new item has no schedule; one that has
# been reviewed needs its stability, difficulty, due and last review, and one in learning
# steps (or relearning) its step.
NULL_IN: dict[str, tuple[int, ...]] = {name: (0,) for name in SCHED} | {"step": (0, 2)}


def sched_problems(values: Mapping[str, object], prefix: str = "") -> list[tuple[str, str]]:
    """(field, why) for each way a schedule breaks the bounds. The fields are `state`, `step`,
    ... after `prefix` ("prev_" in a review); which may be null depends on the state
    (NULL_IN)."""
    out = []
    state = values.get(prefix + "state")
    why = STATE.problem(state)
    if why:
        return [(prefix + "state", why)]
    assert isinstance(state, int)
    for name, field in SCHED.items():
        nullable = state in NULL_IN[name]
        why = field.problem(
            values.get(prefix + name), nullable, f" for an item in {STATE_NAMES[state]}"
        )
        if why:
            out.append((prefix + name, why))
    return out


def fits(values: Mapping[str, object]) -> bool:
    """Whether a stored item's schedule is one the scheduler can work with."""
    return not sched_problems(values)


def _number_sql(field: Field, column: str) -> str:
    kinds = "'integer'" if field.kind is int else "'integer', 'real'"
    return f"typeof({column}) IN ({kinds}) AND {column} BETWEEN {field.low!r} AND {field.high!r}"


def _fits_sql() -> str:
    """SQL true for exactly the rows of `items` whose schedule `fits`, made from the same
    fields (all numbers: SQLite's integer and real are Python's int and float, it keeps no NaN,
    and infinity is out of every range), so that a queue over thousands of rows checks them in
    SQLite rather than one by one in Python."""
    terms = [_number_sql(STATE, "state")]
    for name, field in SCHED.items():
        null = f"state IN ({', '.join(map(str, NULL_IN[name]))})"
        terms.append(f"CASE WHEN {name} IS NULL THEN {null} ELSE {_number_sql(field, name)} END")
    return " AND ".join(f"({term})" for term in terms)


FITS_SQL = _fits_sql()
