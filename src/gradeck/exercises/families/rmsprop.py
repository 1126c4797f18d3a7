"""RMSprop steps on one weight in torch's form: v = αv + (1 − α)g², w ← w − ηg/(√v + ε)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from gradeck.exercises.families import _nets
from gradeck.exercises.families._draw import (
    apart,
    carry,
    check_difficulty,
    choice_where,
    clean,
    decimal,
    decimal_until,
    draw_or,
    initial_weight,
    num,
    number_at,
    rng,
    signed,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "rmsprop"
DIFFICULTIES = (1, 2)
EPS = 1e-8  # torch's default
RATES = {1: (0.01, 0.02, 0.05, 0.1), 2: (0.02, 0.05, 0.1)}
ALPHAS = {1: (0.99,), 2: (0.9, 0.99, 0.8)}
STEPS = {1: 1, 2: 2}
PLACES = {1: 1, 2: 2}
SUB = "₀₁₂"


@dataclass(frozen=True)
class Values:
    lr: float
    alpha: float
    w0: float
    grads: tuple[float, ...]


@lru_cache(maxsize=16)  # the accepted draw's record is reused by generate()
def run(v: Values) -> tuple[_nets.OptimizerStep, ...]:
    return _nets.optimizer_steps(
        "rmsprop", (v.w0,), [(g,) for g in v.grads], lr=v.lr, alpha=v.alpha, eps=EPS
    )


def _square_mistakes(v: Values, t: int, previous: float) -> list[Mistake]:
    """Wrong v_t, from the right v_(t−1) = `previous`."""
    g, a = v.grads[t - 1], v.alpha
    return [
        Mistake(
            "alpha-swapped",
            clean((1 - a) * previous + a * g * g),
            "α weighs the old average and 1 − α the new squared gradient: v = αv + (1 − α)g².",
        ),
        Mistake(
            "square-forgotten",
            clean(a * previous + (1 - a) * g),
            "The average is of squared gradients, g².",
        ),
    ]


def _weight_mistakes(v: Values, t: int, before: float, square: float) -> list[Mistake]:
    """Wrong w_t, from the right w_(t−1) = `before` and v_t = `square`."""
    g, eta = v.grads[t - 1], v.lr
    earlier = [initial_weight(v.w0, t)] if t > 1 else []
    return [
        *earlier,
        Mistake(
            "sqrt-forgotten",
            clean(before - eta * g / square),
            "The gradient is divided by √v, the root of the average, not by v itself.",
        ),
        Mistake(
            "sign-flipped",
            clean(before + eta * g / math.sqrt(square)),
            "That moves uphill: the update subtracts η·g/(√v + ε).",
        ),
        Mistake(
            "bias-corrected",
            clean(before - eta * g / math.sqrt(square / (1 - v.alpha**t))),
            "RMSprop has no bias correction (that is Adam's): divide by √v as it is.",
        ),
    ]


def trajectory(v: Values) -> list[tuple[float, float]]:
    """(v_t, w_t) for each step, as the engine's RMSprop computed them."""
    return [(clean(s.state["square_avg"][0]), clean(s.after[0])) for s in run(v)]


def _ok(v: Values) -> bool:
    before, previous = v.w0, 0.0
    for t, (square, after) in enumerate(trajectory(v), start=1):
        # A weight near 0 would be a small difference of larger numbers: rounding would swamp it.
        if (
            abs(after - before) < 0.05
            or abs(after) < 0.05
            or not (
                apart(square, _square_mistakes(v, t, previous), start=previous)
                and apart(after, _weight_mistakes(v, t, before, square), start=before)
            )
        ):
            return False
        before, previous = after, square
    return True


def _second_fits(lr: float, alpha: float, w0: float, g1: float, g2: float) -> bool:
    """Step 2 in plain floats (ε aside) clear of what _ok refuses: a step of step 1's size
    (then w₂ or its flipped sign lands on w₀), a step next to 0, w₂ next to 0, and the
    bias-corrected step lost in w₁."""
    v1 = (1 - alpha) * g1 * g1
    first = lr * g1 / math.sqrt(v1)
    w1, v2 = w0 - first, alpha * v1 + (1 - alpha) * g2 * g2
    second = lr * g2 / math.sqrt(v2)
    corrected = second * math.sqrt(1 - alpha**2)
    return (
        abs(abs(second) - abs(first)) >= 0.05 * max(abs(first), abs(second))
        and abs(second) >= 0.06
        and abs(w1 - second) >= 0.06
        and abs(corrected) >= 0.04 * (abs(w1) + abs(corrected))
    )


