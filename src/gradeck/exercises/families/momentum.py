"""Two steps of SGD with momentum in torch's form (v = μv + g, w ← w − ηv), or Nesterov's."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from gradeck.exercises.families import _nets
from gradeck.exercises.families._draw import (
    SEPARATION,
    apart,
    carry,
    check_difficulty,
    choice_where,
    choose_param,
    clean,
    decimal_until,
    decimal_where,
    draw_or,
    initial_weight,
    num,
    number_at,
    rng,
    signed,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "sgd-momentum"
DIFFICULTIES = (1, 2)
VARIANTS = ("classical", "nesterov")
RATES = {1: (0.1, 0.2, 0.5), 2: (0.05, 0.1, 0.2, 0.3)}
MOMENTA = {1: (0.5, 0.8, 0.9), 2: (0.5, 0.7, 0.8, 0.9, 0.95)}
# (η, μ) pairs; η = 1 − μ is left out, since there the buffer with η folded in equals the
# averaging form μv + (1 − μ)g, and those two mistakes could not be told apart.
SETTINGS = {
    d: tuple((lr, mu) for lr in RATES[d] for mu in MOMENTA[d] if abs(lr - (1 - mu)) > 1e-9)
    for d in RATES
}
PLACES = {1: 1, 2: 2}


@dataclass(frozen=True)
class Values:
    variant: str
    lr: float
    mu: float
    w0: float
    g1: float  # gradient at w₀
    g2: float  # gradient at w₁


@lru_cache(maxsize=16)  # the accepted draw's record is reused by generate()
def run(v: Values) -> tuple[_nets.OptimizerStep, ...]:
    return _nets.optimizer_steps(
        "sgd",
        (v.w0,),
        [(v.g1,), (v.g2,)],
        lr=v.lr,
        momentum=v.mu,
        nesterov=v.variant == "nesterov",
    )


def answers(v: Values) -> tuple[float, float, float]:
    """(w₁, v₂, w₂) as the engine's SGD computed them."""
    first, second = run(v)
    return clean(first.after[0]), clean(second.state["buf"][0]), clean(second.after[0])


def _ema(v: Values) -> tuple[float, float]:
    """(v₂, w₂) when the buffer is wrongly an average: v = μv + (1 − μ)g, starting from 0."""
    v1 = (1 - v.mu) * v.g1
    v2 = v.mu * v1 + (1 - v.mu) * v.g2
    if v.variant == "nesterov":
        w1 = v.w0 - v.lr * ((1 - v.mu) * v.g1 + v.mu * v1)
        return clean(v2), clean(w1 - v.lr * ((1 - v.mu) * v.g2 + v.mu * v2))
    return clean(v2), clean(v.w0 - v.lr * v1 - v.lr * v2)


EMA_FEEDBACK = (
    "That is the averaging form v = μv + (1 − μ)g. torch.optim.SGD (dampening 0) adds the "
    "whole gradient: v = μv + g, starting from v₁ = g₁."
)


def _first_mistakes(v: Values, w1: float) -> list[Mistake]:
    found = [
        Mistake(
            "sign-flipped",
            clean(2 * v.w0 - w1),
            "That moves uphill. The update subtracts: w ← w − η·(step).",
        )
    ]
    if v.variant == "nesterov":
        found.append(
            Mistake(
                "nesterov-ignored",
                clean(v.w0 - v.lr * v.g1),
                "Nesterov's step uses g + μv, not v: on the first step that is g₁ + μg₁.",
            )
        )
    else:
        found.append(
            Mistake(
                "buffer-damped",
                clean(v.w0 - v.lr * (1 - v.mu) * v.g1),
                "On the first step torch sets the buffer to the gradient itself, v₁ = g₁.",
            )
        )
    return found


def _buffer_mistakes(v: Values) -> list[Mistake]:
    return [
        Mistake("ema-form", _ema(v)[0], EMA_FEEDBACK),
        Mistake(
            "mu-on-gradient",
            clean(v.g1 + v.mu * v.g2),
            "μ multiplies the old buffer, not the new gradient: v₂ = μv₁ + g₂.",
        ),
        Mistake(
            "lr-in-buffer",
            clean(v.lr * (v.mu * v.g1 + v.g2)),
            "In torch's form the buffer holds gradients; η multiplies only in the update "
            "w ← w − ηv.",
        ),
    ]


