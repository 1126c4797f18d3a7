"""Adam's first two steps on one weight, with torch.optim.Adam's bias correction."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from gradeck.exercises.families import _nets
from gradeck.exercises.families._draw import (
    LETTERS,
    apart,
    carry,
    check_difficulty,
    clean,
    decimal_until,
    draw_or,
    initial_weight,
    num,
    number_at,
    rng,
    signed,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step, Value

FAMILY = "adam"
DIFFICULTIES = (1, 2)
EPS = 1e-8  # torch's default
RATES = {1: (0.1, 0.2, 0.5), 2: (0.1, 0.2, 0.3, 0.5)}
# Not (0.9, 0.99): there (1 − β₁)/√(1 − β₂) = 1, so skipping the bias correction would give the
# right first step and the mistake could not be told apart.
BETAS = {1: ((0.9, 0.999),), 2: ((0.8, 0.9), (0.5, 0.9), (0.8, 0.99), (0.5, 0.99), (0.9, 0.9))}
PLACES = {1: 1, 2: 2}


@dataclass(frozen=True)
class Values:
    lr: float
    beta1: float
    beta2: float
    w0: float
    g1: float
    g2: float


@dataclass(frozen=True)
class Answers:
    w1: float
    m2: float
    m_hat2: float
    v_hat2: float
    w2: float


@lru_cache(maxsize=16)  # the accepted draw's record is reused by generate()
def run(v: Values) -> tuple[_nets.OptimizerStep, ...]:
    return _nets.optimizer_steps(
        "adam", (v.w0,), [(v.g1,), (v.g2,)], lr=v.lr, betas=(v.beta1, v.beta2), eps=EPS
    )


def answers(v: Values) -> Answers:
    first, second = run(v)
    s = second.state
    return Answers(
        clean(first.after[0]),
        clean(s["m"][0]),
        clean(s["m_hat"][0]),
        clean(s["v_hat"][0]),
        clean(second.after[0]),
    )


def _m1(v: Values) -> float:
    """m₁, the start of m₂'s update, as the engine's first step left it."""
    return clean(run(v)[0].state["m"][0])


def _moments(v: Values, first: float, second: float, g1: float, g2: float):
    """(m₂, v₂) for some other rule of averaging: m = first·m + (1 − first)·g, from 0."""
    m = first * (1 - first) * g1 + (1 - first) * g2
    s = second * (1 - second) * g1 * g1 + (1 - second) * g2 * g2
    return m, s


def _uncorrected(v: Values) -> tuple[float, float]:
    """(w₁, w₂) without bias correction."""
    m1, v1 = (1 - v.beta1) * v.g1, (1 - v.beta2) * v.g1**2
    m2, v2 = _moments(v, v.beta1, v.beta2, v.g1, v.g2)
    w1 = v.w0 - v.lr * m1 / (math.sqrt(v1) + EPS)
    return clean(w1), clean(w1 - v.lr * m2 / (math.sqrt(v2) + EPS))


NO_CORRECTION = (
    "Without bias correction: m and v start at 0, so early on they are too small. Divide by "
    "1 − β₁ᵗ and 1 − β₂ᵗ."
)


def _step_mistakes(
    v: Values, t: int, before: float, after: float, m_hat: float, v_hat: float
) -> list[Mistake]:
    """The slips of step t, from w = `before` to `after` with the bias-corrected moments."""
    return [
        Mistake("no-bias-correction", _uncorrected(v)[t - 1], NO_CORRECTION),
        Mistake(
            "sign-flipped",
            clean(before + (before - after)),
            "That moves uphill: Adam subtracts its step.",
        ),
        Mistake(
            "sqrt-forgotten",
            clean(before - v.lr * m_hat / v_hat),
            "The step divides by √v̂, the root of the second moment, not by v̂ itself.",
        ),
    ]


def _w1_mistakes(v: Values, a: Answers) -> list[Mistake]:
    return [
        *_step_mistakes(v, 1, v.w0, a.w1, v.g1, v.g1**2),
        Mistake(
            "plain-sgd",
            clean(v.w0 - v.lr * v.g1),
            "That is a plain SGD step. Adam steps by η·m̂/(√v̂ + ε).",
        ),
    ]


def _m2_mistakes(v: Values, a: Answers) -> list[Mistake]:
    return [
        Mistake(
            "bias-corrected",
            a.m_hat2,
            "That is m̂₂, the bias-corrected moment; the question asks for m₂ itself.",
        ),
        Mistake(
            "betas-swapped",
            clean(_moments(v, 1 - v.beta1, v.beta2, v.g1, v.g2)[0]),
            "β₁ weighs the old average and 1 − β₁ the new gradient: m = β₁m + (1 − β₁)g.",
        ),
        Mistake(
            "started-at-gradient",
            clean(v.beta1 * v.g1 + (1 - v.beta1) * v.g2),
            "Adam's m starts at 0, so m₁ = (1 − β₁)g₁, not g₁.",
        ),
    ]


def _hat_mistakes(raw: float, beta: float, name: str) -> list[Mistake]:
    return [
        Mistake(
            "no-bias-correction",
            clean(raw),
            f"That is {name}₂ itself; the bias-corrected value divides it by 1 − β².",
        ),
        Mistake(
            "correction-power",
            clean(raw / (1 - beta)),
            "At step t the correction is 1 − βᵗ: at t = 2 divide by 1 − β², not 1 − β.",
        ),
    ]


def _w2_mistakes(v: Values, a: Answers) -> list[Mistake]:
    return [initial_weight(v.w0, 2), *_step_mistakes(v, 2, a.w1, a.w2, a.m_hat2, a.v_hat2)]


def _ok(v: Values, difficulty: int) -> bool:
    a = answers(v)
    # A weight near 0 would be a small difference of larger numbers: rounding would swamp it.
    if abs(a.m2) < 0.01 or abs(a.w2 - a.w1) < 0.2 * v.lr or min(abs(a.w1), abs(a.w2)) < 0.05:
        return False
    ok = apart(a.w1, _w1_mistakes(v, a), start=v.w0) and apart(a.w2, _w2_mistakes(v, a), start=a.w1)
    if difficulty == 1:
        return ok and apart(a.m2, _m2_mistakes(v, a), start=_m1(v))
    v2 = run(v)[1].state["v"][0]
    return (
        ok
        and apart(a.m_hat2, _hat_mistakes(a.m2, v.beta1, "m"))
        and apart(a.v_hat2, _hat_mistakes(v2, v.beta2, "v"))
    )


FALLBACK = {
    1: Values(lr=0.2, beta1=0.9, beta2=0.999, w0=-0.3, g1=0.3, g2=-0.7),
    2: Values(lr=0.1, beta1=0.5, beta2=0.9, w0=-1.4, g1=-1.43, g2=-0.53),
}


def _clear(step: float, w: float) -> bool:
    """w moved by `step` lies apart from w as a value (the checker takes a number within 3 % of
    the start value for "no update")."""
    return abs(step) >= 0.04 * (abs(w) + abs(step))


def _g1_fits(g1: float) -> bool:
    """Adam's first step is ±η whatever g₁ (m̂₁/√v̂₁ = g₁/|g₁|): with |g₁| next to 1, plain SGD
    (η·g₁) and the forgotten root (η/g₁) would give that same step."""
    return abs(abs(g1) - 1) >= 0.05


def _w0_fits(lr: float, g1: float, w0: float) -> bool:
    """w₁ = w₀ ∓ η clear of 0, and the steps of w₁'s mistakes (η|g₁|, η/|g₁|) clear of w₀."""
    w1 = w0 - math.copysign(lr, g1)
    return abs(w1) >= 0.1 and _clear(lr * g1, w0) and _clear(lr / g1, w0)


