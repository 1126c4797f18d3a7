"""The learning rate on a 1-D quadratic: the contraction factor, the k-th iterate, divergence."""

from __future__ import annotations

from dataclasses import dataclass

from gradeck.exercises.families._draw import (
    apart,
    carry,
    check_difficulty,
    clean,
    decimal,
    draw_or,
    num,
    number_at,
    rng,
    signed,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "quadratic-learning-rate"
DIFFICULTIES = (1, 2)
CURVATURES = {1: (0.5, 1.0, 2.0, 4.0), 2: (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0)}
RATES = {
    1: (0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.75),
    2: (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8),
}
STEPS = {1: (2, 3), 2: (3, 4)}


@dataclass(frozen=True)
class Values:
    a: float  # curvature: L(w) = a/2 · (w − c)²
    c: float  # the minimum
    w0: float
    lr: float
    k: int

    @property
    def factor(self) -> float:
        return clean(1 - self.lr * self.a)


def iterate(c: float, w0: float, factor: float, k: int) -> float:
    return clean(c + factor**k * (w0 - c))


def _factor_mistakes(v: Values) -> list[Mistake]:
    return [
        Mistake(
            "one-minus-forgotten",
            clean(v.lr * v.a),
            "That is ηa, the fraction removed at each step; the factor that remains is 1 − ηa.",
        ),
        Mistake(
            "sign-flipped",
            clean(1 + v.lr * v.a),
            "That factor comes from stepping uphill, w + η·dL/dw. Gradient descent subtracts.",
        ),
    ]


def _iterate_mistakes(v: Values) -> list[Mistake]:
    return [
        Mistake(
            "sign-flipped",
            iterate(v.c, v.w0, clean(1 + v.lr * v.a), v.k),
            "Those steps go uphill, w + η·dL/dw. Gradient descent subtracts the gradient.",
        ),
        Mistake(
            "one-step",
            iterate(v.c, v.w0, v.factor, 1),
            f"That is w after one step; the question asks for w after {v.k} steps.",
        ),
        Mistake(
            "centre-ignored",
            clean(v.factor**v.k * v.w0),
            "The factor shrinks the distance "
            f"to the minimum, w − c, not w itself: w_k = c + (1 − ηa)^k (w₀ − c), here with "
            f"k = {v.k}.",
        ),
        Mistake(
            "minimum",
            v.c,
            f"That is the minimum c itself. After {v.k} steps w is still (1 − ηa)^{v.k} times "
            "its first distance w₀ − c away from it.",
        ),
    ]


def _threshold_mistakes(v: Values) -> list[Mistake]:
    return [
        Mistake(
            "one-over-a",
            clean(1 / v.a),
            "At η = 1/a the first step lands exactly on the "
            "minimum; the iterates diverge only beyond η = 2/a, where |1 − ηa| > 1.",
        ),
        Mistake(
            "inverted",
            clean(2 * v.a),
            "The bound is 2/a, not 2a: a steeper bowl needs a smaller learning rate.",
        ),
    ]


def _ok(v: Values, difficulty: int) -> bool:
    r = v.factor
    if abs(r) < 0.05 or abs(abs(r) - 1) < 0.05 or abs(v.w0 - v.c) < 0.5:
        return False
    if difficulty == 1 and abs(r) > 1:
        return False
    right = iterate(v.c, v.w0, r, v.k)
    ok = apart(r, _factor_mistakes(v)) and apart(right, _iterate_mistakes(v), start=v.w0)
    if difficulty > 1:
        ok = ok and apart(clean(2 / v.a), _threshold_mistakes(v))
    # An iterate near 0 is a small difference of larger numbers: rounding would swamp it.
    return ok and 0.3 <= abs(right) < 1000


FALLBACK = {
    1: Values(a=1.0, c=1.8, w0=-1.3, lr=0.4, k=3),
    2: Values(a=1.5, c=-1.9, w0=0.1, lr=0.1, k=3),
}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)

    def one() -> Values:
        return Values(
            a=r.choice(CURVATURES[difficulty]),
            c=decimal(r, -3, 3, 1),
            w0=decimal(r, -3, 3, 1, nonzero=False),
            lr=r.choice(RATES[difficulty]),
            k=r.choice(STEPS[difficulty]),
        )

    return draw_or(one, lambda v: _ok(v, difficulty), FALLBACK[difficulty])