def _second_mistakes(v: Values, w1: float, v2: float) -> list[Mistake]:
    found = [
        initial_weight(v.w0, 2),
        Mistake(
            "momentum-ignored",
            clean(w1 - v.lr * v.g2),
            "That is a plain SGD step with g₂ alone; with momentum the step uses the buffer v₂.",
        ),
        Mistake("ema-form", _ema(v)[1], EMA_FEEDBACK),
    ]
    if v.variant == "nesterov":
        found.append(
            Mistake(
                "nesterov-ignored",
                clean(w1 - v.lr * v2),
                "That is classical momentum's step, ηv₂. Nesterov's is η(g₂ + μv₂).",
            )
        )
    else:
        found.append(
            Mistake(
                "sign-flipped",
                clean(w1 + v.lr * v2),
                "That moves uphill. The update subtracts: w ← w − ηv.",
            )
        )
    return found


def _ok(v: Values) -> bool:
    w1, v2, w2 = answers(v)
    # A weight near 0 would be a small difference of larger numbers: rounding would swamp it.
    if abs(v2) < 0.05 or abs(w2 - w1) < 0.01 or min(abs(w1), abs(w2)) < 0.05:
        return False
    return (
        apart(w1, _first_mistakes(v, w1), start=v.w0)
        and apart(v2, _buffer_mistakes(v), start=v.g1)
        and apart(w2, _second_mistakes(v, w1, v2), start=w1)
    )


def _clear(step: float, w: float) -> bool:
    """w moved by `step` lies apart from w as a value (the checker takes a number within 3 % of
    the start value for "no update")."""
    return abs(step) >= 0.04 * (abs(w) + abs(step))


def _second_fits(variant: str, lr: float, mu: float, w0: float, g1: float, g2: float) -> bool:
    """The buffer v₂ = μg₁ + g₂ and step 2 in plain floats, clear of what _ok refuses most:
    g₂ next to g₁ (μ on the gradient instead would give v₂), a buffer so small beside g₁ that
    the averaging form ((1 − μ)v₂) and η folded in (ηv₂) change g₁ alike, and slips whose
    change is lost in their start value (g₁ for the buffer, w₁ for the weight)."""
    v2 = mu * g1 + g2
    nesterov = variant == "nesterov"
    w1 = w0 - lr * g1 * (1 + mu if nesterov else 1)
    step = lr * v2
    e1, e2 = (1 - mu) * g1, (1 - mu) * v2  # the averaging form's buffers
    if nesterov:
        ema = w0 - lr * ((1 - mu) * g1 + mu * e1) - lr * ((1 - mu) * g2 + mu * e2)
    else:
        ema = w0 - lr * e1 - lr * e2
    return (
        abs(g2 - g1) >= 0.3
        and abs(v2) >= 0.1
        and abs((1 - mu - lr) * v2) >= 0.04 * (abs(step - g1) + abs(e2 - g1))
        and _clear(e2 - g1, g1)
        and _clear(mu * g2, g1)
        and _clear(step, w1)
        and _clear(lr * g2, w1)
        and _clear(ema - w1, w1)
    )


# Acceptable in either variant (the tests check both).
FALLBACK = {
    1: Values("classical", lr=0.2, mu=0.5, w0=0.2, g1=1.6, g2=0.5),
    2: Values("classical", lr=0.2, mu=0.5, w0=-1.2, g1=-1.05, g2=-2.0),
}


