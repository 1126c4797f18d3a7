"""Scheduling fitted to the learner: `gradeck optimize`, `gradeck simulate` and the health check
of `gradeck stats` on a profile.

The srs modules do the work (srs/optimize.py, srs/simulate.py); this one hands them the
profile's log, study days, settings and item counts, and saves fitted weights as the profile's
`parameters` setting or, with --deck, as the weights of that deck's preset (srs/presets.py);
sessions schedule with them from the next answer on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from gradeck.errors import GradeckError
from gradeck.srs import calibration, derived, presets
from gradeck.srs import optimize as fitting
from gradeck.srs import simulate as simulation
from gradeck.srs.days import from_ms, study_date, to_ms
from gradeck.srs.presets import DEFAULT, Presets
from gradeck.srs.scheduler import Settings, format_setting, parse_setting

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


def _day_key(profile: Profile, settings: Settings) -> list[Any]:
    """What `_day` depends on, for figures saved with it (srs/derived.py)."""
    return [settings.day_start_hour, str(profile.tz or datetime.now().astimezone().tzinfo)]


def _preset(profile: Profile, loaded: Presets) -> str | None:
    """The preset of the decks named with --deck (None when none are named); GradeckError when
    one of them is on the profile's settings or they are on different presets."""
    chosen = profile.library.selected
    if not chosen:
        return None
    on = {deck: loaded.decks.get(deck, DEFAULT) for deck in chosen}
    for deck, name in on.items():
        if name == DEFAULT:
            raise GradeckError(
                f"deck {deck} uses the profile's weights, which `gradeck optimize` without --deck "
                f"fits; to fit weights for it alone, put it on a preset first: `gradeck decks "
                f"options {deck} --preset NAME`. Nothing was changed."
            )
    if len(set(on.values())) > 1:
        names = ", ".join(sorted(set(on.values())))
        raise GradeckError(f"the decks named are on presets {names}: fit one preset at a time")
    return next(iter(on.values()))


def optimize(profile: Profile) -> dict[str, Any]:
    """Fit weights to the profile's scheduled answers (with --deck, to those of the decks on
    the named deck's preset) and, when they predict those answers better than the weights in
    use, keep them: as the profile's `parameters` setting, or as the preset's. GradeckError
    when the history is too small, saying how much is needed; nothing is changed then."""
    settings = profile.settings()
    loaded = presets.load(profile.store)
    name = _preset(profile, loaded)
    members = None if name is None else loaded.members(name)
    if name is None:
        current, source = settings, "profile" if settings.parameters else "default"
    else:
        current = loaded.presets[name].apply(settings)
        source = "preset" if loaded.presets[name].parameters else "profile"
        source = source if current.parameters else "default"
    log = derived.log_changes(profile.store)
    logs = fitting.reviews(profile.store, members)
    history = fitting.histories(logs, _day(profile, settings))
    fit = fitting.fit(history, current.weights)
    if fit.better:
        if name is None:
            profile.store.set_settings({"parameters": format_setting("parameters", fit.fitted)})
        else:
            presets.set_parameters(profile.store, name, fit.fitted)
    # The health check scores these same histories: keep what was worked out here for it, for
    # the weights now in use (as the setting keeps them, to six figures).
    in_use = parse_setting("parameters", format_setting("parameters", fit.fitted))
    calibration.save_scores(
        profile.store,
        log,
        in_use if fit.better else current.weights,
        fit.predicted,
        fit.fitted_score if fit.better else fit.current_score,
        day_key=_day_key(profile, settings),
        decks=members,
    )
    return {
        "preset": name,
        "decks": members,
        "items": fit.items,
        "answers": fit.answers,
        "predicted": fit.predicted,
        "current": {"default": source == "default", "weights": source, **asdict(fit.current_score)},
        "fitted": {"parameters": list(fit.fitted), **asdict(fit.fitted_score)},
        "saved": fit.better,
    }


def health(profile: Profile, *, rescore: bool = False) -> dict[str, Any]:
    """`gradeck stats`' health check (srs/calibration.py) for the profile, with each deck's
    desired retention beside its true retention, and, for each preset with weights of its own,
    how well those predict its decks' answers."""
    settings = profile.settings()
    day = _day(profile, settings)
    result = calibration.health(
        profile.store,
        settings.weights,
        day=day,
        day_key=_day_key(profile, settings),
        now_ms=to_ms(profile._now()),
        desired=settings.retention,
        fitted=bool(settings.parameters),
        rescore=rescore,
    )
    loaded = presets.load(profile.store)
    for deck, row in result["true_retention"]["decks"].items():
        row["desired"] = loaded.settings(settings, deck).retention
    result["presets"] = [
        _preset_health(profile, loaded, name, settings, day, rescore)
        for name, preset in sorted(loaded.presets.items())
        if preset.parameters and loaded.members(name)
    ]
    return result


