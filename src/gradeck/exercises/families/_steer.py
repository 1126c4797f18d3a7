"""Drawing one value to meet a family's constraint, where `_draw.decimal_where` would list too
many values (two places over [−2, 2] is 400 of them, each asked to `keep`).

`decimal_until` redraws that one value, at most `tries` times, and keeps the first accepted:
rejection sampling, so still uniform over the accepted values, and bounded, so a seed whose
constraint is rare costs a few draws of one number, not a redraw of everything. When none is
accepted it gives the last draw, which the family's check may then refuse.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from gradeck.exercises.families._draw import decimal

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