def draw(seed: int, difficulty: int, variant: str | None = None) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    variant = choose_param(
        "variant", variant, VARIANTS, r, "classical" if difficulty == 1 else None
    )
    p = PLACES[difficulty]

    def one() -> Values:
        g1 = decimal_until(r, -2, 2, lambda g: abs(g) >= 0.3, p)
        # (η, μ) among those whose smallest slip of step 1, η(1 − μ)|g₁|, leaves room for w₀.
        lr, mu = choice_where(
            r, SETTINGS[difficulty], lambda s: s[0] * (1 - s[1]) * abs(g1) >= 0.03
        )
        # w₀ small enough beside the smallest first step a slip gives, η(1 − μ)|g₁|, that the
        # slip's w₁ stands apart from w₀ itself, which _ok requires (most draws failed there).
        least = lr * (1 - mu) * abs(g1)
        w0 = decimal_where(r, -2, 2, lambda w: 2 * SEPARATION * (abs(w) + least) < least)
        g2 = decimal_until(r, -2, 2, lambda g: _second_fits(variant, lr, mu, w0, g1, g), p)
        return Values(variant, lr=lr, mu=mu, w0=w0, g1=g1, g2=g2)

    return draw_or(one, _ok, replace(FALLBACK[difficulty], variant=variant))


def generate(seed: int, difficulty: int, variant: str | None = None) -> Exercise:
    v = draw(seed, difficulty, variant)
    w1, v2, w2 = answers(v)
    nesterov = v.variant == "nesterov"
    eta, mu = num(v.lr), num(v.mu)
    rule = (
        "the update uses the look-ahead g + μv: w ← w − η(g + μv)"
        if nesterov
        else "the update is w ← w − ηv"
    )
    prompt = (
        f"A weight w₀ = {num(v.w0)} is trained with torch.optim.SGD, learning rate η = {eta}, "
        f"momentum μ = {mu}, dampening 0"
        + (", nesterov=True" if nesterov else "")
        + ". The momentum buffer starts as the first gradient, v₁ = g₁, then v = μv + g; "
        + rule
        + f". The gradient is g₁ = {num(v.g1)} at w₀ and g₂ = {num(v.g2)} at w₁. Give (a) w₁, "
        "(b) the buffer v₂ after the second step and (c) w₂."
    )

    def step_of(g: float, buf: float) -> float:
        return g + v.mu * buf if nesterov else buf

    step1, step2 = step_of(v.g1, v.g1), step_of(v.g2, v2)
    if nesterov:
        working1 = (
            f"v₁ = g₁ = {num(v.g1)}; w₁ = {num(v.w0)} − {eta} × ({num(v.g1)} + {mu} × "
            f"{signed(v.g1)}) = {num(v.w0)} − {eta} × {signed(clean(step1))} = {num(w1)}"
        )
        working2 = (
            f"w₂ = {num(w1)} − {eta} × ({num(v.g2)} + {mu} × {signed(v2)}) = {num(w1)} − "
            f"{eta} × {signed(clean(step2))} = {num(w2)}"
        )
    else:
        working1 = f"v₁ = g₁ = {num(v.g1)}; w₁ = {num(v.w0)} − {eta} × {signed(v.g1)} = {num(w1)}"
        working2 = f"w₂ = {num(w1)} − {eta} × {signed(v2)} = {num(w2)}"
    formula = "w ← w − η(g + μv)" if nesterov else "w ← w − ηv"
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="SGD with Nesterov momentum" if nesterov else "SGD with momentum",
        prompt=prompt,
        parts=(
            Part("a", "w₁", w1, mistakes=tuple(_first_mistakes(v, w1)), start=v.w0),
            Part("b", "the buffer v₂", v2, mistakes=tuple(_buffer_mistakes(v)), start=v.g1),
            Part(
                "c",
                "w₂",
                w2,
                start=w1,
                mistakes=tuple(_second_mistakes(v, w1, v2)),
                carry=carry(
                    w2,
                    lambda ans: number_at(ans, 0, w1) - v.lr * step_of(v.g2, number_at(ans, 1, v2)),
                ),
            ),
        ),
        solution=(
            Step(
                "First step: the buffer is the first gradient itself.",
                f"v₁ = g₁,  {formula}",
                working1,
            ),
            Step(
                "Second step: the buffer keeps μ of its old value and adds the new gradient.",
                "v₂ = μv₁ + g₂",
                f"{mu} × {signed(v.g1)} + {signed(v.g2)} = {num(v2)}",
            ),
            Step("Then the update.", formula, working2),
        ),
        hints=(
            "In torch's form the buffer sums gradients, v = μv + g, and η scales only the update.",
            "On the first step the buffer is just g₁."
            + (" Nesterov then steps along g + μv." if nesterov else ""),
        ),
    )