def _preset_health(
    profile: Profile,
    loaded: Presets,
    name: str,
    settings: Settings,
    day: Callable[[int], int],
    rescore: bool,
) -> dict[str, Any]:
    """How well a preset's weights predict its decks' answers; saved until the log changes,
    as the profile's scores are (srs/derived.py)."""
    members = loaded.members(name)
    preset = loaded.presets[name].apply(settings)
    day_key = _day_key(profile, settings)
    return {
        "preset": name,
        "decks": members,
        "desired_retention": preset.retention,
        **calibration.scores(
            profile.store, preset.weights, day=day, day_key=day_key, decks=members, rescore=rescore
        ),
    }


@dataclass(frozen=True)
class Plan:
    """What a simulation needs from the profile, read on the study thread; running it
    (`simulate_one`) touches no store, so a front end may run it on a thread of its own."""

    weights: tuple[float, ...]
    items: int
    new_per_day: int
    reviews_per_day: int
    maximum_interval: int
    desired_retention: float  # the profile's, or with --deck the named deck's
    deck_retention: dict[str, float]  # of each deck simulated
    retentions: tuple[float, ...]


def simulation_plan(profile: Profile) -> Plan:
    """The profile's weights, item count and limits (with --deck, those of the decks named,
    which must share their weights: a preset, or the profile's), and the retentions to try:
    0.70-0.97 and every deck's own."""
    settings = profile.settings()
    loaded = presets.load(profile.store)
    chosen = profile.library.selected
    decks = list(chosen) or [d.id for d in profile.library.decks]
    by_deck = {deck: loaded.settings(settings, deck) for deck in decks}
    weights = {s.weights for s in by_deck.values()} if chosen else {settings.weights}
    if len(weights) > 1:
        raise GradeckError("the decks named are scheduled with different weights (presets): "
                           "simulate one preset at a time", 2)  # fmt: skip
    sizes = profile.store.deck_sizes()
    desired = by_deck[chosen[0]].retention if chosen else settings.retention
    deck_retention = {deck: s.retention for deck, s in by_deck.items()}
    return Plan(
        weights=weights.pop(),
        items=sum(sizes.get(deck, 0) for deck in decks),
        new_per_day=min(settings.new_per_day, settings.new_per_deck * len(decks)),
        reviews_per_day=settings.reviews_per_day,
        maximum_interval=settings.maximum_interval,
        desired_retention=desired,
        deck_retention=deck_retention,
        retentions=tuple(sorted({*simulation.RETENTIONS, desired, *deck_retention.values()})),
    )


def simulate_one(plan: Plan, retention: float) -> simulation.Outcome | None:
    """A year of study at one desired retention (None for a plan without items)."""
    found = simulation.simulate(
        plan.weights,
        items=plan.items,
        new_per_day=plan.new_per_day,
        reviews_per_day=plan.reviews_per_day,
        maximum_interval=plan.maximum_interval,
        retentions=[retention],
    )
    return found[0] if found else None


def simulation_result(plan: Plan, outcomes: list[simulation.Outcome]) -> dict[str, Any]:
    """The table of `gradeck simulate --json`; `cheapest` is the retention with the fewest
    answers per item remembered."""
    best = simulation.cheapest(outcomes)
    return {
        "items": plan.items,
        "days": simulation.DAYS,
        "new_per_day": plan.new_per_day,
        "reviews_per_day": plan.reviews_per_day,
        "desired_retention": plan.desired_retention,
        "deck_retention": plan.deck_retention,
        "outcomes": [asdict(o) for o in outcomes],
        "cheapest": None if best is None else best.retention,
    }


def marks(result: dict[str, Any], retention: float, most: int = 3) -> str:
    """What a row of the simulation table is: the cheapest (*), the desired retention, and
    the decks whose own preset asks for it."""
    mark = " *" if retention == result["cheapest"] else ""
    if retention == result["desired_retention"]:
        mark += "  (yours)"
    decks = [d for d, r in result["deck_retention"].items() if r == retention]
    if decks and retention != result["desired_retention"]:
        more = f" and {len(decks) - most} more" if len(decks) > most else ""
        mark += f"  ({', '.join(decks[:most])}{more})"
    return mark


def simulate(profile: Profile) -> dict[str, Any]:
    """A year of study simulated at each desired retention (see simulation_plan)."""
    plan = simulation_plan(profile)
    found = [simulate_one(plan, r) for r in plan.retentions] if plan.items else []
    return simulation_result(plan, [o for o in found if o is not None])