def _g2_fits(lr: float, beta1: float, beta2: float, w0: float, g1: float, g2: float) -> bool:
    """Step 2, η·m̂₂/√v̂₂ in plain floats (ε aside), clear of what _ok refuses: a step next to 0
    or equal to step 1 (the flipped sign would land on w₀), √v̂₂ next to 1 (the forgotten root
    would not show), w₂ next to 0, a step lost in w₁, and the uncorrected w₂ next to w₁."""
    w1 = w0 - math.copysign(lr, g1)
    m_hat = (beta1 * g1 + g2) / (1 + beta1)
    v_hat = (beta2 * g1 * g1 + g2 * g2) / (1 + beta2)
    root = math.sqrt(v_hat)
    step = lr * m_hat / root
    first = math.copysign(lr, g1)  # w₀ − w₁
    m1, v1 = (1 - beta1) * g1, (1 - beta2) * g1 * g1
    m2, v2 = beta1 * m1 + (1 - beta1) * g2, beta2 * v1 + (1 - beta2) * g2 * g2
    uncorrected = w0 - lr * m1 / math.sqrt(v1) - lr * m2 / math.sqrt(v2)
    return (
        abs(step) >= 0.25 * lr
        and abs(step - first) >= 0.05 * max(abs(step), lr)
        and abs(root - 1) >= 0.05
        and abs(w1 - step) >= 0.1
        and _clear(step, w1)
        and _clear(lr * m_hat / v_hat, w1)
        and _clear(uncorrected - w1, w1)
    )


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    p = PLACES[difficulty]

    def one() -> Values:
        # Drawn in the order the constraints chain (g₁, then w₀ given g₁, then g₂ given both),
        # each to pass the parts of _ok that plain floats can tell (_g1_fits, _w0_fits,
        # _g2_fits); _ok then checks everything on the engine's numbers.
        beta1, beta2 = r.choice(BETAS[difficulty])
        lr = r.choice(RATES[difficulty])
        g1 = decimal_until(r, -2, 2, _g1_fits, p)
        w0 = decimal_until(r, -2, 2, lambda w: _w0_fits(lr, g1, w))
        g2 = decimal_until(r, -2, 2, lambda g: _g2_fits(lr, beta1, beta2, w0, g1, g), p)
        return Values(lr=lr, beta1=beta1, beta2=beta2, w0=w0, g1=g1, g2=g2)

    return draw_or(one, lambda v: _ok(v, difficulty), FALLBACK[difficulty])


