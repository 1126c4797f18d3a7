"""Gradient checking: finite differences of a small function against its analytic gradient.

The analytic gradient comes from the engine's backward pass, the estimates from evaluating the
function at w ± h, and the relative error is |numeric − analytic| / max(|numeric|, |analytic|),
the form CS231n recommends (about 10⁻⁷ or less is a pass for a smooth function in float64).
"""

from __future__ import annotations

from dataclasses import dataclass

from gradeck.exercises.families._draw import (
    carry,
    check_difficulty,
    decimal,
    distinct,
    draw_or,
    num,
    number_at,
    rng,
    signed,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "grad-check"
DIFFICULTIES = (1, 2)
STEPS = (0.1, 0.01)


@dataclass(frozen=True)
class Values:
    a: float
    b: float  # 0 at difficulty 1: f(w) = a·w³; else f(w) = a·w⁴ + b·w²
    w: float
    h: float

    @property
    def text(self) -> str:
        if not self.b:
            return f"f(w) = {num(self.a)}·w³"
        return f"f(w) = {num(self.a)}·w⁴ + {signed(self.b)}·w²"

    def f(self, w: float) -> float:
        return self.a * w**3 if not self.b else self.a * w**4 + self.b * w**2


def analytic(v: Values) -> float:
    """df/dw at v.w from the engine's backward pass."""
    from gradeck.engine import Tensor

    w = Tensor(v.w, requires_grad=True)
    y = v.a * w**3 if not v.b else v.a * w**4 + v.b * w**2
    y.backward()
    assert w.grad is not None
    return float(w.grad)


def central(v: Values) -> float:
    return (v.f(v.w + v.h) - v.f(v.w - v.h)) / (2 * v.h)


def forward(v: Values) -> float:
    return (v.f(v.w + v.h) - v.f(v.w)) / v.h


def relative_error(numeric: float, exact: float) -> float:
    return abs(numeric - exact) / max(abs(numeric), abs(exact))


def _central_mistakes(v: Values) -> list[Mistake]:
    return [
        Mistake("divided-by-h", 2 * central(v), "The two points are 2h apart: divide by 2h."),
        Mistake(
            "forward-difference",
            forward(v),
            "That is the forward difference; the central one uses f(w + h) and f(w − h).",
        ),
        Mistake(
            "half-difference",
            (v.f(v.w + v.h) - v.f(v.w - v.h)) / 2,
            "Divide the difference by 2h, not by 2.",
        ),
    ]


def _error_mistakes(numeric: float, exact: float) -> list[Mistake]:
    gap = abs(numeric - exact)
    return [
        Mistake(
            "sum-denominator",
            gap / (abs(numeric) + abs(exact)),
            "Here the relative error divides by the larger of the two magnitudes, not their sum.",
        ),
        Mistake("absolute-error", gap, "Divide the gap by max(|numeric|, |analytic|)."),
    ]


def _ok(v: Values, difficulty: int) -> bool:
    exact, c = analytic(v), central(v)
    if abs(exact) < 0.5 or c == exact:
        return False
    ok = len(distinct(c, _central_mistakes(v))) >= 2
    if difficulty == 2:
        ok = ok and len(distinct(forward(v), [Mistake("c", c, "")])) == 1
    return ok and len(distinct(relative_error(c, exact), _error_mistakes(c, exact))) == 2


FALLBACK = {1: Values(2.0, 0.0, 1.5, 0.1), 2: Values(0.5, -1.0, 2.0, 0.1)}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)

    def one() -> Values:
        a = decimal(r, 0.5, 3)
        b = 0.0 if difficulty == 1 else decimal(r, -2, 2)
        w = decimal(r, -2, 2)
        return Values(a, b, w, r.choice(STEPS))

    return draw_or(one, lambda v: _ok(v, difficulty), FALLBACK[difficulty])


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    exact, c, fw = analytic(v), central(v), forward(v)
    err = relative_error(c, exact)
    plus, minus, here = v.f(v.w + v.h), v.f(v.w - v.h), v.f(v.w)
    derivative = f"3·{num(v.a)}·w²" if not v.b else f"4·{num(v.a)}·w³ + 2·{signed(v.b)}·w"
    prompt = (
        f"Check the gradient of {v.text} at w = {num(v.w)} with step h = {num(v.h)}. The central "
        f"difference is (f(w + h) − f(w − h))/(2h)"
        + (", the forward difference (f(w + h) − f(w))/h" if difficulty == 2 else "")
        + ", and the relative error is |numeric − analytic| / max(|numeric|, |analytic|)."
    )
    central_part = Part(
        "c" if difficulty == 2 else "a",
        "central-difference estimate",
        c,
        mistakes=distinct(c, _central_mistakes(v)),
    )
    if difficulty == 1:
        prompt += (
            " Find (a) the central-difference estimate, (b) the analytic gradient f′(w) and "
            "(c) the relative error of the estimate."
        )
        parts: tuple[Part, ...] = (
            central_part,
            Part("b", "analytic gradient f′(w)", exact),
            Part(
                "c",
                "relative error",
                err,
                mistakes=distinct(err, _error_mistakes(c, exact)),
                carry=carry(
                    err,
                    lambda ans: relative_error(number_at(ans, 0, c), number_at(ans, 1, exact)),
                ),
            ),
        )
    else:
        prompt += (
            " Find (a) the analytic gradient f′(w), (b) the forward-difference estimate, (c) the "
            "central-difference estimate and (d) the relative error of the central estimate."
        )
        parts = (
            Part("a", "analytic gradient f′(w)", exact),
            Part(
                "b",
                "forward-difference estimate",
                fw,
                mistakes=distinct(
                    fw, [Mistake("central-not-forward", c, "That is the central difference.")]
                ),
            ),
            central_part,
            Part(
                "d",
                "relative error of the central estimate",
                err,
                mistakes=distinct(err, _error_mistakes(c, exact)),
                carry=carry(
                    err,
                    lambda ans: relative_error(number_at(ans, 2, c), number_at(ans, 0, exact)),
                ),
            ),
        )
    steps = [
        Step("The analytic derivative, evaluated at w.", f"f′(w) = {derivative}", f"{num(exact)}"),
        Step(
            "The function at w + h and w − h.",
            "",
            f"f({num(v.w + v.h)}) = {num(plus)}; f({num(v.w - v.h)}) = {num(minus)}",
        ),
        Step(
            "The central difference.",
            "(f(w + h) − f(w − h))/(2h)",
            f"({num(plus)} − {signed(minus)})/{num(2 * v.h)} = {num(c)}",
        ),
    ]
    if difficulty == 2:
        steps.insert(
            2,
            Step(
                "The forward difference, less accurate: its error shrinks like h, not h².",
                "(f(w + h) − f(w))/h",
                f"f({num(v.w)}) = {num(here)}; ({num(plus)} − {signed(here)})/{num(v.h)} = "
                f"{num(fw)}",
            ),
        )
    steps.append(
        Step(
            "The relative error.",
            "|numeric − analytic| / max(|numeric|, |analytic|)",
            f"|{num(c)} − {signed(exact)}| / {num(max(abs(c), abs(exact)))} = {num(err)}",
        )
    )
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Gradient checking",
        prompt=prompt,
        parts=parts,
        solution=tuple(steps),
        hints=(
            "Evaluate f at w + h and at w − h; their difference over 2h estimates f′(w).",
            "The central difference's error shrinks like h², so it lands very close to f′(w).",
            "The relative error divides the gap by the larger magnitude.",
        ),
    )
