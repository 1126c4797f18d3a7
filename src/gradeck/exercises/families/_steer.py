"""Drawing one value to meet a family's constraint, cheaply.

`decimal_until` is for a value where `_draw.decimal_where` would list too many (two places over
[−2, 2] is 400 of them, each asked to `keep`): it redraws that one value, at most `tries` times,
and keeps the first accepted. Rejection sampling, so still uniform over the accepted values, and
bounded, so a seed whose constraint is rare costs a few draws of one number, not a redraw of
everything. When none is accepted it gives the last draw, which the family's check may then
refuse.

`floats_apart` is a cheap screen for a draw: whether plain numbers lie pairwise apart, with a
margin over `_draw.SEPARATION` (the family's own check then decides, with `_draw.apart`).

`choice_first` is `_draw.choice_where` after one plain choice, kept when accepted (the
argument of `decimal_where`: still uniform over the accepted options), since most are: a
plain choice costs a tenth of the shuffle `choice_where` starts with.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import TypeVar

from gradeck.exercises.families._draw import choice_where, decimal

T = TypeVar("T")

TRIES = 8


def decimal_until(
    r: random.Random,
    lo: float,
    hi: float,
    keep: Callable[[float], bool],
    places: int = 1,
    nonzero: bool = True,
    tries: int = TRIES,
) -> float:
    """Like `_draw.decimal`, redrawn (at most `tries` times) until `keep` accepts it."""
    x = decimal(r, lo, hi, places, nonzero)
    for _ in range(tries - 1):
        if keep(x):
            return x
        x = decimal(r, lo, hi, places, nonzero)
    return x


def choice_first(r: random.Random, options: Sequence[T], keep: Callable[[T], bool]) -> T:
    """Like `_draw.choice_where`, one plain choice tried first."""
    first = options[int(r.random() * len(options))]
    return first if keep(first) else choice_where(r, options, keep)


def floats_apart(values: Sequence[float], rel: float = 0.035) -> bool:
    """Every pair of `values` more than `rel` (relative) apart."""
    for i in range(1, len(values)):
        a = values[i]
        for b in values[:i]:
            if abs(a - b) <= rel * max(abs(a), abs(b)):
                return False
    return True
