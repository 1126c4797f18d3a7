"""What a desired retention costs and gives (`gradeck simulate`), from fsrs-rs's simulator.

For each desired retention from 0.70 to 0.97, a year of study is simulated with the profile's
weights, its number of items and its daily limits: the answers a day it takes on average, and
how many items are remembered at the end (the sum of their recall probabilities). The retention
with the fewest answers per item remembered is the cheapest way to know things; a higher one
buys more certainty with more work. The simulation starts every item as new (what has been
learnt so far is not carried in), and rates answers as fsrs-rs's default learner does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

RETENTIONS = tuple(round(0.70 + 0.03 * n, 2) for n in range(10))  # 0.70, 0.73, ... 0.97
DAYS = 365
SEED = 2024  # the same profile gives the same table


@dataclass(frozen=True)
class Outcome:
    retention: float
    answers_per_day: float
    remembered: float  # items remembered after DAYS days
    answers_per_item: float  # answers over the year per item remembered at its end


def simulate(
    parameters: Sequence[float],
    *,
    items: int,
    new_per_day: int,
    reviews_per_day: int,
    maximum_interval: int,
    retentions: Sequence[float] = RETENTIONS,
) -> list[Outcome]:
    """One Outcome per desired retention; [] for a profile without items."""
    import fsrs_rs_python as rs

    if items <= 0:
        return []
    config = rs.default_simulator_config()
    config.deck_size = items
    config.learn_span = DAYS
    config.learn_limit = new_per_day
    config.review_limit = reviews_per_day
    config.max_ivl = float(maximum_interval)
    config.max_cost_perday = 86_400.0  # the daily limits bound the work, not a time budget
    out = []
    for retention in retentions:
        result = rs.simulate(list(parameters), retention, config, SEED)
        answers = sum(result.review_cnt_per_day) + sum(result.learn_cnt_per_day)
        remembered = result.memorized_cnt_per_day[-1]
        out.append(
            Outcome(
                retention,
                answers / DAYS,
                remembered,
                answers / remembered if remembered else float("inf"),
            )
        )
    return out


def cheapest(outcomes: Sequence[Outcome]) -> Outcome | None:
    """The outcome with the fewest answers per item remembered."""
    return min(outcomes, key=lambda o: o.answers_per_item, default=None)
