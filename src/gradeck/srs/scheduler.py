"""FSRS scheduling through the `fsrs` package, and the profile settings that shape it.

The store keeps an item's scheduling state as plain numbers (`Sched`); this module turns it into
an `fsrs.Card`, lets `fsrs.Scheduler` review it, and turns the result back. Nothing here touches
the database, so the arithmetic is tested against `fsrs` directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import timedelta
from enum import IntEnum

import fsrs
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from gradeck.srs.days import DAY_MS, from_ms, to_ms
from gradeck.text import did_you_mean


class Rating(IntEnum):
    """The four answer buttons, numbered as their keys (and as the review log stores them)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()


class State(IntEnum):
    """Where an item is in its life, numbered as the store keeps it."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3

    @property
    def label(self) -> str:
        return self.name.lower()


NEW, LEARNING, REVIEW, RELEARNING = State
STATE_NAMES: dict[int, str] = {s: s.label for s in State}
RATINGS: dict[int, str] = {r: r.label for r in Rating}


@dataclass(frozen=True)
class Sched:
    """An item's scheduling state; times in ms UTC. State NEW means never reviewed."""

    state: int = NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: int | None = None
    last_review: int | None = None


# ---------------------------------------------------------------------------------------------
# Settings


@dataclass(frozen=True)
class Settings:
    """A profile's settings. Defaults are fsrs's and Anki's (20 new and 200 reviews a day)."""

    retention: float = 0.9
    new_per_day: int = 20  # in all decks together
    new_per_deck: int = 20  # in each deck (Anki's per-deck "new cards/day")
    reviews_per_day: int = 200
    day_start_hour: int = 4
    learning_steps: tuple[int, ...] = (60, 600)  # seconds
    relearning_steps: tuple[int, ...] = (600,)
    maximum_interval: int = 36500  # days
    fuzz: bool = True
    theme: str = "textual-dark"
    parameters: tuple[float, ...] = ()  # FSRS's 21 weights; () means fsrs's defaults

    @classmethod
    def from_strings(cls, stored: dict[str, str]) -> Settings:
        """Settings from the store's text values; unknown or unreadable ones keep the default."""
        values = {}
        for key, text in stored.items():
            if key in SETTING_KEYS:
                try:
                    values[key] = parse_setting(key, text)
                except ValueError:
                    continue
        return replace(cls(), **values)

    @property
    def weights(self) -> tuple[float, ...]:
        """The FSRS weights in use: the fitted ones, else fsrs's defaults."""
        return self.parameters or tuple(DEFAULT_PARAMETERS)

    def as_strings(self) -> dict[str, str]:
        return {f.name: format_setting(f.name, getattr(self, f.name)) for f in fields(self)}


SETTING_KEYS = tuple(f.name for f in fields(Settings))
SETTING_HELP = {
    "retention": "desired retention, the recall probability reviews aim at (0.70-0.99)",
    "new_per_day": "new items introduced per study day, all decks together (0-9999)",
    "new_per_deck": "new items introduced per study day from each deck (0-9999)",
    "reviews_per_day": "reviews per study day, learning steps not counted (0-99999)",
    "day_start_hour": "local hour at which a study day begins (0-23)",
    "learning_steps": "waits before a new item graduates, e.g. '1m 10m' (s, m, h, d)",
    "relearning_steps": "waits after a forgotten review, e.g. '10m'",
    "maximum_interval": "longest interval in days (1-36500)",
    "fuzz": "spread review dates a little so items learnt together part (on/off)",
    "theme": "the study app's colour theme, one of Textual's (textual-dark, nord, ...)",
    "parameters": "FSRS's 21 weights, fitted by `gradeck optimize`, or 'default'",
}

# Textual's built-in themes (textual.theme.BUILTIN_THEMES), kept here as data so that checking a
# setting needs no Textual; tests/srs/test_scheduler.py compares it with the installed Textual.
THEMES = (
    "textual-dark",
    "textual-light",
    "nord",
    "gruvbox",
    "catppuccin-mocha",
    "dracula",
    "tokyo-night",
    "monokai",
    "flexoki",
    "catppuccin-latte",
    "catppuccin-frappe",
    "catppuccin-macchiato",
    "solarized-light",
    "solarized-dark",
    "rose-pine",
    "rose-pine-moon",
    "rose-pine-dawn",
    "atom-one-dark",
    "atom-one-light",
    "ansi-dark",
    "ansi-light",
)
# Names older gradecks documented; stored or typed, they mean Textual's own.
THEME_ALIASES = {"dark": "textual-dark", "light": "textual-light"}

_STEP = re.compile(r"(\d+(?:\.\d+)?)([smhd]?)")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400, "": 60}


def _int_in(text: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"expected a whole number from {low} to {high}, got {text!r}") from None
    if not low <= value <= high:
        raise ValueError(f"expected a whole number from {low} to {high}, got {value}")
    return value


def _steps(text: str) -> tuple[int, ...]:
    if text.strip().lower() in ("", "none"):
        return ()
    steps = []
    for word in text.replace(",", " ").split():
        match = _STEP.fullmatch(word)
        seconds = round(float(match.group(1)) * _UNIT_S[match.group(2)]) if match else 0
        if not match or not 1 <= seconds <= 86400 * 7:
            raise ValueError(
                f"cannot read step {word!r}: write waits like '1m 10m' (s, m, h or d, "
                "at most 7d each)"
            )
        steps.append(seconds)
    if len(steps) > 10:
        raise ValueError("at most 10 steps")
    return tuple(steps)


