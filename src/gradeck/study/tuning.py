"""Scheduling fitted to the learner: `gradeck optimize` and `gradeck simulate` on a profile.

The srs modules do the work (srs/optimize.py, srs/simulate.py); this one hands them the
profile's log, study days, settings and item counts, and saves fitted weights as the profile's
`parameters` setting, which every scheduler made from the settings uses from the next answer on.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from gradeck.srs import optimize as fitting
from gradeck.srs import simulate as simulation
from gradeck.srs.days import from_ms, study_date
from gradeck.srs.scheduler import format_setting

if TYPE_CHECKING:
    from gradeck.study.profile import Profile


def optimize(profile: Profile) -> dict[str, Any]:
    """Fit weights to the profile's scheduled answers and, when they predict those answers
    better than the weights in use, keep them. GradeckError when the history is
    too small, saying how much is needed; nothing is changed then."""
    settings = profile.settings()

    def day(ms: int) -> int:
        return study_date(from_ms(ms), settings.day_start_hour, profile.tz).toordinal()

    history = fitting.histories(fitting.reviews(profile.store), day)
    fit = fitting.fit(history, settings.weights)
    if fit.better:
        profile.store.set_settings({"parameters": format_setting("parameters", fit.fitted)})
    return {
        "items": fit.items,
        "answers": fit.answers,
        "predicted": fit.predicted,
        "current": {"default": not settings.parameters, **asdict(fit.current_score)},
        "fitted": {"parameters": list(fit.fitted), **asdict(fit.fitted_score)},
        "saved": fit.better,
    }


def simulate(profile: Profile) -> dict[str, Any]:
    """A year of study simulated at each desired retention, with the profile's weights, item
    count and limits; `cheapest` is the retention with the fewest answers per item remembered."""
    settings = profile.settings()
    _start, end = profile._bounds(settings)
    counts = profile.store.deck_counts(end)
    items = sum(counts.get(d.id, (0, 0, 0, 0))[3] for d in profile.library.decks)
    outcomes = simulation.simulate(
        settings.weights,
        items=items,
        new_per_day=settings.new_per_day,
        reviews_per_day=settings.reviews_per_day,
        maximum_interval=settings.maximum_interval,
        retentions=sorted({*simulation.RETENTIONS, settings.retention}),
    )
    best = simulation.cheapest(outcomes)
    return {
        "items": items,
        "days": simulation.DAYS,
        "desired_retention": settings.retention,
        "outcomes": [asdict(o) for o in outcomes],
        "cheapest": None if best is None else best.retention,
    }