def _steps(v: Values) -> tuple[Step, ...]:
    first, second = run(v)
    b1, b2, eta = num(v.beta1), num(v.beta2), num(v.lr)
    out = []
    for t, (rec, g) in enumerate(((first, v.g1), (second, v.g2)), start=1):
        s = {k: val[0] for k, val in rec.state.items()}
        m_old = first.state["m"][0] if t == 2 else 0.0
        v_old = first.state["v"][0] if t == 2 else 0.0
        out += [
            Step(
                f"Step {t}: update the moving averages of g and g².",
                "m = β₁m + (1 − β₁)g,  v = β₂v + (1 − β₂)g²",
                f"m{'₁₂'[t - 1]} = {b1} × {signed(m_old)} + {num(clean(1 - v.beta1))} × "
                f"{signed(g)} = {num(s['m'])}\n"
                f"v{'₁₂'[t - 1]} = {b2} × {num(v_old)} + {num(clean(1 - v.beta2))} × "
                f"{signed(g)}² = {num(s['v'])}",
            ),
            Step(
                f"Correct the bias of starting from 0 (t = {t}).",
                "m̂ = m/(1 − β₁ᵗ),  v̂ = v/(1 − β₂ᵗ)",
                f"m̂ = {num(s['m'])} / {num(clean(1 - v.beta1**t))} = {num(s['m_hat'])}\n"
                f"v̂ = {num(s['v'])} / {num(clean(1 - v.beta2**t))} = {num(s['v_hat'])}",
            ),
            Step(
                "Step against m̂, scaled by √v̂ (ε = 1e-8 is negligible here).",
                "w ← w − η·m̂/(√v̂ + ε)",
                f"{num(rec.before[0])} − {eta} × {signed(s['m_hat'])} / "
                f"{num(math.sqrt(s['v_hat']))} = {num(rec.after[0])}",
            ),
        ]
    return tuple(out)


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    a = answers(v)
    v2 = run(v)[1].state["v"][0]
    c1 = 1 - v.beta1**2  # m̂₂ = m₂/c1
    defaults = " (torch's defaults)" if difficulty == 1 else ""
    prompt = (
        f"A weight w₀ = {num(v.w0)} is trained with torch.optim.Adam: learning rate "
        f"η = {num(v.lr)}, β₁ = {num(v.beta1)}, β₂ = {num(v.beta2)}, ε = 1e-8{defaults}, "
        f"no weight decay. Both moments start at 0; at step t, m = β₁m + (1 − β₁)g, "
        f"v = β₂v + (1 − β₂)g², m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ) and w ← w − η·m̂/(√v̂ + ε). "
        f"The gradient is g₁ = {num(v.g1)} at w₀ and g₂ = {num(v.g2)} at w₁. Give "
        + (
            "(a) w₁, (b) m₂ (before bias correction) and (c) w₂."
            if difficulty == 1
            else "(a) w₁, (b) m̂₂, (c) v̂₂ and (d) w₂."
        )
    )
    if difficulty == 1:
        asked: tuple[Part, ...] = (
            Part(
                "b",
                "m₂ (before bias correction)",
                a.m2,
                mistakes=tuple(_m2_mistakes(v, a)),
                start=_m1(v),
            ),
        )

        def moments(ans: Sequence[Value | None]) -> tuple[float, float]:
            return number_at(ans, 1, a.m2) / c1, a.v_hat2

    else:
        asked = (
            Part("b", "m̂₂", a.m_hat2, mistakes=tuple(_hat_mistakes(a.m2, v.beta1, "m"))),
            Part("c", "v̂₂", a.v_hat2, mistakes=tuple(_hat_mistakes(v2, v.beta2, "v"))),
        )

        def moments(ans: Sequence[Value | None]) -> tuple[float, float]:
            return number_at(ans, 1, a.m_hat2), number_at(ans, 2, a.v_hat2)

    def w2_rule(ans: Sequence[Value | None]) -> float:
        """w₂ from the learner's own w₁ and moments."""
        m_hat, v_hat = moments(ans)
        return number_at(ans, 0, a.w1) - v.lr * m_hat / (math.sqrt(v_hat) + EPS)

    parts = (
        Part("a", "w₁", a.w1, mistakes=tuple(_w1_mistakes(v, a)), start=v.w0),
        *asked,
        Part(
            LETTERS[len(asked) + 1],
            "w₂",
            a.w2,
            start=a.w1,
            mistakes=tuple(_w2_mistakes(v, a)),
            carry=carry(a.w2, w2_rule),
        ),
    )
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Two steps of Adam",
        prompt=prompt,
        parts=parts,
        solution=_steps(v),
        hints=(
            "m and v start at 0, so after one step m̂₁ = g₁ and v̂₁ = g₁²: the first step has "
            "size η whatever the gradient.",
            "At step 2 the corrections are 1 − β₁² and 1 − β₂².",
        ),
    )