FALLBACK = {
    1: Values(lr=0.05, alpha=0.99, w0=-1.6, grads=(-0.3,)),
    2: Values(lr=0.1, alpha=0.9, w0=1.0, grads=(1.22, -1.88)),
}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    p = PLACES[difficulty]

    def one() -> Values:
        w0 = decimal(r, -2, 2, 1)
        # The bias-corrected slip's first step is exactly η (√(v₁/(1 − α)) = |g₁|): η among
        # the rates for which that step is not lost in w₀ (the checker takes a number within
        # 3 % of w₀ for "no update").
        lr = choice_where(r, RATES[difficulty], lambda lr: lr >= 0.04 * abs(w0))
        alpha, g1 = r.choice(ALPHAS[difficulty]), decimal(r, -2, 2, p)
        if STEPS[difficulty] == 1:
            return Values(lr=lr, alpha=alpha, w0=w0, grads=(g1,))
        g2 = decimal_until(r, -2, 2, lambda g: _second_fits(lr, alpha, w0, g1, g), p)
        return Values(lr=lr, alpha=alpha, w0=w0, grads=(g1, g2))

    return draw_or(one, _ok, FALLBACK[difficulty])


def _weight_rule(v: Values, t: int, path: list[tuple[float, float]]):
    """w_t from the learner's own w_(t−1) and v_t (parts 2t − 3 and 2t − 2, from 0)."""
    g = v.grads[t - 1]

    def rule(answers):
        before = v.w0 if t == 1 else number_at(answers, 2 * t - 3, path[t - 2][1])
        square = number_at(answers, 2 * t - 2, path[t - 1][0])
        return before - v.lr * g / (math.sqrt(square) + EPS)

    return rule


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    path = trajectory(v)
    a, eta = num(v.alpha), num(v.lr)
    one_minus = num(clean(1 - v.alpha))
    grads = " and ".join(f"g{SUB[t + 1]} = {num(g)} at w{SUB[t]}" for t, g in enumerate(v.grads))
    n = len(v.grads)
    asked = "(a) v₁ and (b) w₁" if n == 1 else "(a) v₁, (b) w₁, (c) v₂ and (d) w₂"
    prompt = (
        f"A weight w₀ = {num(v.w0)} is trained with torch.optim.RMSprop: learning rate "
        f"η = {eta}, α = {a}, ε = 1e-8, no momentum, not centered. The average of squared "
        f"gradients starts at v₀ = 0; each step sets v = αv + (1 − α)g² and then "
        f"w ← w − η·g/(√v + ε), with no bias correction. The gradient is {grads}. Give {asked}."
    )
    parts: list[Part] = []
    steps: list[Step] = []
    before, previous = v.w0, 0.0
    labels = iter("abcd")
    for t, (square, after) in enumerate(path, start=1):
        g = v.grads[t - 1]
        square_carry = None
        if t > 1:
            square_carry = carry(
                square,
                lambda ans: (
                    v.alpha * number_at(ans, 0, path[0][0]) + (1 - v.alpha) * v.grads[1] ** 2
                ),
            )
        parts.append(
            Part(
                next(labels),
                f"v{SUB[t]}",
                square,
                mistakes=tuple(_square_mistakes(v, t, previous)),
                carry=square_carry,
                start=previous,
            )
        )
        parts.append(
            Part(
                next(labels),
                f"w{SUB[t]}",
                after,
                mistakes=tuple(_weight_mistakes(v, t, before, square)),
                carry=carry(after, _weight_rule(v, t, path)),
                start=before,
            )
        )
        steps += [
            Step(
                f"Step {t}: update the running average of squared gradients.",
                "v = αv + (1 − α)g²",
                f"v{SUB[t]} = {a} × {num(previous)} + {one_minus} × {signed(g)}² = {num(square)}",
            ),
            Step(
                "Divide the gradient by the root of that average (ε = 1e-8 is negligible here).",
                "w ← w − η·g/(√v + ε)",
                f"w{SUB[t]} = {num(before)} − {eta} × {signed(g)} / {num(math.sqrt(square))} = "
                f"{num(after)}",
            ),
        ]
        before, previous = after, square
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="RMSprop",
        prompt=prompt,
        parts=tuple(parts),
        solution=tuple(steps),
        hints=(
            "First the average of squared gradients, v = αv + (1 − α)g², starting from 0.",
            "Then the step η·g/√v: RMSprop, unlike Adam, does not correct v for starting at 0.",
        ),
    )
