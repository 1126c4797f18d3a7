"""The learning rate a torch.optim.lr_scheduler gives after t calls of scheduler.step().

Three schedules: step decay (StepLR), cosine annealing (CosineAnnealingLR) and linear warm-up
(LinearLR), in the closed forms torch documents. Epoch counts are chosen so that each answer is a
short number: cosine fractions of π whose cosine is 0, ±½ or ±√3/2, ±√2/2.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from gradeck.exercises.families._draw import (
    check_difficulty,
    choose_param,
    distinct,
    draw_or,
    num,
    rng,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "lr-schedule"
DIFFICULTIES = (1, 2)
SCHEDULES = ("step", "cosine", "warmup")
RATES = (0.1, 0.05, 0.01, 0.2, 0.001)


@dataclass(frozen=True)
class Values:
    schedule: str
    lr: float
    a: float  # step: gamma; cosine: eta_min; warmup: start_factor
    n: int  # step: step_size; cosine: T_max; warmup: total_iters
    epochs: tuple[int, ...]  # the t asked about


def rate(v: Values, t: int) -> float:
    """torch's closed form for the rate after t scheduler steps."""
    if v.schedule == "step":
        return v.lr * v.a ** (t // v.n)
    if v.schedule == "cosine":
        return v.a + (v.lr - v.a) * (1 + math.cos(math.pi * t / v.n)) / 2
    return v.lr * (v.a + (1 - v.a) * min(t, v.n) / v.n)


def _mistakes(v: Values, t: int) -> list[Mistake]:
    lr, a, n = v.lr, v.a, v.n
    if v.schedule == "step":
        return [
            Mistake(
                "every-epoch", lr * a**t, f"StepLR decays once every {n} epochs, not every one."
            ),
            Mistake(
                "fractional-exponent",
                lr * a ** (t / n),
                f"The exponent is ⌊t/step_size⌋, a whole number: ⌊{t}/{n}⌋ = {t // n}.",
            ),
            Mistake(
                "off-by-one",
                lr * a ** ((t + 1) // n),
                "After t calls of step() the epoch index is t; the first decay comes at t = "
                "step_size.",
            ),
        ]
    if v.schedule == "cosine":
        c = math.cos(math.pi * t / n)
        return [
            Mistake("half-forgotten", a + (lr - a) * (1 + c), "Halve (1 + cos(πt/T_max))."),
            Mistake(
                "flipped",
                a + (lr - a) * (1 - c) / 2,
                "The rate starts high: (1 + cos(πt/T_max))/2 is 1 at t = 0.",
            ),
            Mistake("eta-min-forgotten", lr * (1 + c) / 2, "The rate anneals towards η_min."),
        ]
    frac = min(t, n) / n
    return [
        Mistake(
            "from-zero",
            lr * frac,
            f"LinearLR starts at start_factor × lr = {num(a * lr)}, not at 0.",
        ),
        Mistake(
            "off-by-one",
            lr * (a + (1 - a) * min(t + 1, n) / n),
            "After t calls of step() the factor has moved t/total_iters of the way.",
        ),
        Mistake("factor-not-rate", a + (1 - a) * frac, "Multiply the factor by the base lr."),
    ]


def _ok(v: Values) -> bool:
    rates = [rate(v, t) for t in v.epochs]
    if len(set(rates)) < len(rates) or any(x <= 0 for x in rates):
        return False
    return all(len(distinct(rate(v, t), _mistakes(v, t))) >= 2 for t in v.epochs)


def _step(r, difficulty: int) -> Values:
    step = r.choice((2, 3, 5, 10, 30))
    gamma = r.choice((0.1, 0.5))
    count = 1 if difficulty == 1 else 2
    epochs = tuple(sorted(r.sample(range(1, 4 * step), count)))
    return Values("step", r.choice(RATES), gamma, step, epochs)


def _cosine(r, difficulty: int) -> Values:
    t_max = r.choice((12, 24, 60, 120))
    eta_min = 0.0 if difficulty == 1 else r.choice((0.001, 0.01))
    fractions = [Fraction(k, 12) for k in (2, 3, 4, 6, 8, 9, 10)]
    count = 1 if difficulty == 1 else 2
    epochs = tuple(sorted(int(f * t_max) for f in r.sample(fractions, count)))
    lr = r.choice((*RATES[:2], 0.2)) if difficulty == 2 else r.choice(RATES)
    return Values("cosine", lr, eta_min, t_max, epochs)


def _warmup(r, difficulty: int) -> Values:
    total = r.choice((4, 5, 10))
    start = r.choice((0.1, 0.2, 0.5)) if difficulty == 1 else r.choice((0.1, 0.2, 0.25, 0.5))
    count = 1 if difficulty == 1 else 2
    epochs = tuple(sorted(r.sample(range(1, total + 3), count)))
    return Values("warmup", r.choice(RATES), start, total, epochs)


DRAWS: dict[str, Callable] = {"step": _step, "cosine": _cosine, "warmup": _warmup}
FALLBACK = {
    ("step", 1): Values("step", 0.1, 0.5, 5, (12,)),
    ("step", 2): Values("step", 0.1, 0.5, 5, (4, 12)),
    ("cosine", 1): Values("cosine", 0.1, 0.0, 12, (4,)),
    ("cosine", 2): Values("cosine", 0.1, 0.01, 12, (4, 9)),
    ("warmup", 1): Values("warmup", 0.1, 0.2, 5, (2,)),
    ("warmup", 2): Values("warmup", 0.1, 0.2, 5, (2, 4)),
}


def draw(seed: int, difficulty: int, schedule: str | None = None) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    kind = choose_param("schedule", schedule, SCHEDULES, r)
    return draw_or(lambda: DRAWS[kind](r, difficulty), _ok, FALLBACK[(kind, difficulty)])


def _setup(v: Values) -> tuple[str, str, str]:
    """The scheduler's code, the rule in words and its formula."""
    if v.schedule == "step":
        return (
            f"StepLR(optimizer, step_size={v.n}, gamma={num(v.a)})",
            f"multiplies the rate by γ = {num(v.a)} every {v.n} epochs",
            "lr_t = lr·γ^⌊t/step_size⌋",
        )
    if v.schedule == "cosine":
        return (
            f"CosineAnnealingLR(optimizer, T_max={v.n}, eta_min={num(v.a)})",
            f"anneals the rate from lr to η_min = {num(v.a)} along half a cosine over {v.n} epochs",
            "lr_t = η_min + (lr − η_min)·(1 + cos(π·t/T_max))/2",
        )
    return (
        f"LinearLR(optimizer, start_factor={num(v.a)}, total_iters={v.n})",
        f"warms up linearly from start_factor × lr to lr over {v.n} epochs, then holds",
        "lr_t = lr·(s + (1 − s)·min(t, T)/T), with s = start_factor and T = total_iters",
    )


def _working(v: Values, t: int) -> str:
    x = rate(v, t)
    if v.schedule == "step":
        return (
            f"{num(v.lr)} × {num(v.a)}^⌊{t}/{v.n}⌋ = {num(v.lr)} × {num(v.a)}^{t // v.n} = {num(x)}"
        )
    if v.schedule == "cosine":
        c = math.cos(math.pi * t / v.n)
        return (
            f"cos(π·{t}/{v.n}) = {num(c)}; {num(v.a)} + ({num(v.lr)} − {num(v.a)}) × "
            f"(1 + {num(c)})/2 = {num(x)}"
        )
    return f"{num(v.lr)} × ({num(v.a)} + {num(1 - v.a)} × {min(t, v.n)}/{v.n}) = {num(x)}"


def generate(seed: int, difficulty: int, schedule: str | None = None) -> Exercise:
    v = draw(seed, difficulty, schedule)
    code, words, formula = _setup(v)
    labels = "abcdefgh"
    asked = " and ".join(f"({labels[k]}) after t = {t}" for k, t in enumerate(v.epochs))
    prompt = (
        f"An optimizer starts with lr = {num(v.lr)}, and torch.optim.lr_scheduler.{code} "
        f"{words}. scheduler.step() is called once at the end of every epoch, so after t calls "
        f"the rate is {formula}. What is the learning rate {asked} calls?"
    )
    parts = tuple(
        Part(
            labels[k],
            f"learning rate after t = {t}",
            rate(v, t),
            mistakes=distinct(rate(v, t), _mistakes(v, t)),
        )
        for k, t in enumerate(v.epochs)
    )
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Learning-rate schedules",
        prompt=prompt,
        parts=parts,
        solution=tuple(
            Step(f"The rate after t = {t} scheduler steps.", formula, _working(v, t))
            for t in v.epochs
        ),
        hints=(
            "t counts the calls of scheduler.step(): the rate before any call (t = 0) is lr.",
            {
                "step": "The exponent ⌊t/step_size⌋ counts the decays so far.",
                "cosine": "At t = T_max/2 the cosine is 0, so the rate is halfway between lr "
                "and η_min.",
                "warmup": "The factor grows from start_factor to 1 in equal steps, then stays 1.",
            }[v.schedule],
        ),
    )
