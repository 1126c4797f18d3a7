"""What .grad holds after loss.backward(), by hand, including accumulation without zero_grad.

The listing runs two backward passes without optimizer.zero_grad(), so the second .grad is the
sum of both gradients, as in torch. The engine, whose leaf gradients accumulate the same way,
computes every answer; at difficulty 2 its SGD steps between the two passes.
"""

from __future__ import annotations

from dataclasses import dataclass

from gradeck.exercises.families._draw import (
    carry,
    check_difficulty,
    decimal,
    distinct,
    draw_or,
    float_literal,
    num,
    number_at,
    rng,
    signed,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "autograd-backward"
DIFFICULTIES = (1, 2)
RATES = (0.1, 0.05, 0.01)


@dataclass(frozen=True)
class Values:
    w: float
    data: tuple[tuple[float, float], ...]  # (x, y) for each pass; the same twice at difficulty 1
    lr: float  # 0 at difficulty 1 (no optimizer)


@dataclass(frozen=True)
class Run:
    grads: tuple[float, ...]  # w.grad after each backward()
    weights: tuple[float, ...]  # w after each step (difficulty 2)
    fresh: tuple[float, ...]  # each pass's own gradient, as if zero_grad() had been called


def run(v: Values) -> Run:
    """The listing, executed by the engine: backward() twice, SGD steps when there is a rate."""
    from gradeck.engine import SGD, Tensor

    w = Tensor(v.w, requires_grad=True)
    opt = SGD([w], lr=v.lr) if v.lr else None
    grads, weights, fresh = [], [], []
    for x, y in v.data:
        before = 0.0 if w.grad is None else float(w.grad)
        loss = (w * x - y) ** 2
        loss.backward()
        assert w.grad is not None
        grads.append(float(w.grad))
        fresh.append(float(w.grad) - before)
        if opt is not None:
            opt.step()
            weights.append(float(w.data))
    return Run(tuple(grads), tuple(weights), tuple(fresh))


def gradient(w: float, x: float, y: float) -> float:
    return 2 * (w * x - y) * x


def _ok(v: Values) -> bool:
    r = run(v)
    if any(abs(g) < 0.1 for g in r.fresh) or any(abs(g) > 200 for g in r.grads):
        return False
    ok = len(distinct(r.fresh[0], _first_mistakes(v))) == 2
    return ok and len(distinct(r.grads[1], [Mistake("z", r.fresh[1], "")])) == 1


def _first_mistakes(v: Values) -> list[Mistake]:
    x, y = v.data[0]
    return [
        Mistake("factor-two-forgotten", (v.w * x - y) * x, "d(u²)/du = 2u: keep the factor 2."),
        Mistake("inner-derivative-forgotten", 2 * (v.w * x - y), "Multiply by ∂(w·x − y)/∂w = x."),
    ]


FALLBACK = {
    1: Values(1.1, ((-2.0, -3.0), (-2.0, -3.0)), 0.0),
    2: Values(-0.4, ((3.0, 0.0), (-1.0, 3.0)), 0.01),
}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)

    def one() -> Values:
        w = decimal(r, -2, 2)
        first = (float(r.choice((-2, -1, 1, 2, 3))), float(r.randint(-3, 3)))
        if difficulty == 1:
            return Values(w, (first, first), 0.0)
        second = (float(r.choice((-2, -1, 1, 2, 3))), float(r.randint(-3, 3)))
        return Values(w, (first, second), r.choice(RATES))

    return draw_or(one, _ok, FALLBACK[difficulty])