def _shifted(c: float) -> str:
    return f"w − {num(c)}" if c > 0 else f"w + {num(-c)}"


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    r, gap = v.factor, clean(v.w0 - v.c)
    right = iterate(v.c, v.w0, r, v.k)
    prompt = (
        f"Plain gradient descent with learning rate η = {num(v.lr)} minimises the loss "
        f"L(w) = (a/2)·(w − c)² with curvature a = {num(v.a)} and minimum c = {num(v.c)}, that "
        f"is L(w) = {num(clean(v.a / 2))}·({_shifted(v.c)})², starting from w₀ = {num(v.w0)}. "
        f"Each step multiplies the distance to the minimum, w − c, by the same factor. Give (a) "
        f"that factor and (b) w after {v.k} steps"
        + (
            ", and (c) the learning rate above which gradient descent on this loss diverges."
            if difficulty > 1
            else "."
        )
    )
    parts = [
        Part(
            "a", "the factor multiplying w − c at each step", r, mistakes=tuple(_factor_mistakes(v))
        ),
        Part(
            "b",
            f"w after {v.k} steps",
            right,
            start=v.w0,
            mistakes=tuple(_iterate_mistakes(v)),
            carry=carry(right, lambda ans: iterate(v.c, v.w0, number_at(ans, 0, r), v.k)),
        ),
    ]
    converges = abs(r) < 1
    steps = [
        Step("Differentiate the loss.", "dL/dw = a·(w − c)", f"{num(v.a)}·({_shifted(v.c)})"),
        Step(
            "One step subtracts η times the gradient, so the distance to the minimum shrinks "
            "(or grows) by a fixed factor.",
            "w ← w − ηa(w − c)  ⇒  w_(t+1) − c = (1 − ηa)(w_t − c)",
            f"1 − {num(v.lr)} × {num(v.a)} = {num(r)}",
        ),
        Step(
            f"After {v.k} steps the distance has been multiplied {v.k} times.",
            "w_k = c + (1 − ηa)^k · (w₀ − c)",
            f"{num(v.c)} + {signed(r)}^{v.k} × {signed(gap)} = {num(v.c)} + "
            f"{signed(clean(r**v.k))} × {signed(gap)} = {num(right)}",
        ),
        Step(
            "The iterates converge when |1 − ηa| < 1 and diverge when |1 − ηa| > 1."
            + (
                " A negative factor makes them jump from side to side of the minimum."
                if r < 0
                else ""
            ),
            "|1 − ηa| < 1",
            f"|{num(r)}| {'<' if converges else '>'} 1, so they "
            f"{'converge to' if converges else 'move ever further from'} w = {num(v.c)}",
        ),
    ]
    if difficulty > 1:
        bound = clean(2 / v.a)
        parts.append(
            Part(
                "c",
                "the learning rate above which it diverges",
                bound,
                mistakes=tuple(_threshold_mistakes(v)),
            )
        )
        steps.append(
            Step("Solve |1 − ηa| < 1 for η > 0.", "0 < η < 2/a", f"2/{num(v.a)} = {num(bound)}")
        )
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Learning rate on a quadratic",
        prompt=prompt,
        parts=tuple(parts),
        solution=tuple(steps),
        hints=(
            "Write one step as w ← w − η·dL/dw and subtract c from both sides.",
            f"dL/dw = a(w − c), so the distance w − c is multiplied by 1 − ηa at every step "
            f"(here a = {num(v.a)}, η = {num(v.lr)}).",
        ),
    )
