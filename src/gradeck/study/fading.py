"""Fading worked examples: after a failed exercise, the next reviews fill in its first steps.

A learner who failed an exercise gains little from the same blank page next time. Worked
examples whose steps are withdrawn one at a time, the last ones first ("backward fading",
Renkl and Atkinson 2003), let them do the end of the calculation before the whole of it. The
rule, worked out from the item's own rating history so nothing more needs storing:

- after a scheduled review rated Again, the next review fills in every part but the last;
- each later review that passed (Hard, Good or Easy) fills in one part fewer;
- so an exercise of n parts is worked alone again after n − 1 passes, and a new failure
  starts the fading over. An item never failed is never filled in.
"""

from __future__ import annotations

from collections.abc import Iterable

from gradeck.srs.scheduler import Rating


def given_parts(ratings: Iterable[int], parts: int) -> int:
    """How many of the first parts to fill in, given the item's scheduled ratings oldest first
    and the number of parts of the variant about to be shown (always fewer than `parts`)."""
    passes_since_failure: int | None = None  # None: never failed
    for rating in ratings:
        if rating == Rating.AGAIN:
            passes_since_failure = 0
        elif passes_since_failure is not None:
            passes_since_failure += 1
    if passes_since_failure is None:
        return 0
    return max(0, parts - 1 - passes_since_failure)