def _listing(v: Values) -> str:
    (x1, y1), (x2, y2) = v.data
    if not v.lr:
        return "\n".join(
            [
                "import torch",
                "",
                f"w = torch.tensor({float_literal(v.w)}, requires_grad=True)",
                "for step in range(2):",
                f"    loss = (w * {num(x1)} - {signed(y1)}) ** 2",
                "    loss.backward()",
                "    print(step, w.grad)",
            ]
        )
    return "\n".join(
        [
            "import torch",
            "",
            f"w = torch.tensor({float_literal(v.w)}, requires_grad=True)",
            f"optimizer = torch.optim.SGD([w], lr={num(v.lr)})",
            f"for x, y in [({num(x1)}, {num(y1)}), ({num(x2)}, {num(y2)})]:",
            "    loss = (w * x - y) ** 2",
            "    loss.backward()",
            "    optimizer.step()",
            "    print(w.grad.item(), w.item())",
        ]
    )


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    r = run(v)
    (x1, y1), (x2, y2) = v.data
    g1 = r.grads[0]
    first = Part(
        "a", "w.grad after the first backward()", g1, mistakes=distinct(g1, _first_mistakes(v))
    )
    steps = [
        Step(
            "The first backward() fills w.grad with ∂loss/∂w.",
            "∂/∂w (w·x − y)² = 2(w·x − y)·x",
            f"2 × ({num(v.w)} × {signed(x1)} − {signed(y1)}) × {signed(x1)} = {num(g1)}",
        )
    ]
    if not v.lr:
        prompt = (
            "The loop below computes the same loss twice and calls loss.backward() each time, "
            "with no zero_grad() in between. Give what it prints as w.grad (a) at step 0 and "
            "(b) at step 1."
        )
        parts: tuple[Part, ...] = (
            first,
            Part(
                "b",
                "w.grad printed at step 1",
                r.grads[1],
                mistakes=distinct(
                    r.grads[1],
                    [
                        Mistake(
                            "overwritten", g1, "backward() adds to .grad; it does not replace it."
                        ),
                        Mistake(
                            "squared", g1 * g1, "The second gradient is added, not multiplied."
                        ),
                    ],
                ),
                carry=carry(r.grads[1], lambda ans: 2 * number_at(ans, 0, g1)),
            ),
        )
        steps.append(
            Step(
                "The second backward() adds the same gradient again: leaf gradients accumulate.",
                "w.grad ← w.grad + ∂loss/∂w",
                f"{num(g1)} + {signed(g1)} = {num(r.grads[1])}",
            )
        )
    else:
        w1, w2 = r.weights
        g2 = r.fresh[1]
        prompt = (
            f"The loop below takes two SGD steps (lr = {num(v.lr)}, w ← w − lr·w.grad) but never "
            f"calls optimizer.zero_grad(). Give (a) w.grad after the first backward(), (b) w "
            f"after the first step, (c) w.grad after the second backward() and (d) w after the "
            f"second step."
        )
        parts = (
            first,
            Part(
                "b",
                "w after the first step",
                w1,
                mistakes=distinct(
                    w1,
                    [
                        Mistake("lr-forgotten", v.w - g1, "Multiply the gradient by lr."),
                        Mistake("ascent", v.w + v.lr * g1, "Step against the gradient: w − lr·g."),
                    ],
                ),
                carry=carry(w1, lambda ans: v.w - v.lr * number_at(ans, 0, g1)),
            ),
            Part(
                "c",
                "w.grad after the second backward()",
                r.grads[1],
                mistakes=distinct(
                    r.grads[1],
                    [
                        Mistake(
                            "zeroed",
                            g2,
                            "Without zero_grad() the new gradient is added to the "
                            "old one in w.grad.",
                        ),
                        Mistake(
                            "old-weight",
                            g1 + gradient(v.w, x2, y2),
                            "The second pass runs at the updated w.",
                        ),
                    ],
                ),
                carry=carry(
                    r.grads[1],
                    lambda ans: number_at(ans, 0, g1) + gradient(number_at(ans, 1, w1), x2, y2),
                ),
            ),
            Part(
                "d",
                "w after the second step",
                w2,
                mistakes=distinct(
                    w2,
                    [
                        Mistake(
                            "zeroed",
                            w1 - v.lr * g2,
                            "step() uses all of w.grad, the first batch's gradient included.",
                        ),
                    ],
                ),
                carry=carry(
                    w2, lambda ans: number_at(ans, 1, w1) - v.lr * number_at(ans, 2, r.grads[1])
                ),
            ),
        )
        steps += [
            Step(
                "The first step.",
                "w ← w − lr·w.grad",
                f"{num(v.w)} − {num(v.lr)} × {signed(g1)} = {num(w1)}",
            ),
            Step(
                "The second pass's own gradient, at the new w, is added to the old one.",
                "w.grad ← w.grad + 2(w·x − y)·x",
                f"2 × ({num(w1)} × {signed(x2)} − {signed(y2)}) × {signed(x2)} = {num(g2)}; "
                f"{num(g1)} + {signed(g2)} = {num(r.grads[1])}",
            ),
            Step(
                "The second step uses the accumulated gradient.",
                "w ← w − lr·w.grad",
                f"{num(w1)} − {num(v.lr)} × {signed(r.grads[1])} = {num(w2)}",
            ),
        ]
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="loss.backward() and .grad by hand",
        prompt=prompt,
        parts=parts,
        solution=tuple(steps),
        hints=(
            "∂/∂w (w·x − y)² = 2(w·x − y)·x, evaluated at the current w.",
            "backward() adds into .grad; only zero_grad() (or setting .grad to None) clears it.",
        ),
        code=_listing(v),
    )
