"""What tf.GradientTape gives by hand, and two of its rules as choice parts.

The tape records operations on watched values (tf.Variable, or what tape.watch names) and
tape.gradient returns the derivative; a constant that is not watched gives None, and a
non-persistent tape can be asked only once. The engine computes the gradients.
"""

from __future__ import annotations

from dataclasses import dataclass

from gradeck.exercises.families._draw import (
    check_difficulty,
    decimal,
    distinct,
    draw_or,
    float_literal,
    num,
    rng,
    signed,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "gradient-tape"
DIFFICULTIES = (1, 2)
CONSTANT_OPTIONS = (
    "None: the tape does not watch a constant unless tape.watch(x) is called",
    "The same gradient as with a Variable",
    "0.0",
    "It raises an error at once",
)
SECOND_CALL_OPTIONS = (
    "The same gradients again",
    "Twice the gradients: they accumulate, as .grad does in torch",
    "A RuntimeError: a non-persistent tape releases its record after one gradient call",
    "Zeros, since the tape was emptied",
)


@dataclass(frozen=True)
class Values:
    a: float  # difficulty 1: y = a·x² + b·x at x; difficulty 2: loss = (w·x + b − t)², a = w
    b: float
    x: float
    t: float  # the target at difficulty 2


def grads(v: Values, difficulty: int) -> tuple[float, ...]:
    from gradeck.engine import Tensor

    if difficulty == 1:
        x = Tensor(v.x, requires_grad=True)
        (v.a * x**2 + v.b * x).backward()
        assert x.grad is not None
        return (float(x.grad),)
    w = Tensor(v.a, requires_grad=True)
    b = Tensor(v.b, requires_grad=True)
    ((w * v.x + b - v.t) ** 2).backward()
    assert w.grad is not None and b.grad is not None
    return (float(w.grad), float(b.grad))


def _mistakes(v: Values, difficulty: int) -> list[Mistake]:
    if difficulty == 1:
        return [
            Mistake(
                "value-not-gradient", v.a * v.x**2 + v.b * v.x, "That is y itself; take dy/dx."
            ),
            Mistake("power-rule-slip", v.a * v.x + v.b, "d(a·x²)/dx = 2a·x."),
        ]
    u = v.a * v.x + v.b - v.t
    return [
        Mistake("factor-two-forgotten", (u * v.x, u), "d(u²)/du = 2u: keep the factor 2."),
        Mistake("same-for-both", (2 * u * v.x, 2 * u * v.x), "∂/∂b has no factor x: it is 2u."),
        Mistake("swapped", (2 * u, 2 * u * v.x), "The list [w, b] gives [∂loss/∂w, ∂loss/∂b]."),
    ]


def _ok(v: Values, difficulty: int) -> bool:
    g = grads(v, difficulty)
    if any(abs(x) < 0.2 for x in g):
        return False
    answer = g[0] if difficulty == 1 else g
    return len(distinct(answer, _mistakes(v, difficulty))) == len(_mistakes(v, difficulty))


FALLBACK = {1: Values(1.5, -2.0, 3.0, 0.0), 2: Values(0.5, 1.0, 2.0, 3.0)}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)

    def one() -> Values:
        if difficulty == 1:
            return Values(
                decimal(r, -3, 3), decimal(r, -3, 3), float(r.choice((-3, -2, -1, 1, 2, 3))), 0.0
            )
        return Values(
            decimal(r, -2, 2),
            decimal(r, -1, 1),
            float(r.choice((-2, -1, 1, 2, 3))),
            float(r.randint(-3, 3)),
        )

    return draw_or(one, lambda v: _ok(v, difficulty), FALLBACK[difficulty])


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    g = grads(v, difficulty)
    if difficulty == 1:
        code = "\n".join(
            [
                "import tensorflow as tf",
                "",
                f"x = tf.Variable({float_literal(v.x)})",
                "with tf.GradientTape() as tape:",
                f"    y = {num(v.a)} * x**2 + {signed(v.b)} * x",
                "dy_dx = tape.gradient(y, x)",
            ]
        )
        prompt = (
            "Give (a) the value of dy_dx after this code runs, and (b) what tape.gradient(y, x) "
            f"would return had the first line been x = tf.constant({float_literal(v.x)})."
        )
        parts: tuple[Part, ...] = (
            Part("a", "dy_dx", g[0], mistakes=distinct(g[0], _mistakes(v, 1))),
            Part(
                "b",
                "with x a tf.constant",
                1,
                kind="choice",
                options=CONSTANT_OPTIONS,
                mistakes=tuple(
                    Mistake(
                        f"constant-{n}",
                        n,
                        "A tape watches tf.Variable objects "
                        "automatically; a constant only after tape.watch(x), so "
                        "the gradient is None.",
                    )
                    for n in (2, 3, 4)
                ),
            ),
        )
        steps: tuple[Step, ...] = (
            Step(
                "Differentiate y with respect to x.",
                f"dy/dx = 2·{num(v.a)}·x + {signed(v.b)}",
                f"2 × {num(v.a)} × {signed(v.x)} + {signed(v.b)} = {num(g[0])}",
            ),
            Step("A tf.constant is not watched, so the tape has no path to it.", "", "None"),
        )
    else:
        code = "\n".join(
            [
                "import tensorflow as tf",
                "",
                f"w = tf.Variable({float_literal(v.a)})",
                f"b = tf.Variable({float_literal(v.b)})",
                f"x, target = {num(v.x)}, {num(v.t)}",
                "with tf.GradientTape() as tape:",
                "    y = w * x + b",
                "    loss = (y - target) ** 2",
                "dw, db = tape.gradient(loss, [w, b])",
            ]
        )
        u = v.a * v.x + v.b - v.t
        prompt = (
            "Give (a) [dw, db] after this code runs, and (b) what a second "
            "tape.gradient(loss, [w, b]) on the same tape would give."
        )
        parts = (
            Part("a", "[dw, db]", g, kind="vector", mistakes=distinct(g, _mistakes(v, 2))),
            Part(
                "b",
                "a second tape.gradient call",
                3,
                kind="choice",
                options=SECOND_CALL_OPTIONS,
                mistakes=tuple(
                    Mistake(
                        f"second-call-{n}",
                        n,
                        "A tape made without "
                        "persistent=True frees its record after the first "
                        "gradient call; a second call raises RuntimeError.",
                    )
                    for n in (1, 2, 4)
                ),
            ),
        )
        steps = (
            Step(
                "The residual.",
                "u = w·x + b − target",
                f"{num(v.a)} × {signed(v.x)} + {signed(v.b)} − {signed(v.t)} = {num(u)}",
            ),
            Step(
                "The chain rule through u².",
                "∂loss/∂w = 2u·x, ∂loss/∂b = 2u",
                f"[{num(g[0])}, {num(g[1])}]",
            ),
            Step(
                "A non-persistent tape answers once.",
                "tf.GradientTape(persistent=True) allows several calls",
                "RuntimeError",
            ),
        )
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="tf.GradientTape by hand",
        prompt=prompt,
        parts=parts,
        solution=steps,
        hints=(
            "tape.gradient(target, sources) is the derivative of target with respect to each "
            "source, at the recorded values.",
            "Only watched values get gradients: Variables automatically, tensors via tape.watch.",
        ),
        code=code,
    )
