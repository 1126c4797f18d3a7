"""Backpropagation through one sigmoid neuron: ∂L/∂w and ∂L/∂b under mse or bce."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from gradeck.exercises.families import _nets
from gradeck.exercises.families._draw import (
    apart,
    carry,
    check_difficulty,
    choice_where,
    choose_param,
    clean,
    decimal_where,
    decimals,
    draw_or,
    num,
    number_at,
    rng,
    signed,
    vec,
    vector_at,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step, Value

FAMILY = "neuron-backprop"
DIFFICULTIES = (1, 2)
LOSSES = ("mse", "bce")
BATCH = {1: 1, 2: 2}
INPUTS = {1: 1, 2: 2}

Vector = tuple[float, ...]


@dataclass(frozen=True)
class Values:
    loss: str
    w: Vector
    b: float
    xs: tuple[Vector, ...]  # one row per sample
    ys: Vector


@lru_cache(maxsize=16)  # the accepted draw's record is reused by generate()
def grads(v: Values) -> _nets.NeuronGrads:
    return _nets.neuron_grads(v.loss, v.w, v.xs, v.b, v.ys)


def _backward(v: Values, acts: Vector) -> tuple[float, float]:
    """(∂L/∂w₁, ∂L/∂b) by the chain rule from the outputs `acts` (a learner's, for carry)."""
    slopes = _nets.output_grads(v.loss, acts, v.ys)
    dz = [d * a * (1 - a) for d, a in zip(slopes, acts, strict=True)]
    return sum(d * x[0] for d, x in zip(dz, v.xs, strict=True)), sum(dz)


def _mistakes(v: Values, g: _nets.NeuronGrads, weight: bool) -> list[Mistake]:
    """Wrong ∂L/∂w₁ (weight) or ∂L/∂b, each summing per-sample terms with a slip in them."""
    m = len(v.xs)
    inputs = [x[0] if weight else 1.0 for x in v.xs]

    def total(terms: Sequence[float]) -> float:
        return clean(sum(t * x for t, x in zip(terms, inputs, strict=True)))

    right = total(g.dl_dz)
    found = [
        Mistake(
            "activation-derivative-forgotten",
            total(g.dl_da),
            "The chain rule passes through the sigmoid: multiply ∂L/∂a by σ'(z) = a(1 − a).",
        ),
        Mistake(
            "sigma-for-derivative",
            total([d * a for d, a in zip(g.dl_da, g.a, strict=True)]),
            "That uses σ(z) where the chain rule needs σ'(z) = σ(z)(1 − σ(z)).",
        ),
        Mistake(
            "error-sign-flipped",
            -right,
            "The error is ŷ − y (prediction minus target); y − ŷ flips every gradient.",
        ),
    ]
    if v.loss == "mse":
        found.append(
            Mistake(
                "factor-two-forgotten",
                clean(right / 2),
                "The derivative of (ŷ − y)² is 2(ŷ − y): the 2 stays (this loss has no ½).",
            )
        )
    else:
        found.append(
            Mistake(
                "sigmoid-derivative-twice",
                total([d * a * (1 - a) for d, a in zip(g.dl_dz, g.a, strict=True)]),
                "With bce after a sigmoid, ∂L/∂z is already ŷ − y: the σ' is cancelled, "
                "so it is not multiplied in again.",
            )
        )
    if m > 1:
        found.append(
            Mistake(
                "sum-instead-of-mean",
                clean(right * m),
                f"The loss is the mean over the {m} samples, so each sample's term is "
                f"divided by {m}.",
            )
        )
    return found


def _output_mistakes(g: _nets.NeuronGrads) -> list[Mistake]:
    one = len(g.a) == 1
    return [
        Mistake(
            "activation-forgotten",
            clean(g.z[0]) if one else tuple(g.z),
            "That is z = w·x + b; the output is σ(z).",
        ),
        Mistake(
            "exponent-sign",
            1 - g.a[0] if one else tuple(1 - a for a in g.a),
            "That is 1/(1 + e^z): σ(z) = 1/(1 + e^(−z)) has a minus sign in the exponent.",
        ),
    ]


def _ok(v: Values) -> bool:
    g = grads(v)
    if any(abs(a - y) < 0.1 or abs(z) < 0.1 for a, y, z in zip(g.a, v.ys, g.z, strict=True)):
        return False
    outputs = g.a[0] if len(g.a) == 1 else g.a
    if not apart(outputs, _output_mistakes(g)):
        return False
    dw, db = g.dl_dw[0], g.dl_db
    if not (0.01 <= abs(dw) <= 5 and 0.01 <= abs(db) <= 5):
        return False
    return apart(dw, _mistakes(v, g, True)) and apart(db, _mistakes(v, g, False))


# Acceptable under either loss (the tests check both).
FALLBACK = {
    1: Values("bce", w=(-1.0,), b=0.3, xs=((1.9,),), ys=(0.0,)),
    2: Values("bce", w=(0.8, -0.2), b=-0.6, xs=((0.1, 1.7), (0.3, 0.4)), ys=(0.0, 0.0)),
}


def draw(seed: int, difficulty: int, loss: str | None = None) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    loss = choose_param("loss", loss, LOSSES, r)
    m, n = BATCH[difficulty], INPUTS[difficulty]

    def slope(a: float, y: float) -> float:
        """∂L/∂z of one sample, the mean's 1/m included."""
        return ((a - y) if loss == "bce" else 2 * (a - y) * a * (1 - a)) / m

    def target(a: float, totals: tuple[float, float, float] | None) -> float:
        """A target at least 0.11 from the output a (y − ŷ not next to 0); for the last sample,
        `totals` = (the earlier samples' ∂L/∂w₁ and ∂L/∂b, this one's x₁), one that also keeps
        both gradients clear of 0. Both are _ok's checks."""

        def fits(y: float) -> bool:
            if abs(a - y) < 0.11:
                return False
            if totals is None:
                return True
            dw, db, x = totals
            dz = slope(a, y)
            return min(abs(dw + dz * x), abs(db + dz)) >= 0.012

        if loss == "bce":
            return choice_where(r, (0.0, 1.0), fits)
        return decimal_where(r, 0, 1, fits, 1, nonzero=False)

    def one() -> Values:
        # b drawn to keep every z clear of 0, then each target as `target`: _ok's first
        # checks, which most draws failed (plain floats; _ok decides on the engine's).
        w = decimals(r, n, -1.5, 1.5)
        xs = tuple(decimals(r, n, -2, 2) for _ in range(m))
        dots = [sum(wi * xi for wi, xi in zip(w, x, strict=True)) for x in xs]
        b = decimal_where(r, -1, 1, lambda b: all(abs(d + b) >= 0.11 for d in dots), 1)
        ys: list[float] = []
        dw = db = 0.0
        for i, (d, x) in enumerate(zip(dots, xs, strict=True)):
            a = 1 / (1 + math.exp(-(d + b)))
            y = target(a, (dw, db, x[0]) if i == m - 1 else None)
            ys.append(y)
            dz = slope(a, y)
            dw, db = dw + dz * x[0], db + dz
        return Values(loss, w=w, b=b, xs=xs, ys=tuple(ys))

    return draw_or(one, _ok, replace(FALLBACK[difficulty], loss=loss))


LOSS_TEXT = {
    "mse": "the mean squared error L = (1/m)·Σ (ŷ − y)² over the m samples of the batch "
    "(as torch.nn.MSELoss; no ½ in front)",
    "bce": "the binary cross-entropy L = −(1/m)·Σ [y·log ŷ + (1 − y)·log(1 − ŷ)] over the m "
    "samples of the batch (as torch.nn.BCELoss, natural log)",
}
LOSS_SLOPE = {
    "mse": ("∂L/∂ŷ = 2(ŷ − y)/m", "2 × ({a} − {y}) / {m}"),
    "bce": ("∂L/∂ŷ = (−y/ŷ + (1 − y)/(1 − ŷ))/m", "(−{y}/{a} + (1 − {y})/(1 − {a})) / {m}"),
}


def _steps(v: Values, g: _nets.NeuronGrads) -> tuple[Step, ...]:
    m = len(v.xs)
    sample = (lambda i: f"sample {i + 1}: ") if m > 1 else (lambda i: "")
    forward = []
    for i, x in enumerate(v.xs):
        products = " + ".join(f"{signed(w)}×{signed(xi)}" for w, xi in zip(v.w, x, strict=True))
        forward.append(
            f"{sample(i)}z = {products} + {signed(v.b)} = {num(g.z[i])}, "
            f"ŷ = σ({num(g.z[i])}) = {num(g.a[i])}"
        )
    formula, pattern = LOSS_SLOPE[v.loss]
    slopes = "\n".join(
        sample(i) + pattern.format(a=num(a), y=num(y), m=m) + f" = {num(d)}"
        for i, (a, y, d) in enumerate(zip(g.a, v.ys, g.dl_da, strict=True))
    )
    chain = "\n".join(
        f"{sample(i)}{num(d)} × {num(a)} × (1 − {num(a)}) = {num(dz)}"
        for i, (d, a, dz) in enumerate(zip(g.dl_da, g.a, g.dl_dz, strict=True))
    )
    note = " With bce this simplifies to (ŷ − y)/m: σ' cancels." if v.loss == "bce" else ""
    w_terms = " + ".join(
        f"{signed(dz)}×{signed(x[0])}" for dz, x in zip(g.dl_dz, v.xs, strict=True)
    )
    b_terms = " + ".join(signed(dz) for dz in g.dl_dz) + " = " if m > 1 else ""
    w1 = "w" if len(v.w) == 1 else "w₁"
    x1 = "x" if len(v.w) == 1 else "x₁"
    return (
        Step("Forward pass.", "z = w·x + b,  ŷ = σ(z)", "\n".join(forward)),
        Step("Differentiate the loss with respect to the output.", formula, slopes),
        Step(
            "Through the sigmoid: multiply by its slope σ'(z) = ŷ(1 − ŷ)." + note,
            "∂L/∂z = ∂L/∂ŷ · ŷ(1 − ŷ)",
            chain,
        ),
        Step(
            f"z depends on {w1} through {x1} and on b with slope 1; add up over the samples.",
            f"∂L/∂{w1} = Σ ∂L/∂z · {x1},  ∂L/∂b = Σ ∂L/∂z",
            f"∂L/∂{w1} = {w_terms} = {num(g.dl_dw[0])}\n∂L/∂b = {b_terms}{num(g.dl_db)}",
        ),
    )


def generate(seed: int, difficulty: int, loss: str | None = None) -> Exercise:
    v = draw(seed, difficulty, loss)
    g = grads(v)
    m = len(v.xs)
    a_right: Value = clean(g.a[0]) if m == 1 else tuple(g.a)

    def learner_a(answers: Sequence[Value | None]) -> Vector:
        if m == 1:
            return (number_at(answers, 0, g.a[0]),)
        return vector_at(answers, 0, g.a)

    def carried(index: int) -> Callable:
        right = (g.dl_dw[0], g.dl_db)[index]
        return carry(right, lambda ans: _backward(v, learner_a(ans))[index])

    if m == 1:
        given = (
            f"weight w = {num(v.w[0])} and bias b = {num(v.b)}. For the input x = "
            f"{num(v.xs[0][0])} the target is y = {num(v.ys[0])}"
        )
        wname = "w"
        part_a = Part("a", "the output ŷ", a_right, mistakes=tuple(_output_mistakes(g)))
    else:
        rows = "; ".join(
            f"x = {vec(x)} with target y = {num(y)}" for x, y in zip(v.xs, v.ys, strict=True)
        )
        given = f"weights w = {vec(v.w)} and bias b = {num(v.b)}. The batch has {m} samples: {rows}"
        wname = "w₁"
        part_a = Part(
            "a",
            "the outputs ŷ for the samples, as a vector",
            a_right,
            kind="vector",
            mistakes=tuple(_output_mistakes(g)),
        )
    prompt = (
        f"A neuron computes ŷ = σ(w·x + b) with the sigmoid σ(z) = 1/(1 + e^(−z)), "
        f"{given}. The loss is {LOSS_TEXT[v.loss]}; here m = {m}. Give (a) the output ŷ"
        + (" of each sample" if m > 1 else "")
        + f", (b) ∂L/∂{wname} and (c) ∂L/∂b."
    )
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title=f"Backpropagation through a neuron ({v.loss})",
        prompt=prompt,
        parts=(
            part_a,
            Part(
                "b",
                f"∂L/∂{wname}",
                clean(g.dl_dw[0]),
                mistakes=tuple(_mistakes(v, g, True)),
                carry=carried(0),
            ),
            Part(
                "c",
                "∂L/∂b",
                clean(g.dl_db),
                mistakes=tuple(_mistakes(v, g, False)),
                carry=carried(1),
            ),
        ),
        solution=_steps(v, g),
        hints=(
            "Chain rule: ∂L/∂w = ∂L/∂ŷ · ∂ŷ/∂z · ∂z/∂w.",
            "∂ŷ/∂z = σ'(z) = ŷ(1 − ŷ); ∂z/∂w = x and ∂z/∂b = 1.",
        ),
        network=(len(v.w), 1),
    )