def _parameters(text: str) -> tuple[float, ...]:
    if text.lower() in ("", "default"):
        return ()
    try:
        values = tuple(float(word) for word in text.replace(",", " ").split())
    except ValueError:
        raise ValueError("expected 21 numbers separated by spaces, or 'default'") from None
    if len(values) != len(DEFAULT_PARAMETERS):
        raise ValueError(f"expected {len(DEFAULT_PARAMETERS)} numbers, got {len(values)}")
    for n, (value, low, high) in enumerate(
        zip(values, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    ):
        if not low <= value <= high:
            raise ValueError(f"weight {n} must be from {low} to {high}, got {value}")
    return values


def parse_setting(key: str, text: str):
    """A setting's value from text, or ValueError saying what is accepted."""
    text = text.strip()
    if key == "retention":
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"expected a number such as 0.9, got {text!r}") from None
        if not 0.7 <= value <= 0.99:
            raise ValueError(f"retention must be from 0.70 to 0.99, got {value}")
        return value
    if key in ("new_per_day", "new_per_deck"):
        return _int_in(text, 0, 9999)
    if key == "reviews_per_day":
        return _int_in(text, 0, 99999)
    if key == "day_start_hour":
        return _int_in(text, 0, 23)
    if key == "maximum_interval":
        return _int_in(text, 1, 36500)
    if key in ("learning_steps", "relearning_steps"):
        return _steps(text)
    if key == "fuzz":
        if text.lower() in ("on", "true", "yes", "1"):
            return True
        if text.lower() in ("off", "false", "no", "0"):
            return False
        raise ValueError(f"expected on or off, got {text!r}")
    if key == "parameters":
        return _parameters(text)
    if key == "theme":
        theme = THEME_ALIASES.get(text.lower(), text.lower())
        if theme not in THEMES:
            hint = did_you_mean(theme, list(THEMES))
            raise ValueError(f"no theme {text!r}{hint or '.'} Themes: {', '.join(THEMES)}")
        return theme
    raise KeyError(key)


def format_setting(key: str, value) -> str:
    if key in ("learning_steps", "relearning_steps"):
        return " ".join(format_interval(s * 1000) for s in value) or "none"
    if key == "fuzz":
        return "on" if value else "off"
    if key == "parameters":
        return " ".join(f"{w:.6g}" for w in value) or "default"
    return str(value)


# ---------------------------------------------------------------------------------------------
# Scheduling


def format_interval(ms: int) -> str:
    """An interval as Anki's buttons show it: 45s, 10m, 3h, 4d, 2.5mo, 1.2y."""
    seconds = ms / 1000
    if seconds < 60:
        return f"{round(seconds)}s"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return _short(seconds / 3600, "h")
    days = ms / DAY_MS
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return _short(days / 30, "mo")
    return _short(days / 365, "y")


def _short(value: float, unit: str) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return f"{text}{unit}"


class Scheduler:
    """`fsrs.Scheduler` configured from Settings, speaking `Sched` and ms timestamps."""

    def __init__(self, settings: Settings, *, fuzz: bool | None = None) -> None:
        self.settings = settings
        self._fsrs = fsrs.Scheduler(
            parameters=settings.weights,
            desired_retention=settings.retention,
            learning_steps=tuple(timedelta(seconds=s) for s in settings.learning_steps),
            relearning_steps=tuple(timedelta(seconds=s) for s in settings.relearning_steps),
            maximum_interval=settings.maximum_interval,
            enable_fuzzing=settings.fuzz if fuzz is None else fuzz,
        )
        self.parameters: tuple[float, ...] = self._fsrs.parameters
        self._plain = (
            self
            if not self._fsrs.enable_fuzzing
            else Scheduler(settings, fuzz=False)  # intervals shown on buttons are unfuzzed
        )

    def review(self, sched: Sched, rating: int, now_ms: int) -> Sched:
        """The state after answering with `rating` (1-4) at `now_ms`."""
        card, _log = self._fsrs.review_card(
            _card(sched, now_ms), fsrs.Rating(rating), from_ms(now_ms)
        )
        return Sched(
            state=int(card.state),
            step=card.step,
            stability=card.stability,
            difficulty=card.difficulty,
            due=to_ms(card.due),
            last_review=to_ms(card.last_review) if card.last_review else now_ms,
        )

    def preview(self, sched: Sched, now_ms: int) -> dict[int, int]:
        """For each rating, the wait in ms it would give (without fuzz, as buttons show)."""
        return {r: self._plain.review(sched, r, now_ms).due - now_ms for r in RATINGS}

    def retrievability(self, sched: Sched, now_ms: int) -> float:
        """Predicted recall probability now (0 for items never reviewed)."""
        return retrievability(self._fsrs.parameters, sched.stability, sched.last_review, now_ms)


def retrievability(
    parameters: tuple[float, ...], stability: float | None, last_review: int | None, now_ms: int
) -> float:
    """FSRS's forgetting curve, as `fsrs.Scheduler.get_card_retrievability` computes it (whole
    elapsed days), without building a Card: statistics run it over every item."""
    if stability is None or last_review is None:
        return 0.0
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    elapsed_days = max(0, (now_ms - last_review) // DAY_MS)
    return (1 + factor * elapsed_days / stability) ** decay


def _card(sched: Sched, now_ms: int) -> fsrs.Card:
    if sched.state == NEW:
        return fsrs.Card(card_id=1, state=fsrs.State.Learning, step=0, due=from_ms(now_ms))
    return fsrs.Card(
        card_id=1,
        state=fsrs.State(sched.state),
        step=sched.step,
        stability=sched.stability,
        difficulty=sched.difficulty,
        due=from_ms(sched.due if sched.due is not None else now_ms),
        last_review=from_ms(sched.last_review) if sched.last_review is not None else None,
    )
