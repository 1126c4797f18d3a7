"""Scheduling fitted to the learner: `gradeck optimize`, `gradeck simulate` and the health check
of `gradeck stats` on a profile.

The srs modules do the work (srs/optimize.py, srs/simulate.py); this one hands them the
profile's log, study days, settings and item counts, and saves fitted weights as the profile's
`parameters` setting, which every scheduler made from the settings uses from the next answer on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from gradeck.srs import calibration
from gradeck.srs import optimize as fitting
from gradeck.srs import simulate as simulation
from gradeck.srs.days import from_ms, study_date, to_ms
from gradeck.srs.scheduler import Settings, format_setting

HOUR_MS = 3_600_000

if TYPE_CHECKING:
    from gradeck.study.profile import Profile


def _day(profile: Profile, settings: Settings) -> Callable[[int], int]:
    """The study day number of a time in ms; worked out once per hour of the log, since a
    study day starts on the hour (in every time zone but a few, placed to the hour here)."""

    @cache
    def of_hour(hour: int) -> int:
        moment = from_ms(hour * HOUR_MS)
        return study_date(moment, settings.day_start_hour, profile.tz).toordinal()

    return lambda ms: of_hour(ms // HOUR_MS)


def optimize(profile: Profile) -> dict[str, Any]:
    """Fit weights to the profile's scheduled answers and, when they predict those answers
    better than the weights in use, keep them. GradeckError when the history is
    too small, saying how much is needed; nothing is changed then."""
    settings = profile.settings()
    history = fitting.histories(fitting.reviews(profile.store), _day(profile, settings))
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


def health(profile: Profile) -> dict[str, Any]:
    """`gradeck stats`' health check (srs/calibration.py) for the profile."""
    settings = profile.settings()
    return calibration.health(
        profile.store,
        settings.weights,
        day=_day(profile, settings),
        day_key=[settings.day_start_hour, str(profile.tz or datetime.now().astimezone().tzinfo)],
        now_ms=to_ms(profile._now()),
        desired=settings.retention,
        fitted=bool(settings.parameters),
    )


def simulate(profile: Profile) -> dict[str, Any]:
    """A year of study simulated at each desired retention, with the profile's weights, item
    count and limits; `cheapest` is the retention with the fewest answers per item remembered."""
    settings = profile.settings()
    sizes = profile.store.deck_sizes()
    items = sum(sizes.get(d.id, 0) for d in profile.library.decks)
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
